#pragma once
// One training run: a batch of envs on a thread pool, a PPO learner, periodic
// deterministic evaluation and checkpoints, and everything stored in a run
// store. Progress goes to a plain listener interface (the CLI prints it; the
// app adapts it to Qt signals). No Qt here.
//
// With a store, every checkpoint also saves the run's resume state (optimiser, normalisers,
// random streams, counters, budget used), so an interrupted or failed run can continue in the
// same run id; and at the end the best checkpoint by evaluation is chosen and marked (see
// BestCheckpointSelection.h): that is the run's result.

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "env/EnvRegistry.h"
#include "rl/OpponentPool.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/CheckpointMeta.h"
#include "train/Evaluator.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"

namespace palaestra {

struct TrainingProgress {
  uint64_t steps = 0;
  double wallSeconds = 0.0;
  double stepsPerSecond = 0.0;   // over the last iteration
  int64_t episodes = 0;          // training episodes finished
  double recentReturn = std::numeric_limits<double>::quiet_NaN();  // mean of the last 20
  double lastEvalReturn = std::numeric_limits<double>::quiet_NaN();
  double bestEvalReturn = std::numeric_limits<double>::quiet_NaN();
  double fractionDone = 0.0;     // of the step or time budget, whichever is nearer
  double etaSeconds = std::numeric_limits<double>::quiet_NaN();
};

class TrainingListener {
 public:
  virtual ~TrainingListener() = default;
  /// After every PPO iteration.
  virtual void onProgress(const TrainingProgress&) {}
  /// After every evaluation (the final one included).
  virtual void onEvaluation(uint64_t /*step*/, const EvalResult&) {}
  /// After every PPO update, on the training thread; copy what is needed, the policy changes next update.
  virtual void onPolicyUpdated(const Policy&) {}
  /// Between iterations: may block while the run is paused, and must return once `stop` turns true.
  /// Time spent here counts neither toward a minutes budget nor toward the ETA.
  virtual void waitWhilePaused(const std::atomic<bool>& /*stop*/) {}
};

struct TrainingResult {
  int64_t runId = 0;              // 0 when trained without a store
  uint64_t steps = 0;
  double wallSeconds = 0.0;       // training time of the whole run (sessions before a resume
                                  // included), final evaluation and selection excluded
  double selectionSeconds = 0.0;  // final evaluation and best-checkpoint selection
  int finalEpisodes = 0;
  double evalMeanReturn = 0.0;  // final deterministic evaluation of the last policy
  double evalStdReturn = 0.0;
  double evalMedianReturn = 0.0;
  double evalFallRate = 0.0;
  double evalSuccessRate = 0.0;
  double trainStepsPerSecond = 0.0;
  int64_t finalCheckpointId = 0;  // 0 without a store
  int64_t bestCheckpointId = 0;   // the run's result (0 without a store: the final policy)
  int64_t bestStep = 0;
  EvalFigures bestEval{};        // its evaluation over finalEpisodes episodes
  uint64_t resumedFromStep = 0;  // step of the resume state this session started from (0: none)
  RunStatus status = RunStatus::Finished;
};

/// A run's resume state as the session stores it with a checkpoint (RunStore::saveResumeState).
struct ResumePoint {
  uint64_t step = 0;             // the trainer's global step at the checkpoint
  double trainedSeconds = 0.0;   // training time so far (pauses excluded), for minutes budgets
  uint64_t nextEval = 0;         // step of the next periodic evaluation
  int64_t episodes = 0;          // training episodes finished
  Rng::State keeper{};           // the episode keeper's sampling stream
  std::vector<uint8_t> trainer;  // PpoTrainer::saveState()
  std::string curriculum;        // CurriculumTasks::state() as JSON text; empty without one

  /// The stored bytes (host byte order, like env snapshots).
  std::vector<uint8_t> encode() const;
  /// Reads stored bytes; throws StoreError naming run `runId` if they are not a resume point.
  static ResumePoint decode(std::span<const uint8_t> bytes, int64_t runId);
};

/// What `train --resume` may change: a new budget (the run's total, as in a config) and threads;
/// and what a league changes between rounds: the opponents.
struct ResumeRequest {
  std::optional<uint64_t> steps = std::nullopt;
  std::optional<double> minutes = std::nullopt;
  std::optional<int> threads = std::nullopt;
  nlohmann::json opponents = nullptr;  // a new opponents section (a league's next round)
};

class TrainingSession {
 public:
  /// Prepares a run of `config` (validated: throws ConfigError); with a store, creates the run in it.
  TrainingSession(TrainConfig config, RunStore* store, const std::string& runName);
  /// Prepares to train `config` as the existing run `queuedRunId` of `store`, which must be queued
  /// (throws NotFoundError, or ConfigError naming its status); run() marks it running and started.
  TrainingSession(TrainConfig config, RunStore& store, int64_t queuedRunId);
  /// Prepares to continue run `runId` of `store` from its resume state, with its stored config
  /// and the new budget of `request` if any; throws ConfigError saying why when the run cannot
  /// be resumed (see resumableConfig). run() marks it running and appends to its metrics,
  /// checkpoints and episodes.
  TrainingSession(RunStore& store, int64_t runId, const ResumeRequest& request);
  ~TrainingSession();

  /// What building a session of `config` checks first (the env config, the task, the memory
  /// estimate), without building it or touching a store; throws ConfigError.
  static void check(const TrainConfig& config);

  /// The run's id in the store (0 without a store).
  int64_t runId() const { return runId_; }
  /// The validated config.
  const TrainConfig& config() const { return config_; }
  /// For a resumed session: the step and checkpoint it continues from (0 otherwise).
  uint64_t resumedFromStep() const;
  /// Trains until the budget is spent or `stop` turns true (then the run is marked interrupted).
  TrainingResult run(const std::atomic<bool>& stop, TrainingListener* listener = nullptr);
  /// Replaces the curriculum of the training by `section` at once (safe while run() steps, from
  /// any thread) and returns its canonical form; throws ConfigError naming the field, the
  /// curriculum unchanged, when it is not valid or the run has no curriculum. Stored as an event.
  nlohmann::json editCurriculum(const nlohmann::json& section);
  /// The curriculum section in force (null without a curriculum); safe from any thread.
  nlohmann::json curriculumSection() const;
  /// Games and score against each member of the opponents section, then against itself (empty
  /// without one): what this session's training episodes tallied; safe from any thread.
  std::vector<OpponentTally> opponentTallies() const;

 private:
  struct State;
  TrainConfig config_;
  RunStore* store_;
  const EnvInfo* envInfo_;
  int64_t runId_ = 0;
  bool startsQueuedRun_ = false;
  bool resumesRun_ = false;
  bool configChanged_ = false;  // a resume with a new budget: the stored config is updated
  std::unique_ptr<State> state_;

  void prepare();
};

/// Whether a run with this status stopped before its budget was spent and may be resumed
/// (interrupted, crashed or failed): what the app offers Resume for.
bool isStoppedRunStatus(RunStatus status);

/// The config run `runId` of `store` would resume with (its stored config, the budget and
/// threads of `request` applied), after checking that it can be resumed: it must have stopped
/// (interrupted or failed; finished only with a larger budget), have a resume state, and have
/// budget left. Throws ConfigError with a message saying why not; NotFoundError for an unknown run.
TrainConfig resumableConfig(const RunStore& store, int64_t runId, const ResumeRequest& request);

/// Reads a preset of `env` (or the default) and merges a config file's JSON over it; throws ConfigError.
nlohmann::json presetConfig(const std::string& env, const std::string& preset);

}  // namespace palaestra
