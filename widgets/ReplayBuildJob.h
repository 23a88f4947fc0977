#pragma once
// Builds a ReplayTimeline on a worker thread so that opening a replay never
// blocks the UI. The worker simulates a few steps at a time while holding the
// job's mutex; the UI reads the frames built so far under the same mutex, so
// early frames are watchable while the rest builds. Once finished() the worker
// has exited and the timeline is read without locking (from one thread only:
// ReplayTimeline::frame() is not thread-safe).

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"
#include "replay/ReplayTimeline.h"

namespace palaestra {

class ReplayBuildJob {
 public:
  /// Starts re-simulating `record` on `env` (owned) in a worker thread, `chunkSteps` steps per lock.
  ReplayBuildJob(EnvPtr env, EpisodeRecord record, int chunkSteps = 32);
  /// Stops the worker (between chunks) and joins it.
  ~ReplayBuildJob();
  ReplayBuildJob(const ReplayBuildJob&) = delete;
  ReplayBuildJob& operator=(const ReplayBuildJob&) = delete;

  /// Frames built so far (readable without the lock).
  int framesBuilt() const { return framesBuilt_.load(std::memory_order_acquire); }
  /// Frames the finished timeline will have if the replay matches (recorded steps + 1).
  int framesExpected() const { return framesExpected_; }
  /// Whether the worker has finished (complete timeline, or an error).
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  /// Why the build stopped early (the env threw); empty otherwise. Valid once finished().
  const std::string& error() const { return error_; }
  /// Locks out the worker while the caller reads timeline(); unnecessary once finished().
  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mutex_); }
  /// The timeline; read under lock() until finished().
  const ReplayTimeline& timeline() const { return timeline_; }
  /// The env the timeline re-simulates on (its spec names the task parameters).
  const Env& env() const { return *env_; }

 private:
  void run(int chunkSteps);

  EnvPtr env_;
  ReplayTimeline timeline_;
  int framesExpected_ = 0;
  mutable std::mutex mutex_;
  std::atomic<int> framesBuilt_{0};
  std::atomic<bool> finished_{false};
  std::atomic<bool> cancel_{false};
  std::string error_;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace palaestra
