// Tests of the side-by-side comparison on the offscreen platform: the config
// diff of two real training configs (exactly the changed keys highlighted, the
// only-differences filter, invalid JSON refused), the run summary of two tiny
// walker runs really trained with TrainingSession into a temporary store
// (best/last eval return, steps to a threshold, the walker's default
// threshold, unknown runs refused), and the comparison view itself: two
// episodes of different lengths on one frame index (the shorter clamped and
// marked "ended", step back, slider, playback to the end), two runs (curves,
// diff, summary, latest eval episodes replayed), a checkpoint played live on
// two tasks in lockstep, and errors that leave the comparison as it was.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFont>
#include <QSignalSpy>
#include <QSlider>
#include <QToolButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "env/EnvRegistry.h"
#include "play/PolicyRunner.h"
#include "replay/ReplayTimeline.h"
#include "sim/Simulations.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/ConfigDiffModel.h"
#include "widgets/CurveChart.h"
#include "widgets/PlaybackBar.h"
#include "widgets/RunSummaryModel.h"

using namespace palaestra;

namespace {

nlohmann::json tinyWalkerConfig(uint64_t seed) {
  nlohmann::json c = presetConfig("walker", "stump_tracks");  // a walker with task parameters
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
  // A prefix of a stored episode (its first `steps` steps) stored as a new episode: shorter, and
  // still replaying against its own hashes.
  int64_t storePrefix(const StoredEpisode& full, int steps, double prefixReturn) {
    EpisodeRecord r = full.record;
    r.length = steps;
    r.actions.resize(static_cast<size_t>(steps) * static_cast<size_t>(r.actionSize));
    r.hashes.resize(static_cast<size_t>(steps) + 1);
    r.terminated = false;
    r.truncated = true;
    r.slotReturns = {prefixReturn};
    return store_->addEpisodeNow(full.runId, full.checkpointId, full.kind, r);
  }

  void compareEpisodesSharesOneFrameAndClampsTheShorter() {
    // The longest stored episode of run A, and its first half as a second episode.
    std::vector<EpisodeSummary> episodes = store_->episodes(runA_);
    QVERIFY(!episodes.empty());
    const auto longest = std::max_element(episodes.begin(), episodes.end(),
                                          [](const auto& x, const auto& y) { return x.length < y.length; });
    QVERIFY2(longest->length >= 20, "the tiny run stored no episode of 20 steps or more");
    const StoredEpisode full = store_->loadEpisode(longest->id);
    const int fullLength = full.record.length;
    const int shortLength = fullLength / 2;
    const TrainConfig config = TrainConfig::fromJson(nlohmann::json::parse(store_->getRun(runA_).configJson));
    EnvPtr env = EnvRegistry::instance().get("walker").create(config.envConfig);
    ReplayTimeline reference(*env, full.record);
    while (!reference.buildSome(256)) {
    }
    QVERIFY(reference.check().ok);
    const int64_t shortId = storePrefix(full, shortLength, reference.returnUpTo(shortLength));

    CompareView view;
    QSignalSpy frames(&view, &CompareView::frameChanged);
    QVERIFY(view.compareEpisodes(store_, full.id, shortId));
    QCOMPARE(view.mode(), CompareView::Mode::Episodes);
    QTRY_VERIFY_WITH_TIMEOUT(view.replaysBuilt(), 30000);
    QCOMPARE(view.frameCount(), fullLength + 1);
    QCOMPARE(view.playbackBar()->frameCount(), fullLength + 1);
    QVERIFY(view.pane(0)->caption().contains(QString("episode %1").arg(full.id)));
    QVERIFY(view.pane(1)->caption().contains(QString("episode %1").arg(shortId)));

    // Past the short episode's end: one frame index, the short side holds its last frame.
    const int beyond = shortLength + (fullLength - shortLength) / 2 + 1;
    view.seek(beyond);
    QCOMPARE(view.frame(), beyond);
    QCOMPARE(view.playbackBar()->frame(), beyond);
    QCOMPARE(view.sideFrame(0), beyond);
    QCOMPARE(view.sideFrame(1), shortLength);
    QVERIFY(!view.sideEnded(0));
    QVERIFY(view.sideEnded(1));
    QVERIFY(view.pane(1)->overlayLines().join('\n').contains("ended"));
    QVERIFY(!view.pane(0)->overlayLines().join('\n').contains("ended"));
    QCOMPARE(view.pane(0)->scene().focus.x, reference.frame(beyond).focus.x);
    QCOMPARE(view.pane(1)->scene().focus.x, reference.frame(shortLength).focus.x);
    for (int side = 0; side < 2; ++side)
      QVERIFY2(view.pane(side)->overlayLines().join('\n').contains("matches its stored hashes"),
               qPrintable(view.pane(side)->overlayLines().join(" | ")));

    // Step back, the timeline slider and seeking out of range.
    view.stepBack();
    QCOMPARE(view.frame(), beyond - 1);
    QCOMPARE(view.pane(0)->scene().focus.x, reference.frame(beyond - 1).focus.x);
    view.playbackBar()->timelineSlider()->setValue(3);
    QCOMPARE(view.frame(), 3);
    QCOMPARE(view.sideFrame(0), 3);
    QCOMPARE(view.sideFrame(1), 3);
    QVERIFY(!view.sideEnded(1));
    view.seek(1000000);
    QCOMPARE(view.frame(), fullLength);
    view.seek(-5);
    QCOMPARE(view.frame(), 0);
    QVERIFY(frames.count() >= 4);

    // Playing moves both sides on the shared clock until the longer episode ends.
    view.setPlaying(true);
    QVERIFY(view.playing());
    view.advance(10 * view.clock().secondsPerStep());
    QVERIFY2(view.frame() >= 9 && view.frame() <= 11, qPrintable(QString::number(view.frame())));
    for (int i = 0; i < 100000 && view.playing(); ++i) view.advance(0.5);
    QVERIFY(!view.playing());
    QCOMPARE(view.frame(), fullLength);
    QVERIFY(view.sideEnded(1));
  }

  void compareRunsFillsCurvesDiffAndSummary() {
    CompareView view;
    QVERIFY(view.compareRuns(store_, runA_, runB_));
    QCOMPARE(view.mode(), CompareView::Mode::Runs);
    QCOMPARE(view.configDiff()->differenceCount(), 2);
    QCOMPARE(view.summary()->columnCount(), 2);
    QCOMPARE(view.thresholdBox()->value(), 230.0);
    QCOMPARE(view.metricCombo()->currentText(), QString("eval/mean_return"));
    view.curveChart()->waitForLoad();
    QVERIFY(view.curveChart()->smoothedSeries(runA_));
    QVERIFY(view.curveChart()->smoothedSeries(runB_));
    QCOMPARE(view.tabs()->count(), 3);
    QCOMPARE(view.tabs()->tabText(0), QString("Learning curves"));
    // The panes replay each run's latest evaluation episode.
    const int64_t latestA = store_->episodes(runA_, EpisodeKind::Eval).back().id;
    const int64_t latestB = store_->episodes(runB_, EpisodeKind::Eval).back().id;
    QVERIFY(view.pane(0)->caption().contains(QString("episode %1").arg(latestA)));
    QVERIFY(view.pane(1)->caption().contains(QString("episode %1").arg(latestB)));
    QTRY_VERIFY_WITH_TIMEOUT(view.replaysBuilt(), 30000);
    QVERIFY(view.frameCount() > 1);
    // Choosing another metric redraws the curves of both runs.
    view.metricCombo()->setCurrentText("train/episode_return");
    view.curveChart()->waitForLoad();
    QVERIFY(!view.curveChart()->rawValues(runB_).empty());
    view.thresholdBox()->setValue(-1e6);
    QCOMPARE(view.summary()->threshold(), -1e6);
    view.onlyDifferencesBox()->setChecked(true);
    QCOMPARE(view.configDiff()->rowCount(), 2);
  }

  void checkpointOnTwoTasksStepsInLockstep() {
    const auto checkpoint = store_->latestCheckpoint(runA_);
    QVERIFY(checkpoint);
    const TaskValues flat{0.0, 3.0}, rough{2.0, 1.5};  // stump_height, obstacle_spacing
    CompareView view;
    QSignalSpy errors(&view, &CompareView::errorOccurred);
    QVERIFY2(view.compareCheckpointOnTasks(store_, checkpoint->id, flat, rough),
             qPrintable(errors.isEmpty() ? QString() : errors.first().first().toString()));
    QCOMPARE(view.mode(), CompareView::Mode::CheckpointOnTasks);
    QVERIFY(view.playing());  // watching starts at once
    view.setPlaying(false);
    QVERIFY(!view.playbackBar()->timelineVisible());
    QVERIFY(!view.playbackBar()->stepBackButton()->isEnabled());
    QVERIFY(view.runner(0) && view.runner(1));
    QCOMPARE(view.runner(0)->task(), flat);
    QCOMPARE(view.runner(1)->task(), rough);
    QVERIFY2(view.pane(0)->caption().contains("stump_height=0"), qPrintable(view.pane(0)->caption()));
    QVERIFY(view.pane(1)->caption().contains("stump_height=2"));
    // The diff tab shows the two tasks: both parameters differ.
    QCOMPARE(view.configDiff()->differenceCount(), 2);
    QVERIFY(view.configDiff()->rowOfKey("task.stump_height") >= 0);
    // Different terrain on the two sides.
    QVERIFY(view.pane(0)->scene().polygons.size() != view.pane(1)->scene().polygons.size() ||
            view.pane(0)->scene().polygons.back().points[0].y != view.pane(1)->scene().polygons.back().points[0].y ||
            view.pane(0)->scene().lines.size() != view.pane(1)->scene().lines.size());

    view.stepForward();
    QCOMPARE(view.frame(), 1);
    QCOMPARE(view.sideFrame(0), 1);
    QCOMPARE(view.sideFrame(1), 1);
    view.stepBack();  // live cannot go back
    view.seek(0);
    QCOMPARE(view.frame(), 1);
    view.setPlaying(true);
    view.advance(10 * view.clock().secondsPerStep());
    QVERIFY2(view.frame() >= 10 && view.frame() <= 12, qPrintable(QString::number(view.frame())));
    QCOMPARE(view.sideFrame(0), view.frame());
    QCOMPARE(view.sideFrame(1), view.frame());
    QVERIFY(view.pane(0)->overlayLines().join('\n').contains(QString("step %1").arg(view.frame())));
    view.setPlaying(false);
    const int framesPlayed = view.frame();

    // Bad input: nothing changes.
    QVERIFY(errors.isEmpty());
    QVERIFY(!view.compareCheckpointOnTasks(store_, 424242, flat, rough));
    QVERIFY(errors.last().first().toString().contains("no checkpoint with id 424242"));
    QVERIFY(!view.compareCheckpointOnTasks(store_, checkpoint->id, flat, TaskValues{9.0, 1.0}));
    QVERIFY2(errors.last().first().toString().contains("task B") &&
                 errors.last().first().toString().contains("stump_height"),
             qPrintable(errors.last().first().toString()));
    QCOMPARE(errors.count(), 2);
    QCOMPARE(view.runner(1)->task(), rough);
    QCOMPARE(view.frame(), framesPlayed);
    QCOMPARE(view.mode(), CompareView::Mode::CheckpointOnTasks);
  }

  void errorsReportAndLeaveTheComparisonAsItWas() {
    CompareView view;
    QVERIFY(view.compareRuns(store_, runA_, runB_));
    const QString captionA = view.pane(0)->caption();
    const int frames = view.frameCount();
    QSignalSpy errors(&view, &CompareView::errorOccurred);

    QVERIFY(!view.compareEpisodes(store_, 99999, 1));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.last().first().toString().contains("no episode with id 99999"),
             qPrintable(errors.last().first().toString()));
    QVERIFY(!view.compareRuns(store_, runA_, 4242));
    QCOMPARE(errors.count(), 2);
    QVERIFY(errors.last().first().toString().contains("no run with id 4242"));
    QVERIFY(!view.compareRuns(nullptr, runA_, runB_));
    QCOMPARE(errors.count(), 3);
    QVERIFY(errors.last().first().toString().contains("no run store is open"));

    QCOMPARE(view.mode(), CompareView::Mode::Runs);
    QCOMPARE(view.pane(0)->caption(), captionA);
    QCOMPARE(view.frameCount(), frames);
    QCOMPARE(view.summary()->columnCount(), 2);
    QCOMPARE(view.configDiff()->differenceCount(), 2);
  }
};

QTEST_MAIN(TestCompare)
#include "TestCompare.moc"
