// GL test of the comparison view under Xvfb (xcb, Mesa llvmpipe): two real
// walker episodes (simulated here and stored in a temporary run store) are
// compared; both panes render the walker (pixels other than the background)
// and moving the one shared timeline slider changes what both panes show.
#include <QImage>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "sim/Simulations.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/PlaybackBar.h"
#include "widgets/SimView.h"

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

// Pixels of `image` whose colour is not the scene background (a few units of tolerance).
int nonBackgroundPixels(const QImage& image, const Rgba& background) {
  const QColor bg = QColor::fromRgbF(background.r, background.g, background.b);
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (std::abs(c.red() - bg.red()) + std::abs(c.green() - bg.green()) + std::abs(c.blue() - bg.blue()) > 12)
        ++count;
    }
  return count;
}

int differingPixels(const QImage& a, const QImage& b) {
  if (a.size() != b.size()) return a.width() * a.height();
  int count = 0;
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < a.width(); ++x) count += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
  return count;
}

}  // namespace

class TestGlCompareView : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t episodeA_ = 0, episodeB_ = 0;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    if (!SimView::openGlProblem().isEmpty())
      QSKIP(qPrintable("no OpenGL 3.3 here: " + SimView::openGlProblem()));
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString());
    const TrainConfig config = TrainConfig::fromJson(presetConfig("walker", "default"));
    NewRun run;
    run.name = "gl-compare";
    run.env = "walker";
    run.configJson = config.toJson().dump();
    const int64_t runId = store_->createRun(run);
    EnvPtr env = EnvRegistry::instance().get("walker").create(config.envConfig);
    episodeA_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, simulateWalker(*env, 3, 300));
    episodeB_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, simulateWalker(*env, 4, 200));
  }

  void bothPanesRenderAndFollowTheSharedSlider() {
    CompareView view;
    view.resize(1200, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.compareEpisodes(store_, episodeA_, episodeB_));
    QTRY_VERIFY_WITH_TIMEOUT(view.replaysBuilt(), 30000);
    view.seek(0);

    SimView* views[2] = {view.pane(0)->simView(), view.pane(1)->simView()};
    QImage before[2];
    for (int side = 0; side < 2; ++side) {
      QVERIFY(views[side]);
      QTRY_VERIFY(views[side]->glAvailable());
      before[side] = views[side]->grabFramebuffer();
      const int drawn = nonBackgroundPixels(before[side], views[side]->scene().background);
      QVERIFY2(drawn > 500, qPrintable(QString("side %1: %2 non-background pixels").arg(side).arg(drawn)));
    }

    // The user drags the one timeline slider: both panes move to the new frame.
    QSlider* slider = view.playbackBar()->timelineSlider();
    QVERIFY(slider->isVisible());
    // A frame both episodes reach (the walker may fall before its step budget).
    const int target = std::min(store_->episodeSummary(episodeA_).length, store_->episodeSummary(episodeB_).length);
    QVERIFY2(target >= 30, qPrintable(QString("the shorter episode has only %1 steps").arg(target)));
    slider->setValue(target);
    QCOMPARE(view.frame(), target);
    QCOMPARE(view.sideFrame(0), target);
    QCOMPARE(view.sideFrame(1), target);
    for (int side = 0; side < 2; ++side) {
      const QImage after = views[side]->grabFramebuffer();
      const int changed = differingPixels(before[side], after);
      QVERIFY2(changed > 200, qPrintable(QString("side %1: %2 pixels changed").arg(side).arg(changed)));
    }
  }
};

QTEST_MAIN(TestGlCompareView)
#include "TestGlCompareView.moc"
