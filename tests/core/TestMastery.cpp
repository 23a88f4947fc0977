// Test sets (issue 11, point 3): a grid over task parameters (TeachMyAgent's Stump Tracks set:
// 10 x 10 over stump height x spacing) with "% mastered" (return > 230, or a win rate for fights);
// bad sections are refused by field; a real training plays the set at every checkpoint, stores
// each cell's score in the checkpoint's meta and the share mastered as the metric
// test/mastered_pct, and a cell's score is what an evaluation on that task gives.
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "env/EnvRegistry.h"
#include "store/RunStore.h"
#include "train/Evaluator.h"
#include "train/TestSet.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"
#include "util/ThreadPool.h"

using namespace palaestra;

namespace {

std::string error(const nlohmann::json& section) {
  try {
    TestSet::fromJson(section, testing::stumpTaskSpace(), testing::stumpTaskSpace().defaults());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

class TestMastery : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
  }

  void stumpTracksGridAndMastery() {
    const TaskSpace space = testing::stumpTaskSpace();
    const TestSet set = TestSet::fromJson(
        {{"grid", {{"stump_height", {0, 3, 10}}, {"obstacle_spacing", {0, 6, 10}}}},
         {"mastered", {{"return", 230}}}},
        space, space.defaults());
    QCOMPARE(set.tasks().size(), size_t{100});
    QCOMPARE(set.tasks()[0], TaskValues({0.0, 0.0, 1.0}));
    // Parameters by name (JSON objects keep no order), the first varying fastest.
    QCOMPARE(set.params(), std::vector<std::string>({"obstacle_spacing", "stump_height"}));
    QCOMPARE(set.tasks()[1], TaskValues({0.0, 6.0 / 9.0, 1.0}));
    QCOMPARE(set.tasks()[10], TaskValues({1.0 / 3.0, 0.0, 1.0}));
    QCOMPARE(set.tasks()[99], TaskValues({3.0, 6.0, 1.0}));
    QCOMPARE(set.canonical()["episodes"], 1);
    std::vector<double> returns(100, 100.0), wins(100, 0.0);
    for (int i = 0; i < 25; ++i) returns[static_cast<size_t>(i)] = 231.0;
    returns[25] = 230.0;  // not above
    const TestSetResult r = set.score(returns, wins);
    QCOMPARE(r.masteredFraction, 0.25);
    QVERIFY(r.mastered[24] && !r.mastered[25]);
    // A fight-style set: win rate over 4 episodes per cell, whole values rounded.
    const TestSet fights = TestSet::fromJson(
        {{"grid", {{"level", {1, 8, 3}}}}, {"episodes", 4}, {"mastered", {{"win_rate", 0.75}}}},
        space, space.defaults());
    QCOMPARE(fights.tasks()[1][2], 5.0);  // 4.5 rounded
    const TestSetResult w =
        fights.score(std::vector<double>(12, 0.0), {1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1});
    QCOMPARE(w.scores, std::vector<double>({0.75, 0.5, 1.0}));
    QCOMPARE(w.mastered, std::vector<bool>({true, false, true}));
  }

  void badSectionsAreRefusedByField() {
    const auto has = [](const std::string& e, const std::string& part) {
      if (e.find(part) != std::string::npos) return true;
      qWarning("%s", e.c_str());
      return false;
    };
    const nlohmann::json ok = {{"return", 230}};
    QVERIFY(has(error({{"grid", {{"height", {0, 3, 10}}}}, {"mastered", ok}}),
                "test_set.grid.height: 'height' is not a task parameter"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 4, 10}}}}, {"mastered", ok}}),
                "test_set.grid.stump_height [0.000000, 4.000000] must lie within"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 3, 0}}}}, {"mastered", ok}}),
                "test_set.grid.stump_height: count must be"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 3}}}}, {"mastered", ok}}),
                "must be [low, high, count]"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 3, 2}}}},
                       {"mastered", {{"return", 1}, {"win_rate", 0.5}}}}),
                "test_set.mastered must give one of"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 3, 2}}}}}), "test_set.mastered must give"));
    QVERIFY(has(error({{"grid", {{"stump_height", {0, 3, 2}}}}, {"mastered", ok}, {"epsiodes", 2}}),
                "unknown config key 'test_set.epsiodes'"));
    QVERIFY(has(error({{"mastered", ok}}), "test_set.grid must name"));
  }

  void everyCheckpointPlaysTheTestSet() {
    RunStore store(dir_.filePath("t.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    nlohmann::json config = testing::tinySwarmConfig(768, 2, 3);
    config["test_set"] = {{"grid", {{"noise", {0.0, 1.0, 5}}}}, {"mastered", {{"return", 8.0}}}};
    TrainingSession session(TrainConfig::fromJson(config), &store, "tested");
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    store.flush();
    const auto checkpoints = store.checkpoints(session.runId());
    QVERIFY(checkpoints.size() >= 3);
    const auto mastered = store.metrics(session.runId(), std::string("test/mastered_pct"));
    QCOMPARE(mastered.size(), checkpoints.size());
    for (const CheckpointInfo& c : checkpoints) {
      const nlohmann::json meta = nlohmann::json::parse(c.metaJson)["test_set"];
      QCOMPARE(meta["scores"].size(), size_t{5});
      int count = 0;
      for (const nlohmann::json& m : meta["mastered"]) count += m.get<bool>();
      QCOMPARE(meta["mastered_fraction"].get<double>(), count / 5.0);
    }
    // A cell's score is the evaluation of the checkpoint on that task.
    const Checkpoint last = store.loadCheckpoint(result.finalCheckpointId);
    const Policy policy = Policy::deserialize(last.policy);
    const EnvInfo& swarm = EnvRegistry::instance().get("swarm");
    const auto makeEnv = [&] { return swarm.create(config["env_config"]); };
    ThreadPool pool(2);
    const nlohmann::json scores = nlohmann::json::parse(last.info.metaJson)["test_set"]["scores"];
    for (int cell = 0; cell < 5; ++cell) {
      const EvalResult eval = evaluatePolicy(makeEnv, policy, {cell * 0.25}, 1, 3, pool);
      QCOMPARE(scores[static_cast<size_t>(cell)].get<double>(), eval.meanReturn);
    }
    // The stored config holds the set with its defaults.
    const nlohmann::json stored = nlohmann::json::parse(store.getRun(session.runId()).configJson);
    QCOMPARE(stored["test_set"]["episodes"], 1);
  }
};

QTEST_GUILESS_MAIN(TestMastery)
#include "TestMastery.moc"
