#include "store/RunRecords.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "util/Errors.h"

namespace palaestra {

std::string runStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::Queued: return "queued";
    case RunStatus::Running: return "running";
    case RunStatus::Finished: return "finished";
    case RunStatus::Interrupted: return "interrupted";
    case RunStatus::Failed: return "failed";
    case RunStatus::Crashed: return "crashed";
  }
  return "running";  // unreachable: every enumerator is handled above
}

RunStatus runStatusFromName(const std::string& name) {
  if (name == "queued") return RunStatus::Queued;
  if (name == "running") return RunStatus::Running;
  if (name == "finished") return RunStatus::Finished;
  if (name == "interrupted") return RunStatus::Interrupted;
  if (name == "failed") return RunStatus::Failed;
  if (name == "crashed") return RunStatus::Crashed;
  throw ConfigError("unknown run status '" + name +
                    "' (expected queued, running, finished, interrupted, failed or crashed)");
}

std::string episodeKindName(EpisodeKind kind) {
  switch (kind) {
    case EpisodeKind::Train:
      return "train";
    case EpisodeKind::Eval:
      return "eval";
    case EpisodeKind::Play:
      return "play";
  }
  return "train";
}

EpisodeKind episodeKindFromName(const std::string& name) {
  if (name == "train") return EpisodeKind::Train;
  if (name == "eval") return EpisodeKind::Eval;
  if (name == "play") return EpisodeKind::Play;
  throw ConfigError("unknown episode kind '" + name + "' (expected train, eval or play)");
}

std::string curriculumEventKindName(CurriculumEventKind kind) {
  switch (kind) {
    case CurriculumEventKind::Start:
      return "start";
    case CurriculumEventKind::Sample:
      return "sample";
    case CurriculumEventKind::Outcome:
      return "outcome";
    case CurriculumEventKind::Refit:
      return "refit";
    case CurriculumEventKind::Edit:
      return "edit";
    case CurriculumEventKind::RefusedEdit:
      return "refused_edit";
  }
  return "sample";
}

CurriculumEventKind curriculumEventKindFromName(const std::string& name) {
  for (auto kind :
       {CurriculumEventKind::Start, CurriculumEventKind::Sample, CurriculumEventKind::Outcome,
        CurriculumEventKind::Refit, CurriculumEventKind::Edit, CurriculumEventKind::RefusedEdit})
    if (curriculumEventKindName(kind) == name) return kind;
  throw ConfigError("unknown curriculum event kind '" + name +
                    "' (expected start, sample, outcome, refit, edit or refused_edit)");
}

std::string describeCrashedRun(const CrashedRun& run, double now) {
  std::string line = "run " + std::to_string(run.runId) + " '" + run.name + "' crashed";
  if (run.previousStatus == RunStatus::Queued) line += " while queued";
  line += ": " + run.why;
  if (run.lastHeartbeat) {
    const std::time_t t = static_cast<std::time_t>(*run.lastHeartbeat);
    std::tm tm{};
    localtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    const long ago = std::lround(std::max(0.0, now - *run.lastHeartbeat));
    line += "; last heartbeat " + std::string(when) + " (" + std::to_string(ago) + " s ago)";
  } else {
    line += "; no heartbeat recorded";
  }
  line += run.marked ? "; marked crashed" : "; not marked (" + run.notMarkedBecause + ")";
  return line;
}

}  // namespace palaestra
