// What a new user does in the desktop app, under Xvfb on real run stores:
// F5 refreshes whichever widget has focus (no key of the window is bound
// twice), the Runs table counts a training run's steps live, a run just
// started is the one the Training dock's buttons act on, the status line
// follows the page shown (no "Watching run N learn" over a replay), and a
// rename reaches the Inspector, the curves' legend and the Training dock.
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <atomic>
#include <map>

#include "Simulations.h"
#include "WindowMessages.h"
#include "conformance/TinyTraining.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/CurvesPanel.h"
#include "gui/InspectorPanel.h"
#include "gui/MainWindow.h"
#include "gui/StoreSession.h"
#include "gui/TrainingPanel.h"
#include "gui/WelcomePage.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/CurriculumEditor.h"
#include "widgets/LiveViewer.h"
#include "widgets/fight/FightPlayView.h"
#include "widgets/fight/LeagueView.h"
#include "league/LeagueRunner.h"
#include "play/PolicyRunner.h"
#include "store/LeagueStore.h"
#include "widgets/CurveChart.h"
#include "widgets/RunBrowser.h"
#include "widgets/RunTableModel.h"
#include "widgets/SimView.h"
#include "widgets/TrainingManager.h"

using namespace palaestra;

namespace {

// Collects Qt's warnings about ambiguous shortcuts while alive.
struct AmbiguityWatch {
  static inline QStringList seen;
  QtMessageHandler previous;
  AmbiguityWatch() {
    seen.clear();
    previous =
        qInstallMessageHandler([](QtMsgType, const QMessageLogContext&, const QString& message) {
          if (message.contains(QStringLiteral("Ambiguous shortcut"))) seen << message;
        });
  }
  ~AmbiguityWatch() { qInstallMessageHandler(previous); }
};

int rowCount(MainWindow& window) {
  return window.runBrowser()->runModel()->rowCount();
}

}  // namespace

class TestGlAppWorkflow : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString trainedStore_;
  int64_t trainedRun_ = 0;

  QString path(const QString& name) const { return dir_.filePath(name); }

  // A copy of the store with one short trained run (checkpoint, metrics, eval episodes).
  QString freshStore(const QString& name) {
    const QString copy = path(name);
    QFile::remove(copy);
    if (!QFile::copy(trainedStore_, copy)) qWarning("could not copy the trained store");
    return copy;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path("settings"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, path("settings"));
    registerBuiltinSimulations();
    if (!SimView::openGlProblem().isEmpty())
      QSKIP(qPrintable("no OpenGL here: " + SimView::openGlProblem()));
    trainedStore_ = path("trained.sqlite");
    RunStore store(trainedStore_.toStdString());
    TrainingSession session(TrainConfig::fromJson(testing::tinyWalkerConfig(512, 256)), &store, "tiny walker");
    std::atomic<bool> stop{false};
    QCOMPARE(session.run(stop).status, RunStatus::Finished);
    trainedRun_ = session.runId();
  }

  void init() { openAppSettings()->clear(); }

  void f5RefreshesWhereverTheFocusIsAndNoKeyIsBoundTwice() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(freshStore("f5.sqlite"), RunStore::OpenMode::OpenExisting));
    window.show();
    window.activateWindow();  // shortcuts work in the active window
    QVERIFY(QTest::qWaitForWindowActive(&window));

    // Every key sequence of the window's actions (menus, docks, pages) belongs to one action.
    std::map<QString, QStringList> owners;
    for (const QAction* action : window.findChildren<QAction*>()) {
      for (const QKeySequence& key : action->shortcuts())
        owners[key.toString()] << action->text().remove('&');
    }
    QVERIFY(owners.count(QStringLiteral("F5")) == 1);
    for (const auto& [key, actions] : owners)
      QVERIFY2(actions.size() == 1, qPrintable(key + " is bound to " + actions.join(", ")));

    AmbiguityWatch watch;
    const std::shared_ptr<RunStore> store = window.storeSession()->store();
    QCOMPARE(rowCount(window), 1);
    // A run added behind the app's back (another process) shows after F5 in the runs table...
    NewRun outside;
    outside.name = "made elsewhere";
    outside.env = "walker";
    store->createRun(outside);
    QTableView* runs = window.runBrowser()->runView();
    runs->setFocus();
    QTRY_VERIFY(runs->hasFocus());
    QTest::keyClick(runs, Qt::Key_F5);
    QTRY_COMPARE_WITH_TIMEOUT(rowCount(window), 2, 2000);
    // ... and with the focus anywhere else, e.g. in the curves' metric box.
    outside.name = "made elsewhere too";
    store->createRun(outside);
    QWidget* metric = window.curvesPanel()->metricBox();
    metric->setFocus();
    QTRY_VERIFY(metric->hasFocus());
    QTest::keyClick(metric, Qt::Key_F5);
    QTRY_COMPARE_WITH_TIMEOUT(rowCount(window), 3, 2000);
    QVERIFY2(watch.seen.isEmpty(), qPrintable(watch.seen.join('\n')));
    QVERIFY(messages.texts.isEmpty());
  }

  void runsTableCountsStepsLiveAndANewRunIsTheOneTheButtonsActOn() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(freshStore("live.sqlite"), RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    TrainingPanel* panel = window.trainingPanel();

    // A first run ends; the user picks its job in the Training dock.
    const int64_t first =
        controller.startRun(testing::tinyWalkerConfig(256, 1'000'000'000), QStringLiteral("first"));
    QVERIFY(first > 0);
    TrainingManager* manager = controller.trainingManager();
    QVERIFY(manager->waitForAll(60000));
    QTRY_COMPARE(panel->jobState(first), TrainingPanel::JobState::Finished);
    panel->jobList()->topLevelItem(0)->setSelected(true);
    QCOMPARE(panel->targetRunId(), first);

    // A second run, started as the dialog starts it: selected in the Runs dock and in the Training
    // dock, so Pause and Stop act on it.
    const int64_t second =
        controller.startRun(testing::tinyWalkerConfig(50'000'000, 1'000'000'000), QStringLiteral("second"));
    QVERIFY(second > first);
    QCOMPARE(window.runBrowser()->selectedRunIds(), QList<int64_t>{second});
    QCOMPARE(panel->targetRunId(), second);
    QTRY_VERIFY_WITH_TIMEOUT(panel->pauseButton()->isEnabled() && panel->stopButton()->isEnabled(),
                             10000);
    const QList<QTreeWidgetItem*> selectedJobs = panel->jobList()->selectedItems();
    QCOMPARE(selectedJobs.size(), 1);
    QVERIFY(selectedJobs.front()->text(TrainingPanel::RunColumn).contains("second"));

    // Its steps count up in the Runs table while it trains, though the store has none yet (no
    // checkpoint before the end).
    RunTableModel* runs = window.runBrowser()->runModel();
    const int row = runs->rowOfRun(second);
    auto shownSteps = [&] {
      return QLocale().toLongLong(runs->index(row, RunTableModel::Steps).data().toString());
    };
    QTRY_VERIFY_WITH_TIMEOUT(manager->lastProgress(second).steps >= 1024, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(shownSteps() >= 1024, 2000);
    QCOMPARE(window.storeSession()->store()->getRun(second).steps, int64_t{0});
    const qlonglong before = shownSteps();
    QTRY_VERIFY_WITH_TIMEOUT(shownSteps() > before, 30000);
    QCOMPARE(runs->index(row, RunTableModel::Steps).data(RunTableModel::SortRole).toLongLong(),
             shownSteps());

    // Stop works on it (the button the user sees); the table then shows the stored count.
    QTest::mouseClick(panel->stopButton(), Qt::LeftButton);
    QVERIFY(manager->waitForAll(60000));
    const int64_t stored = window.storeSession()->store()->getRun(second).steps;
    QVERIFY(stored >= before);
    QTRY_COMPARE(shownSteps(), static_cast<qlonglong>(stored));
    QVERIFY2(messages.texts.isEmpty(), qPrintable(messages.texts.join('\n')));
  }

  void statusLineFollowsThePage() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(freshStore("status.sqlite"), RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const int64_t run =
        controller.startRun(testing::tinyWalkerConfig(50'000'000, 1'000'000'000), QStringLiteral("learning"));
    QVERIFY(run > 0);
    QVERIFY2(window.statusBar()->currentMessage().contains(
                 QStringLiteral("Watching run %1 learn").arg(run)),
             qPrintable(window.statusBar()->currentMessage()));
    const std::vector<EpisodeSummary> evals =
        window.storeSession()->store()->episodes(trainedRun_, EpisodeKind::Eval);
    QVERIFY(!evals.empty());
    QVERIFY(controller.openEpisode(evals.front().id));
    const QString replaying = window.statusBar()->currentMessage();
    QVERIFY2(!replaying.contains(QStringLiteral("Watching")), qPrintable(replaying));
    QVERIFY2(replaying.contains(QStringLiteral("Replaying episode %1").arg(evals.front().id)),
             qPrintable(replaying));
    QVERIFY2(replaying.contains(QStringLiteral("tiny walker")), qPrintable(replaying));
    // Another page (the welcome page) drops the replay's line too.
    window.showPage(window.welcomePage());
    QVERIFY(window.statusBar()->currentMessage().isEmpty());
    controller.trainingManager()->stopAll();
    QVERIFY(controller.trainingManager()->waitForAll(60000));
  }

  void curriculumEditorEditsTheRunTheAppTrains() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(freshStore("curriculum.sqlite"), RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    nlohmann::json config = testing::tinySwarmConfig(50'000'000, 1, 1);
    config["curriculum"] = {{"teacher", "random"}, {"params", {"noise"}}};
    const int64_t run = controller.startRun(config, QStringLiteral("with a curriculum"));
    QVERIFY(run > 0);
    const std::shared_ptr<RunStore> store = window.storeSession()->store();
    QTRY_VERIFY_WITH_TIMEOUT(!store->curriculumEvents(run).empty(), 30000);
    CurriculumEditor* editor = controller.showCurriculumEditor(run);
    QVERIFY(editor);
    QVERIFY(editor->isWindow());
    editor->addStage(100.0);
    QVERIFY2(editor->statusText().startsWith("Applied"), qPrintable(editor->statusText()));
    QTRY_VERIFY_WITH_TIMEOUT(
        (editor->refresh(),
         editor->history().sectionAt(editor->history().lastEventId()).value("teacher", "") ==
             "staged"),
        10000);
    // A stored run the app does not train: shown, not edited.
    CurriculumEditor* stored = controller.showCurriculumEditor(trainedRun_);
    QVERIFY(stored);
    QVERIFY2(stored->statusText().contains("no curriculum events"),
             qPrintable(stored->statusText()));
    controller.trainingManager()->stopAll();
    QVERIFY(controller.trainingManager()->waitForAll(60000));
    editor->close();
    stored->close();
  }

  void leagueViewPlaysAndWatchesMembers() {
    // A store with a tiny trained fight league beside the trained walker run.
    const QString file = freshStore("league.sqlite");
    std::vector<LeagueMember> members;
    {
      RunStore store(file.toStdString());
      LeagueRunner runner(LeagueConfig::fromJson(testing::tinyFightLeagueConfig("league")), store,
                          "tiny league");
      std::atomic<bool> stop{false};
      members = runner.run(stop).members;
    }
    QCOMPARE(members.size(), size_t{6});
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(file, RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Fight > League view opens its own window on the latest league.
    QAction* action = nullptr;
    for (QAction* a : controller.fightActions())
      if (a->text().contains("League")) action = a;
    QVERIFY(action);
    action->trigger();
    LeagueView* view = nullptr;
    for (QWidget* w : QApplication::topLevelWidgets())
      if (auto* v = qobject_cast<LeagueView*>(w)) view = v;
    QVERIFY(view);
    QVERIFY(view->isWindow());
    QCOMPARE(view->memberTable()->rowCount(), 6);
    // Watch the first main agent (P1) fight the second-round league exploiter (P2) live.
    view->selectCheckpoints({members[0].checkpointId, members[5].checkpointId});
    QVERIFY(view->watchSelected());
    LiveViewer* live = controller.liveViewer();
    QVERIFY2(live->errorMessage().isEmpty(), qPrintable(live->errorMessage()));
    QVERIFY(live->runner());
    QVERIFY(live->runner()->slotPolicy(1) != nullptr);
    QVERIFY(live->runner()->policy() != nullptr);
    QVERIFY(live->runner()->slotPolicy(1) != live->runner()->policy());
    QTRY_VERIFY_WITH_TIMEOUT(live->runner()->episodeStep() > 5, 10000);
    QVERIFY(window.statusBar()->currentMessage().contains("fight checkpoint"));
    // Play against one member: the fight page runs a match with it on P2.
    view->selectCheckpoints({members[3].checkpointId});
    QVERIFY(view->playAgainstSelected());
    QVERIFY(controller.fightView()->running());
    QCOMPARE(controller.fightView()->session()->setup().agentCheckpointId, members[3].checkpointId);
    controller.fightView()->setQuitConfirmation([] { return true; });
    QVERIFY(controller.fightView()->quitMatch());
    // Watching one run afterwards plays one policy again.
    QVERIFY(controller.watchRun(trainedRun_));
    QVERIFY(live->runner()->slotPolicy(1) == nullptr);
    QVERIFY2(messages.texts.isEmpty(), qPrintable(messages.texts.join(" | ")));
    view->close();
  }

  void renameReachesInspectorLegendAndTrainingDock() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(freshStore("rename.sqlite"), RunStore::OpenMode::OpenExisting));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.runBrowser()->selectRun(trainedRun_));
    CurveChart* chart = window.curvesPanel()->chart();
    chart->waitForLoad();
    QVERIFY(chart->smoothedSeries(trainedRun_));
    QVERIFY(window.inspectorPanel()->configTitle().contains("tiny walker"));

    // Renamed in place, as the user edits the Name cell.
    QSortFilterProxyModel* proxy = window.runBrowser()->runProxy();
    RunTableModel* runs = window.runBrowser()->runModel();
    const QModelIndex name =
        proxy->mapFromSource(runs->index(runs->rowOfRun(trainedRun_), RunTableModel::Name));
    QVERIFY(proxy->setData(name, QStringLiteral("baseline walker")));
    QVERIFY2(window.inspectorPanel()->configTitle().contains("baseline walker"),
             qPrintable(window.inspectorPanel()->configTitle()));
    QCOMPARE(chart->smoothedSeries(trainedRun_)->name(), QStringLiteral("baseline walker"));
    QStringList legend;
    for (QLegendMarker* marker : chart->chart()->legend()->markers())
      if (marker->isVisible()) legend << marker->label();
    QVERIFY2(legend.contains(QStringLiteral("baseline walker")) &&
                 !legend.contains(QStringLiteral("tiny walker")),
             qPrintable(legend.join(", ")));
    QVERIFY(chart->readoutText(chart->xValues(trainedRun_).back())
                .contains(QStringLiteral("baseline walker")));

    // A run renamed elsewhere (another process) follows at the next refresh; so does its job.
    const int64_t job =
        controller.startRun(testing::tinyWalkerConfig(256, 1'000'000'000), QStringLiteral("job"));
    QVERIFY(controller.trainingManager()->waitForAll(60000));
    window.storeSession()->store()->renameRun(job, "renamed elsewhere");
    window.refreshAll();
    QVERIFY(window.trainingPanel()
                ->jobList()
                ->topLevelItem(0)
                ->text(TrainingPanel::RunColumn)
                .contains("renamed elsewhere"));
    QVERIFY(window.inspectorPanel()->configTitle().contains("renamed elsewhere"));
  }
};

QTEST_MAIN(TestGlAppWorkflow)
#include "TestGlAppWorkflow.moc"
