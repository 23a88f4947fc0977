#include "store/RunRecords.h"

#include "util/Errors.h"

namespace palaestra {

std::string runStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::Queued: return "queued";
    case RunStatus::Running: return "running";
    case RunStatus::Finished: return "finished";
    case RunStatus::Interrupted: return "interrupted";
    case RunStatus::Failed: return "failed";
  }
  return "running";  // unreachable: every enumerator is handled above
}

RunStatus runStatusFromName(const std::string& name) {
  if (name == "queued") return RunStatus::Queued;
  if (name == "running") return RunStatus::Running;
  if (name == "finished") return RunStatus::Finished;
  if (name == "interrupted") return RunStatus::Interrupted;
  if (name == "failed") return RunStatus::Failed;
  throw ConfigError("unknown run status '" + name +
                    "' (expected queued, running, finished, interrupted or failed)");
}

std::string episodeKindName(EpisodeKind kind) {
  return kind == EpisodeKind::Eval ? "eval" : "train";
}

EpisodeKind episodeKindFromName(const std::string& name) {
  if (name == "train") return EpisodeKind::Train;
  if (name == "eval") return EpisodeKind::Eval;
  throw ConfigError("unknown episode kind '" + name + "' (expected train or eval)");
}

}  // namespace palaestra
