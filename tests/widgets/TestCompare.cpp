// Tests of the side-by-side comparison on the offscreen platform: the config
// diff of two real training configs (exactly the changed keys highlighted, the
// only-differences filter, invalid JSON refused), the run summary of two tiny
// walker runs really trained with TrainingSession into a temporary store
// (best/last eval return, steps to a threshold, the walker's default
// threshold, unknown runs refused).
#include <QFont>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "sim/Simulations.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/ConfigDiffModel.h"
#include "widgets/RunSummaryModel.h"

using namespace palaestra;

namespace {

nlohmann::json tinyWalkerConfig(uint64_t seed) {
  nlohmann::json c = presetConfig("walker", "default");
  c["seed"] = seed;
  c["threads"] = 1;
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 64;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 1;
  c["budget"] = {{"steps", 1024}};
  c["eval"] = {{"every_steps", 256}, {"episodes", 1}, {"final_episodes", 1}};
  return c;
}

}  // namespace

class TestCompare : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t runA_ = 0, runB_ = 0;
  TrainingResult resultA_, resultB_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString());
    std::atomic<bool> stop{false};
    TrainingSession a(TrainConfig::fromJson(tinyWalkerConfig(1)), store_.get(), "tiny-a");
    resultA_ = a.run(stop);
    runA_ = a.runId();
    nlohmann::json configB = tinyWalkerConfig(2);
    configB["ppo"]["learning_rate"] = 1e-3;
    TrainingSession b(TrainConfig::fromJson(configB), store_.get(), "tiny-b");
    resultB_ = b.run(stop);
    runB_ = b.runId();
    store_->flush();
  }

  void configDiffHighlightsExactlyTheChangedKeys() {
    const RunInfo a = store_->getRun(runA_), b = store_->getRun(runB_);
    ConfigDiffModel model;
    QVERIFY(model.setConfigs(a.configJson, b.configJson));
    QCOMPARE(model.differenceCount(), 2);
    QVERIFY(model.keyCount() > 20);
    QCOMPARE(model.rowCount(), model.keyCount());
    QStringList differing;
    for (int row = 0; row < model.rowCount(); ++row) {
      const bool differs = model.rowDiffers(row);
      if (differs) differing << model.keyAt(row);
      const QModelIndex cell = model.index(row, ConfigDiffModel::ValueA);
      QCOMPARE(cell.data(ConfigDiffModel::DiffersRole).toBool(), differs);
      QCOMPARE(cell.data(Qt::BackgroundRole).isValid(), differs);
      QCOMPARE(cell.data(Qt::FontRole).value<QFont>().bold(), differs);
    }
    differing.sort();
    QCOMPARE(differing, (QStringList{"ppo.learning_rate", "seed"}));
    const int seedRow = model.rowOfKey("seed");
    QCOMPARE(model.index(seedRow, ConfigDiffModel::ValueA).data().toString(), QString("1"));
    QCOMPARE(model.index(seedRow, ConfigDiffModel::ValueB).data().toString(), QString("2"));

    model.setOnlyDifferences(true);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.rowDiffers(0) && model.rowDiffers(1));
    model.setOnlyDifferences(false);
    QCOMPARE(model.rowCount(), model.keyCount());
  }

  void configDiffFlattensArraysAndMissingKeys() {
    ConfigDiffModel model;
    QVERIFY(model.setConfigs(R"({"net": {"hidden": [64, 64]}, "lr": 1, "only_a": true})",
                             R"({"net": {"hidden": [64, 32, 16]}, "lr": 1.0, "only_b": "x"})"));
    QCOMPARE(model.keyCount(), 6);
    QVERIFY(!model.rowDiffers(model.rowOfKey("net.hidden.0")));
    QVERIFY(model.rowDiffers(model.rowOfKey("net.hidden.1")));
    QVERIFY(model.rowDiffers(model.rowOfKey("net.hidden.2")));
    QVERIFY(!model.rowDiffers(model.rowOfKey("lr")));  // 1 and 1.0 are the same number
    QVERIFY(model.rowDiffers(model.rowOfKey("only_a")));
    QCOMPARE(model.index(model.rowOfKey("only_b"), ConfigDiffModel::ValueA).data().toString(),
             QString("(missing)"));
    QCOMPARE(model.index(model.rowOfKey("only_b"), ConfigDiffModel::ValueB).data().toString(),
             QString("x"));
    QCOMPARE(model.differenceCount(), 4);
  }

  void configDiffRefusesInvalidJsonAndKeepsRows() {
    ConfigDiffModel model;
    QVERIFY(model.setConfigs(R"({"a": 1})", R"({"a": 2})"));
    QSignalSpy errors(&model, &ConfigDiffModel::errorOccurred);
    QVERIFY(!model.setConfigs(R"({"a": 1})", "{not json"));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().first().toString().startsWith("config B is not valid JSON"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.differenceCount(), 1);
  }

  void summaryOfTwoTrainedRuns() {
    RunSummaryModel model;
    QVERIFY(model.setRuns(*store_, {runA_, runB_}));
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.rowCount(), int(RunSummaryModel::RowCount));
    // The walker's success return is the default threshold.
    QCOMPARE(model.threshold(), 230.0);
    auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(RunSummaryModel::Name, 0), QString("tiny-a"));
    QCOMPARE(cell(RunSummaryModel::Name, 1), QString("tiny-b"));
    QCOMPARE(cell(RunSummaryModel::Env, 0), QString("walker"));
    QCOMPARE(cell(RunSummaryModel::Status, 1), QString("finished"));
    QCOMPARE(cell(RunSummaryModel::Steps, 0), QString::number(resultA_.steps));

    for (int column = 0; column < 2; ++column) {
      const RunSummary& s = model.summaries()[static_cast<size_t>(column)];
      const TrainingResult& result = column == 0 ? resultA_ : resultB_;
      // Evaluations at 256, 512 and 768 steps, then the final one at 1024.
      QCOMPARE(s.evals.size(), size_t(4));
      QCOMPARE(s.evals.back().first, int64_t(1024));
      QCOMPARE(*s.lastEvalReturn(), result.evalMeanReturn);
      double best = -INFINITY;
      for (const auto& e : s.evals) best = std::max(best, e.second);
      QCOMPARE(*s.bestEvalReturn(), best);
      QCOMPARE(cell(RunSummaryModel::BestEvalReturn, column), QString::number(best, 'f', 1));
      QVERIFY(s.wallSeconds && *s.wallSeconds > 0 && *s.wallSeconds < 600);

      // A tiny run never reaches the walker's threshold...
      QCOMPARE(cell(RunSummaryModel::StepsToThreshold, column), QString("not reached"));
      // ... but reaches its own best at the first eval that scored it, and its worst at once.
      model.setThreshold(best);
      int64_t firstBest = -1;
      for (const auto& e : s.evals)
        if (e.second >= best) {
          firstBest = e.first;
          break;
        }
      QCOMPARE(cell(RunSummaryModel::StepsToThreshold, column), QString::number(firstBest));
      double worst = INFINITY;
      for (const auto& e : s.evals) worst = std::min(worst, e.second);
      model.setThreshold(worst);
      QCOMPARE(cell(RunSummaryModel::StepsToThreshold, column), QString("256"));
      model.setThreshold(230.0);
    }
  }

  void summaryRefusesUnknownRunAndKeepsColumns() {
    RunSummaryModel model;
    QVERIFY(model.setRuns(*store_, {runA_}));
    QSignalSpy errors(&model, &RunSummaryModel::errorOccurred);
    QVERIFY(!model.setRuns(*store_, {runA_, 9999}));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.first().first().toString().contains("no run with id 9999"),
             qPrintable(errors.first().first().toString()));
    QCOMPARE(model.columnCount(), 1);
  }
};

QTEST_MAIN(TestCompare)
#include "TestCompare.moc"
