// Tests of the main window on the offscreen platform, on real run stores in a
// temporary directory (one made by a short real walker training session):
// welcome page for an empty store, run browser / curves / inspector for a store
// with a run, corrupt and foreign files refused with the current store kept and
// the bad files byte-identical, a store deleted while open reported within two
// seconds, settings (geometry, dock layout, recent and last store) round trips
// in a temporary QSettings location, shortcuts and playback routing, the
// training controls, closing during training, and screenshots.
#include <sqlite3.h>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <atomic>
#include <memory>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "conformance/RunOwners.h"
#include "gui/AppSettings.h"
#include "gui/CurvesPanel.h"
#include "gui/InspectorPanel.h"
#include "gui/MainWindow.h"
#include "gui/PlaybackTarget.h"
#include "gui/StoreSession.h"
#include "gui/TrainingPanel.h"
#include "gui/WelcomePage.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "widgets/CurveChart.h"
#include "widgets/EpisodeList.h"
#include "widgets/RunBrowser.h"
#include "widgets/RunTableModel.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

QByteArray readAll(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

// A page that counts the playback shortcuts it receives.
class CountingPage : public QWidget, public PlaybackTarget {
 public:
  int plays = 0, forwards = 0, backs = 0, fasters = 0, slowers = 0;
  void togglePlay() override { ++plays; }
  void stepForward() override { ++forwards; }
  void stepBack() override { ++backs; }
  void faster() override { ++fasters; }
  void slower() override { ++slowers; }
};

// Collects what the window would have shown in message boxes.
struct CapturedMessages {
  QStringList titles, texts;
  void attach(MainWindow& window) {
    window.setMessageSink([this](const QString& title, const QString& text) {
      titles << title;
      texts << text;
    });
    window.setQuestionAnswerer([](const QString& title, const QString& question) {
      qWarning("unexpected question %s: %s", qPrintable(title), qPrintable(question));
      return false;
    });
  }
};

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString trainedStore_;  // a store with one short real walker run
  int64_t trainedRunId_ = 0;

  QString path(const QString& name) const { return dir_.filePath(name); }
  void clearSettings() { openAppSettings()->clear(); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path("settings"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, path("settings"));
    registerBuiltinSimulations();
    trainedStore_ = path("trained.sqlite");
    RunStore store(trainedStore_.toStdString());
    TrainingSession session(TrainConfig::fromJson(testing::tinyWalkerConfig(512, 256)), &store, "tiny walker");
    std::atomic<bool> stop{false};
    QCOMPARE(session.run(stop).status, RunStatus::Finished);
    trainedRunId_ = session.runId();
  }

  void init() { clearSettings(); }

  void settingsLiveInTheTemporaryLocation() {
    const auto settings = openAppSettings();
    QVERIFY2(settings->fileName().startsWith(path("settings")), qPrintable(settings->fileName()));
  }

  void emptyStoreShowsWelcomePage() {
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(path("empty.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.welcomePage()));
    QVERIFY(window.welcomePage()->storeIsEmpty());
    QVERIFY(window.welcomePage()->statusText().contains("has no runs yet"));
    QVERIFY(window.welcomePage()->newRunButton()->isVisible());
    QCOMPARE(window.runBrowser()->runModel()->rowCount(), 0);
    QVERIFY(window.windowTitle().contains("empty.sqlite"));
    // The window makes no GL view where no context can be made (it shows the message instead).
    if (!SimView::openGlProblem().isEmpty()) QVERIFY(window.findChildren<SimView*>().isEmpty());
    QVERIFY(messages.texts.isEmpty());
    for (const char* name : {"trainingDock", "curvesDock", "runsDock", "episodesDock", "inspectorDock"}) {
      QVERIFY2(window.dock(name), name);
    }
  }

  void storeWithRunListsItAndShowsCurves() {
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(trainedStore_, RunStore::OpenMode::OpenExisting));
    window.show();
    RunTableModel* runs = window.runBrowser()->runModel();
    QCOMPARE(runs->rowCount(), 1);
    QCOMPARE(runs->runId(0), trainedRunId_);
    QCOMPARE(runs->index(0, RunTableModel::Name).data().toString(), QString("tiny walker"));
    QVERIFY(!window.welcomePage()->storeIsEmpty());
    // The newest run is selected on opening: its curves and config are shown.
    QCOMPARE(window.runBrowser()->selectedRunIds(), QList<int64_t>{trainedRunId_});
    CurvesPanel* curves = window.curvesPanel();
    QCOMPARE(curves->runs(), QList<int64_t>{trainedRunId_});
    QVERIFY(curves->metricNames().contains("train/episode_return"));
    QVERIFY(curves->metricNames().contains("eval/mean_return"));
    QCOMPARE(curves->currentMetric(), QString("train/episode_return"));
    curves->chart()->waitForLoad();  // the chart reads the store on a worker thread
    QVERIFY2(curves->chart()->message().isEmpty(), qPrintable(curves->chart()->message()));
    QVERIFY(!curves->chart()->smoothedValues(trainedRunId_).empty());
    QVERIFY(curves->refreshing());  // the 500 ms timer runs while the panel is visible
    // Switching metric and axis through the controls reaches the chart.
    QVERIFY(curves->selectMetric("eval/mean_return"));
    curves->chart()->waitForLoad();
    QVERIFY(curves->chart()->message().isEmpty());
    QVERIFY(!curves->chart()->rawValues(trainedRunId_).empty());
    curves->xAxisBox()->setCurrentIndex(curves->xAxisBox()->findText("Wall time"));
    QCOMPARE(curves->chart()->xAxis(), CurveChart::XAxis::WallTime);
    curves->smoothingSlider()->setValue(90);
    QCOMPARE(curves->chart()->smoothing(), 0.9);
    QVERIFY(!curves->selectMetric("no/such_metric"));
    // The inspector shows the run's config as a tree.
    InspectorPanel* inspector = window.inspectorPanel();
    QVERIFY(inspector->configTitle().contains("tiny walker"));
    QStringList topKeys;
    for (int i = 0; i < inspector->configTree()->topLevelItemCount(); ++i)
      topKeys << inspector->configTree()->topLevelItem(i)->text(InspectorPanel::KeyColumn);
    QVERIFY2(topKeys.contains("ppo") && topKeys.contains("env"), qPrintable(topKeys.join(",")));
    // ... and the run's result: its chosen best checkpoint with that evaluation.
    QVERIFY2(inspector->resultText().startsWith("Result: best checkpoint") &&
                 inspector->resultText().contains("episodes"),
             qPrintable(inspector->resultText()));
    // The run table's best column is that result, named in its tooltip; a finished run cannot
    // be resumed from the run browser's menu.
    QVERIFY(runs->index(0, RunTableModel::BestReturn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains("best checkpoint"));
    QVERIFY(!window.runBrowser()->resumeAction()->isEnabled());
    // The episode list of the selected run sits in the Episodes dock.
    QCOMPARE(window.dock("episodesDock")->widget(), static_cast<QWidget*>(window.episodeList()));
    QVERIFY(window.episodeList()->view()->model()->rowCount() > 0);
    window.refreshAll();
    QCOMPARE(runs->rowCount(), 1);
    QVERIFY(messages.texts.isEmpty());
  }

  void corruptAndForeignFilesAreRefusedUntouched() {
    const QString good = path("good.sqlite");
    QVERIFY(QFile::copy(trainedStore_, good));
    const QString corrupt = path("corrupt.sqlite");
    {
      QFile file(corrupt);
      QVERIFY(file.open(QIODevice::WriteOnly));
      QByteArray bytes("SQLite format 3");  // a plausible header, then garbage
      bytes.append(char(0));
      for (int i = 0; bytes.size() < 8192; ++i) bytes.append(char((i * 37 + 11) % 251));
      file.write(bytes);
    }
    const QString text = path("notes.sqlite");
    {
      QFile file(text);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("just some notes, not a database\n");
    }
    const QString foreign = path("contacts.sqlite");
    {
      sqlite3* db = nullptr;
      QCOMPARE(sqlite3_open(foreign.toUtf8().constData(), &db), SQLITE_OK);
      QCOMPARE(sqlite3_exec(db, "CREATE TABLE contacts(name TEXT, phone TEXT); INSERT INTO contacts VALUES('a','1');",
                            nullptr, nullptr, nullptr),
               SQLITE_OK);
      sqlite3_close(db);
    }

    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(good, RunStore::OpenMode::OpenExisting));
    const std::shared_ptr<RunStore> goodStore = window.storeSession()->store();
    for (const QString& bad : {corrupt, text, foreign}) {
      const QByteArray before = readAll(bad);
      QVERIFY(!before.isEmpty());
      messages.texts.clear();
      QVERIFY(!window.openStore(bad, RunStore::OpenMode::OpenExisting));
      QCOMPARE(messages.texts.size(), 1);
      QVERIFY2(messages.texts[0].contains(bad), qPrintable(messages.texts[0]));
      QVERIFY2(messages.texts[0].contains("stays open"), qPrintable(messages.texts[0]));
      QCOMPARE(window.storeSession()->store(), goodStore);
      QCOMPARE(window.storeSession()->path(), good);
      QCOMPARE(readAll(bad), before);
      QVERIFY(!QFile::exists(bad + "-wal"));
      QVERIFY(!QFile::exists(bad + "-journal"));
      QCOMPARE(window.runBrowser()->runModel()->rowCount(), 1);
      QVERIFY(window.runBrowser()->refresh());
    }
    // A missing file opened from the menu is an error too, not a new store.
    messages.texts.clear();
    QVERIFY(!window.openStore(path("missing.sqlite"), RunStore::OpenMode::OpenExisting));
    QCOMPARE(messages.texts.size(), 1);
    QVERIFY(messages.texts[0].contains("missing.sqlite"));
    QVERIFY(!QFile::exists(path("missing.sqlite")));
    QCOMPARE(window.storeSession()->store(), goodStore);
    // The refused files never entered the recent list.
    QCOMPARE(window.storeSession()->recentStores(), QStringList{good});
  }

  void storeDeletedWhileOpenIsReported() {
    const QString doomed = path("doomed.sqlite");
    QVERIFY(QFile::copy(trainedStore_, doomed));
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(doomed, RunStore::OpenMode::OpenExisting));
    window.show();
    QTest::qWait(50);
    QVERIFY(messages.texts.isEmpty());
    QVERIFY(QFile::remove(doomed));
    QTRY_VERIFY_WITH_TIMEOUT(!messages.texts.isEmpty(), 2500);
    QCOMPARE(messages.texts.size(), 1);
    QVERIFY2(messages.texts[0].contains(QString("The run store %1 was deleted or moved while open").arg(doomed)),
             qPrintable(messages.texts[0]));
    QVERIFY(window.storeSession()->fileLost());
    QVERIFY(window.storeWarning().contains("deleted or moved"));
    // Told once, and the app keeps running on what it has read.
    QTest::qWait(1200);
    QCOMPARE(messages.texts.size(), 1);
    QVERIFY(window.isVisible());
    QCOMPARE(window.runBrowser()->runModel()->rowCount(), 1);
    window.refreshAll();
    // Save a copy rescues everything from the deleted file (still open) and switches to the copy.
    const size_t episodesBefore = window.storeSession()->store()->episodes(trainedRunId_).size();
    QVERIFY(episodesBefore > 0);
    const QString rescued = path("rescued.sqlite");
    QVERIFY(window.saveStoreCopy(rescued));
    QCOMPARE(window.storeSession()->path(), QFileInfo(rescued).absoluteFilePath());
    QVERIFY(window.storeWarning().isEmpty());
    QCOMPARE(window.runBrowser()->runModel()->rowCount(), 1);
    QCOMPARE(window.storeSession()->store()->episodes(trainedRunId_).size(), episodesBefore);
    // A copy never overwrites: saving to the same file again is refused with a message.
    QVERIFY(!window.saveStoreCopy(rescued));
    QVERIFY(messages.texts.size() >= 2);
    QVERIFY2(messages.texts.last().contains("Could not save a copy"), qPrintable(messages.texts.last()));
    // Opening another store clears the warning.
    QVERIFY(window.openStore(path("after.sqlite"), RunStore::OpenMode::CreateOrOpen));
    QVERIFY(window.storeWarning().isEmpty());
    QVERIFY(!window.storeSession()->fileLost());
  }

  void storeMovedWhileOpenIsReported() {
    const QString moving = path("moving.sqlite");
    QVERIFY(QFile::copy(trainedStore_, moving));
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(moving, RunStore::OpenMode::OpenExisting));
    QVERIFY(QFile::rename(moving, path("moved-away.sqlite")));
    QTRY_VERIFY_WITH_TIMEOUT(!messages.texts.isEmpty(), 2500);
    QVERIFY(messages.texts[0].contains("deleted or moved while open"));
  }

  // Runs whose process died (the app's own queued runs included) are marked crashed when the
  // store opens, and the user is told once.
  void crashedRunsAreReportedOnceWhenTheStoreOpens() {
    const QString db = path("crashed.sqlite");
    QVERIFY(QFile::copy(trainedStore_, db));
    {
      RunStore store(db.toStdString());
      NewRun queued;
      queued.name = "queued by a dead app";
      queued.env = "walker";
      queued.status = RunStatus::Queued;
      store.createRun(queued);
    }
    const ProcessIdentity dead = palaestra::testing::deadProcess();
    palaestra::testing::setRunOwner(db.toStdString(), trainedRunId_, RunStatus::Running, dead,
                                    1.7e9);
    palaestra::testing::setRunOwner(db.toStdString(), trainedRunId_ + 1, RunStatus::Queued, dead,
                                    1.7e9);
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(db, RunStore::OpenMode::OpenExisting));
    QCOMPARE(messages.titles, QStringList{"Crashed runs"});
    const QString text = messages.texts.first();
    QVERIFY2(
        text.contains("2 runs in " + QFileInfo(db).absoluteFilePath() + " were found crashed") &&
            text.contains(
                QString("run %1 'tiny walker' crashed: its process %2 on this host is gone")
                    .arg(trainedRunId_)
                    .arg(dead.pid)) &&
            text.contains("'queued by a dead app' crashed while queued") &&
            text.contains("marked crashed"),
        qPrintable(text));
    QCOMPARE(window.storeSession()->store()->getRun(trainedRunId_).status, RunStatus::Crashed);
    // Opening it again tells nothing new.
    QVERIFY(window.openStore(path("other.sqlite"), RunStore::OpenMode::CreateOrOpen));
    QVERIFY(window.openStore(db, RunStore::OpenMode::OpenExisting));
    QCOMPARE(messages.texts.size(), 1);
  }

  void settingsRoundTrip() {
    const QStringList stores = {path("s1.sqlite"), path("s2.sqlite"), path("s3.sqlite")};
    {
      MainWindow window;
      CapturedMessages messages;
      messages.attach(window);
      for (const QString& store : stores) QVERIFY(window.openStore(store, RunStore::OpenMode::CreateOrOpen));
      window.show();
      window.resize(1000, 700);
      window.dock("inspectorDock")->hide();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      window.close();  // closing stores geometry and layout
    }
    {
      MainWindow window;
      CapturedMessages messages;
      messages.attach(window);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QCOMPARE(window.size(), QSize(1000, 700));
      QVERIFY(window.dock("inspectorDock")->isHidden());
      QVERIFY(!window.dock("curvesDock")->isHidden());
      QCOMPARE(window.storeSession()->recentStores(), (QStringList{stores[2], stores[1], stores[0]}));
      // The last store of the previous session opens at start.
      QVERIFY(window.openStartupStore());
      QCOMPARE(window.storeSession()->path(), stores[2]);
      QVERIFY(messages.texts.isEmpty());
    }
  }

  void recentStoresKeepEightAndPruneMissing() {
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QStringList opened;
    for (int i = 0; i < 10; ++i) {
      opened << path(QString("recent%1.sqlite").arg(i));
      QVERIFY(window.openStore(opened.back(), RunStore::OpenMode::CreateOrOpen));
    }
    QStringList recent = window.storeSession()->recentStores();
    QCOMPARE(recent.size(), StoreSession::kMaxRecentStores);
    QCOMPARE(recent.front(), opened[9]);
    QVERIFY(!recent.contains(opened[0]) && !recent.contains(opened[1]));
    // Reopening moves a store to the front without duplicating it.
    QVERIFY(window.openStore(opened[5], RunStore::OpenMode::OpenExisting));
    recent = window.storeSession()->recentStores();
    QCOMPARE(recent.front(), opened[5]);
    QCOMPARE(recent.count(opened[5]), 1);
    QVERIFY(QFile::remove(opened[7]));
    QCOMPARE(window.storeSession()->pruneRecentStores(), QStringList{opened[7]});
    QVERIFY(!window.storeSession()->recentStores().contains(opened[7]));
    QCOMPARE(window.storeSession()->recentStores().size(), StoreSession::kMaxRecentStores - 1);
  }

  void startupOpensDefaultStoreWithoutSettings() {
    QTemporaryDir data;
    const QByteArray oldXdg = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", data.path().toUtf8());
    {
      MainWindow window;
      CapturedMessages messages;
      messages.attach(window);
      QVERIFY(window.openStartupStore());
      QCOMPARE(window.storeSession()->path(), data.filePath("palaestra/runs.sqlite"));
      QVERIFY(QFile::exists(data.filePath("palaestra/runs.sqlite")));
      QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.welcomePage()));
    }
    // A last store that is now corrupt is reported and the default store opens instead.
    const QString broken = path("broken-last.sqlite");
    {
      QFile file(broken);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(QByteArray(4096, 'x'));
    }
    openAppSettings()->setValue("stores/last", broken);
    {
      MainWindow window;
      CapturedMessages messages;
      messages.attach(window);
      QVERIFY(window.openStartupStore());
      QCOMPARE(messages.texts.size(), 1);
      QVERIFY(messages.texts[0].contains(broken));
      QCOMPARE(window.storeSession()->path(), data.filePath("palaestra/runs.sqlite"));
    }
    QCOMPARE(readAll(broken), QByteArray(4096, 'x'));
    if (oldXdg.isNull()) qunsetenv("XDG_DATA_HOME");
    else qputenv("XDG_DATA_HOME", oldXdg);
  }

  void shortcutsAreListedAndRouted() {
    MainWindow window;
    QStringList keys;
    for (const auto& [action, shortcut] : window.keyboardShortcuts()) keys << shortcut.split(" or ");
    for (const char* key : {"Space", "Left", "Right", "+", "-", "=", "Ctrl+N", "Ctrl+O", "F5", "Ctrl+E", "Ctrl+Shift+S"}) {
      QVERIFY2(keys.contains(key), qPrintable(QString(key) + " missing from " + keys.join(", ")));
    }
    const QString html = window.keyboardShortcutsHtml();
    QVERIFY(html.contains("Play / pause") && html.contains("Space"));

    auto* page = new CountingPage;
    window.addPage(page, "counting");
    window.showPage(page);
    QCOMPARE(window.currentPage(), static_cast<QWidget*>(page));
    QSignalSpy plays(&window, &MainWindow::playPauseRequested);
    QSignalSpy slowers(&window, &MainWindow::slowerRequested);
    const QList<QAction*> actions = window.playbackActions();
    QCOMPARE(actions.size(), 5);
    for (QAction* action : actions) action->trigger();
    actions[0]->trigger();
    QCOMPARE(page->plays, 2);
    QCOMPARE(page->forwards, 1);
    QCOMPARE(page->backs, 1);
    QCOMPARE(page->fasters, 1);
    QCOMPARE(page->slowers, 1);
    QCOMPARE(plays.count(), 2);
    QCOMPARE(slowers.count(), 1);
    // On a page that is no PlaybackTarget the signals still go out and nothing breaks.
    window.showPage(window.welcomePage());
    actions[0]->trigger();
    QCOMPARE(plays.count(), 3);
    QCOMPARE(page->plays, 2);
  }

  void trainingPanelActsOnTheSelectedRun() {
    TrainingPanel panel;
    QVERIFY(panel.newRunButton()->isEnabled());
    QVERIFY(!panel.pauseButton()->isEnabled() && !panel.resumeButton()->isEnabled() && !panel.stopButton()->isEnabled());
    panel.setJobState(7, "walker a", TrainingPanel::JobState::Running, "1,024 steps");
    panel.setJobState(8, "walker b", TrainingPanel::JobState::Paused);
    QCOMPARE(panel.jobCount(), 2);
    QVERIFY(panel.anyJobActive());
    panel.setSelectedRun(7);
    QVERIFY(panel.pauseButton()->isEnabled() && !panel.resumeButton()->isEnabled() && panel.stopButton()->isEnabled());
    QSignalSpy pause(&panel, &TrainingPanel::pauseRequested);
    QSignalSpy resume(&panel, &TrainingPanel::resumeRequested);
    QTest::mouseClick(panel.pauseButton(), Qt::LeftButton);
    QCOMPARE(pause.count(), 1);
    QCOMPARE(pause[0][0].value<int64_t>(), int64_t(7));
    // Selecting the run elsewhere selected its job; picking another job in the list (a click) wins.
    QCOMPARE(panel.jobList()->selectedItems(),
             QList<QTreeWidgetItem*>{panel.jobList()->topLevelItem(0)});
    panel.jobList()->setCurrentItem(panel.jobList()->topLevelItem(1));
    QCOMPARE(panel.targetRunId(), int64_t(8));
    QVERIFY(!panel.pauseButton()->isEnabled() && panel.resumeButton()->isEnabled());
    QTest::mouseClick(panel.resumeButton(), Qt::LeftButton);
    QCOMPARE(resume.count(), 1);
    QCOMPARE(resume[0][0].value<int64_t>(), int64_t(8));
    panel.setJobState(8, "walker b", TrainingPanel::JobState::Finished);
    panel.setJobState(7, "walker a", TrainingPanel::JobState::Interrupted);
    QVERIFY(!panel.anyJobActive());
    QVERIFY(!panel.stopButton()->isEnabled());
    QCOMPARE(panel.jobList()->topLevelItem(0)->text(TrainingPanel::StateColumn), QString("interrupted"));
    panel.removeJob(7);
    QCOMPARE(panel.jobCount(), 1);
    // Resume continues a stopped run: an interrupted job of this session, or a stopped run
    // selected in the run browser.
    QSignalSpy continued(&panel, &TrainingPanel::continueRequested);
    panel.setJobState(9, "walker c", TrainingPanel::JobState::Interrupted);
    panel.jobList()->clearSelection();
    panel.jobList()->topLevelItem(1)->setSelected(true);
    QCOMPARE(panel.targetRunId(), int64_t(9));
    QVERIFY(panel.resumeButton()->isEnabled());
    QTest::mouseClick(panel.resumeButton(), Qt::LeftButton);
    QCOMPARE(continued.count(), 1);
    QCOMPARE(continued[0][0].value<int64_t>(), int64_t(9));
    QCOMPARE(resume.count(), 1);  // not an unpause
    panel.jobList()->clearSelection();
    panel.setSelectedRun(12, false);
    QVERIFY(!panel.resumeButton()->isEnabled());
    panel.setSelectedRun(12, true);
    QVERIFY(panel.resumeButton()->isEnabled());
    QTest::mouseClick(panel.resumeButton(), Qt::LeftButton);
    QCOMPARE(continued.count(), 2);
    QCOMPARE(continued[1][0].value<int64_t>(), int64_t(12));
  }

  void closingDuringTrainingAsksThenStops() {
    MainWindow window;
    bool active = true;
    int stops = 0;
    QStringList questions;
    bool answer = false;
    window.setTrainingActiveCheck([&] { return active; });
    window.setStopAllTraining([&] {
      ++stops;
      active = false;
    });
    window.setQuestionAnswerer([&](const QString&, const QString& question) {
      questions << question;
      return answer;
    });
    window.show();
    QVERIFY(!window.close());
    QCOMPARE(questions.size(), 1);
    QVERIFY(questions[0].contains("Stop training and quit?"));
    QCOMPARE(stops, 0);
    QVERIFY(window.isVisible());
    answer = true;
    QVERIFY(window.close());
    QCOMPARE(stops, 1);
    // Without training nobody is asked.
    MainWindow idle;
    idle.setQuestionAnswerer([&](const QString&, const QString& question) {
      questions << question;
      return false;
    });
    idle.show();
    QVERIFY(idle.close());
    QCOMPARE(questions.size(), 2);
  }

  void inspectorShowsStepValuesAndBadConfig() {
    InspectorPanel inspector;
    inspector.setStepValues({{"reward/forward", 0.25}, {"reward/torque", -0.0125}});
    QCOMPARE(inspector.stepTable()->rowCount(), 2);
    QCOMPARE(inspector.stepTable()->item(1, 0)->text(), QString("reward/torque"));
    QCOMPARE(inspector.stepTable()->item(1, 1)->text(), QString("-0.0125"));
    inspector.setStepValues({{"reward/forward", 1.5}});
    QCOMPARE(inspector.stepTable()->rowCount(), 1);
    inspector.showConfig("run x", "{\"ppo\": {\"lr\": 0.001, \"hidden\": [64, 64]}, \"env\": \"walker\"}");
    QCOMPARE(inspector.configTree()->topLevelItemCount(), 2);
    inspector.showConfig("run y", "{not json");
    QCOMPARE(inspector.configTree()->topLevelItemCount(), 0);
    QVERIFY(inspector.configTitle().contains("not JSON"));
    RunStore store(path("inspector.sqlite").toStdString());
    inspector.showRun(&store, 12345);
    QVERIFY2(inspector.configTitle().contains("12345"), qPrintable(inspector.configTitle()));
  }

  void exportsMetricsCsvOfARun() {
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    QVERIFY(window.openStore(trainedStore_, RunStore::OpenMode::OpenExisting));
    const QString csv = path("metrics.csv");
    QVERIFY(window.exportRunMetrics(trainedRunId_, csv));
    const QList<QByteArray> lines = readAll(csv).split('\n');
    QCOMPARE(lines.front(), QByteArray("step,wall_time,name,value"));
    QVERIFY(lines.size() > 10);
    QVERIFY(messages.texts.isEmpty());
    QVERIFY(!window.exportRunMetrics(987654, path("unknown.csv")));
    QCOMPARE(messages.texts.size(), 1);
    QVERIFY2(messages.texts[0].contains("987654"), qPrintable(messages.texts[0]));
    QVERIFY(!window.exportRunMetrics(trainedRunId_, path("no/such/dir/m.csv")));
    QCOMPARE(messages.texts.size(), 2);
    QVERIFY(messages.texts[1].contains("no/such/dir"));
  }

  void screenshotOfTheCurrentPage() {
    MainWindow window;
    CapturedMessages messages;
    messages.attach(window);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString png = path("shot.png");
    QVERIFY(window.saveScreenshot(png));
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window.welcomePage()->size() * window.welcomePage()->devicePixelRatio());
    QVERIFY(!window.saveScreenshot(path("no/such/dir/shot.png")));
    QCOMPARE(messages.texts.size(), 1);
    QVERIFY(messages.texts[0].contains("no/such/dir/shot.png"));
  }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
