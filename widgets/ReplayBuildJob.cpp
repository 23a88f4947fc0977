#include "widgets/ReplayBuildJob.h"

#include <algorithm>
#include <exception>

namespace palaestra {

ReplayBuildJob::ReplayBuildJob(EnvPtr env, EpisodeRecord record, int chunkSteps)
    : env_(std::move(env)),
      timeline_(*env_, std::move(record)),
      framesExpected_(timeline_.length() + 1),
      worker_([this, chunkSteps] { run(std::max(1, chunkSteps)); }) {}

ReplayBuildJob::~ReplayBuildJob() {
  cancel_.store(true, std::memory_order_release);
  if (worker_.joinable()) worker_.join();
}

void ReplayBuildJob::run(int chunkSteps) {
  try {
    bool complete = false;
    while (!complete && !cancel_.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> guard(mutex_);
      complete = timeline_.buildSome(chunkSteps);
      framesBuilt_.store(timeline_.frameCount(), std::memory_order_release);
    }
  } catch (const std::exception& e) {
    // An env that throws mid-replay leaves the frames built so far watchable.
    std::lock_guard<std::mutex> guard(mutex_);
    error_ = std::string("re-simulation stopped: ") + e.what();
  }
  finished_.store(true, std::memory_order_release);
}

}  // namespace palaestra
