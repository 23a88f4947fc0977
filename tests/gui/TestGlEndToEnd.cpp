// End-to-end test of the desktop app under Xvfb (real OpenGL): from an empty
// store, start a walker run through the New-run dialog, watch it live, wait
// for its first checkpoint, pause and stop it, open a stored episode from the
// Episodes dock, scrub the replay, export the view to PNG, compare two runs and
// two episodes, and check that bad input (an invalid form value, a missing
// ffmpeg) is refused with a message while the app keeps running.
//
// With PALAESTRA_SHOWCASE_DIR set it also saves a screenshot of each main view
// there (docs/ images) and with PALAESTRA_FRAME_SECONDS set it measures the
// live view's frame times while two runs keep every core busy.
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "Simulations.h"
#include "FrameTimeReport.h"
#include "WindowMessages.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/CurvesPanel.h"
#include "gui/MainWindow.h"
#include "gui/StoreSession.h"
#include "gui/WelcomePage.h"
#include "store/RunStore.h"
#include "train/TrainingSession.h"
#include "widgets/CompareView.h"
#include "widgets/ConfigDiffModel.h"
#include "widgets/ConfigForm.h"
#include "widgets/CurveChart.h"
#include "widgets/EpisodeList.h"
#include "widgets/EpisodeTableModel.h"
#include "widgets/LiveViewer.h"
#include "widgets/NewRunDialog.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RunBrowser.h"
#include "widgets/SimView.h"
#include "widgets/TrainingManager.h"
#include "widgets/ViewImageExport.h"

using namespace palaestra;

namespace {

// Fills the modal New-run dialog once it is up: the quick preset with an evaluation (and so a
// checkpoint) every 8192 steps; `edit` may change fields; then clicks OK (if it is enabled).
void fillNewRunDialogSoon(std::function<void(NewRunDialog&)> edit, bool* okClicked) {
  QTimer::singleShot(300, [edit, okClicked] {
    auto* dialog = qobject_cast<NewRunDialog*>(QApplication::activeModalWidget());
    if (!dialog) {
      qWarning("no New-run dialog");
      return;
    }
    dialog->selectPreset(QStringLiteral("quick"));
    auto* every = qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("eval.every_steps")));
    if (every) every->setText(QStringLiteral("8192"));
    auto* episodes = qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("eval.episodes")));
    if (episodes) episodes->setText(QStringLiteral("2"));
    if (edit) edit(*dialog);
    dialog->form()->validate();
    *okClicked = dialog->okButton()->isEnabled();
    if (*okClicked) {
      dialog->okButton()->click();
    } else {
      qWarning("OK disabled: %s", qPrintable(dialog->firstError()));
      dialog->reject();
    }
  });
}

bool hasCheckpoint(RunStore& store, int64_t runId) { return !store.checkpoints(runId).empty(); }

// Share of pixels that differ from the corner pixel (a blank image gives 0).
double nonBackgroundShare(const QImage& image) {
  if (image.isNull()) return 0.0;
  const QRgb background = image.pixel(image.width() - 1, image.height() - 1);
  int64_t differ = 0;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) differ += image.pixel(x, y) != background;
  }
  return static_cast<double>(differ) / ((image.width() / 2.0) * (image.height() / 2.0));
}

}  // namespace

class TestGlEndToEnd : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  QString path(const QString& name) const { return dir_.filePath(name); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QStandardPaths::setTestModeEnabled(true);
    registerBuiltinSimulations();
    const QString problem = SimView::openGlProblem();
    if (!problem.isEmpty()) QSKIP(qPrintable("no OpenGL here: " + problem));
  }

  void startWatchReplayExportCompare() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("e2e.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.welcomePage()));
    const std::shared_ptr<RunStore> store = window.storeSession()->store();

    // An invalid form value keeps OK disabled: nothing starts, the app runs on.
    bool okClicked = true;
    fillNewRunDialogSoon(
        [](NewRunDialog& d) {
          auto* lr = qobject_cast<QLineEdit*>(d.form()->editor(QStringLiteral("ppo.learning_rate")));
          if (lr) lr->setText(QStringLiteral("fast"));
        },
        &okClicked);
    window.showNewRunDialog();
    QVERIFY(!okClicked);
    QVERIFY(store->listRuns().empty());

    // Start a run through the dialog: it trains, and the live page watches its latest policy.
    fillNewRunDialogSoon({}, &okClicked);
    window.showNewRunDialog();
    QVERIFY(okClicked);
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(store->listRuns().size()), 1, 10000);
    const int64_t runA = store->listRuns().front().id;
    TrainingManager* manager = controller.trainingManager();
    QVERIFY(manager->jobIds().contains(runA));
    QVERIFY(controller.liveViewer()->watching());
    QCOMPARE(window.currentPage()->findChild<LiveViewer*>(), controller.liveViewer());
    QTRY_VERIFY_WITH_TIMEOUT(hasCheckpoint(*store, runA), 180000);
    // Its evaluation episodes are stored with the checkpoint, so they can be opened while it trains.
    QTRY_VERIFY_WITH_TIMEOUT(!store->episodes(runA, EpisodeKind::Eval).empty(), 10000);
    // The viewer plays a policy snapshot of the training run (polled at each episode start).
    QTRY_VERIFY_WITH_TIMEOUT(controller.liveViewer()->runner()->policy() != nullptr, 60000);
    SimView* liveView = controller.liveViewer()->simView();
    QVERIFY(liveView);
    QTRY_VERIFY_WITH_TIMEOUT(liveView->framesPainted() > 10, 10000);
    QVERIFY(nonBackgroundShare(liveView->grabFramebuffer()) > 0.02);

    // Pause (training and view), then stop: the run is stored as interrupted.
    QVERIFY(manager->pause(runA));
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(runA), TrainingManager::JobState::Paused, 30000);
    controller.liveViewer()->togglePlay();
    QVERIFY(controller.liveViewer()->clock().paused());
    QVERIFY(manager->stop(runA));
    QVERIFY(manager->waitForAll(60000));
    QTRY_VERIFY_WITH_TIMEOUT(store->getRun(runA).status == RunStatus::Interrupted, 10000);

    // Open a stored eval episode from the Episodes dock by double-clicking it.
    window.refreshAll();
    QVERIFY(window.runBrowser()->selectRun(runA));
    QTableView* episodes = window.episodeList()->view();
    QTRY_VERIFY_WITH_TIMEOUT(episodes->model()->rowCount() > 0, 10000);
    const QModelIndex first = episodes->model()->index(0, 0);
    QTest::mouseClick(episodes->viewport(), Qt::LeftButton, {}, episodes->visualRect(first).center());
    QTest::mouseDClick(episodes->viewport(), Qt::LeftButton, {}, episodes->visualRect(first).center());
    ReplayPlayer* replay = controller.replayPlayer();
    QCOMPARE(window.currentPage()->findChild<ReplayPlayer*>(), replay);
    QVERIFY(replay->waitUntilBuilt(60000));
    QVERIFY2(replay->badgeText().contains("matches"), qPrintable(replay->badgeText()));

    // Scrub to the middle and export the view to PNG.
    replay->seek(replay->frameCount() / 2);
    QCOMPARE(replay->currentFrame(), replay->frameCount() / 2);
    QTest::qWait(100);
    const QString png = path("replay.png");
    QVERIFY(window.saveScreenshot(png));
    const QImage saved(png);
    QVERIFY(!saved.isNull());
    QVERIFY2(nonBackgroundShare(saved) > 0.05, "the PNG is blank");

    // A second run through the dialog, then compare the two runs and two episodes.
    fillNewRunDialogSoon(
        [](NewRunDialog& d) {
          d.seedEditor()->setText(QStringLiteral("2"));
          auto* every = qobject_cast<QLineEdit*>(d.form()->editor(QStringLiteral("eval.every_steps")));
          if (every) every->setText(QStringLiteral("8192"));
        },
        &okClicked);
    window.showNewRunDialog();
    QVERIFY(okClicked);
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(store->listRuns().size()), 2, 10000);
    const int64_t runB = store->listRuns().back().id;
    QTRY_VERIFY_WITH_TIMEOUT(hasCheckpoint(*store, runB), 180000);
    QVERIFY(manager->stop(runB));
    QVERIFY(manager->waitForAll(60000));
    window.refreshAll();
    QVERIFY(controller.compareRuns(runA, runB));
    CompareView* compare = controller.compareView();
    QCOMPARE(window.currentPage()->findChild<CompareView*>(), compare);
    QTRY_VERIFY_WITH_TIMEOUT(compare->replaysBuilt(), 60000);
    QVERIFY(compare->configDiff()->differenceCount() >= 1);  // the seeds differ
    compare->seek(compare->frameCount() / 3);
    QCOMPARE(compare->frame(), compare->frameCount() / 3);
    const std::vector<EpisodeSummary> episodesA = store->episodes(runA);
    QVERIFY(episodesA.size() >= 2);
    QVERIFY(controller.compareEpisodes(episodesA[0].id, episodesA[1].id));

    // Missing ffmpeg: a clear message, no file, and the app keeps running.
    qputenv("PALAESTRA_FFMPEG", "/nonexistent/ffmpeg");
    const int before = messages.texts.size();
    QVERIFY(!controller.exportVideo(path("compare.mp4"), true));
    qunsetenv("PALAESTRA_FFMPEG");
    QVERIFY(messages.texts.size() > before);
    QVERIFY2(messages.texts.last().contains("ffmpeg"), qPrintable(messages.texts.last()));
    QVERIFY(!QFile::exists(path("compare.mp4")));
    QVERIFY(window.isVisible());
  }

  // Screenshots of the main views and the live view's frame times while two default-preset runs
  // train; only with PALAESTRA_SHOWCASE_DIR (and PALAESTRA_FRAME_SECONDS for the measurement).
  void showcaseAndFrameTimes() {
    const QString outDir = qEnvironmentVariable("PALAESTRA_SHOWCASE_DIR");
    if (outDir.isEmpty()) QSKIP("set PALAESTRA_SHOWCASE_DIR to save screenshots and measure frame times");
    const int seconds = qEnvironmentVariableIntValue("PALAESTRA_FRAME_SECONDS");
    openAppSettings()->clear();  // a first start: the default window and dock layout
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("showcase.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const std::shared_ptr<RunStore> store = window.storeSession()->store();
    TrainingManager* manager = controller.trainingManager();

    // Two runs of the default preset, as a user starts them; both cores busy.
    nlohmann::json config = presetConfig("walker", "default");
    config["eval"]["every_steps"] = 100000;
    const int64_t runA = controller.startRun(config, QStringLiteral("walker seed 1"));
    config["seed"] = 2;
    const int64_t runB = controller.startRun(config, QStringLiteral("walker seed 2"));
    QVERIFY(runA > 0 && runB > 0);
    QVERIFY(controller.watchRun(runA));
    SimView* view = controller.liveViewer()->simView();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(manager->lastProgress(runB).steps > 0, 60000);

    if (seconds > 0) {
      view->setFrameTimesVisible(true);
      // The same view and window with training paused (idle cores), then with both runs training.
      manager->pause(runA);
      manager->pause(runB);
      testing::reportFrameTimes(*view, seconds, QStringLiteral("two runs paused"));
      manager->resume(runA);
      manager->resume(runB);
      const uint64_t stepsBefore = manager->lastProgress(runA).steps + manager->lastProgress(runB).steps;
      QElapsedTimer clock;
      clock.start();
      testing::reportFrameTimes(*view, seconds, QStringLiteral("two runs training"));
      const uint64_t stepsAfter = manager->lastProgress(runA).steps + manager->lastProgress(runB).steps;
      qInfo("training meanwhile: %.0f env steps/s over both runs",
            static_cast<double>(stepsAfter - stepsBefore) / (clock.elapsed() / 1000.0));
    }

    // Live training view: wait for a checkpoint so the curves and the policy have something to show.
    QTRY_VERIFY_WITH_TIMEOUT(hasCheckpoint(*store, runA) && hasCheckpoint(*store, runB), 600000);
    window.refreshAll();
    window.runBrowser()->runView()->selectAll();  // both runs' curves
    QTest::qWait(3000);
    // The mouse over the curves: the readout lists both runs' values at that step.
    CurveChart* chart = window.curvesPanel()->chart();
    const QRectF plot = chart->chart()->plotArea();
    const QPointF hover(plot.left() + plot.width() * 0.55, plot.center().y());
    QTest::mouseMove(chart->chartView()->viewport(),
                     chart->chartView()->mapFromScene(chart->chart()->mapToScene(hover)));
    QTRY_VERIFY(chart->readout()->isVisible());
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("app-live-training.png"))));

    // The New-run dialog lists every problem at once, each field marked.
    bool saved = false;
    QTimer::singleShot(300, [&] {
      auto* dialog = qobject_cast<NewRunDialog*>(QApplication::activeModalWidget());
      if (!dialog) return;
      for (const auto& [field, text] :
           {std::pair{"ppo.learning_rate", "fast"}, std::pair{"ppo.gamma", "1.5"},
            std::pair{"eval.episodes", "0"}}) {
        if (auto* edit =
                qobject_cast<QLineEdit*>(dialog->form()->editor(QString::fromLatin1(field))))
          edit->setText(QString::fromLatin1(text));
      }
      dialog->resize(560, 760);
      QTest::qWait(200);
      saved = dialog->grab().save(QDir(outDir).filePath(QStringLiteral("app-new-run.png")));
      dialog->reject();
    });
    window.showNewRunDialog();
    QVERIFY(saved);

    manager->stopAll();
    QVERIFY(manager->waitForAll(120000));
    window.refreshAll();
    QVERIFY(window.runBrowser()->selectRun(runA));
    QVERIFY(controller.watchRun(runA));  // leaves the live page before the replay opens
    const std::vector<EpisodeSummary> evals = store->episodes(runA, EpisodeKind::Eval);
    QVERIFY(!evals.empty());
    QVERIFY(controller.openEpisode(evals.back().id));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(60000));
    controller.replayPlayer()->seek(controller.replayPlayer()->frameCount() / 2);
    QTest::qWait(500);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("app-replay.png"))));

    QVERIFY(controller.compareRuns(runA, runB));
    QTRY_VERIFY_WITH_TIMEOUT(controller.compareView()->replaysBuilt(), 60000);
    controller.compareView()->seek(controller.compareView()->frameCount() / 2);
    QTest::qWait(1500);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("app-compare.png"))));
  }

  // The swarm's screenshots (docs/swarm-*.png) and its live frame times with 10,000 agents: a
  // learned Vicsek swarm and the classic rule on the same seeds, watched live, replayed and
  // compared; only with PALAESTRA_SHOWCASE_DIR (and PALAESTRA_FRAME_SECONDS).
  void swarmShowcase() {
    const QString outDir = qEnvironmentVariable("PALAESTRA_SHOWCASE_DIR");
    if (outDir.isEmpty()) QSKIP("set PALAESTRA_SHOWCASE_DIR to save the swarm's screenshots");
    const int seconds = qEnvironmentVariableIntValue("PALAESTRA_FRAME_SECONDS");
    openAppSettings()->clear();
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("swarm-showcase.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const std::shared_ptr<RunStore> store = window.storeSession()->store();
    TrainingManager* manager = controller.trainingManager();

    auto tenThousand = [](const char* preset) {
      nlohmann::json config = presetConfig("swarm", preset);
      config["env_config"]["agents"] = 10000;
      config["env_config"]["episode_steps"] = 200;
      config["ppo"]["num_envs"] = 1;
      config["ppo"]["num_steps"] = 16;
      config["ppo"]["num_minibatches"] = 4;
      config["eval"] = {{"every_steps", 32}, {"episodes", 1}, {"final_episodes", 1}};
      config["budget"] = {{"minutes", 3}};
      return config;
    };
    const int64_t learned = controller.startRun(tenThousand("default"), QStringLiteral("learned 10k"));
    QVERIFY(learned > 0);
    QVERIFY(controller.watchRun(learned));
    SimView* view = controller.liveViewer()->simView();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(hasCheckpoint(*store, learned), 300000);
    QTest::qWait(3000);
    if (seconds > 0) {
      view->setFrameTimesVisible(true);
      testing::reportFrameTimes(*view, seconds, QStringLiteral("swarm, 10,000 agents, one run training"));
    }
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("swarm-live.png"))));
    manager->stopAll();
    QVERIFY(manager->waitForAll(300000));

    nlohmann::json classicConfig = tenThousand("vicsek-classic");
    classicConfig["budget"] = {{"steps", 32}};
    const int64_t classic = controller.startRun(classicConfig, QStringLiteral("classic 10k"));
    QVERIFY(classic > 0);
    QVERIFY(manager->waitForAll(300000));
    window.refreshAll();

    QVERIFY(window.runBrowser()->selectRun(learned));
    const std::vector<EpisodeSummary> evals = store->episodes(learned, EpisodeKind::Eval);
    QVERIFY(!evals.empty());
    QVERIFY(controller.openEpisode(evals.back().id));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(300000));
    controller.replayPlayer()->seek(controller.replayPlayer()->frameCount() * 3 / 4);
    QTest::qWait(1000);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("swarm-replay.png"))));

    QVERIFY(controller.compareRuns(learned, classic));
    QTRY_VERIFY_WITH_TIMEOUT(controller.compareView()->replaysBuilt(), 300000);
    controller.compareView()->seek(controller.compareView()->frameCount() * 3 / 4);
    QTest::qWait(1500);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("swarm-compare.png"))));
  }
};

QTEST_MAIN(TestGlEndToEnd)
#include "TestGlEndToEnd.moc"
