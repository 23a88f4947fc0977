// LiveViewer on a real OpenGL context (xcb under xvfb-run, Mesa llvmpipe): a
// watched walker driven by a policy renders non-background pixels in the
// SimView, the overlay carries the step and return, and the lidar check box
// changes pixels along a lidar ray.
#include <QtTest/QtTest>

#include <QCheckBox>

#include <algorithm>
#include <cmath>
#include <memory>

#include "Simulations.h"
#include "walker/WalkerEnv.h"
#include "widgets/LiveViewer.h"
#include "widgets/OverlayToggleBar.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

int channel(float v) { return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); }

bool isBackground(QColor pixel, Rgba background) {
  return std::abs(pixel.red() - channel(background.r)) <= 4 &&
         std::abs(pixel.green() - channel(background.g)) <= 4 &&
         std::abs(pixel.blue() - channel(background.b)) <= 4;
}

// Waits until the view has painted `count` more frames.
bool waitForFrames(const SimView& view, quint64 count) {
  const quint64 target = view.framesPainted() + count;
  return QTest::qWaitFor([&] { return view.framesPainted() >= target; }, 5000);
}

}  // namespace

class TestGlLiveViewer : public QObject {
  Q_OBJECT

 private slots:
  // The widgets find simulations in the registry; the app's main fills it, here the test does.
  void initTestCase() { registerBuiltinSimulations(); }

  void watchedWalkerRendersAndLidarToggles() {
    LiveViewer viewer;
    QVERIFY2(viewer.glProblem().isEmpty(), qPrintable(viewer.glProblem()));
    QVERIFY(viewer.simView());
    viewer.resize(720, 520);
    viewer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&viewer));

    viewer.watch("walker", nlohmann::json::object(), {}, 7);
    QVERIFY2(viewer.watching(), qPrintable(viewer.errorMessage()));
    const EnvSpec& spec = viewer.runner()->env().spec();
    viewer.setPolicy(std::make_shared<const Policy>(spec.observationSpace, spec.actionSpace,
                                                    PolicyArchitecture{}, 4));
    for (int i = 0; i < 10; ++i) viewer.stepForward();  // pauses: frames stay still
    QCOMPARE(viewer.runner()->episodeStep(), 10);
    SimView& view = *viewer.simView();
    view.setFrameTimesVisible(false);  // the FPS readout changes from frame to frame
    QVERIFY(waitForFrames(view, 1));
    QVERIFY2(view.glAvailable(), qPrintable(view.glError()));
    QVERIFY(!viewer.scene().polygons.empty());
    QCOMPARE(view.overlayLines().first(), QStringLiteral("step 10"));

    const QImage without = view.grabFramebuffer();
    QVERIFY(!without.isNull());
    const Rgba background = viewer.scene().background;
    int drawn = 0;
    for (int y = 0; y < without.height(); ++y)
      for (int x = 0; x < without.width(); ++x)
        if (!isBackground(without.pixelColor(x, y), background)) ++drawn;
    // Terrain, walker and overlay cover a good share of the frame.
    QVERIFY2(drawn > without.width() * without.height() / 20,
             qPrintable(QStringLiteral("%1 non-background pixels").arg(drawn)));

    QVERIFY(!viewer.overlayToggles()->toggle(WalkerEnv::kLidarLayer)->isChecked());
    QVERIFY(!view.layerVisible(WalkerEnv::kLidarLayer));
    viewer.overlayToggles()->toggle(WalkerEnv::kLidarLayer)->setChecked(true);
    QVERIFY(view.layerVisible(WalkerEnv::kLidarLayer));
    const QImage with = view.grabFramebuffer();
    QCOMPARE(with.size(), without.size());
    const double ratio = static_cast<double>(with.width()) / view.width();
    int changedOnRays = 0, samples = 0;
    for (const SceneLine& line : viewer.scene().lines) {
      if (line.layer != WalkerEnv::kLidarLayer) continue;
      const Vec2f a = line.points.front(), b = line.points.back();
      for (double t = 0.5; t <= 0.9; t += 0.1, ++samples) {
        const QPointF p = view.worldToPixel(
            {static_cast<float>(a.x + t * (b.x - a.x)), static_cast<float>(a.y + t * (b.y - a.y))});
        const int x = std::clamp(static_cast<int>(p.x() * ratio), 0, with.width() - 1);
        const int y = std::clamp(static_cast<int>(p.y() * ratio), 0, with.height() - 1);
        if (with.pixelColor(x, y) != without.pixelColor(x, y)) ++changedOnRays;
      }
    }
    QVERIFY(samples > 0);
    QVERIFY2(changedOnRays * 2 >= samples,
             qPrintable(QStringLiteral("%1 of %2 ray samples changed").arg(changedOnRays).arg(samples)));

    viewer.overlayToggles()->toggle(WalkerEnv::kLidarLayer)->setChecked(false);
    QCOMPARE(view.grabFramebuffer(), without);
  }
};

QTEST_MAIN(TestGlLiveViewer)
#include "TestGlLiveViewer.moc"
