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
#include <QDialogButtonBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "Simulations.h"
#include "gui/AppController.h"
#include "gui/MainWindow.h"
#include "gui/StoreSession.h"
#include "gui/WelcomePage.h"
#include "store/RunStore.h"
#include "widgets/CompareView.h"
#include "widgets/ConfigDiffModel.h"
#include "widgets/ConfigForm.h"
#include "widgets/EpisodeList.h"
#include "widgets/EpisodeTableModel.h"
#include "widgets/LiveViewer.h"
#include "widgets/NewRunDialog.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RunBrowser.h"
#include "widgets/SimView.h"
#include "widgets/TrainingManager.h"

using namespace palaestra;

namespace {

struct CapturedMessages {
  QStringList texts;
  void attach(MainWindow& window) {
    window.setMessageSink([this](const QString&, const QString& text) { texts << text; });
    window.setQuestionAnswerer([](const QString&, const QString&) { return true; });
  }
};

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
    CapturedMessages messages;
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
};

QTEST_MAIN(TestGlEndToEnd)
#include "TestGlEndToEnd.moc"
