#pragma once
// One training run: a batch of envs on a thread pool, a PPO learner, periodic
// deterministic evaluation and checkpoints, and everything stored in a run
// store. Progress goes to a plain listener interface (the CLI prints it; the
// app adapts it to Qt signals). No Qt here.

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "env/EnvRegistry.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/Evaluator.h"
#include "train/TrainConfig.h"

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
  double wallSeconds = 0.0;       // training time, final evaluation excluded
  double evalMeanReturn = 0.0;    // final deterministic evaluation
  double evalStdReturn = 0.0;
  double evalSuccessRate = 0.0;
  double trainStepsPerSecond = 0.0;
  RunStatus status = RunStatus::Finished;
};

class TrainingSession {
 public:
  /// Prepares a run of `config` (validated: throws ConfigError); with a store, creates the run in it.
  TrainingSession(TrainConfig config, RunStore* store, const std::string& runName);
  /// Prepares to train `config` as the existing run `queuedRunId` of `store`, which must be queued
  /// (throws NotFoundError, or ConfigError naming its status); run() marks it running and started.
  TrainingSession(TrainConfig config, RunStore& store, int64_t queuedRunId);
  ~TrainingSession();

  /// What building a session of `config` checks first (the env config, the task, the memory
  /// estimate), without building it or touching a store; throws ConfigError.
  static void check(const TrainConfig& config);

  /// The run's id in the store (0 without a store).
  int64_t runId() const { return runId_; }
  /// The validated config.
  const TrainConfig& config() const { return config_; }
  /// Trains until the budget is spent or `stop` turns true (then the run is marked interrupted).
  TrainingResult run(const std::atomic<bool>& stop, TrainingListener* listener = nullptr);

 private:
  struct State;
  TrainConfig config_;
  RunStore* store_;
  const EnvInfo* envInfo_;
  int64_t runId_ = 0;
  bool startsQueuedRun_ = false;
  std::unique_ptr<State> state_;

  void prepare();
};

/// Reads a preset of `env` (or the default) and merges a config file's JSON over it; throws ConfigError.
nlohmann::json presetConfig(const std::string& env, const std::string& preset);

}  // namespace palaestra
