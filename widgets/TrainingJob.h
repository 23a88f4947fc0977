#pragma once
// One training run on its own thread, as the desktop app runs it: the thread
// lowers its CPU priority before the session builds its thread pool (so the
// pool's workers inherit it and the UI stays smooth), then trains an existing
// queued run of the store. Pause, resume and stop are requests the training
// thread honours between iterations. What a viewer needs (the latest policy,
// the last progress) is kept behind a mutex; events go out through callbacks
// called on the training thread. No Qt here: the manager adapts it.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"

namespace palaestra {

class TrainingJob : public TrainingListener {
 public:
  /// What the job reports; every callback runs on the training thread.
  struct Callbacks {
    std::function<void(const TrainingProgress&)> progressed;                    // each iteration
    std::function<void(uint64_t step, double meanReturn)> evaluated;            // each evaluation
    std::function<void(RunStatus status, const std::string& error)> ended;     // last call of the thread
  };

  /// Nice value of the training thread (and so of the session's pool threads it creates).
  static constexpr int kTrainingNiceValue = 10;
  /// Shortest interval between two copies of the policy for latestPolicy().
  static constexpr double kPolicyCopyIntervalSeconds = 0.5;

  /// What the job does with its run.
  enum class Mode {
    StartQueued,  // train the queued run from scratch
    Resume,       // continue the stopped run from its resume state (TrainingSession's resume)
  };

  /// A job that will train the queued run `runId` of `store` with `config` once started, or
  /// with Mode::Resume continue the stopped run (its own stored config; `config` gives threads).
  TrainingJob(std::shared_ptr<RunStore> store, int64_t runId, TrainConfig config,
              Callbacks callbacks, Mode mode = Mode::StartQueued);
  /// Requests a stop and joins the thread (the session then stores the run as interrupted).
  ~TrainingJob() override;
  TrainingJob(const TrainingJob&) = delete;
  TrainingJob& operator=(const TrainingJob&) = delete;

  /// The run this job trains.
  int64_t runId() const { return runId_; }
  /// Starts the training thread with `threads` env threads (overrides the config's); call once.
  void start(int threads);
  /// Whether start() was called.
  bool started() const { return thread_.joinable() || ended_.load(); }
  /// Whether the training thread has made its last callback (join() then returns at once).
  bool ended() const { return ended_.load(); }
  /// Holds the training thread between iterations (true) or lets it go on (false).
  void setPaused(bool paused);
  /// Asks the training thread to stop: the run is checkpointed, evaluated and marked interrupted.
  void requestStop();
  /// Waits for the training thread to end (no-op if never started or already joined).
  void join();

  /// A copy of the policy, refreshed at most every kPolicyCopyIntervalSeconds; null before the first update.
  std::shared_ptr<const Policy> latestPolicy() const;
  /// How many times latestPolicy() has been refreshed (0 before the first update).
  uint64_t policyVersion() const { return policyVersion_.load(); }
  /// The last progress report (all zero / NaN before the first iteration).
  TrainingProgress lastProgress() const;

  /// Replaces the running training's curriculum by `section` (TrainingSession::editCurriculum)
  /// and returns its canonical form; throws ConfigError when it is refused or the training is not
  /// running.
  nlohmann::json editCurriculum(const nlohmann::json& section);
  /// The running training's curriculum section (null when it has none or is not running).
  nlohmann::json curriculumSection() const;

  /// Records progress and forwards it.
  void onProgress(const TrainingProgress& progress) override;
  /// Forwards the evaluation's mean return.
  void onEvaluation(uint64_t step, const EvalResult& result) override;
  /// Copies the policy if the last copy is old enough.
  void onPolicyUpdated(const Policy& policy) override;
  /// Blocks while paused, until resumed or stopped.
  void waitWhilePaused(const std::atomic<bool>& stop) override;

 private:
  void train(int threads);

  std::shared_ptr<RunStore> store_;
  const int64_t runId_;
  TrainConfig config_;
  Callbacks callbacks_;
  Mode mode_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> ended_{false};
  std::mutex pauseMutex_;
  std::condition_variable pauseChanged_;
  bool paused_ = false;

  mutable std::mutex viewMutex_;
  std::shared_ptr<const Policy> latestPolicy_;
  std::atomic<uint64_t> policyVersion_{0};
  double lastPolicyCopyTime_ = -1.0;  // steady-clock seconds; training thread only
  TrainingProgress lastProgress_;

  mutable std::mutex sessionMutex_;     // guards session_ (edits come from the UI thread)
  TrainingSession* session_ = nullptr;  // the session while train() runs it

  std::thread thread_;
};

}  // namespace palaestra
