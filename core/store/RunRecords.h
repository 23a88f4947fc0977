#pragma once
// Plain records read from and written to the run store: runs, metric points,
// checkpoints and episode summaries. No SQLite here, so callers (CLI, app)
// can pass them around freely.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay/EpisodeRecord.h"
#include "util/Version.h"

namespace palaestra {

/// Lifecycle of a training run. Queued: created, waiting for free cores to start. Crashed: its
/// process died while it was queued or running (found by a later open of the store).
enum class RunStatus { Queued, Running, Finished, Interrupted, Failed, Crashed };

/// "queued", "running", "finished", "interrupted", "failed" or "crashed".
std::string runStatusName(RunStatus status);
/// Parses a status name; throws ConfigError naming the text if it is none of the six.
RunStatus runStatusFromName(const std::string& name);

/// Why an episode was recorded: during training, by an evaluation, or people playing (a match in
/// the app).
enum class EpisodeKind { Train, Eval, Play };

/// "train", "eval" or "play".
std::string episodeKindName(EpisodeKind kind);
/// Parses "train" / "eval" / "play"; throws ConfigError naming the text otherwise.
EpisodeKind episodeKindFromName(const std::string& name);

/// What a curriculum event records. Start: the curriculum a training (or a resume) began with;
/// Sample: a task the teacher chose for an env's episode; Outcome: that episode's return;
/// Refit: the teacher's model changed (GMM refit, region split, box grown, stage advanced);
/// Edit: a person's change, applied; RefusedEdit: a change refused, with the reason.
enum class CurriculumEventKind { Start, Sample, Outcome, Refit, Edit, RefusedEdit };

/// "start", "sample", "outcome", "refit", "edit" or "refused_edit".
std::string curriculumEventKindName(CurriculumEventKind kind);
/// Parses a kind name; throws ConfigError naming the text if it is none of the six.
CurriculumEventKind curriculumEventKindFromName(const std::string& name);

/// One event of a run's curriculum, in the order it happened.
struct CurriculumEvent {
  int64_t id = 0;         // row id in the store (0 before it is stored); orders the events
  int64_t step = 0;       // env steps of the run when it happened
  double wallTime = 0.0;  // seconds since the Unix epoch
  CurriculumEventKind kind = CurriculumEventKind::Sample;
  int env = -1;                 // the env of a sample or outcome (-1: none)
  int64_t episode = -1;         // that env's episode index (-1: none)
  std::string dataJson = "{}";  // the kind's payload: task, return, model, section, error
};

/// What the caller supplies to create a run; the store adds id and times.
struct NewRun {
  std::string name;                               // user-facing label, e.g. "walker-ppo-3"
  std::string env;                                // registry name of the env
  std::string configJson = "{}";                  // the full training config (must be valid JSON)
  uint64_t seed = 0;                              // master seed of the run
  std::string codeVersion = gitVersion();  // `git describe` of the code that trained it
  std::string notes;                              // free text
  RunStatus status = RunStatus::Running;          // Queued: startedAt stays unset until
                                                  // updateRun sets it when the run starts
};

/// A run as stored.
struct RunInfo {
  int64_t id = 0;
  std::string name;
  std::string env;
  std::string configJson;
  uint64_t seed = 0;
  std::string codeVersion;
  double createdAt = 0.0;             // wall time, seconds since the Unix epoch
  std::optional<double> startedAt;    // set at creation unless queued; updateRun may move it
  std::optional<double> endedAt;      // unset while running
  RunStatus status = RunStatus::Running;
  int64_t steps = 0;                  // env steps trained so far
  std::string notes;
  std::vector<std::string> tags;      // short labels, trimmed, non-empty, no commas
};

/// Fields of a run to change; unset fields stay as they are.
struct RunUpdate {
  std::optional<RunStatus> status = std::nullopt;
  std::optional<int64_t> steps = std::nullopt;
  std::optional<double> startedAt = std::nullopt;
  std::optional<double> endedAt = std::nullopt;
  bool clearEndedAt = false;  // unset ended_at (a resumed run is running again); wins over endedAt
  std::optional<std::string> configJson = std::nullopt;  // replaces the stored config (valid JSON)
};

/// One point of a metric time series. A NaN value is stored as NULL and read back as NaN.
struct MetricPoint {
  int64_t step = 0;      // env steps of the run when measured
  double wallTime = 0.0; // seconds since the Unix epoch
  std::string name;      // e.g. "train/return_mean", "loss/value"
  double value = 0.0;
};

/// A stored checkpoint without its (possibly large) policy bytes.
struct CheckpointInfo {
  int64_t id = 0;
  int64_t runId = 0;
  int64_t step = 0;
  double createdAt = 0.0;
  std::string metaJson;        // small JSON, e.g. {"eval_return": 212.5}
  int64_t storedBytes = 0;     // compressed size in the store
  int64_t policyBytes = 0;     // size of the policy bytes once decompressed
};

/// The state a run resumes from: opaque training-state bytes saved with one of its checkpoints.
struct ResumeState {
  int64_t runId = 0;
  int64_t checkpointId = 0;
  double createdAt = 0.0;
  std::vector<uint8_t> state;  // decompressed
};

/// A checkpoint with its decompressed policy bytes.
struct Checkpoint {
  CheckpointInfo info;
  std::vector<uint8_t> policy;
};

/// An episode without its action log and hashes: what a list shows.
struct EpisodeSummary {
  int64_t id = 0;
  int64_t runId = 0;
  std::optional<int64_t> checkpointId;  // the policy that played it, if known
  EpisodeKind kind = EpisodeKind::Train;
  int envIndex = 0;
  uint64_t episodeIndex = 0;
  TaskValues task;
  uint64_t seed = 0;
  int length = 0;
  double episodeReturn = 0.0;           // slot 0
  std::vector<double> slotReturns;
  std::string outcome;
  bool terminated = false;
  bool truncated = false;
  double createdAt = 0.0;
  int actionSize = 0;        // floats per step (agents x action size)
  int64_t actionBytes = 0;   // bytes of the stored action log (compressed, as on disk)
};

/// A run that an open of the store found dead: queued or running, but its owning process is
/// gone (same host) or its heartbeat is stale (another host, or a run from before heartbeats).
struct CrashedRun {
  int64_t runId = 0;
  std::string name;
  RunStatus previousStatus = RunStatus::Running;  // queued or running
  std::optional<double> lastHeartbeat;            // wall time the owner last showed life
  std::string why;                                // e.g. "process 4242 on this host is gone"
  bool marked = false;           // status set to crashed; false when the file could not be written
  std::string notMarkedBecause;  // why it was not marked (e.g. the file is read-only)
};

/// One line for people: "run 7 'walker-quick-s1' crashed: process 4242 on this host is gone;
/// last heartbeat 2024-05-01 12:00:03 (35 s before now); marked crashed".
std::string describeCrashedRun(const CrashedRun& run, double now);

/// A full episode: where it is stored and everything needed to replay it.
struct StoredEpisode {
  int64_t id = 0;
  int64_t runId = 0;
  std::optional<int64_t> checkpointId;
  EpisodeKind kind = EpisodeKind::Train;
  double createdAt = 0.0;
  EpisodeRecord record;  // bit-exact copy of what was added
};

}  // namespace palaestra
