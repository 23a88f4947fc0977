#pragma once
// The desktop app's training runs: each runs at full speed on its own
// lower-priority thread (TrainingJob) while the UI watches. Runs beyond
// maxConcurrentJobs() wait as queued runs of the store and start, oldest
// first, when a slot frees. Everything the jobs report reaches the GUI thread
// as signals (queued from the training threads); the viewer reads the latest
// policy snapshot at any time, thread-safely.

#include <QObject>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "store/RunStore.h"
#include "train/TrainingSession.h"
#include "widgets/TrainingJob.h"

namespace palaestra {

class TrainingManager : public QObject {
  Q_OBJECT
 public:
  /// Where a job is in its life. Paused and Stopping jobs still hold their slot.
  enum class JobState { Queued, Running, Paused, Stopping, Finished, Interrupted, Failed };
  Q_ENUM(JobState)

  /// A manager training into `store` (shared: the jobs' threads keep it alive while they run).
  explicit TrainingManager(std::shared_ptr<RunStore> store, QObject* parent = nullptr);
  /// Stops every job (each run stored as interrupted) and joins their threads.
  ~TrainingManager() override;

  /// Validates `config` (throws ConfigError naming the field; nothing is created then), creates the
  /// run named `name` as queued, starts it when a slot is free; returns the run id.
  int64_t start(const nlohmann::json& config, const QString& name);
  /// Continues the stopped (interrupted or failed) run `runId` of the store from its resume state
  /// in the same run, when a slot is free (queued until then; the store keeps its status until it
  /// starts). Throws ConfigError saying why when it cannot be resumed (see resumableConfig), or
  /// if this manager is training it already.
  void resumeRun(int64_t runId);
  /// Holds a running job between iterations; false if it is not running. Unknown id: NotFoundError.
  bool pause(int64_t runId);
  /// Lets a paused job go on; false if it is not paused. Unknown id: NotFoundError.
  bool resume(int64_t runId);
  /// Stops a job: a running or paused one is checkpointed, evaluated and stored as interrupted; a
  /// queued one is stored as interrupted without training. False if it has already ended.
  bool stop(int64_t runId);
  /// Stops every job that has not ended.
  void stopAll();
  /// Runs the event loop until no job is active or `timeoutMs` passes; true if none is active.
  bool waitForAll(int timeoutMs);

  /// Whether this manager started (or queued) a job for run `runId`.
  bool knowsRun(int64_t runId) const { return jobs_.count(runId) > 0; }
  /// The job's state; throws NotFoundError for a run this manager did not start.
  JobState state(int64_t runId) const;
  /// Runs started by this manager, oldest first.
  QList<qint64> jobIds() const;
  /// Whether any job is queued, running, paused or stopping.
  bool hasActiveJobs() const;
  /// Number of jobs that may train at once (at least 1).
  int maxConcurrentJobs() const { return maxConcurrentJobs_; }
  /// Sets the number of jobs that may train at once (values below 1 count as 1); starts queued jobs
  /// if slots opened. Running jobs are never preempted.
  void setMaxConcurrentJobs(int jobs);

  /// A snapshot of the job's policy, refreshed at most every ~0.5 s of training; null before the
  /// first update. Thread-safe. Unknown id: NotFoundError.
  std::shared_ptr<const Policy> latestPolicy(int64_t runId) const;
  /// Increments each time latestPolicy() changes (0 before the first). Unknown id: NotFoundError.
  quint64 policyVersion(int64_t runId) const;
  /// The job's last progress report (zero steps before its first iteration). Unknown id: NotFoundError.
  TrainingProgress lastProgress(int64_t runId) const;
  /// Env threads the job was started with (0 while queued). Unknown id: NotFoundError.
  int jobThreads(int64_t runId) const;

  /// Replaces the curriculum of the job's running training by `section` and returns its canonical
  /// form (TrainingJob::editCurriculum); throws ConfigError when refused or the job is not
  /// training, NotFoundError for an unknown id.
  nlohmann::json editCurriculum(int64_t runId, const nlohmann::json& section);

  /// A state name for the UI: "queued", "running", "paused", ...
  static QString stateName(JobState state);

 signals:
  /// A job changed state.
  void jobStateChanged(qint64 runId, palaestra::TrainingManager::JobState state);
  /// A job finished an iteration (at most ~20 per second per job reach the UI).
  void progressed(qint64 runId, palaestra::TrainingProgress progress);
  /// A job evaluated a checkpoint.
  void evaluated(qint64 runId, qint64 step, double meanReturn);
  /// A job failed; `message` says why. jobStateChanged(Failed) follows.
  void jobFailed(qint64 runId, QString message);

 private:
  struct Job {
    JobState state = JobState::Queued;
    int configThreads = 0;  // as the config asks (0 = all cores)
    int threads = 0;        // as started
    bool resumes = false;   // continues a stopped run (its store status stays until it starts)
    std::unique_ptr<TrainingJob> worker;
  };

  Job& job(int64_t runId);
  const Job& job(int64_t runId) const;
  void setState(int64_t runId, Job& job, JobState state);
  int slotsInUse() const;
  void startQueuedJobs();
  void launch(int64_t runId, Job& job);
  void onJobEnded(int64_t runId, RunStatus status, const QString& error);
  TrainingJob::Callbacks callbacksFor(int64_t runId);

  std::shared_ptr<RunStore> store_;
  int maxConcurrentJobs_;
  std::map<int64_t, Job> jobs_;  // by run id: oldest first
};

}  // namespace palaestra

Q_DECLARE_METATYPE(palaestra::TrainingProgress)
