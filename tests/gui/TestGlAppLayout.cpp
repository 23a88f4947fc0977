// The desktop app reads well at its default size and stays usable when small,
// under Xvfb with real OpenGL: at the default 1400x900 (no saved layout) the
// learning curves and the replay's reward strip get a real plot with round,
// unelided axis labels and no table shows a clipped column title; the window
// shrinks to 800x600 with every dock and the live, replay and fight pages
// still at a workable size; the fight's camera shows the whole HUD and floor
// at any aspect (replay and comparison panes included); and the walker's
// ground reaches the bottom of the view.
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDockWidget>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QValueAxis>
#include <QtTest>
#include <atomic>
#include <cmath>

#include "Simulations.h"
#include "WindowMessages.h"
#include "conformance/TinyTraining.h"
#include "env/EnvRegistry.h"
#include "fight/FightEnv.h"
#include "fight/FightScene.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/CurvesPanel.h"
#include "gui/InspectorPanel.h"
#include "gui/MainWindow.h"
#include "gui/StoreSession.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/CurveChart.h"
#include "widgets/fight/FightPlayView.h"
#include "widgets/LiveViewer.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RewardStrip.h"
#include "widgets/RunBrowser.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

// Texts of a chart's axis labels and titles that Qt Charts shortened to fit ("-82...").
QStringList elidedTexts(QChart* chart) {
  QStringList out;
  for (QGraphicsItem* item : chart->scene()->items()) {
    if (!item->isVisible()) continue;
    if (auto* text = dynamic_cast<QGraphicsTextItem*>(item)) {
      const QString plain = text->toPlainText();
      if (plain.contains(QStringLiteral("...")) || plain.contains(QChar(0x2026))) out << plain;
    }
  }
  return out;
}

// Column titles of the window's visible tables and trees narrower than the title needs.
QStringList clippedTitles(QWidget* root) {
  QStringList out;
  for (QHeaderView* header : root->findChildren<QHeaderView*>()) {
    if (!header->isVisible() || header->orientation() != Qt::Horizontal) continue;
    for (int i = 0; i < header->count(); ++i) {
      if (header->isSectionHidden(i)) continue;
      const QString title = header->model()->headerData(i, Qt::Horizontal).toString();
      if (header->sectionSize(i) < header->sectionSizeHint(i))
        out << QStringLiteral("%1 (%2 < %3 px)")
                   .arg(title)
                   .arg(header->sectionSize(i))
                   .arg(header->sectionSizeHint(i));
    }
  }
  return out;
}

// Whether a pixel of `image` in `rows` (fractions of its height) is close to `colour`.
bool rowsContain(const QImage& image, double fromRow, double toRow, QColor colour) {
  for (int y = static_cast<int>(fromRow * image.height());
       y < static_cast<int>(toRow * image.height()); ++y) {
    for (int x = 0; x < image.width(); x += 3) {
      const QColor c = image.pixelColor(x, y);
      if (std::abs(c.red() - colour.red()) < 12 && std::abs(c.green() - colour.green()) < 12 &&
          std::abs(c.blue() - colour.blue()) < 12)
        return true;
    }
  }
  return false;
}

// The fight's key heights in world units: the floor's bottom, the top of the HUD (timer text).
constexpr float kFloorBottom = -60.0f;
constexpr float kHudTop = fight::FightScene::kHudTop + 30.0f;

// Whether `view` shows the whole stage width, the floor and the HUD.
QString fightFramingProblem(const SimView& view, float stageWidth) {
  const QPointF floor = view.worldToPixel({stageWidth * 0.5f, kFloorBottom});
  const QPointF hud = view.worldToPixel({stageWidth * 0.5f, kHudTop});
  const QPointF left = view.worldToPixel({0.0f, 0.0f});
  const QPointF right = view.worldToPixel({stageWidth, 0.0f});
  QStringList problems;
  if (floor.y() > view.height() + 0.5)
    problems << QStringLiteral("floor cut at y %1 > %2").arg(floor.y()).arg(view.height());
  if (hud.y() < -0.5) problems << QStringLiteral("HUD cut at y %1 < 0").arg(hud.y());
  if (left.x() < -0.5 || right.x() > view.width() + 0.5)
    problems << QStringLiteral("stage %1..%2 outside 0..%3")
                    .arg(left.x())
                    .arg(right.x())
                    .arg(view.width());
  return problems.join(QStringLiteral("; "));
}

}  // namespace

class TestGlAppLayout : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString store_;  // two short walker runs and one quit fight match
  int64_t runA_ = 0, runB_ = 0;

  QString path(const QString& name) const { return dir_.filePath(name); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path("settings"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, path("settings"));
    registerBuiltinSimulations();
    if (!SimView::openGlProblem().isEmpty())
      QSKIP(qPrintable("no OpenGL here: " + SimView::openGlProblem()));
    store_ = path("runs.sqlite");
    RunStore store(store_.toStdString());
    std::atomic<bool> stop{false};
    TrainingSession a(TrainConfig::fromJson(testing::tinyWalkerConfig(2048, 512, 1)), &store, "walker seed 1");
    QCOMPARE(a.run(stop).status, RunStatus::Finished);
    TrainingSession b(TrainConfig::fromJson(testing::tinyWalkerConfig(2048, 512, 2)), &store, "walker seed 2");
    QCOMPARE(b.run(stop).status, RunStatus::Finished);
    runA_ = a.runId();
    runB_ = b.runId();
  }

  void init() { openAppSettings()->clear(); }  // a first start: no saved geometry or layout

  void defaultWindowReadsWell() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(store_, RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), MainWindow::kDefaultSize);
    window.runBrowser()->runView()->selectAll();  // both runs' curves
    CurveChart* chart = window.curvesPanel()->chart();
    chart->waitForLoad();
    QVERIFY(chart->smoothedSeries(runA_) && chart->smoothedSeries(runB_));
    QTest::qWait(200);  // the layout settles, the chart redraws for its size

    // The curves: a plot of real size, labels at round values, none elided.
    const QRectF plot = chart->chart()->plotArea();
    QVERIFY2(plot.height() >= 150 && plot.width() >= 700,
             qPrintable(QStringLiteral("plot %1 x %2").arg(plot.width()).arg(plot.height())));
    QVERIFY2(elidedTexts(chart->chart()).isEmpty(),
             qPrintable(elidedTexts(chart->chart()).join(" | ")));
    auto* x = qobject_cast<QValueAxis*>(chart->chart()->axes(Qt::Horizontal).first());
    QCOMPARE(x->tickType(), QValueAxis::TicksDynamic);
    QCOMPARE(x->labelFormat(), QStringLiteral("%.0f"));
    QVERIFY(std::fmod(x->tickInterval(), 1.0) == 0.0);
    QVERIFY2(clippedTitles(&window).isEmpty(), qPrintable(clippedTitles(&window).join(", ")));

    // The replay: its reward strip is readable too.
    const std::vector<EpisodeSummary> evals =
        window.storeSession()->store()->episodes(runA_, EpisodeKind::Eval);
    QVERIFY(!evals.empty());
    QVERIFY(controller.openEpisode(evals.back().id));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(60000));
    QTest::qWait(200);
    RewardStrip* strip = controller.replayPlayer()->findChild<RewardStrip*>();
    QVERIFY(strip);
    QChart* stripChart = strip->findChild<QChartView*>()->chart();
    QVERIFY2(
        stripChart->plotArea().height() >= 80,
        qPrintable(QStringLiteral("reward plot %1 px high").arg(stripChart->plotArea().height())));
    QVERIFY2(elidedTexts(stripChart).isEmpty(), qPrintable(elidedTexts(stripChart).join(" | ")));
    QVERIFY2(clippedTitles(&window).isEmpty(), qPrintable(clippedTitles(&window).join(", ")));
    QVERIFY(messages.texts.isEmpty());
  }

  void shrinksTo800x600AndStaysUsable() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(store_, RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(200);  // the docks and pages are laid out
    const QSize minimum = window.minimumSizeHint();
    QVERIFY2(
        minimum.width() <= 800 && minimum.height() <= 600,
        qPrintable(QStringLiteral("minimum %1 x %2").arg(minimum.width()).arg(minimum.height())));
    window.resize(800, 600);
    QTRY_COMPARE(window.size(), QSize(800, 600));

    auto checkDocks = [&](const QString& page) {
      for (QDockWidget* dock : window.findChildren<QDockWidget*>()) {
        if (!dock->isVisible()) continue;
        const QSize need = dock->widget()->minimumSizeHint();
        QVERIFY2(
            dock->widget()->width() >= need.width() && dock->widget()->height() >= need.height(),
            qPrintable(page + ": " + dock->objectName() +
                       QStringLiteral(" %1x%2 < %3x%4")
                           .arg(dock->widget()->width())
                           .arg(dock->widget()->height())
                           .arg(need.width())
                           .arg(need.height())));
      }
      // The Inspector shows both its columns, the values on at least 45% of the tree.
      QTreeWidget* tree = window.inspectorPanel()->configTree();
      QVERIFY2(tree->viewport()->width() >= 150,
               qPrintable(QString::number(tree->viewport()->width())));
      QHeaderView* header = tree->header();
      const int valueLeft = header->sectionViewportPosition(InspectorPanel::ValueColumn);
      QVERIFY2(valueLeft >= 0 && valueLeft <= tree->viewport()->width() * 56 / 100,
               qPrintable(page + QStringLiteral(": values start at %1 of %2 px")
                                     .arg(valueLeft)
                                     .arg(tree->viewport()->width())));
    };
    auto checkView = [&](SimView* view, const QString& page) {
      QVERIFY2(view && view->isVisible(), qPrintable(page));
      QVERIFY2(view->width() >= 300 && view->height() >= 150,
               qPrintable(page +
                          QStringLiteral(" view %1 x %2").arg(view->width()).arg(view->height())));
    };

    // Live, replay and fight pages.
    QVERIFY(controller.watchRun(runA_));
    QTest::qWait(100);
    checkView(controller.liveViewer()->simView(), "live");
    checkDocks("live");
    QVERIFY(controller.openEpisode(
        window.storeSession()->store()->episodes(runA_, EpisodeKind::Eval).back().id));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(60000));
    QTest::qWait(100);
    checkView(controller.replayPlayer()->simView(), "replay");
    checkDocks("replay");
    QChart* stripChart =
        controller.replayPlayer()->findChild<RewardStrip*>()->findChild<QChartView*>()->chart();
    QVERIFY2(elidedTexts(stripChart).isEmpty(), qPrintable(elidedTexts(stripChart).join(" | ")));
    FightPlaySetup setup;
    setup.seed = 11;
    QVERIFY(controller.playFight(setup));
    QTest::qWait(100);
    checkView(controller.fightView()->view(), "fight");
    checkDocks("fight");
    QCOMPARE(fightFramingProblem(*controller.fightView()->view(), 960.0f), QString());
    QVERIFY(controller.fightView()->quitMatch());
    QVERIFY2(messages.texts.isEmpty(), qPrintable(messages.texts.join('\n')));
  }

  void fightCameraShowsHudAndFloorAtAnyAspect() {
    fight::FightEnv env(fight::FightConfig::fromJson({{"mode", "two"}, {"control", "pad"}}));
    env.reset(5, env.spec().tasks.defaults());
    Scene scene;
    env.describe(scene);
    QVERIFY(scene.viewHeight > 0);
    SimView view;
    view.setScene(scene);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Wide (a short replay page), square-ish and narrow views.
    for (const QSize size : {QSize(1100, 300), QSize(700, 520), QSize(320, 400)}) {
      view.resize(size);
      QTRY_COMPARE(view.size(), size);
      QCOMPARE(fightFramingProblem(view, 960.0f), QString());
      // The floor's brown is on screen near the bottom, whatever the aspect.
      const QImage image = view.grabFramebuffer();
      QVERIFY2(
          rowsContain(image, 0.5, 1.0, QColor::fromRgbF(0.55f, 0.45f, 0.35f)),
          qPrintable(
              QStringLiteral("no floor in a %1x%2 view").arg(size.width()).arg(size.height())));
    }
  }

  void fightReplayAndComparePanesFrameTheFight() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("fights.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    std::vector<int64_t> episodes;
    for (uint64_t seed : {3u, 4u}) {
      FightPlaySetup setup;
      setup.seed = seed;
      QVERIFY(controller.playFight(setup));
      controller.fightView()->setFramesPerTick(20);
      QTRY_VERIFY_WITH_TIMEOUT(controller.fightView()->framesPlayed() > 200, 10000);
      QVERIFY(controller.fightView()->quitMatch());
      episodes.push_back(controller.fightView()->storedEpisodeId());
    }
    QVERIFY(controller.openEpisode(episodes[0]));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(60000));
    controller.replayPlayer()->seek(100);
    QTest::qWait(100);
    QCOMPARE(fightFramingProblem(*controller.replayPlayer()->simView(), 960.0f), QString());
    QVERIFY(controller.compareEpisodes(episodes[0], episodes[1]));
    QTRY_VERIFY_WITH_TIMEOUT(controller.compareView()->replaysBuilt(), 60000);
    controller.compareView()->seek(100);
    QTest::qWait(100);
    for (int side = 0; side < 2; ++side) {
      SimView* pane = controller.compareView()->pane(side)->simView();
      QVERIFY(pane);
      QCOMPARE(fightFramingProblem(*pane, 960.0f), QString());
    }
    QVERIFY2(messages.texts.isEmpty(), qPrintable(messages.texts.join('\n')));
  }

  void walkerGroundReachesTheBottomOfTheView() {
    const EnvPtr env = EnvRegistry::instance().get("walker").create(nlohmann::json::object());
    env->reset(1, env->spec().tasks.defaults());
    Scene scene;
    env->describe(scene);
    SimView view;
    view.setScene(scene);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // A tall view shows far below the ground: earth there, not sky.
    for (const QSize size : {QSize(800, 500), QSize(400, 800)}) {
      view.resize(size);
      QTRY_COMPARE(view.size(), size);
      const QImage image = view.grabFramebuffer();
      const QColor earth(102, 153, 76), sky(215, 215, 255);
      QVERIFY(rowsContain(image, 0.97, 1.0, earth));
      QVERIFY2(!rowsContain(image, 0.97, 1.0, sky),
               qPrintable(QStringLiteral("sky under the ground in a %1x%2 view")
                              .arg(size.width())
                              .arg(size.height())));
    }
  }
};

QTEST_MAIN(TestGlAppLayout)
#include "TestGlAppLayout.moc"
