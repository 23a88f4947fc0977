// TrainingManager on real walker training into a real SQLite store: runs to
// the end, pause / resume / stop, queueing beyond maxConcurrentJobs, config
// validation before anything is created, the latest policy for the viewer,
// and the lower CPU priority of every training thread.
#include <QtTest>

#include <sys/resource.h>

#include <filesystem>
#include <memory>

#include "Simulations.h"
#include "store/RunStore.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"
#include "widgets/TrainingJob.h"
#include "widgets/TrainingManager.h"

using namespace palaestra;
using JobState = TrainingManager::JobState;

namespace {

// The walker's quick preset shrunk to seconds: 2 envs, batches of 128 steps, one-episode evaluations.
nlohmann::json tinyConfig() {
  nlohmann::json c = presetConfig("walker", "quick");
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 64;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 1;
  c["budget"] = {{"steps", 2048}};
  c["eval"] = {{"every_steps", 1024}, {"episodes", 1}, {"final_episodes", 1}};
  return c;
}

// A budget the tests never reach: they stop the run themselves.
nlohmann::json endlessConfig() {
  nlohmann::json c = tinyConfig();
  c["budget"] = {{"minutes", 10}};
  return c;
}

// Nice values of this process's threads, by thread id (from /proc/self/task).
std::map<int, int> threadNiceValues() {
  std::map<int, int> nice;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    const int tid = std::stoi(entry.path().filename().string());
    errno = 0;
    const int value = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
    if (errno == 0) nice[tid] = value;
  }
  return nice;
}

}  // namespace

class TestTrainingManager : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  int storeCount_ = 0;

  // A fresh store per test, so runs of one test do not show in another.
  std::shared_ptr<RunStore> freshStore() {
    return std::make_shared<RunStore>(
        dir_.filePath(QString("runs-%1.sqlite").arg(++storeCount_)).toStdString());
  }

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
  }

  void runTrainsToTheEndAndStoresCheckpoints() {
    auto store = freshStore();
    TrainingManager manager(store);
    QSignalSpy states(&manager, &TrainingManager::jobStateChanged);
    QSignalSpy evaluations(&manager, &TrainingManager::evaluated);
    QSignalSpy progress(&manager, &TrainingManager::progressed);
    const int64_t id = manager.start(tinyConfig(), "tiny");
    QCOMPARE(manager.jobIds(), QList<qint64>{id});
    QCOMPARE(manager.state(id), JobState::Running);
    QVERIFY(manager.hasActiveJobs());
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(id), JobState::Finished);
    QVERIFY(!manager.hasActiveJobs());

    const RunInfo run = store->getRun(id);
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.name, std::string("tiny"));
    QVERIFY(run.steps >= 2048);
    QVERIFY(run.startedAt.has_value() && run.endedAt.has_value());
    // Checkpoints at 1024 and the final one, each evaluated.
    QCOMPARE(store->checkpoints(id).size(), size_t(2));
    QVERIFY(!store->episodes(id, EpisodeKind::Eval).empty());
    QCOMPARE(evaluations.size(), 2);
    QCOMPARE(evaluations.last().at(0).toLongLong(), qint64(id));
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(1).value<TrainingProgress>().steps, uint64_t(run.steps));
    QCOMPARE(manager.lastProgress(id).steps, uint64_t(run.steps));
    // Queued (at start), running, finished: in that order, each once.
    QList<JobState> seen;
    for (const auto& args : states) {
      QCOMPARE(args.at(0).toLongLong(), qint64(id));
      seen.append(args.at(1).value<JobState>());
    }
    QCOMPARE(seen, (QList<JobState>{JobState::Queued, JobState::Running, JobState::Finished}));
  }

  void pauseHoldsProgressAndResumeContinues() {
    auto store = freshStore();
    TrainingManager manager(store);
    const int64_t id = manager.start(endlessConfig(), "paused");
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps > 0, 10000);
    QVERIFY(manager.pause(id));
    QCOMPARE(manager.state(id), JobState::Paused);
    QVERIFY(!manager.pause(id));  // already paused
    // The iteration under way when pausing still ends; after it nothing moves.
    QTest::qWait(300);
    const uint64_t held = manager.lastProgress(id).steps;
    QTest::qWait(500);
    QCOMPARE(manager.lastProgress(id).steps, held);
    QCOMPARE(store->getRun(id).status, RunStatus::Running);  // paused is a state of the app, not the run

    QVERIFY(manager.resume(id));
    QCOMPARE(manager.state(id), JobState::Running);
    QVERIFY(!manager.resume(id));
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps > held, 10000);
    QVERIFY(manager.stop(id));
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(id), JobState::Interrupted);
  }

  void stopStoresTheRunAsInterrupted() {
    auto store = freshStore();
    TrainingManager manager(store);
    const int64_t id = manager.start(endlessConfig(), "stopped");
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps > 1024, 10000);
    QVERIFY(manager.stop(id));
    QCOMPARE(manager.state(id), JobState::Stopping);
    QVERIFY(!manager.stop(id));
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(id), JobState::Interrupted);
    const RunInfo run = store->getRun(id);
    QCOMPARE(run.status, RunStatus::Interrupted);
    QVERIFY(run.endedAt.has_value());
    // The interrupted rollout's steps count too: at least what the last report said.
    QVERIFY(uint64_t(run.steps) >= manager.lastProgress(id).steps);
    // The checkpoint at 1024, the final one, their evaluations and the kept training episodes.
    QVERIFY(store->checkpoints(id).size() >= 2);
    QVERIFY(!store->episodes(id, EpisodeKind::Eval).empty());
    QVERIFY(!store->episodes(id, EpisodeKind::Train).empty());
  }

  // An interrupted run is resumed in the same run id and trains to the end of its budget; a run
  // that cannot be resumed is refused with the reason and keeps its status.
  void interruptedRunResumesToItsBudget() {
    auto store = freshStore();
    TrainingManager manager(store);
    const int64_t id = manager.start(tinyConfig(), "resumed");
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps >= 256, 10000);
    QVERIFY(manager.stop(id));
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(store->getRun(id).status, RunStatus::Interrupted);
    const int64_t stoppedAt = store->getRun(id).steps;
    QVERIFY(stoppedAt < 2048);
    QSignalSpy states(&manager, &TrainingManager::jobStateChanged);
    manager.resumeRun(id);
    QVERIFY(manager.waitForAll(60000));
    QCOMPARE(manager.state(id), JobState::Finished);
    const RunInfo run = store->getRun(id);
    QCOMPARE(run.status, RunStatus::Finished);
    QVERIFY(run.steps >= 2048);
    QCOMPARE(store->listRuns().size(), size_t(1));
    QVERIFY(states.count() >= 3);  // queued, running, finished
    // Finished within its budget: refused, saying why, and the run stays finished.
    try {
      manager.resumeRun(id);
      QFAIL("a finished run was resumed");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("finished its budget") != std::string::npos, e.what());
    }
    QCOMPARE(store->getRun(id).status, RunStatus::Finished);
  }

  void stoppingAPausedRunEndsIt() {
    auto store = freshStore();
    TrainingManager manager(store);
    const int64_t id = manager.start(endlessConfig(), "paused then stopped");
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps > 0, 10000);
    QVERIFY(manager.pause(id));
    QVERIFY(manager.stop(id));
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(id), JobState::Interrupted);
    QCOMPARE(store->getRun(id).status, RunStatus::Interrupted);
  }

  void jobsBeyondTheLimitWaitQueued() {
    auto store = freshStore();
    TrainingManager manager(store);
    manager.setMaxConcurrentJobs(1);
    QCOMPARE(manager.maxConcurrentJobs(), 1);
    QSignalSpy states(&manager, &TrainingManager::jobStateChanged);
    const int64_t first = manager.start(tinyConfig(), "first");
    const int64_t second = manager.start(tinyConfig(), "second");
    QCOMPARE(manager.jobIds(), (QList<qint64>{first, second}));
    QCOMPARE(manager.state(first), JobState::Running);
    QCOMPARE(manager.state(second), JobState::Queued);
    const RunInfo queued = store->getRun(second);
    QCOMPARE(queued.status, RunStatus::Queued);
    QVERIFY(!queued.startedAt.has_value());
    QCOMPARE(manager.jobThreads(second), 0);

    // The second starts exactly when the first ends.
    QTRY_VERIFY_WITH_TIMEOUT(manager.state(first) == JobState::Finished, 20000);
    QVERIFY(manager.state(second) != JobState::Queued);
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(second), JobState::Finished);
    int firstFinished = -1, secondRunning = -1;
    for (int i = 0; i < states.size(); ++i) {
      const qint64 run = states[i].at(0).toLongLong();
      const auto state = states[i].at(1).value<JobState>();
      if (run == first && state == JobState::Finished) firstFinished = i;
      if (run == second && state == JobState::Running) secondRunning = i;
    }
    QVERIFY(firstFinished >= 0 && secondRunning > firstFinished);
    const RunInfo firstRun = store->getRun(first), secondRun = store->getRun(second);
    QCOMPARE(secondRun.status, RunStatus::Finished);
    QVERIFY(secondRun.startedAt.has_value());
    QVERIFY(*secondRun.startedAt >= *firstRun.endedAt);
    QVERIFY(*secondRun.startedAt > secondRun.createdAt);
  }

  void stoppingAQueuedJobNeverStartsIt() {
    auto store = freshStore();
    TrainingManager manager(store);
    manager.setMaxConcurrentJobs(1);
    const int64_t first = manager.start(endlessConfig(), "first");
    const int64_t second = manager.start(endlessConfig(), "second");
    QVERIFY(manager.stop(second));
    QCOMPARE(manager.state(second), JobState::Interrupted);
    QCOMPARE(store->getRun(second).status, RunStatus::Interrupted);
    QVERIFY(manager.latestPolicy(second) == nullptr);
    manager.stopAll();
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(first), JobState::Interrupted);
    QCOMPARE(store->getRun(second).steps, int64_t(0));
    QVERIFY(store->checkpoints(second).empty());
  }

  void allCoresAreSharedAmongRunningJobs() {
    auto store = freshStore();
    TrainingManager manager(store);
    manager.setMaxConcurrentJobs(2);
    const int cores = QThread::idealThreadCount();
    nlohmann::json fixed = endlessConfig();
    fixed["threads"] = 1;
    const int64_t a = manager.start(endlessConfig(), "all cores alone");
    const int64_t b = manager.start(endlessConfig(), "all cores shared");
    const int64_t c = manager.start(fixed, "one thread, queued");
    QCOMPARE(manager.jobThreads(a), std::max(1, cores));
    QCOMPARE(manager.jobThreads(b), std::max(1, cores / 2));
    QCOMPARE(manager.state(c), JobState::Queued);
    QVERIFY(manager.stop(a));
    QTRY_VERIFY_WITH_TIMEOUT(manager.state(c) == JobState::Running, 20000);
    QCOMPARE(manager.jobThreads(c), 1);  // an explicit count is kept
    manager.stopAll();
    QVERIFY(manager.waitForAll(20000));
  }

  void invalidConfigCreatesNothing() {
    auto store = freshStore();
    TrainingManager manager(store);
    nlohmann::json bad = tinyConfig();
    bad["ppo"]["num_envs"] = 0;
    try {
      manager.start(bad, "bad");
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("num_envs"), e.what());
    }
    nlohmann::json unknownEnv = tinyConfig();
    unknownEnv["env"] = "no_such_env";
    try {
      manager.start(unknownEnv, "bad env");
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("no_such_env"), e.what());
    }
    QVERIFY(store->listRuns().empty());
    QVERIFY(manager.jobIds().isEmpty());
    QVERIFY(!manager.hasActiveJobs());
    QVERIFY_THROWS_EXCEPTION(NotFoundError, manager.state(42));
    QVERIFY_THROWS_EXCEPTION(NotFoundError, manager.pause(42));
  }

  void badTaskFailsTheRunWithAMessage() {
    // A task value out of range passes the config schema but not the env: the job fails, says
    // why, and the run is not left queued.
    auto store = freshStore();
    TrainingManager manager(store);
    QSignalSpy failures(&manager, &TrainingManager::jobFailed);
    nlohmann::json config = tinyConfig();
    config["task"] = {{"no_such_parameter", 1.0}};
    const int64_t id = manager.start(config, "bad task");
    QVERIFY(manager.waitForAll(20000));
    QCOMPARE(manager.state(id), JobState::Failed);
    QCOMPARE(failures.size(), 1);
    QVERIFY2(failures[0].at(1).toString().contains("no_such_parameter"),
             qPrintable(failures[0].at(1).toString()));
    QCOMPARE(store->getRun(id).status, RunStatus::Failed);
  }

  void latestPolicyAppearsDuringTraining() {
    auto store = freshStore();
    TrainingManager manager(store);
    const int64_t id = manager.start(endlessConfig(), "watched");
    QTRY_VERIFY_WITH_TIMEOUT(manager.latestPolicy(id) != nullptr, 10000);
    const quint64 version = manager.policyVersion(id);
    QVERIFY(version >= 1);
    const auto policy = manager.latestPolicy(id);
    QVERIFY(policy->serialize().size() > 0);
    // Refreshed as training goes on, but not on every update (at most every ~0.5 s).
    QTRY_VERIFY_WITH_TIMEOUT(manager.policyVersion(id) > version, 10000);
    const double seconds = manager.lastProgress(id).wallSeconds;
    QVERIFY2(manager.policyVersion(id) <= quint64(seconds / TrainingJob::kPolicyCopyIntervalSeconds) + 2,
             qPrintable(QString("%1 copies in %2 s").arg(manager.policyVersion(id)).arg(seconds)));
    manager.stopAll();
    QVERIFY(manager.waitForAll(20000));
    QVERIFY(manager.latestPolicy(id) != nullptr);  // kept after the end, for "watch this run"
  }

  void trainingThreadsRunAtLowerPriority() {
    auto store = freshStore();
    TrainingManager manager(store);
    const auto before = threadNiceValues();
    nlohmann::json config = endlessConfig();
    config["threads"] = 3;  // the job thread and two pool workers it creates
    const int64_t id = manager.start(config, "nice");
    QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(id).steps > 0, 10000);
    const auto during = threadNiceValues();
    int lowered = 0;
    for (const auto& [tid, nice] : during) {
      if (before.count(tid)) {
        QCOMPARE(nice, 0);  // the GUI thread and the store's writer keep normal priority
      } else if (nice == TrainingJob::kTrainingNiceValue) {
        ++lowered;
      }
    }
    QVERIFY2(lowered >= 3, qPrintable(QString("%1 threads at nice 10").arg(lowered)));
    QCOMPARE(getpriority(PRIO_PROCESS, 0), 0);
    manager.stopAll();
    QVERIFY(manager.waitForAll(20000));
  }

  void destructorStopsAndJoins() {
    auto store = freshStore();
    int64_t running = 0, queued = 0;
    {
      TrainingManager manager(store);
      manager.setMaxConcurrentJobs(1);
      running = manager.start(endlessConfig(), "running at close");
      queued = manager.start(endlessConfig(), "queued at close");
      QTRY_VERIFY_WITH_TIMEOUT(manager.lastProgress(running).steps > 0, 10000);
    }
    // Nothing is left training and both runs say so in the store.
    QCOMPARE(store->getRun(running).status, RunStatus::Interrupted);
    QVERIFY(store->latestCheckpoint(running).has_value());
    QCOMPARE(store->getRun(queued).status, RunStatus::Interrupted);
  }
};

QTEST_MAIN(TestTrainingManager)
#include "TestTrainingManager.moc"
