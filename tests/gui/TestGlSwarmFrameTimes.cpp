// Frame times of the live view drawing many agents in the desktop app at its default window
// (1400x900, docks at their default sizes), as issue 9's figures were measured: the view's own
// FrameTimeMeter read every 4 s. The agents are the test env ParticleTestEnv (each one an
// instanced, individually coloured arrow moving every step), watched live at 1x with its
// "order" metric plotted under the view; then again with one agent picked (its highlight drawn
// and its observation row shown beside the view every frame).
//
// Only with PALAESTRA_FRAME_SECONDS set (seconds per situation); PALAESTRA_SWARM_AGENTS lists the
// swarm sizes (default "10000,100000"). Run it on a quiet machine:
//   PALAESTRA_FRAME_SECONDS=20 xvfb-run -a -s "-screen 0 1920x1200x24"
//   build/tests/gui_GlSwarmFrameTimes   (one command line)
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <vector>

#include "Simulations.h"
#include "WindowMessages.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "store/RunStore.h"
#include "widgets/LiveViewer.h"
#include "widgets/ParticleTestEnv.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

struct FrameFigures {
  double p95Median = 0, p95Worst = 0, p50Median = 0, paintP50 = 0, framesPerSecond = 0;
};

// Reads the view's meter (the last 240 frames) every 4 s for `seconds` after 4 s of warm-up.
FrameFigures measureFrames(SimView& view, int seconds) {
  std::vector<double> p95s, p50s;
  QTest::qWait(2000);      // the situation settles
  view.clearFrameTimes();  // at a few frames per second 240 frames would reach far back
  QTest::qWait(2000);
  const quint64 framesBefore = view.framesPainted();
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < seconds * 1000) {
    QTest::qWait(4000);
    p95s.push_back(view.frameTimes().p95Milliseconds());
    p50s.push_back(view.frameTimes().p50Milliseconds());
  }
  std::sort(p95s.begin(), p95s.end());
  std::sort(p50s.begin(), p50s.end());
  FrameFigures f;
  f.p95Median = p95s[p95s.size() / 2];
  f.p95Worst = p95s.back();
  f.p50Median = p50s[p50s.size() / 2];
  f.paintP50 = view.frameTimes().paintP50Milliseconds();
  f.framesPerSecond =
      static_cast<double>(view.framesPainted() - framesBefore) / (clock.elapsed() / 1000.0);
  return f;
}

void report(const FrameFigures& f, const SimView& view, const QString& what) {
  qInfo(
      "frame times, %s, view %dx%d: p95 median %.1f ms, p95 worst %.1f ms, p50 median %.1f ms, "
      "paint p50 %.1f ms, %.1f frames/s",
      qPrintable(what), view.width(), view.height(), f.p95Median, f.p95Worst, f.p50Median,
      f.paintP50, f.framesPerSecond);
}

}  // namespace

class TestGlSwarmFrameTimes : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void liveViewOfManyAgents() {
    const int seconds = qEnvironmentVariableIntValue("PALAESTRA_FRAME_SECONDS");
    if (seconds <= 0) QSKIP("set PALAESTRA_FRAME_SECONDS to measure the live view's frame times");
    QVERIFY(dir_.isValid());
    QStringList sizes =
        qEnvironmentVariable("PALAESTRA_SWARM_AGENTS", QStringLiteral("10000,100000"))
            .split(QLatin1Char(','), Qt::SkipEmptyParts);
    registerBuiltinSimulations();
    testing::registerParticleTestEnv();
    openAppSettings()->clear();  // a first start: the default window and dock layout
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(dir_.filePath("frames.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    qInfo("window %dx%d", window.width(), window.height());
    LiveViewer* live = controller.liveViewer();
    SimView* view = live->simView();
    QVERIFY(view);
    view->setFrameTimesVisible(true);
    window.showPage(live->parentWidget());

    for (const QString& size : sizes) {
      bool ok = false;
      const int agents = size.trimmed().toInt(&ok);
      QVERIFY2(ok && agents > 0, qPrintable("PALAESTRA_SWARM_AGENTS: not a whole number: " + size));
      live->watch("particles-test", {{"agents", agents}}, {}, 1);
      QVERIFY2(live->errorMessage().isEmpty(), qPrintable(live->errorMessage()));
      QVERIFY(live->watching());
      live->selectAgent(-1);
      FrameFigures f = measureFrames(*view, seconds);
      QCOMPARE(view->scene().particles.at(0).xyAngle.size(), static_cast<size_t>(agents) * 3);
      QVERIFY(f.framesPerSecond > 0);
      report(f, *view, QStringLiteral("%1 agents").arg(agents));

      live->selectAgent(agents / 2);
      QCOMPARE(live->selectedAgent(), agents / 2);
      f = measureFrames(*view, seconds);
      report(f, *view, QStringLiteral("%1 agents, one picked").arg(agents));
    }
  }
};

QTEST_MAIN(TestGlSwarmFrameTimes)
#include "TestGlSwarmFrameTimes.moc"
