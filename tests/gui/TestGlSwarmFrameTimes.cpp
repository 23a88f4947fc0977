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
#include "FrameTimeReport.h"
#include "WindowMessages.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "store/RunStore.h"
#include "widgets/LiveViewer.h"
#include "widgets/ParticleTestEnv.h"
#include "widgets/SimView.h"

using namespace palaestra;

using testing::FrameFigures;

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
      FrameFigures f = testing::measureFrameTimes(*view, seconds);
      QCOMPARE(view->scene().particles.at(0).xyAngle.size(), static_cast<size_t>(agents) * 3);
      QVERIFY(f.framesPerSecond > 0);
      testing::printFrameTimes(f, *view, QStringLiteral("%1 agents").arg(agents));

      live->selectAgent(agents / 2);
      QCOMPARE(live->selectedAgent(), agents / 2);
      f = testing::measureFrameTimes(*view, seconds);
      testing::printFrameTimes(f, *view, QStringLiteral("%1 agents, one picked").arg(agents));
    }
  }
};

QTEST_MAIN(TestGlSwarmFrameTimes)
#include "TestGlSwarmFrameTimes.moc"
