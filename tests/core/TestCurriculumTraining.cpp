// A curriculum drives a real training (issue 11, point 1): on a small swarm whose task parameter
// is the noise, ALP-GMM chooses every training episode's noise within the curriculum's bounds; the
// run stores its curriculum with every default written out; the same seed gives the same tasks
// with 1 or 2 threads; a run interrupted after its first checkpoint and resumed plays every
// episode on the same task as the uninterrupted run; a bad curriculum is refused before a run is
// created, naming its field.
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <map>
#include <utility>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

nlohmann::json curriculumConfig(int threads) {
  nlohmann::json config = testing::tinySwarmConfig(768, threads, 5);
  config["curriculum"] = {
      {"teacher", "alp_gmm"},
      {"bounds", {{"noise", {0.1, 0.6}}}},
      {"alp_gmm", {{"fit_rate", 10}, {"k_max", 4}, {"return_range", {0, 16}}}}};
  config["keep_episodes"] = {{"sample_rate", 1.0}};
  return config;
}

// Task of every stored training episode by (env, episode index).
std::map<std::pair<int, uint64_t>, double> trainingTasks(const RunStore& store, int64_t run) {
  std::map<std::pair<int, uint64_t>, double> tasks;
  for (const EpisodeSummary& e : store.episodes(run, EpisodeKind::Train))
    tasks[{e.envIndex, e.episodeIndex}] = e.task.at(0);
  return tasks;
}

struct StopAfter : TrainingListener {
  std::atomic<bool>* stop = nullptr;
  int iterations = 0, seen = 0;
  void onProgress(const TrainingProgress&) override {
    if (++seen == iterations) stop->store(true);
  }
};

}  // namespace

class TestCurriculumTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
  }

  void teacherChoosesEveryTrainingEpisodesTask() {
    RunStore store(dir_.filePath("a.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    TrainingSession one(TrainConfig::fromJson(curriculumConfig(1)), &store, "one thread");
    std::atomic<bool> stop{false};
    QCOMPARE(one.run(stop).status, RunStatus::Finished);
    TrainingSession two(TrainConfig::fromJson(curriculumConfig(2)), &store, "two threads");
    QCOMPARE(two.run(stop).status, RunStatus::Finished);
    store.flush();

    const auto tasks = trainingTasks(store, one.runId());
    QVERIFY2(tasks.size() >= 40, qPrintable(QString("%1 episodes").arg(tasks.size())));
    double low = 1, high = 0;
    for (const auto& [key, noise] : tasks) {
      QVERIFY(noise >= 0.1 && noise <= 0.6);
      low = std::min(low, noise);
      high = std::max(high, noise);
    }
    QVERIFY2(high - low > 0.3, "the teacher varies the task");  // not the fixed 0.2
    // Same seed, other thread count: the same tasks.
    QVERIFY(trainingTasks(store, two.runId()) == tasks);
    // Evaluations keep the run's task.
    for (const EpisodeSummary& e : store.episodes(one.runId(), EpisodeKind::Eval))
      QCOMPARE(e.task.at(0), 0.2);
    // The stored config holds the curriculum with its defaults.
    const nlohmann::json stored = nlohmann::json::parse(store.getRun(one.runId()).configJson);
    QCOMPARE(stored["curriculum"]["alp_gmm"]["random_fraction"], 0.2);
    QCOMPARE(stored["curriculum"]["params"], nlohmann::json({"noise"}));
  }

  void resumedRunPlaysTheSameTasks() {
    RunStore store(dir_.filePath("b.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    std::atomic<bool> stop{false};
    TrainingSession whole(TrainConfig::fromJson(curriculumConfig(2)), &store, "whole");
    whole.run(stop);

    TrainingSession first(TrainConfig::fromJson(curriculumConfig(2)), &store, "interrupted");
    StopAfter listener;
    listener.stop = &stop;
    listener.iterations = 6;  // past the first checkpoint (256 steps = 4 iterations)
    QCOMPARE(first.run(stop, &listener).status, RunStatus::Interrupted);
    stop = false;
    TrainingSession resumed(store, first.runId(), ResumeRequest{});
    QCOMPARE(resumed.run(stop).status, RunStatus::Finished);
    store.flush();

    const auto expected = trainingTasks(store, whole.runId());
    // Every episode, including those played again after the resume, had the uninterrupted task.
    int compared = 0;
    for (const EpisodeSummary& e : store.episodes(first.runId(), EpisodeKind::Train)) {
      const auto it = expected.find({e.envIndex, e.episodeIndex});
      QVERIFY(it != expected.end());
      QVERIFY2(e.task.at(0) == it->second,
               qPrintable(QString("env %1 episode %2: %3, uninterrupted %4")
                              .arg(e.envIndex)
                              .arg(e.episodeIndex)
                              .arg(e.task.at(0))
                              .arg(it->second)));
      ++compared;
    }
    QVERIFY(compared >= static_cast<int>(expected.size()));
  }

  void badCurriculumIsRefusedBeforeARunExists() {
    RunStore store(dir_.filePath("c.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    nlohmann::json config = curriculumConfig(1);
    config["curriculum"]["bounds"]["noise"] = {0.5, 1.5};
    try {
      TrainingSession session(TrainConfig::fromJson(config), &store, "bad");
      QFAIL("a curriculum beyond the task space was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("curriculum.bounds.noise") != std::string::npos,
               e.what());
    }
    config = curriculumConfig(1);
    config["curriculum"]["alp_gmm"]["fit_every"] = 3;
    QVERIFY_THROWS_EXCEPTION(ConfigError, TrainingSession::check(TrainConfig::fromJson(config)));
    QVERIFY(store.listRuns().empty());
  }
};

QTEST_GUILESS_MAIN(TestCurriculumTraining)
#include "TestCurriculumTraining.moc"
