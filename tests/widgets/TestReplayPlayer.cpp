// Tests of the replay player on the offscreen platform (no OpenGL: the view is
// the stand-in) with a real SQLite run store holding walker episodes recorded
// here: the episode re-simulates on the worker and the badge says it matches;
// seek, step back and forward, the frame counter, the reward strip's cursor and
// click-to-seek follow the frame; playback runs to the end; a tampered action
// log gives "diverges at step K"; unknown episodes, unknown envs and bad run
// configs give a clear error and keep what was shown. The worker-side
// ReplayBuildJob and the RewardStrip are checked on their own too.
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <climits>
#include <functional>
#include <memory>

#include "conformance/EpisodeRecording.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayTimeline.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"
#include "widgets/PlaybackBar.h"
#include "widgets/ReplayBuildJob.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RewardStrip.h"
#include "widgets/SimViewStandIn.h"

using namespace palaestra;

namespace {

RunStore::Options fastOptions() {
  RunStore::Options options;
  options.busyTimeoutMs = 50;
  options.batchIntervalMs = 10;
  return options;
}

EnvPtr makeWalker() {
  registerBuiltinSimulations();
  return EnvRegistry::instance().get("walker").create(nlohmann::json::object());
}

// Records one walker episode with uniform random actions, as VecEnv does: hash after reset
// and after every step.
EpisodeRecord recordRandomEpisode(Env& env, uint64_t seed, uint64_t actionSeed) {
  auto rng = std::make_shared<Rng>(actionSeed);
  const int actionSize = env.spec().numAgents * env.spec().actionSpace.size();
  return testing::recordEpisode(env, seed, {}, [rng, actionSize](int, float* action) {
    for (int i = 0; i < actionSize; ++i) action[i] = static_cast<float>(rng->uniform(-1.0, 1.0));
  });
}

std::string walkerConfigJson() {
  TrainConfig config;
  config.env = "walker";
  config.maxSteps = 1000;
  return config.toJson().dump();
}

NewRun newRun(const std::string& name, const std::string& env, const std::string& configJson) {
  NewRun run;
  run.name = name;
  run.env = env;
  run.configJson = configJson;
  return run;
}

// Where `frame` lies on the strip's x axis, in its chart view's viewport coordinates.
QPoint stripPositionOf(RewardStrip& strip, int frame) {
  QChart* chart = strip.chartView()->chart();
  QAbstractSeries* series = chart->series().first();
  const QPointF inChart = chart->mapToPosition(QPointF(frame, 0.0), series);
  return strip.chartView()->mapFromScene(chart->mapToScene(inChart));
}

}  // namespace

class TestReplayPlayer : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString(),
                                        RunStore::OpenMode::CreateOrOpen, fastOptions());
    run_ = store_->createRun(newRun("replayed", "walker", walkerConfigJson()));
    auto env = makeWalker();
    record_ = recordRandomEpisode(*env, 3, 11);
    QVERIFY2(record_.length > 20, "the random walker episode is long enough to step around in");
    episode_ = store_->addEpisodeNow(run_, std::nullopt, EpisodeKind::Train, record_);

    EpisodeRecord tampered = recordRandomEpisode(*env, 5, 21);
    QVERIFY(tampered.length > 12);
    const int altered = 10;  // the action of step 11: the hash after it differs
    tampered.actions[altered * 4] = tampered.actions[altered * 4] > 0 ? -1.0f : 1.0f;
    tamperedEpisode_ = store_->addEpisodeNow(run_, std::nullopt, EpisodeKind::Train, tampered);

    const int64_t foreignRun = store_->createRun(newRun("foreign", "nosuchenv", [] {
      TrainConfig config;
      config.env = "nosuchenv";
      config.maxSteps = 1000;
      return config.toJson().dump();
    }()));
    foreignEpisode_ = store_->addEpisodeNow(foreignRun, std::nullopt, EpisodeKind::Train, record_);
    const int64_t badConfigRun = store_->createRun(newRun("no env", "walker", "{}"));
    badConfigEpisode_ = store_->addEpisodeNow(badConfigRun, std::nullopt, EpisodeKind::Train, record_);
  }

  void cleanupTestCase() {
    store_.reset();
    dir_.reset();
  }

  void buildJobBuildsTheWholeTimelineOnAWorker() {
    auto env = makeWalker();
    ReplayBuildJob job(std::move(env), record_, 5);
    QCOMPARE(job.framesExpected(), record_.length + 1);
    QTRY_VERIFY_WITH_TIMEOUT(job.finished(), 20000);
    QVERIFY(job.error().empty());
    QCOMPARE(job.framesBuilt(), record_.length + 1);
    QVERIFY(job.timeline().check().ok);
    QCOMPARE(job.timeline().returnUpTo(record_.length), record_.episodeReturn());
  }

  void rewardStripCursorAndClicks() {
    RewardStrip strip;
    strip.resize(600, 160);
    strip.show();
    QVERIFY(QTest::qWaitForWindowExposed(&strip));
    const std::vector<float> rewards = {0.5f, -1.0f, 2.0f, 0.0f, 1.0f, 0.25f, -0.5f, 3.0f, 0.0f, 1.0f};
    strip.setFrameCount(11);
    strip.setRewards(rewards);
    QCOMPARE(strip.rewardCount(), 10);
    strip.setCursorFrame(4);
    QCOMPARE(strip.cursorFrame(), 4);
    QCOMPARE(strip.cursorLineX(), 4.0);
    strip.setCursorFrame(99);
    QCOMPARE(strip.cursorFrame(), 10);
    strip.setCursorFrame(-3);
    QCOMPARE(strip.cursorFrame(), 0);
    QVERIFY(!strip.cumulativeVisible());
    strip.setCumulativeVisible(true);
    QVERIFY(strip.cumulativeVisible());

    QSignalSpy clicked(&strip, &RewardStrip::frameClicked);
    const QPoint at7 = stripPositionOf(strip, 7);
    QCOMPARE(strip.frameAtPosition(at7), 7);
    QTest::mouseClick(strip.chartView()->viewport(), Qt::LeftButton, {}, at7);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toInt(), 7);
  }

  void withoutOpenGlTheViewIsAStandIn() {
    ReplayPlayer player;
    QVERIFY(player.simView() == nullptr);
    QVERIFY(player.standIn() != nullptr);
    QVERIFY(!player.standIn()->reason().isEmpty());
    QCOMPARE(player.frameCount(), 0);
    QCOMPARE(player.badgeText(), QString("no episode open"));
    QVERIFY(player.stepValues().isEmpty());
    // Controls on an empty player do nothing (and do not crash).
    player.togglePlay();
    QVERIFY(!player.playing());
    player.stepForward();
    player.stepBack();
    player.seek(5);
    QCOMPARE(player.currentFrame(), 0);
    QVERIFY(!player.waitUntilBuilt(10));
  }

  void opensAStoredEpisodeThatMatches() {
    ReplayPlayer player;
    QSignalSpy errors(&player, &ReplayPlayer::errorOccurred);
    QVERIFY(player.openEpisode(store_, episode_));
    QCOMPARE(player.episodeId(), episode_);
    QVERIFY(player.waitUntilBuilt(20000));
    QCOMPARE(errors.count(), 0);
    const int frames = record_.length + 1;
    QCOMPARE(player.frameCount(), frames);
    QCOMPARE(player.bar()->frameCount(), frames);
    QCOMPARE(player.badgeText(), QString("replay matches stored hashes (%1 frames)").arg(frames));
    QVERIFY(player.badgeMatches());
    QVERIFY(player.timeline() != nullptr);
    QVERIFY(player.timeline()->check().ok);
    QCOMPARE(player.rewardStrip()->rewardCount(), record_.length);
    QCOMPARE(player.rewardStrip()->frameCount(), frames);
    QCOMPARE(player.currentFrame(), 0);
  }

  void seekStepAndFrameCounterFollowTheFrame() {
    ReplayPlayer player;
    player.resize(900, 700);
    player.show();
    QVERIFY(QTest::qWaitForWindowExposed(&player));
    QVERIFY(player.openEpisode(store_, episode_));
    QVERIFY(player.waitUntilBuilt(20000));
    const int last = record_.length;
    QSignalSpy changed(&player, &ReplayPlayer::frameChanged);

    player.seek(10);
    QCOMPARE(player.currentFrame(), 10);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().first().toInt(), 10);
    QCOMPARE(player.bar()->frame(), 10);
    QCOMPARE(player.bar()->timelineSlider()->value(), 10);
    QVERIFY2(player.bar()->frameLabel()->text().contains("10"), qPrintable(player.bar()->frameLabel()->text()));
    QCOMPARE(player.rewardStrip()->cursorFrame(), 10);
    QCOMPARE(player.rewardStrip()->cursorLineX(), 10.0);
    QVERIFY(player.overlayLines().first().startsWith("frame 10 / " + QString::number(last)));
    QCOMPARE(player.standIn()->overlayLines(), player.overlayLines());

    // Per-step values: the reward that led here and the return so far, from the timeline.
    const auto values = player.stepValues();
    QCOMPARE(values.at(0).first, QString("frame"));
    QCOMPARE(values.at(0).second, 10.0);
    QCOMPARE(values.at(1).first, QString("reward"));
    QCOMPARE(values.at(1).second, static_cast<double>(player.timeline()->rewards()[9]));
    QCOMPARE(values.at(2).first, QString("return so far"));
    QCOMPARE(values.at(2).second, player.timeline()->returnUpTo(10));
    const EnvPtr walker = EnvRegistry::instance().get("walker").create(nlohmann::json::object());
    const TaskSpace& tasks = walker->spec().tasks;
    QCOMPARE(values.size(), 3 + tasks.size());
    for (int i = 0; i < tasks.size(); ++i)
      QCOMPARE(values.at(3 + i).first, "task: " + QString::fromStdString(tasks.params()[i].name));

    player.stepBack();
    QCOMPARE(player.currentFrame(), 9);
    player.stepForward();
    player.stepForward();
    QCOMPARE(player.currentFrame(), 11);
    QCOMPARE(player.rewardStrip()->cursorFrame(), 11);

    // The bar's buttons and slider drive the player.
    QTest::mouseClick(player.bar()->stepBackButton(), Qt::LeftButton);
    QCOMPARE(player.currentFrame(), 10);
    QTest::mouseClick(player.bar()->stepForwardButton(), Qt::LeftButton);
    QCOMPARE(player.currentFrame(), 11);
    player.bar()->timelineSlider()->setValue(15);  // as a user's drag does
    QCOMPARE(player.currentFrame(), 15);

    // Clamping at both ends.
    player.seek(-4);
    QCOMPARE(player.currentFrame(), 0);
    player.stepBack();
    QCOMPARE(player.currentFrame(), 0);
    QCOMPARE(player.stepValues().at(1).second, 0.0);  // no reward led to frame 0
    player.seek(INT_MAX);
    QCOMPARE(player.currentFrame(), last);
    player.stepForward();
    QCOMPARE(player.currentFrame(), last);
    QCOMPARE(player.stepValues().at(2).second, player.timeline()->returnUpTo(last));
    QVERIFY(player.lastSeekMs() >= 0.0);

    // Clicking the reward strip seeks there.
    const QPoint at5 = stripPositionOf(*player.rewardStrip(), 5);
    const int under = player.rewardStrip()->frameAtPosition(at5);
    QVERIFY2(std::abs(under - 5) <= 1, qPrintable(QString::number(under)));  // pixel rounding
    QTest::mouseClick(player.rewardStrip()->chartView()->viewport(), Qt::LeftButton, {}, at5);
    QCOMPARE(player.currentFrame(), under);
    QCOMPARE(player.rewardStrip()->cursorFrame(), under);
  }

  void playsToTheEndAndChangesSpeed() {
    ReplayPlayer player;
    QVERIFY(player.openEpisode(store_, episode_));
    QVERIFY(player.waitUntilBuilt(20000));
    QCOMPARE(player.clock().speedLabel(), std::string("1x"));
    player.faster();
    QCOMPARE(player.clock().speedLabel(), std::string("2x"));
    QCOMPARE(player.bar()->speedLabel()->text(), QString("2x"));
    QVERIFY(player.overlayLines().last().contains("2x"));
    player.slower();
    player.slower();
    QCOMPARE(player.clock().speedLabel(), std::string("1/2x"));
    while (!player.clock().isMaxSpeed()) player.faster();

    player.seek(3);
    player.togglePlay();
    QVERIFY(player.playing());
    QVERIFY(player.bar()->playing());
    QTRY_VERIFY_WITH_TIMEOUT(!player.playing(), 10000);  // stops by itself at the end
    QCOMPARE(player.currentFrame(), record_.length);
    QVERIFY(!player.bar()->playing());
    // Play at the end starts again from frame 0; stepping pauses.
    player.togglePlay();
    QVERIFY(player.playing());
    QVERIFY(player.currentFrame() < record_.length);
    player.stepForward();
    QVERIFY(!player.playing());
  }

  void tamperedActionLogDiverges() {
    ReplayPlayer player;
    QVERIFY(player.openEpisode(store_, tamperedEpisode_));
    QVERIFY(player.waitUntilBuilt(20000));
    QCOMPARE(player.badgeText(), QString("replay diverges at step 11"));
    QVERIFY(!player.badgeMatches());
    // The diverged replay stays watchable.
    QVERIFY(player.frameCount() > 12);
    player.seek(12);
    QCOMPARE(player.currentFrame(), 12);
  }

  void badEpisodesGiveAClearErrorAndKeepTheReplay() {
    ReplayPlayer player;
    QVERIFY(player.openEpisode(store_, episode_));
    QVERIFY(player.waitUntilBuilt(20000));
    player.seek(7);
    QSignalSpy errors(&player, &ReplayPlayer::errorOccurred);

    QVERIFY(!player.openEpisode(store_, 987654));
    QCOMPARE(errors.count(), 1);
    QString message = errors.takeFirst().first().toString();
    QVERIFY2(message.contains("987654") && message.contains("no episode"), qPrintable(message));

    QVERIFY(!player.openEpisode(store_, foreignEpisode_));
    message = errors.takeFirst().first().toString();
    QVERIFY2(message.contains("nosuchenv"), qPrintable(message));

    QVERIFY(!player.openEpisode(store_, badConfigEpisode_));
    message = errors.takeFirst().first().toString();
    QVERIFY2(message.contains("stored config is not valid") && message.contains("env"),
             qPrintable(message));

    QVERIFY(!player.openEpisode(nullptr, episode_));
    message = errors.takeFirst().first().toString();
    QVERIFY2(message.contains("no run store"), qPrintable(message));

    // What was shown stays.
    QCOMPARE(player.episodeId(), episode_);
    QCOMPARE(player.currentFrame(), 7);
    QCOMPARE(player.frameCount(), record_.length + 1);
    QVERIFY(player.badgeMatches());
  }

  void openingAnotherEpisodeReplacesTheFirst() {
    ReplayPlayer player;
    QVERIFY(player.openEpisode(store_, episode_));
    // Opening again at once (the first build may still run) replaces it cleanly.
    QVERIFY(player.openEpisode(store_, tamperedEpisode_));
    QCOMPARE(player.currentFrame(), 0);
    QVERIFY(player.waitUntilBuilt(20000));
    QCOMPARE(player.episodeId(), tamperedEpisode_);
    QVERIFY(player.badgeText().contains("diverges"));
  }

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t run_ = 0;
  EpisodeRecord record_;
  int64_t episode_ = 0, tamperedEpisode_ = 0, foreignEpisode_ = 0, badConfigEpisode_ = 0;
};

QTEST_MAIN(TestReplayPlayer)
#include "TestReplayPlayer.moc"
