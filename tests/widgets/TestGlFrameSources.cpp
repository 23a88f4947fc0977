// GL tests of the video frame sources under Xvfb (xcb, Mesa llvmpipe), on a real
// SQLite run store in a temporary directory holding two short walker episodes
// (59 and 39 steps, simulated here with smooth actions):
//  - ReplayFrameSource: 60 frames at 50 fps (walker step 1/50 s), all of one
//    size; frame i equals the SimView's framebuffer after seek(i) with the FPS
//    readout off; the player's frame and playing state come back afterwards;
//    bad players are refused with a clear message.
//  - VideoExporter over a ReplayFrameSource writes an MP4 in which ffprobe
//    counts frameCount() frames at 50 fps.
//  - CompareFrameSource: frame count is the shared timeline's; each frame holds
//    pane A's view pixels on the left and pane B's on the right (exactly their
//    framebuffers) with their captions; the live checkpoint mode is refused.
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "rl/Policy.h"
#include "sim/Simulations.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"
#include "widgets/CompareFrameSource.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/ReplayFrameSource.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/SimView.h"
#include "widgets/VideoExporter.h"

using namespace palaestra;

namespace {

// Simulates a walker episode of at most `steps` steps with smooth, seed-dependent actions.
EpisodeRecord simulateWalker(Env& env, uint64_t seed, int steps) {
  const int actionSize = env.spec().numAgents * env.spec().actionSpace.size();
  return testing::recordEpisode(env, seed, env.spec().tasks.defaults(), [seed, actionSize](int t, float* action) {
    for (int j = 0; j < actionSize; ++j)
      action[j] = static_cast<float>(std::sin(0.05 * t * (1.0 + 0.1 * double(seed)) + double(j)));
  }, steps);
}

QImage rgb32(const QImage& image) { return image.convertToFormat(QImage::Format_RGB32); }

int differingPixels(const QImage& a, const QImage& b) {
  const QImage x = rgb32(a), y = rgb32(b);
  if (x.size() != y.size()) return x.width() * x.height();
  int count = 0;
  for (int row = 0; row < x.height(); ++row)
    for (int col = 0; col < x.width(); ++col) count += x.pixel(col, row) != y.pixel(col, row) ? 1 : 0;
  return count;
}

// Mean absolute channel difference (0..255) of two images of equal size.
double meanDifference(const QImage& a, const QImage& b) {
  const QImage x = rgb32(a), y = rgb32(b);
  if (x.size() != y.size() || x.isNull()) return 255.0;
  double sum = 0;
  for (int row = 0; row < x.height(); ++row)
    for (int col = 0; col < x.width(); ++col) {
      const QRgb p = x.pixel(col, row), q = y.pixel(col, row);
      sum += std::abs(qRed(p) - qRed(q)) + std::abs(qGreen(p) - qGreen(q)) + std::abs(qBlue(p) - qBlue(q));
    }
  return sum / (3.0 * x.width() * x.height());
}

// The message of the ConfigError `make` throws, or empty when it throws nothing.
template <typename Make>
QString configErrorOf(Make make) {
  try {
    make();
  } catch (const ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestGlFrameSources : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t episodeA_ = 0, episodeB_ = 0, checkpoint_ = 0;

  // A shown player with episode A fully re-simulated.
  std::unique_ptr<ReplayPlayer> openedPlayer() {
    auto player = std::make_unique<ReplayPlayer>();
    player->resize(640, 560);
    player->show();
    if (!QTest::qWaitForWindowExposed(player.get())) return nullptr;
    if (!player->openEpisode(store_, episodeA_) || !player->waitUntilBuilt(30000)) return nullptr;
    return player;
  }

 private slots:
  void initTestCase() {
    const QString problem = SimView::openGlProblem();
    QVERIFY2(problem.isEmpty(), qPrintable("this suite needs OpenGL 3.3 (run under xvfb-run): " + problem));
    registerBuiltinSimulations();
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString());
    const TrainConfig config = TrainConfig::fromJson(presetConfig("walker", "default"));
    NewRun run;
    run.name = "frame-sources";
    run.env = "walker";
    run.configJson = config.toJson().dump();
    const int64_t runId = store_->createRun(run);
    EnvPtr env = EnvRegistry::instance().get("walker").create(config.envConfig);
    const EpisodeRecord a = simulateWalker(*env, 3, 59);
    const EpisodeRecord b = simulateWalker(*env, 4, 39);
    QCOMPARE(a.length, 59);  // the walker must not fall before: the fixture counts on 60 and 40 frames
    QCOMPARE(b.length, 39);
    episodeA_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, a);
    episodeB_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, b);
    const Policy policy(env->spec().observationSpace, env->spec().actionSpace, PolicyArchitecture{}, 7);
    checkpoint_ = store_->addCheckpoint(runId, 0, policy.serialize());
  }

  void cleanupTestCase() {
    store_.reset();
    dir_.reset();
  }

  void replayFramesAreWhatTheViewShows() {
    auto player = openedPlayer();
    QVERIFY(player);
    SimView* view = player->simView();
    QVERIFY(view);
    QCOMPARE(player->frameCount(), 60);
    player->seek(17);
    {
      ReplayFrameSource source(*player);
      QCOMPARE(source.frameCount(), 60);
      QCOMPARE(source.framesPerSecond(), 50.0);
      QImage first;
      for (int i : {0, 1, 30, 58, 59}) {
        const QImage frame = source.renderFrame(i);
        QVERIFY2(!frame.isNull(), qPrintable(QString("frame %1 is null").arg(i)));
        if (first.isNull()) first = frame;
        QCOMPARE(frame.size(), first.size());
        QCOMPARE(player->currentFrame(), i);
        // What the view shows at that frame (the FPS readout is off while the source lives).
        player->seek(i);
        QCOMPARE(differingPixels(frame, view->grabFramebuffer()), 0);
      }
      const int moved = differingPixels(first, source.renderFrame(59));
      qInfo("replay frame 0 vs frame 59: %d pixels differ", moved);
      QVERIFY(moved > 50);
      QVERIFY(source.renderFrame(-1).isNull());
      QVERIFY(source.renderFrame(60).isNull());
    }
    QCOMPARE(player->currentFrame(), 17);
    QVERIFY(!player->playing());
  }

  void replayPlaybackIsPausedDuringExportAndResumedAfter() {
    auto player = openedPlayer();
    QVERIFY(player);
    player->seek(5);
    player->togglePlay();
    QVERIFY(player->playing());
    int frameAtStart = 0;
    {
      ReplayFrameSource source(*player);
      QVERIFY(!player->playing());
      frameAtStart = player->currentFrame();
      QVERIFY(!source.renderFrame(40).isNull());
      QTest::qWait(100);  // a playing player would move on here
      QCOMPARE(player->currentFrame(), 40);
    }
    QCOMPARE(player->currentFrame(), frameAtStart);
    QVERIFY(player->playing());
  }

  void framesKeepTheirSizeWhenTheWindowResizes() {
    // CI once saw the view 20 px shorter at frame 1 than at frame 0, failing the export.
    auto player = openedPlayer();
    QVERIFY(player);
    const QSize viewBefore = player->simView()->size();
    const QSize minimumBefore = player->simView()->minimumSize();
    {
      ReplayFrameSource source(*player);
      const QImage first = source.renderFrame(0);
      QVERIFY(!first.isNull());
      player->resize(520, 430);
      QTest::qWait(50);
      const QImage later = source.renderFrame(1);
      QVERIFY(!later.isNull());
      QCOMPARE(later.size(), first.size());
    }
    // Afterwards the view follows the window again.
    QCOMPARE(player->simView()->minimumSize(), minimumBefore);
    player->resize(640, 560);
    QTRY_COMPARE(player->simView()->size(), viewBefore);
  }

  void badPlayersAreRefused() {
    ReplayPlayer empty;
    const QString noEpisode = configErrorOf([&] { ReplayFrameSource source(empty); });
    QCOMPARE(noEpisode, QString("Cannot export the replay: no episode is open"));

    // A source outlived by its episode renders nothing instead of another episode's frames.
    auto player = openedPlayer();
    QVERIFY(player);
    ReplayFrameSource source(*player);
    QVERIFY(player->openEpisode(store_, episodeB_));
    QVERIFY(player->waitUntilBuilt(30000));
    QVERIFY(source.renderFrame(0).isNull());
  }

  void mp4HoldsEveryFrame() {
    if (VideoExporter::ffmpegProgram().isEmpty()) QSKIP("ffmpeg is not installed (./dev installs it)");
    const QString ffprobe = QStandardPaths::findExecutable("ffprobe");
    if (ffprobe.isEmpty()) QSKIP("ffprobe is not installed (it comes with the ffmpeg package)");
    auto player = openedPlayer();
    QVERIFY(player);
    ReplayFrameSource source(*player);
    QTemporaryDir out;
    const QString path = out.filePath("replay.mp4");
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(source, path), qPrintable(exporter.errorString()));
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

    QProcess probe;
    probe.start(ffprobe, {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_read_frames,r_frame_rate", "-of", "default=noprint_wrappers=1", path});
    QVERIFY(probe.waitForFinished(60000));
    QCOMPARE(probe.exitCode(), 0);
    const QString report = QString::fromUtf8(probe.readAllStandardOutput());
    qInfo("ffprobe: %s", qPrintable(report.simplified()));
    QVERIFY2(report.contains(QString("nb_read_frames=%1").arg(source.frameCount())), qPrintable(report));
    QVERIFY2(report.contains("r_frame_rate=50/1"), qPrintable(report));
  }

  void compareFramesHoldBothPanes() {
    CompareView view;
    view.resize(1100, 760);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.compareEpisodes(store_, episodeA_, episodeB_));
    QTRY_VERIFY_WITH_TIMEOUT(view.replaysBuilt(), 30000);
    QCOMPARE(view.frameCount(), 60);
    view.seek(12);

    ComparePane* panes[2] = {view.pane(0), view.pane(1)};
    QWidget* row = panes[0]->parentWidget();
    const QRect area = panes[0]->geometry().united(panes[1]->geometry());
    {
      CompareFrameSource source(view);
      QCOMPARE(source.frameCount(), view.frameCount());
      QCOMPARE(source.framesPerSecond(), 50.0);
      const QImage frame = source.renderFrame(50);  // B ended at step 39: it shows its last frame
      QVERIFY(!frame.isNull());
      QCOMPARE(frame.size(), area.size());
      QCOMPARE(view.frame(), 50);
      QCOMPARE(view.sideFrame(1), 39);
      QVERIFY(view.sideEnded(1));
      for (int side = 0; side < 2; ++side) {
        SimView* sim = panes[side]->simView();
        QVERIFY(sim);
        const QRect simRect(sim->mapTo(row, QPoint(0, 0)) - area.topLeft(), sim->size());
        // Side A lies in the left half and B in the right half of the frame.
        QVERIFY(side == 0 ? simRect.right() < frame.width() / 2 : simRect.left() >= frame.width() / 2);
        QCOMPARE(differingPixels(frame.copy(simRect), sim->grabFramebuffer()), 0);
        QLabel* caption = panes[side]->captionLabel();
        const QRect captionRect(caption->mapTo(row, QPoint(0, 0)) - area.topLeft(), caption->size());
        const double captionDifference = meanDifference(frame.copy(captionRect), caption->grab().toImage());
        QVERIFY2(captionDifference < 1.0, qPrintable(QString::number(captionDifference)));
      }
      // What QWidget::grab gives for a pane's GL view on this platform, for the record: under
      // Xvfb the GL scene without SimView's QPainter overlay, hence the framebuffer painted over.
      SimView* simA = panes[0]->simView();
      const double grabVsFramebuffer = meanDifference(simA->grab().toImage(), simA->grabFramebuffer());
      qInfo("QWidget::grab of a SimView vs its framebuffer under %s: mean difference %.2f of 255",
            qPrintable(QGuiApplication::platformName()), grabVsFramebuffer);
      // Another frame draws other pixels: the timeline really moved.
      QVERIFY(differingPixels(frame, source.renderFrame(0)) > 50);
      QCOMPARE(frame.size(), source.renderFrame(59).size());
      QVERIFY(source.renderFrame(60).isNull());
      // A window resized during the export changes no frame's size.
      view.resize(900, 600);
      QTest::qWait(50);
      QCOMPARE(source.renderFrame(30).size(), frame.size());
    }
    view.resize(1100, 760);
    QTRY_COMPARE(panes[0]->geometry().united(panes[1]->geometry()).size(), area.size());
    QCOMPARE(view.frame(), 12);
  }

  void compareRefusesLiveAndEmpty() {
    CompareView view;
    QCOMPARE(configErrorOf([&] { CompareFrameSource source(view); }),
             QString("Cannot export the comparison: nothing is being compared"));
    QSignalSpy errors(&view, &CompareView::errorOccurred);
    QVERIFY2(view.compareCheckpointOnTasks(store_, checkpoint_, TaskValues{}, TaskValues{}),
             qPrintable(errors.isEmpty() ? QString() : errors.first().first().toString()));
    const QString live = configErrorOf([&] { CompareFrameSource source(view); });
    QVERIFY2(live.contains("played live on two tasks has no timeline to export"), qPrintable(live));
  }
};

QTEST_MAIN(TestGlFrameSources)
#include "TestGlFrameSources.moc"
