// Playback machinery on the offscreen platform: PlaybackClock arithmetic (the
// speed ladder, fraction carrying at 1/8x, 8x, pause, the max-speed budget,
// clamping at both ends, stalls) and PlaybackBar signals driven by QTest clicks
// (setters never emit; the timeline emits only for user moves), and the
// LiveViewer's logic without OpenGL: the message widget instead of a GL view,
// stepping advances the runner, per-step values and overlay lines, speed and
// play state pushed to the bar, the policy source polled at episode starts,
// timer-driven playback, and bad env / config / task / policy reported in the
// viewer without a throw.
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QToolButton>
#include <QtTest>

#include <cmath>
#include <limits>
#include <memory>

#include "Simulations.h"
#include "train/Evaluator.h"

#include "widgets/LiveViewer.h"
#include "widgets/PlaybackBar.h"
#include "widgets/PlaybackClock.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

std::shared_ptr<const Policy> walkerPolicy(const LiveViewer& viewer, uint64_t initSeed) {
  const EnvSpec& spec = viewer.runner()->env().spec();
  return std::make_shared<const Policy>(spec.observationSpace, spec.actionSpace,
                                        PolicyArchitecture{}, initSeed);
}

double stepValue(const LiveViewer& viewer, const QString& name) {
  for (const auto& [key, value] : viewer.stepValues())
    if (key == name) return value;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

class TestPlayback : public QObject {
  Q_OBJECT

 private slots:
  // The widgets find simulations in the registry; the app's main fills it, here the test does.
  void initTestCase() { registerBuiltinSimulations(); }

  void clockLadderAndLabels() {
    PlaybackClock clock(0.02);
    QCOMPARE(PlaybackClock::speedCount(), 8);
    QCOMPARE(clock.speedIndex(), PlaybackClock::realTimeSpeedIndex());
    QCOMPARE(clock.speedLabel(), std::string("1x"));
    QCOMPARE(clock.speedFactor(), 1.0);
    const char* labels[] = {"1/8x", "1/4x", "1/2x", "1x", "2x", "4x", "8x", "max"};
    const double factors[] = {0.125, 0.25, 0.5, 1, 2, 4, 8};
    for (int i = 0; i < PlaybackClock::speedCount(); ++i) {
      clock.setSpeedIndex(i);
      QCOMPARE(clock.speedLabel(), std::string(labels[i]));
      QCOMPARE(clock.isMaxSpeed(), i == 7);
      if (i < 7) QCOMPARE(clock.speedFactor(), factors[i]);
    }
    QVERIFY(std::isinf(clock.speedFactor()));
  }

  void clockFasterSlowerClamp() {
    PlaybackClock clock(0.02);
    for (int i = 0; i < 20; ++i) clock.faster();
    QCOMPARE(clock.speedIndex(), PlaybackClock::speedCount() - 1);
    QVERIFY(clock.isMaxSpeed());
    for (int i = 0; i < 20; ++i) clock.slower();
    QCOMPARE(clock.speedIndex(), 0);
    QCOMPARE(clock.speedLabel(), std::string("1/8x"));
    clock.setSpeedIndex(-5);
    QCOMPARE(clock.speedIndex(), 0);
    clock.setSpeedIndex(99);
    QCOMPARE(clock.speedIndex(), 7);
  }

  void clockRealTime() {
    PlaybackClock clock(0.02);
    // One second of wall time at 1x is 50 steps of 20 ms, however it is sliced.
    int total = 0;
    for (int i = 0; i < 60; ++i) total += clock.stepsDue(1.0 / 60.0, 1000);
    QCOMPARE(total, 50);
  }

  void clockEighthSpeedCarriesFraction() {
    PlaybackClock clock(0.02);
    clock.setSpeedIndex(0);  // 1/8x
    // Ticks of exactly one step duration: a step every 8th tick.
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 7; ++i) QCOMPARE(clock.stepsDue(0.02, 100), 0);
      QCOMPARE(clock.stepsDue(0.02, 100), 1);
    }
  }

  void clockEightTimes() {
    PlaybackClock clock(1.0 / 60.0);
    clock.setSpeedIndex(6);  // 8x
    QCOMPARE(clock.stepsDue(1.0 / 60.0, 100), 8);
    int total = 0;
    for (int i = 0; i < 10; ++i) total += clock.stepsDue(0.5 / 60.0, 100);
    QCOMPARE(total, 40);
  }

  void clockPauseAndMax() {
    PlaybackClock clock(0.02);
    clock.setPaused(true);
    QVERIFY(clock.paused());
    QCOMPARE(clock.stepsDue(10.0, 100), 0);
    clock.setSpeedIndex(7);
    QCOMPARE(clock.stepsDue(0.016, 100), 0);  // paused even at max
    clock.setPaused(false);
    QCOMPARE(clock.stepsDue(0.016, 37), 37);  // max: the caller's budget
    QCOMPARE(clock.stepsDue(0.0, 5), 5);
  }

  void clockStallAndBadInput() {
    PlaybackClock clock(0.02);
    // A 10 s stall does not turn into 500 catch-up steps: capped, excess dropped.
    QCOMPARE(clock.stepsDue(10.0, 16), 16);
    QCOMPARE(clock.stepsDue(0.01, 16), 0);  // half a step, nothing carried from the stall
    QCOMPARE(clock.stepsDue(0.01, 16), 1);
    QCOMPARE(clock.stepsDue(-1.0, 16), 0);
    QCOMPARE(clock.stepsDue(std::numeric_limits<double>::quiet_NaN(), 16), 0);
    QCOMPARE(clock.stepsDue(1.0, -3), 0);
    PlaybackClock fallback(0.0);
    QCOMPARE(fallback.secondsPerStep(), 1.0 / 60.0);
    PlaybackClock nan(std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(nan.secondsPerStep(), 1.0 / 60.0);
  }

  void barButtonsEmit() {
    PlaybackBar bar;
    QSignalSpy play(&bar, &PlaybackBar::playToggled);
    QSignalSpy forward(&bar, &PlaybackBar::stepForwardRequested);
    QSignalSpy back(&bar, &PlaybackBar::stepBackRequested);
    QSignalSpy slower(&bar, &PlaybackBar::slowerRequested);
    QSignalSpy faster(&bar, &PlaybackBar::fasterRequested);
    QTest::mouseClick(bar.playButton(), Qt::LeftButton);
    QTest::mouseClick(bar.stepForwardButton(), Qt::LeftButton);
    QTest::mouseClick(bar.stepForwardButton(), Qt::LeftButton);
    QTest::mouseClick(bar.stepBackButton(), Qt::LeftButton);
    QTest::mouseClick(bar.slowerButton(), Qt::LeftButton);
    QTest::mouseClick(bar.fasterButton(), Qt::LeftButton);
    QCOMPARE(play.count(), 1);
    QCOMPARE(forward.count(), 2);
    QCOMPARE(back.count(), 1);
    QCOMPARE(slower.count(), 1);
    QCOMPARE(faster.count(), 1);

    bar.setStepBackEnabled(false);
    QTest::mouseClick(bar.stepBackButton(), Qt::LeftButton);
    QCOMPARE(back.count(), 1);
  }

  void barSettersDoNotEmit() {
    PlaybackBar bar;
    QSignalSpy play(&bar, &PlaybackBar::playToggled);
    QSignalSpy frame(&bar, &PlaybackBar::frameRequested);
    bar.setPlaying(true);
    QVERIFY(bar.playing());
    QCOMPARE(bar.playButton()->text(), QStringLiteral("Pause"));
    bar.setPlaying(false);
    QCOMPARE(bar.playButton()->text(), QStringLiteral("Play"));
    bar.setSpeedLabel(QStringLiteral("1/4x"));
    QCOMPARE(bar.speedLabel()->text(), QStringLiteral("1/4x"));
    QCOMPARE(bar.frameLabel()->text(), QStringLiteral("frame - / -"));
    bar.setFrameCount(2001);
    bar.setFrame(1500);
    QCOMPARE(bar.frame(), 1500);
    QCOMPARE(bar.frameLabel()->text(), QStringLiteral("frame 1500 / 2000"));
    bar.setFrame(5000);  // clamped
    QCOMPARE(bar.frame(), 2000);
    bar.setFrameCount(100);  // shrinking clamps the current frame
    QCOMPARE(bar.frame(), 99);
    QCOMPARE(bar.frameLabel()->text(), QStringLiteral("frame 99 / 99"));
    bar.setFrameCount(-4);
    QCOMPARE(bar.frameCount(), 0);
    QCOMPARE(play.count(), 0);
    QCOMPARE(frame.count(), 0);
  }

  void barTimelineEmitsForUserMoves() {
    PlaybackBar bar;
    bar.resize(600, 40);
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    bar.setFrameCount(11);
    QSignalSpy frame(&bar, &PlaybackBar::frameRequested);
    bar.timelineSlider()->setFocus();
    QTest::keyClick(bar.timelineSlider(), Qt::Key_Right);
    QCOMPARE(frame.count(), 1);
    QCOMPARE(frame.last().at(0).toInt(), 1);
    QTest::keyClick(bar.timelineSlider(), Qt::Key_End);
    QCOMPARE(frame.last().at(0).toInt(), 10);
    QCOMPARE(bar.frameLabel()->text(), QStringLiteral("frame 10 / 10"));

    QVERIFY(bar.timelineVisible());
    bar.setTimelineVisible(false);
    QVERIFY(!bar.timelineVisible());
    QVERIFY(bar.timelineSlider()->isHidden());
    QVERIFY(bar.frameLabel()->isHidden());
  }

  void viewerWithoutGlShowsMessage() {
    LiveViewer viewer;
    QVERIFY(!viewer.glProblem().isEmpty());  // offscreen: no OpenGL
    QVERIFY(viewer.simView() == nullptr);
    QVERIFY(!viewer.watching());
    QCOMPARE(viewer.overlayLines(), QStringList{QStringLiteral("not watching")});
    viewer.resize(500, 400);
    viewer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&viewer));
    const QImage image = viewer.grab().toImage();
    // The message panel's dark fill near the top-left of the view area.
    QCOMPARE(image.pixelColor(5, 5), QColor(48, 48, 52));
    QVERIFY(viewer.bar()->timelineSlider()->isHidden());
    QVERIFY(!viewer.bar()->stepBackButton()->isEnabled());
    QVERIFY(!viewer.bar()->playButton()->isEnabled());
  }

  void viewerStepsAndReportsValues() {
    LiveViewer viewer;
    QSignalSpy changed(&viewer, &LiveViewer::stepValuesChanged);
    viewer.watch("walker", nlohmann::json::object(), {}, 5);
    QVERIFY2(viewer.watching(), qPrintable(viewer.errorMessage()));
    QVERIFY(viewer.errorMessage().isEmpty());
    QCOMPARE(viewer.clock().secondsPerStep(), 1.0 / 50.0);  // the walker's step
    QVERIFY(viewer.bar()->playing());
    QVERIFY(!viewer.clock().paused());
    QCOMPARE(viewer.runner()->episodeSeed(), evalEpisodeSeed(5, 0));
    viewer.setPolicy(walkerPolicy(viewer, 3));
    QVERIFY(viewer.runner()->policy());

    changed.clear();
    viewer.stepForward();
    QVERIFY(viewer.clock().paused());  // single stepping pauses
    QVERIFY(!viewer.bar()->playing());
    QCOMPARE(viewer.runner()->episodeStep(), 1);
    QVERIFY(changed.count() >= 1);
    QTest::mouseClick(viewer.bar()->stepForwardButton(), Qt::LeftButton);
    QCOMPARE(viewer.runner()->episodeStep(), 2);

    QCOMPARE(stepValue(viewer, "step"), 2.0);
    QCOMPARE(stepValue(viewer, "reward"), viewer.runner()->lastReward());
    QCOMPARE(stepValue(viewer, "return so far"), viewer.runner()->episodeReturn());
    QCOMPARE(stepValue(viewer, "episode"), 0.0);
    QCOMPARE(stepValue(viewer, "speed"), 1.0);

    QStringList lines = viewer.overlayLines();
    QCOMPARE(lines.first(), QStringLiteral("step 2"));
    QVERIFY(lines.last().startsWith(QStringLiteral("speed 1x")));
    QVERIFY(!lines.join('|').contains(QStringLiteral("reward")));
    viewer.rewardCheck()->setChecked(true);
    lines = viewer.overlayLines();
    QVERIFY(lines.join('|').contains(QStringLiteral("reward ")));

    QTest::mouseClick(viewer.bar()->fasterButton(), Qt::LeftButton);
    QCOMPARE(viewer.bar()->speedLabel()->text(), QStringLiteral("2x"));
    QCOMPARE(stepValue(viewer, "speed"), 2.0);
    viewer.slower();
    viewer.slower();
    QCOMPARE(viewer.bar()->speedLabel()->text(), QStringLiteral("1/2x"));
    for (int i = 0; i < 10; ++i) viewer.faster();
    QCOMPARE(viewer.bar()->speedLabel()->text(), QStringLiteral("max"));
    QVERIFY(std::isinf(stepValue(viewer, "speed")));

    viewer.stop();
    QVERIFY(!viewer.watching());
    QVERIFY(viewer.stepValues().isEmpty());
  }

  void viewerPlaysOnTheTimer() {
    LiveViewer viewer;
    viewer.watch("walker", nlohmann::json::object(), {}, 1);
    QVERIFY(viewer.watching());
    viewer.clock().setSpeedIndex(PlaybackClock::speedCount() - 1);  // max
    QTRY_VERIFY_WITH_TIMEOUT(viewer.runner()->episodeStep() > 20 ||
                                 viewer.runner()->episodesFinished() > 0, 5000);
    QTest::mouseClick(viewer.bar()->playButton(), Qt::LeftButton);  // pause
    QVERIFY(viewer.clock().paused());
    const int step = viewer.runner()->episodeStep();
    QTest::qWait(100);
    QCOMPARE(viewer.runner()->episodeStep(), step);  // paused: nothing simulated
    viewer.togglePlay();
    QVERIFY(viewer.bar()->playing());
  }

  void viewerPollsThePolicySource() {
    LiveViewer viewer;
    viewer.watch("walker", nlohmann::json::object(), {}, 2);
    auto first = walkerPolicy(viewer, 1);
    auto second = walkerPolicy(viewer, 2);
    int calls = 0;
    std::shared_ptr<const Policy> latest = first;
    viewer.setPolicySource([&] {
      ++calls;
      return latest;
    });
    QCOMPARE(calls, 1);
    QCOMPARE(viewer.runner()->policy(), first);
    viewer.clock().setPaused(true);
    latest = second;
    // Within the episode (and under a second) the policy stays; the next episode gets the new one.
    const int callsBefore = calls;
    while (viewer.runner()->episodesFinished() == 0) {
      viewer.stepForward();
      if (viewer.runner()->episodesFinished() == 0) QCOMPARE(viewer.runner()->policy(), first);
    }
    QVERIFY(calls > callsBefore);
    QCOMPARE(viewer.runner()->policy(), second);
    viewer.setPolicySource({});
  }

  void viewerReportsBadInput() {
    LiveViewer viewer;
    viewer.watch("no_such_env", nlohmann::json::object(), {}, 1);
    QVERIFY(!viewer.watching());
    QVERIFY2(viewer.errorMessage().contains(QStringLiteral("unknown env 'no_such_env'")) &&
                 viewer.errorMessage().contains(QStringLiteral("walker")),
             qPrintable(viewer.errorMessage()));

    viewer.watch("walker", nlohmann::json{{"terrain", "lava"}}, {}, 1);
    QVERIFY(!viewer.watching());
    QVERIFY2(viewer.errorMessage().contains(QStringLiteral("lava")), qPrintable(viewer.errorMessage()));

    viewer.watch("walker", nlohmann::json::object(), {1.0, 2.0}, 1);
    QVERIFY(!viewer.watching());
    QVERIFY2(viewer.errorMessage().contains(QStringLiteral("task")), qPrintable(viewer.errorMessage()));

    viewer.watch("walker", nlohmann::json::object(), {}, 1);
    QVERIFY(viewer.watching());
    QVERIFY(viewer.errorMessage().isEmpty());
    viewer.setPolicy(std::make_shared<const Policy>(Space::box(3, -1.0f, 1.0f),
                                                    Space::box(2, -1.0f, 1.0f),
                                                    PolicyArchitecture{}, 1));
    QVERIFY2(viewer.errorMessage().contains(QStringLiteral("Policy refused")),
             qPrintable(viewer.errorMessage()));
    QVERIFY(!viewer.runner()->policy());
    viewer.setTask({0.5});
    QVERIFY2(viewer.errorMessage().contains(QStringLiteral("Task refused")),
             qPrintable(viewer.errorMessage()));
    viewer.stepForward();  // still usable
    QCOMPARE(viewer.runner()->episodeStep(), 1);
    viewer.setPolicy(walkerPolicy(viewer, 6));  // a fitting policy clears the message
    QVERIFY(viewer.runner()->policy());
    QVERIFY(viewer.errorMessage().isEmpty());
  }
};

QTEST_MAIN(TestPlayback)
#include "TestPlayback.moc"
