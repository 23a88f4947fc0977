#include "widgets/TrainingManager.h"

#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>

#include "train/TrainConfig.h"
#include "util/Errors.h"
#include "util/WallClock.h"
#include "widgets/TrainingJob.h"

namespace palaestra {

namespace {

// Progress reports reaching the GUI thread per job: a tiny config iterates hundreds of times a
// second, far more than any view can show, and each report is an event to process.
constexpr double kMinProgressIntervalSeconds = 0.05;

bool isActive(TrainingManager::JobState state) {
  using S = TrainingManager::JobState;
  return state == S::Queued || state == S::Running || state == S::Paused || state == S::Stopping;
}

}  // namespace

TrainingManager::TrainingManager(std::shared_ptr<RunStore> store, QObject* parent)
    : QObject(parent), store_(std::move(store)),
      maxConcurrentJobs_(std::max(1, QThread::idealThreadCount())) {
  if (!store_) throw std::invalid_argument("TrainingManager needs a run store");
  qRegisterMetaType<palaestra::TrainingProgress>();
  qRegisterMetaType<palaestra::TrainingManager::JobState>();
}

TrainingManager::~TrainingManager() {
  // No signals from here on: whoever listens may be half destroyed already.
  blockSignals(true);
  for (auto& [runId, job] : jobs_) {
    if (job.state == JobState::Queued && !job.resumes) {
      try {
        store_->updateRun(runId, RunUpdate{.status = RunStatus::Interrupted, .endedAt = nowSeconds()});
      } catch (...) {
        // The store may be gone; nothing to keep then.
      }
    } else if (job.worker) {
      job.worker->setPaused(false);
      job.worker->requestStop();
    }
  }
  // Join after asking every job to stop, so they wind down in parallel. The jobs' queued events
  // to this object are discarded with it.
  for (auto& [runId, job] : jobs_)
    if (job.worker) job.worker->join();
}

int64_t TrainingManager::start(const nlohmann::json& config, const QString& name) {
  // An unknown env or a bad env config is a ConfigError before any row exists.
  TrainConfig validated = configForNewRun(TrainConfig::fromJson(config));
  NewRun run;
  run.name = name.toStdString();
  run.env = validated.env;
  run.configJson = validated.toJson().dump();
  run.seed = validated.seed;
  run.status = RunStatus::Queued;
  const int64_t runId = store_->createRun(run);

  Job& job = jobs_[runId];
  job.configThreads = validated.threads;
  job.worker =
      std::make_unique<TrainingJob>(store_, runId, std::move(validated), callbacksFor(runId));
  emit jobStateChanged(runId, JobState::Queued);
  startQueuedJobs();
  return runId;
}

void TrainingManager::resumeRun(int64_t runId) {
  if (auto it = jobs_.find(runId); it != jobs_.end() && isActive(it->second.state))
    throw ConfigError("run " + std::to_string(runId) + " is " +
                      stateName(it->second.state).toStdString() + " in this session already");
  TrainConfig config = resumableConfig(*store_, runId, {});  // throws ConfigError with the reason
  Job& job = jobs_[runId];
  job.worker.reset();  // an earlier job of this run has ended; its thread is joined here
  job.state = JobState::Queued;
  job.configThreads = config.threads;
  job.threads = 0;
  job.resumes = true;
  job.worker = std::make_unique<TrainingJob>(store_, runId, std::move(config), callbacksFor(runId),
                                             TrainingJob::Mode::Resume);
  emit jobStateChanged(runId, JobState::Queued);
  startQueuedJobs();
}

TrainingJob::Callbacks TrainingManager::callbacksFor(int64_t runId) {
  auto lastEmit = std::make_shared<std::chrono::steady_clock::time_point>();
  TrainingJob::Callbacks callbacks;
  callbacks.progressed = [this, runId, lastEmit](const TrainingProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - *lastEmit).count() < kMinProgressIntervalSeconds) return;
    *lastEmit = now;
    QMetaObject::invokeMethod(
        this, [this, runId, progress] { emit progressed(runId, progress); }, Qt::QueuedConnection);
  };
  callbacks.evaluated = [this, runId](uint64_t step, double meanReturn) {
    QMetaObject::invokeMethod(
        this, [this, runId, step, meanReturn] { emit evaluated(runId, qint64(step), meanReturn); },
        Qt::QueuedConnection);
  };
  callbacks.ended = [this, runId](RunStatus status, const std::string& error) {
    const QString message = QString::fromStdString(error);
    QMetaObject::invokeMethod(
        this, [this, runId, status, message] { onJobEnded(runId, status, message); },
        Qt::QueuedConnection);
  };
  return callbacks;
}

bool TrainingManager::pause(int64_t runId) {
  Job& j = job(runId);
  if (j.state != JobState::Running) return false;
  j.worker->setPaused(true);
  setState(runId, j, JobState::Paused);
  return true;
}

bool TrainingManager::resume(int64_t runId) {
  Job& j = job(runId);
  if (j.state != JobState::Paused) return false;
  j.worker->setPaused(false);
  setState(runId, j, JobState::Running);
  return true;
}

bool TrainingManager::stop(int64_t runId) {
  Job& j = job(runId);
  switch (j.state) {
    case JobState::Queued:
      // Never started: nothing to checkpoint; the row says it will not run (a run waiting to be
      // resumed keeps the status it had).
      if (!j.resumes)
        store_->updateRun(runId,
                          RunUpdate{.status = RunStatus::Interrupted, .endedAt = nowSeconds()});
      j.worker.reset();
      setState(runId, j, JobState::Interrupted);
      return true;
    case JobState::Running:
    case JobState::Paused:
      j.worker->requestStop();
      setState(runId, j, JobState::Stopping);
      return true;
    default:
      return false;
  }
}

void TrainingManager::stopAll() {
  // Queued jobs first, so stopping a running one does not start them.
  for (auto& [runId, j] : jobs_)
    if (j.state == JobState::Queued) stop(runId);
  for (auto& [runId, j] : jobs_)
    if (j.state == JobState::Running || j.state == JobState::Paused) stop(runId);
}

bool TrainingManager::waitForAll(int timeoutMs) {
  if (!hasActiveJobs()) return true;
  QEventLoop loop;
  QTimer timeout;
  timeout.setSingleShot(true);
  connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
  connect(this, &TrainingManager::jobStateChanged, &loop, [this, &loop] {
    if (!hasActiveJobs()) loop.quit();
  });
  timeout.start(std::max(0, timeoutMs));
  loop.exec();
  return !hasActiveJobs();
}

TrainingManager::JobState TrainingManager::state(int64_t runId) const { return job(runId).state; }

QList<qint64> TrainingManager::jobIds() const {
  QList<qint64> ids;
  for (const auto& [runId, j] : jobs_) ids.append(runId);
  return ids;
}

bool TrainingManager::hasActiveJobs() const {
  return std::any_of(jobs_.begin(), jobs_.end(), [](const auto& entry) { return isActive(entry.second.state); });
}

void TrainingManager::setMaxConcurrentJobs(int jobs) {
  maxConcurrentJobs_ = std::max(1, jobs);
  startQueuedJobs();
}

std::shared_ptr<const Policy> TrainingManager::latestPolicy(int64_t runId) const {
  const Job& j = job(runId);
  return j.worker ? j.worker->latestPolicy() : nullptr;
}

quint64 TrainingManager::policyVersion(int64_t runId) const {
  const Job& j = job(runId);
  return j.worker ? j.worker->policyVersion() : 0;
}

TrainingProgress TrainingManager::lastProgress(int64_t runId) const {
  const Job& j = job(runId);
  return j.worker ? j.worker->lastProgress() : TrainingProgress{};
}

int TrainingManager::jobThreads(int64_t runId) const { return job(runId).threads; }

nlohmann::json TrainingManager::editCurriculum(int64_t runId, const nlohmann::json& section) {
  const Job& j = job(runId);
  if (!j.worker)
    throw ConfigError("run " + std::to_string(runId) +
                      " is queued: its curriculum can be edited once it trains");
  return j.worker->editCurriculum(section);
}

QString TrainingManager::stateName(JobState state) {
  switch (state) {
    case JobState::Queued: return QStringLiteral("queued");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Paused: return QStringLiteral("paused");
    case JobState::Stopping: return QStringLiteral("stopping");
    case JobState::Finished: return QStringLiteral("finished");
    case JobState::Interrupted: return QStringLiteral("interrupted");
    case JobState::Failed: return QStringLiteral("failed");
  }
  return QStringLiteral("unknown");
}

TrainingManager::Job& TrainingManager::job(int64_t runId) {
  auto it = jobs_.find(runId);
  if (it == jobs_.end())
    throw NotFoundError("no training job for run " + std::to_string(runId) + " in this session");
  return it->second;
}

const TrainingManager::Job& TrainingManager::job(int64_t runId) const {
  return const_cast<TrainingManager*>(this)->job(runId);
}

void TrainingManager::setState(int64_t runId, Job& j, JobState state) {
  if (j.state == state) return;
  j.state = state;
  emit jobStateChanged(runId, state);
}

int TrainingManager::slotsInUse() const {
  return static_cast<int>(std::count_if(jobs_.begin(), jobs_.end(), [](const auto& entry) {
    const JobState s = entry.second.state;
    return s == JobState::Running || s == JobState::Paused || s == JobState::Stopping;
  }));
}

void TrainingManager::startQueuedJobs() {
  for (auto& [runId, j] : jobs_) {
    if (slotsInUse() >= maxConcurrentJobs_) return;
    if (j.state == JobState::Queued) launch(runId, j);
  }
}

void TrainingManager::launch(int64_t runId, Job& j) {
  int threads = j.configThreads;
  if (threads == 0) {
    // "All cores" shared with the jobs running now; PPO gives the same result for any count.
    const int running = slotsInUse() + 1;
    threads = std::max(1, QThread::idealThreadCount() / running);
  }
  j.threads = threads;
  setState(runId, j, JobState::Running);
  j.worker->start(threads);
}

void TrainingManager::onJobEnded(int64_t runId, RunStatus status, const QString& error) {
  auto it = jobs_.find(runId);
  if (it == jobs_.end() || !it->second.worker) return;
  Job& j = it->second;
  j.worker->join();  // returns at once: the thread's last act was to post this
  const TrainingProgress last = j.worker->lastProgress();
  if (last.steps > 0) emit progressed(runId, last);  // the throttle may have held back the last one
  if (status == RunStatus::Failed) emit jobFailed(runId, error);
  setState(runId, j,
           status == RunStatus::Finished      ? JobState::Finished
           : status == RunStatus::Interrupted ? JobState::Interrupted
                                              : JobState::Failed);
  startQueuedJobs();
}

}  // namespace palaestra
