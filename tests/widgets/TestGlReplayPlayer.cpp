// GL tests of the replay player under Xvfb (xcb, Mesa llvmpipe): a stored
// 2000-step walker episode (the big quadruped standing on hardcore terrain for
// the full step limit, recorded here) is opened from a real SQLite store and
// re-simulated; the rendered pixels of frame 0 differ from those of the last
// frame, and 1000 random seeks through the widget (frame lookup, scene swap into
// the SimView, overlay) each stay under 50 ms. Median and max are reported.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <memory>
#include <vector>

#include "conformance/Sanitizers.h"
#include "conformance/EpisodeRecording.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayTimeline.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

const nlohmann::json kQuadrupedConfig = {{"embodiment", "big_quadruped"}, {"terrain", "hardcore"}};

// The quadruped holds its knees straight and twitches its hips a little: it stands for the
// whole 2000-step limit, and every frame differs from the one before.
EpisodeRecord recordStandingEpisode(Env& env, uint64_t seed) {
  auto rng = std::make_shared<Rng>(51);
  return testing::recordEpisode(env, seed, {}, [rng](int, float* action) {
    for (int leg = 0; leg < 4; ++leg) {
      action[2 * leg] = static_cast<float>(rng->uniform(-0.01, 0.01));
      action[2 * leg + 1] = 1.0f;
    }
  });
}

// Pixels whose colour differs between two images of equal size.
int differingPixels(const QImage& a, const QImage& b) {
  const QImage x = a.convertToFormat(QImage::Format_RGB32);
  const QImage y = b.convertToFormat(QImage::Format_RGB32);
  int n = 0;
  for (int row = 0; row < x.height(); ++row)
    for (int col = 0; col < x.width(); ++col) n += x.pixel(col, row) != y.pixel(col, row);
  return n;
}

}  // namespace

class TestGlReplayPlayer : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const QString problem = SimView::openGlProblem();
    QVERIFY2(problem.isEmpty(), qPrintable("this suite needs OpenGL 3.3 (run under xvfb-run): " + problem));
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    RunStore::Options options;
    options.batchIntervalMs = 10;
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString(),
                                        RunStore::OpenMode::CreateOrOpen, options);
    TrainConfig config;
    config.env = "walker";
    config.envConfig = kQuadrupedConfig;
    config.maxSteps = 1000;
    NewRun run;
    run.name = "standing quadruped";
    run.env = "walker";
    run.configJson = config.toJson().dump();
    const int64_t runId = store_->createRun(run);
    registerBuiltinSimulations();
    auto env = EnvRegistry::instance().get("walker").create(kQuadrupedConfig);
    const EpisodeRecord record = recordStandingEpisode(*env, 9);
    QCOMPARE(record.length, 2000);
    episode_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, record);
  }

  void cleanupTestCase() {
    store_.reset();
    dir_.reset();
  }

  void firstAndLastFramesRenderDifferently() {
    ReplayPlayer player;
    player.resize(800, 700);
    player.show();
    QVERIFY(QTest::qWaitForWindowExposed(&player));
    SimView* view = player.simView();
    QVERIFY(view != nullptr);
    QVERIFY(player.openEpisode(store_, episode_));
    QVERIFY(player.waitUntilBuilt(60000));
    QCOMPARE(player.frameCount(), 2001);
    QCOMPARE(player.badgeText(), QString("replay matches stored hashes (2001 frames)"));

    player.seek(0);
    const QImage first = view->grabFramebuffer();
    QVERIFY2(view->glAvailable(), qPrintable(view->glError()));
    player.seek(2000);
    const QImage last = view->grabFramebuffer();
    QCOMPARE(first.size(), last.size());
    QVERIFY(!first.isNull());
    const int differing = differingPixels(first, last);
    qInfo("frame 0 vs frame 2000: %d of %lld pixels differ", differing,
          static_cast<long long>(first.width()) * first.height());
    QVERIFY(differing > 100);
    // Seeking back gives the same pixels again (the view draws the timeline's frame, nothing else).
    player.seek(0);
    QCOMPARE(differingPixels(first, view->grabFramebuffer()), 0);
  }

  void randomSeeksStayUnder50Ms() {
    ReplayPlayer player;
    player.resize(800, 700);
    player.show();
    QVERIFY(QTest::qWaitForWindowExposed(&player));
    QVERIFY(player.openEpisode(store_, episode_));
    QVERIFY(player.waitUntilBuilt(60000));
    QCOMPARE(player.frameCount(), 2001);

    Rng rng(77);
    std::vector<double> seekMs, callMs;
    for (int i = 0; i < 1000; ++i) {
      const int frame = static_cast<int>(rng.below(2001));
      QElapsedTimer timer;
      timer.start();
      player.seek(frame);
      callMs.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
      QCOMPARE(player.currentFrame(), frame);
      seekMs.push_back(player.lastSeekMs());
      if (i % 50 == 0) QCoreApplication::processEvents();  // let some of the frames paint
    }
    std::sort(seekMs.begin(), seekMs.end());
    std::sort(callMs.begin(), callMs.end());
    // A seek drawn on screen: seek, then paint the frame and read it back.
    std::vector<double> drawnMs;
    for (int i = 0; i < 20; ++i) {
      QElapsedTimer timer;
      timer.start();
      player.seek(static_cast<int>(rng.below(2001)));
      player.simView()->grabFramebuffer();
      drawnMs.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(drawnMs.begin(), drawnMs.end());
    qInfo("1000 random seeks of a 2000-step walker episode in the replay player: scene swap + "
          "setScene median %.4f ms, max %.4f ms; whole seek() call (with the strip cursor and "
          "the bar) median %.4f ms, max %.4f ms; seek + paint + framebuffer read-back (20): median %.2f ms, max %.2f ms",
          seekMs[500], seekMs.back(), callMs[500], callMs.back(), drawnMs[10], drawnMs.back());
    if (!palaestra::testing::kAddressSanitizer)
      QVERIFY2(callMs.back() < 50.0, "every seek must finish within 50 ms");
  }

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t episode_ = 0;
};

QTEST_MAIN(TestGlReplayPlayer)
#include "TestGlReplayPlayer.moc"
