#include "widgets/TrainingJob.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>

#include "util/Errors.h"
#include "util/WallClock.h"

namespace palaestra {

namespace {

double steadySeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

TrainingJob::TrainingJob(std::shared_ptr<RunStore> store, int64_t runId, TrainConfig config,
                         Callbacks callbacks, Mode mode)
    : store_(std::move(store)),
      runId_(runId),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      mode_(mode) {}

TrainingJob::~TrainingJob() {
  requestStop();
  join();
}

void TrainingJob::start(int threads) {
  if (started()) throw std::logic_error("TrainingJob::start called twice");
  thread_ = std::thread([this, threads] { train(threads); });
}

void TrainingJob::setPaused(bool paused) {
  {
    std::lock_guard lock(pauseMutex_);
    paused_ = paused;
  }
  pauseChanged_.notify_all();
}

void TrainingJob::requestStop() {
  {
    // Set under the pause mutex so a thread about to wait cannot miss the wake-up.
    std::lock_guard lock(pauseMutex_);
    stop_.store(true);
  }
  pauseChanged_.notify_all();
}

void TrainingJob::join() {
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const Policy> TrainingJob::latestPolicy() const {
  std::lock_guard lock(viewMutex_);
  return latestPolicy_;
}

TrainingProgress TrainingJob::lastProgress() const {
  std::lock_guard lock(viewMutex_);
  return lastProgress_;
}

void TrainingJob::onProgress(const TrainingProgress& progress) {
  {
    std::lock_guard lock(viewMutex_);
    lastProgress_ = progress;
  }
  if (callbacks_.progressed) callbacks_.progressed(progress);
}

void TrainingJob::onEvaluation(uint64_t step, const EvalResult& result) {
  if (callbacks_.evaluated) callbacks_.evaluated(step, result.meanReturn);
}

void TrainingJob::onPolicyUpdated(const Policy& policy) {
  // Copying a policy costs about as much as a few env steps; a viewer needs a fresh one only
  // every so often, so most updates are skipped.
  const double now = steadySeconds();
  if (lastPolicyCopyTime_ >= 0 && now - lastPolicyCopyTime_ < kPolicyCopyIntervalSeconds) return;
  lastPolicyCopyTime_ = now;
  auto copy = std::make_shared<const Policy>(policy.copy());
  {
    std::lock_guard lock(viewMutex_);
    latestPolicy_ = std::move(copy);
  }
  policyVersion_.fetch_add(1);
}

void TrainingJob::waitWhilePaused(const std::atomic<bool>& stop) {
  std::unique_lock lock(pauseMutex_);
  pauseChanged_.wait(lock, [&] { return !paused_ || stop.load(); });
}

nlohmann::json TrainingJob::editCurriculum(const nlohmann::json& section) {
  std::lock_guard lock(sessionMutex_);
  if (!session_)
    throw ConfigError("run " + std::to_string(runId_) +
                      " is not training now: its curriculum can be edited while it runs");
  return session_->editCurriculum(section);
}

nlohmann::json TrainingJob::curriculumSection() const {
  std::lock_guard lock(sessionMutex_);
  return session_ ? session_->curriculumSection() : nlohmann::json(nullptr);
}

void TrainingJob::train(int threads) {
  RunStatus status = RunStatus::Failed;
  std::string error;
  try {
    // Before the session exists: its thread pool's workers inherit this thread's nice value.
    // Raising one's own nice value needs no privilege; should it still fail, training at normal
    // priority is correct, only the UI is less smooth, so the run goes on.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kTrainingNiceValue);
    std::unique_ptr<TrainingSession> session;
    if (mode_ == Mode::Resume) {
      session =
          std::make_unique<TrainingSession>(*store_, runId_, ResumeRequest{.threads = threads});
    } else {
      TrainConfig config = config_;
      config.threads = threads;
      session = std::make_unique<TrainingSession>(std::move(config), *store_, runId_);
    }
    {
      std::lock_guard lock(sessionMutex_);
      session_ = session.get();
    }
    try {
      status = session->run(stop_, this).status;
    } catch (...) {
      std::lock_guard lock(sessionMutex_);
      session_ = nullptr;
      throw;
    }
    std::lock_guard lock(sessionMutex_);
    session_ = nullptr;
  } catch (const std::exception& e) {
    error = e.what();
    status = RunStatus::Failed;
    // The session marks a run failed once it has started; a queued run that failed before (bad
    // task, store gone) must not stay queued forever. A run that could not be resumed keeps the
    // status it had (interrupted or failed).
    if (mode_ == Mode::StartQueued) {
      try {
        store_->updateRun(runId_, RunUpdate{.status = RunStatus::Failed, .endedAt = nowSeconds()});
      } catch (...) {
      }
    }
  }
  ended_.store(true);
  if (callbacks_.ended) callbacks_.ended(status, error);
}

}  // namespace palaestra
