// The fighting game in the desktop app under Xvfb (real OpenGL, real SQLite):
// set up a match against the level-1 CPU in the Fight > Play fight dialog,
// play it with key events (real time first, then many frames per tick so the
// whole match fits in seconds), pause, toggle the training overlays, let the
// match end and be stored, then open its replay (it re-simulates and matches
// its stored hashes) and scrub. Quitting asks first; the Controls dialog
// refuses a key that is already bound.
//
// With PALAESTRA_SHOWCASE_DIR set it also saves docs/fight-play.png (training
// mode mid-exchange) and docs/fight-replay.png there, and with
// PALAESTRA_SHOWCASE_STORE=path a copy of its store (for palaestra-cli replay --verify).
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QImage>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "conformance/Sanitizers.h"
#include "Simulations.h"
#include "WindowMessages.h"
#include "env/EnvRegistry.h"
#include "fight/CharacterLoader.h"
#include "fight/FightActionSet.h"
#include "fight/FightEnv.h"
#include "fight/FightObservation.h"
#include "fight/FightScene.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/StoreSession.h"
#include "gui/WelcomePage.h"
#include "replay/ReplayVerifier.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"
#include "widgets/CompareView.h"
#include "widgets/EpisodeList.h"
#include "widgets/fight/FightControlsDialog.h"
#include "widgets/fight/FightPlayDialog.h"
#include "widgets/fight/FightPlayView.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RunBrowser.h"
#include "widgets/SimView.h"
#include "widgets/ViewImageExport.h"

using namespace palaestra;

namespace {

// Pixels (every second row and column) that differ between two images of the same size.
int64_t differingPixels(const QImage& a, const QImage& b) {
  if (a.size() != b.size()) return -1;
  int64_t n = 0;
  for (int y = 0; y < a.height(); y += 2)
    for (int x = 0; x < a.width(); x += 2) n += a.pixel(x, y) != b.pixel(x, y);
  return n;
}

// Presses and releases `key` on `widget` with `holdMs` in between.
void tap(QWidget* widget, Qt::Key key, int holdMs,
         Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  QTest::keyPress(widget, key, modifiers);
  QTest::qWait(holdMs);
  QTest::keyRelease(widget, key, modifiers);
}

// Plays on (walking forward, attacking) until the match is over or `timeoutMs` passed.
void playUntilOver(FightPlayView* view, int timeoutMs) {
  QElapsedTimer clock;
  clock.start();
  QTest::keyPress(view, Qt::Key_D);
  const Qt::Key attacks[] = {Qt::Key_U, Qt::Key_I, Qt::Key_J, Qt::Key_O};
  for (int i = 0; view->running() && clock.elapsed() < timeoutMs; ++i)
    tap(view, attacks[i % 4], 15);
  QTest::keyRelease(view, Qt::Key_D);
}

}  // namespace

class TestGlFightPlay : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  QString path(const QString& name) const { return dir_.filePath(name); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.filePath("settings"));
    registerBuiltinSimulations();
    QVERIFY2(EnvRegistry::instance().find("fight"), "the fight env is not registered");
    const QString problem = SimView::openGlProblem();
    if (!problem.isEmpty()) QSKIP(qPrintable("no OpenGL here: " + problem));
  }

  void playCpuMatchStoreAndReplay() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("play.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const std::shared_ptr<RunStore> store = window.storeSession()->store();

    // The dialog: a stored agent with no fight checkpoints in the store is refused inline;
    // then P1 = the first character against the level-1 CPU.
    bool agentRefused = false, accepted = false;
    QString agentProblem;
    QTimer::singleShot(300, [&] {
      auto* dialog = qobject_cast<FightPlayDialog*>(QApplication::activeModalWidget());
      if (!dialog) {
        qWarning("no Play fight dialog");
        return;
      }
      auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
      dialog->opponentKind()->setCurrentIndex(2);  // stored agent
      agentRefused = !ok->isEnabled() && !dialog->valid();
      agentProblem = dialog->problem();
      dialog->opponentKind()->setCurrentIndex(0);  // CPU
      dialog->p1Character()->setCurrentIndex(0);
      dialog->p2Character()->setCurrentIndex(1);
      dialog->cpuLevel()->setValue(1);
      accepted = ok->isEnabled();
      ok->click();
    });
    QVERIFY(!controller.fightActions().isEmpty());
    controller.fightActions().front()->trigger();  // Fight > Play fight... (Ctrl+G)
    QVERIFY2(agentRefused, qPrintable(agentProblem));
    QVERIFY(agentProblem.contains("checkpoint"));
    QVERIFY(accepted);
    FightPlayView* play = controller.fightView();
    QVERIFY(play->running());
    QCOMPARE(window.currentPage()->findChild<FightPlayView*>(), play);
    const fight::FightEnv* env = play->env();
    QVERIFY(env);

    // Real time: 60 frames per second at most, never faster.
    QElapsedTimer clock;
    clock.start();
    const int framesBefore = play->framesPlayed();
    QTest::qWait(600);
    const int realTimeFrames = play->framesPlayed() - framesBefore;
    if (!palaestra::testing::kAddressSanitizer)  // the pace only; never faster than real time holds everywhere
      QVERIFY2(realTimeFrames > 5, qPrintable(QString::number(realTimeFrames)));
    QVERIFY2(realTimeFrames <= clock.elapsed() * 60 / 1000 + 2,
             qPrintable(QString::number(realTimeFrames)));

    // Holding D walks P1 right (toward P2): the pad is direction 6 and P1 moves.
    const int32_t x0 = env->match().fighter(0).x;
    QTest::keyPress(play, Qt::Key_D);
    QTest::qWait(300);
    QCOMPARE(static_cast<int>(env->lastPads()[0].direction), 6);
    QTest::keyPress(play, Qt::Key_A);  // left + right cancel
    QTest::qWait(100);
    QCOMPARE(static_cast<int>(env->lastPads()[0].direction), 5);
    QTest::keyRelease(play, Qt::Key_A);
    QTest::keyRelease(play, Qt::Key_D);
    QVERIFY(env->match().fighter(0).x > x0);

    // Space pauses (the page takes it from the window's Playback shortcut), Space resumes.
    QTest::keyClick(play, Qt::Key_Space);
    QVERIFY(play->paused());
    const int pausedAt = play->framesPlayed();
    QTest::qWait(250);
    QCOMPARE(play->framesPlayed(), pausedAt);
    QTest::keyClick(play, Qt::Key_Space);
    QVERIFY(!play->paused());

    // Training mode (F3): hitboxes and state names on, inputs and frame advantage drawn.
    QTest::qWait(200);
    const QImage plain = play->view()->grabFramebuffer();
    tap(play, Qt::Key_S, 80);
    tap(play, Qt::Key_U, 80);
    QTest::keyClick(play, Qt::Key_F3);
    QVERIFY(play->trainingMode());
    QVERIFY(play->view()->layerVisible(fight::FightScene::kHitboxLayer));
    QVERIFY(play->view()->layerVisible(fight::FightScene::kStateNameLayer));
    QVERIFY2(QString::fromStdString(play->overlay().history(0)).contains("2"),
             play->overlay().history(0).c_str());
    QVERIFY2(QString::fromStdString(play->overlay().history(0)).contains("LP"),
             play->overlay().history(0).c_str());
    QTest::keyClick(play, Qt::Key_Space);  // hold the picture still to compare
    QTest::qWait(150);
    const QImage overlays = play->view()->grabFramebuffer();
    QTest::keyClick(play, Qt::Key_F3);
    QVERIFY(!play->view()->layerVisible(fight::FightScene::kHitboxLayer));
    QTest::qWait(150);
    const QImage overlaysOff = play->view()->grabFramebuffer();
    QVERIFY2(differingPixels(plain, overlays) > 0,
             qPrintable(QString::number(differingPixels(plain, overlays))));
    QVERIFY2(differingPixels(overlays, overlaysOff) > 200,
             qPrintable(QString::number(differingPixels(overlays, overlaysOff))));
    QTest::keyClick(play, Qt::Key_Space);

    // The rest of the match fast (test hook), mashing: it ends and is stored.
    play->setFramesPerTick(200);
    playUntilOver(play, 90000);
    QVERIFY(!play->running());
    QVERIFY(env->match().over());
    QVERIFY(play->storedEpisodeId() > 0);
    const RunInfo run = store->getRun(play->storedRunId());
    QVERIFY2(QString::fromStdString(run.name).startsWith("Play: "), run.name.c_str());
    QVERIFY(run.tags == std::vector<std::string>{"play"});
    QCOMPARE(run.env, std::string("fight"));
    QCOMPARE(run.status, RunStatus::Finished);
    const StoredEpisode stored = store->loadEpisode(play->storedEpisodeId());
    QCOMPARE(stored.record.length, play->framesPlayed());
    QCOMPARE(static_cast<int>(stored.record.hashes.size()), stored.record.length + 1);
    QVERIFY(stored.record.terminated);
    QVERIFY(messages.texts.isEmpty());
    // A people's match is its own kind of episode, its outcome said from the match's view.
    QCOMPARE(stored.kind, EpisodeKind::Play);
    QVERIFY2(QStringList({"p1 won", "p2 won", "draw"})
                 .contains(QString::fromStdString(stored.record.info.outcome)),
             stored.record.info.outcome.c_str());
    // The run's config describes the match (characters, CPU level, controls), not PPO.
    const nlohmann::json storedConfig = nlohmann::json::parse(run.configJson);
    QVERIFY2(!storedConfig.contains("ppo") && !storedConfig.contains("budget"),
             run.configJson.c_str());
    const fight::Roster& roster = fight::Roster::builtin();
    QCOMPARE(storedConfig["match"]["p1"]["character"].get<std::string>(), roster.at(0).id);
    QCOMPARE(storedConfig["match"]["p1"]["control"].get<std::string>(), std::string("keyboard"));
    QCOMPARE(storedConfig["match"]["p2"]["character"].get<std::string>(), roster.at(1).id);
    QCOMPARE(storedConfig["match"]["p2"]["control"].get<std::string>(), std::string("cpu"));
    QCOMPARE(storedConfig["match"]["p2"]["cpu_level"].get<int>(), 1);

    // What `palaestra-cli replay --verify` does: re-simulate from the run's config.
    const StoredRunConfig config = StoredRunConfig::parse(run.configJson);
    QVERIFY(config.isPlay());
    const EnvPtr replayEnv = EnvRegistry::instance().get(config.env).create(config.envConfig);
    const ReplayCheck check = verifyReplay(*replayEnv, stored.record);
    QVERIFY2(check.ok, check.message.c_str());
    QCOMPARE(check.stepsChecked, stored.record.length + 1);

    // It is in the Episodes dock of its (selected) run and opens in the replay player.
    QTableView* episodes = window.episodeList()->view();
    QTRY_VERIFY_WITH_TIMEOUT(episodes->model()->rowCount() == 1, 5000);
    QVERIFY(controller.openEpisode(play->storedEpisodeId()));
    ReplayPlayer* replay = controller.replayPlayer();
    QVERIFY(replay->waitUntilBuilt(60000));
    QVERIFY2(replay->badgeMatches(), qPrintable(replay->badgeText()));
    QCOMPARE(replay->frameCount(), stored.record.length + 1);
    replay->seek(replay->frameCount() / 2);
    QCOMPARE(replay->currentFrame(), replay->frameCount() / 2);
    replay->stepBack();
    QCOMPARE(replay->currentFrame(), replay->frameCount() / 2 - 1);

    // A second (quit) match, and both side by side in the comparison view.
    FightPlaySetup second;
    second.p1Character = 4;
    second.p2Character = 5;
    second.seed = 99;
    QVERIFY(controller.playFight(second));
    QTRY_VERIFY_WITH_TIMEOUT(play->framesPlayed() > 120, 10000);
    QVERIFY(play->quitMatch());
    const int64_t firstEpisode = stored.id;
    QVERIFY(controller.compareEpisodes(firstEpisode, play->storedEpisodeId()));
    CompareView* compare = controller.compareView();
    QTRY_VERIFY_WITH_TIMEOUT(compare->replaysBuilt(), 60000);
    compare->seek(60);
    QCOMPARE(compare->frame(), 60);
  }

  void quittingAsksFirstAndStores() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("quit.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    FightPlaySetup setup;
    setup.p1Character = 2;
    setup.p2Character = 3;
    setup.opponent = FightPlaySetup::Opponent::Person;  // versus: P2 on the arrows and numpad
    setup.seed = 7;
    QVERIFY(controller.playFight(setup));
    FightPlayView* play = controller.fightView();
    QTest::keyPress(play, Qt::Key_Left);
    QTest::keyPress(play, Qt::Key_4, Qt::KeypadModifier);
    // The next played frame reads the held keys: wait for it (slow under ASan or load).
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(play->env()->lastPads()[1].direction), 4, 10000);
    QCOMPARE(static_cast<int>(play->env()->lastPads()[1].buttons), static_cast<int>(fight::kLP));
    QTest::keyRelease(play, Qt::Key_4, Qt::KeypadModifier);
    QTest::keyRelease(play, Qt::Key_Left);

    // Another page pauses the match; back on the Fight page, Space resumes it.
    window.showPage(window.welcomePage());
    QVERIFY(play->paused());
    window.showPage(play->parentWidget());
    play->setFocus();
    QTest::keyClick(play, Qt::Key_Space);
    QVERIFY(!play->paused());

    messages.answer = false;
    QTest::keyClick(play, Qt::Key_Escape);
    QCOMPARE(messages.questions, 1);
    QVERIFY(play->running());
    QVERIFY(!play->paused());
    messages.answer = true;
    QTest::keyClick(play, Qt::Key_Escape);
    QCOMPARE(messages.questions, 2);
    QVERIFY(!play->running());
    const StoredEpisode stored =
        window.storeSession()->store()->loadEpisode(play->storedEpisodeId());
    QVERIFY(stored.record.length > 0);
    QVERIFY(!stored.record.terminated);
    // Quit, not "running"; a people's match, not an evaluation.
    QCOMPARE(stored.record.info.outcome, std::string("quit"));
    QCOMPARE(stored.kind, EpisodeKind::Play);
    const RunInfo run = window.storeSession()->store()->getRun(play->storedRunId());
    QVERIFY2(run.name.find("vs") != std::string::npos, run.name.c_str());
    const nlohmann::json match = nlohmann::json::parse(run.configJson)["match"];
    QCOMPARE(match["p2"]["control"].get<std::string>(), std::string("keyboard"));
  }

  void closingTheAppKeepsTheMatch() {
    {
      MainWindow window;
      testing::WindowMessages messages;
      messages.attach(window);
      AppController controller(window);
      QVERIFY(window.openStore(path("closed.sqlite"), RunStore::OpenMode::CreateOrOpen));
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QVERIFY(controller.playFight(FightPlaySetup{}));
      QTRY_VERIFY_WITH_TIMEOUT(controller.fightView()->framesPlayed() > 10, 5000);
    }
    RunStore store(path("closed.sqlite").toStdString(), RunStore::OpenMode::OpenExisting);
    QCOMPARE(static_cast<int>(store.listRuns().size()), 1);
    const std::vector<EpisodeSummary> episodes = store.episodes(store.listRuns().front().id);
    QCOMPARE(static_cast<int>(episodes.size()), 1);
    QVERIFY(episodes.front().length > 10);
  }

  // P2 = a stored agent: a policy checkpoint of a fight run (freshly initialised here, so the test
  // needs no training) picks FightActionSet actions that become P2's pads; the match is stored
  // and replays bit-exactly. A checkpoint of another env is refused with a message.
  void agentOpponentPlaysAndReplays() {
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("agent.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const std::shared_ptr<RunStore> store = window.storeSession()->store();
    const fight::FightEnv probe(fight::FightConfig::fromJson({{"action_repeat", 2}}));
    const Policy policy(probe.spec().observationSpace, probe.spec().actionSpace,
                        PolicyArchitecture{}, 5);
    TrainConfig trained;
    trained.env = "fight";
    trained.envConfig = {{"action_repeat", 2}};
    trained.maxSteps = 1000;
    NewRun run;
    run.name = "fight agent";
    run.env = "fight";
    run.configJson = trained.toJson().dump();
    const int64_t runId = store->createRun(run);
    const int64_t checkpoint = store->addCheckpoint(runId, 1000, policy.serialize());
    NewRun other;
    other.name = "walker agent";
    other.env = "walker";
    const int64_t walkerCheckpoint =
        store->addCheckpoint(store->createRun(other), 10, policy.serialize());

    FightPlayDialog dialog(store);
    dialog.opponentKind()->setCurrentIndex(2);
    QVERIFY2(dialog.valid(), qPrintable(dialog.problem()));
    QCOMPARE(dialog.agentCheckpoint()->count(), 1);  // only the fight run's
    QCOMPARE(dialog.setup().agentCheckpointId, checkpoint);

    FightPlaySetup setup = dialog.setup();
    setup.agentCheckpointId = walkerCheckpoint;
    QVERIFY(!controller.playFight(setup));
    QVERIFY2(!messages.texts.isEmpty() && messages.texts.last().contains("not a fight run"),
             qPrintable(messages.texts.join(" | ")));

    setup = dialog.setup();
    setup.seed = 3;
    QVERIFY(controller.playFight(setup));
    FightPlayView* play = controller.fightView();
    play->setFramesPerTick(50);
    QTRY_VERIFY_WITH_TIMEOUT(play->framesPlayed() >= 600, 20000);
    QVERIFY(play->quitMatch());
    const StoredEpisode stored = store->loadEpisode(play->storedEpisodeId());
    const RunInfo played = store->getRun(play->storedRunId());
    QVERIFY2(played.name.find("agent fight agent") != std::string::npos, played.name.c_str());
    const StoredRunConfig config = StoredRunConfig::parse(played.configJson);
    QCOMPARE(config.match["p2"]["control"].get<std::string>(), std::string("agent"));
    QCOMPARE(config.match["p2"]["checkpoint_id"].get<int64_t>(), setup.agentCheckpointId);
    const EnvPtr replayEnv = EnvRegistry::instance().get(config.env).create(config.envConfig);
    const ReplayCheck check = verifyReplay(*replayEnv, stored.record);
    QVERIFY2(check.ok, check.message.c_str());

    // P2's pads are the policy's choices: redo its decisions over the recorded match.
    fight::FightEnv match(fight::FightConfig::fromJson({{"mode", "two"}, {"control", "pad"}}));
    match.reset(stored.record.seed, stored.record.task);
    fight::FightActionSet decoder(2);
    Rng rng(1);
    int decisions = 0;
    for (int frame = 0; frame < 600; ++frame) {
      const fight::FightMatch& m = match.match();
      if (!decoder.busy()) {
        const std::vector<float> obs = fight::FightObservation::build(m, 1);
        float action = 0.0f;
        policy.act(obs.data(), 1, true, rng, &action);
        decoder.begin(static_cast<int>(action), m.character(1).chargeFrames);
        ++decisions;
      }
      const int expected = decoder.next(m.fighter(1).facing).code();
      QCOMPARE(static_cast<int>(stored.record.actions[static_cast<size_t>(2 * frame + 1)]),
               expected);
      match.step(&stored.record.actions[static_cast<size_t>(2 * frame)],
                 std::array<float, 2>{}.data());
    }
    QVERIFY(decisions >= 600 / 16);
  }

  void controlsRefuseConflictingKeys() {
    FightControlsDialog dialog(FightKeyMap::defaults());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QPushButton* lp = dialog.keyButton(0, FightKey::LP);
    QTest::mouseClick(lp, Qt::LeftButton);
    QTest::keyClick(lp, Qt::Key_W);  // already P1 Up
    QVERIFY2(dialog.message().contains("already P1 Up"), qPrintable(dialog.message()));
    QCOMPARE(dialog.keys().key(0, FightKey::LP), static_cast<int>(Qt::Key_U));
    QTest::mouseClick(lp, Qt::LeftButton);
    QTest::keyClick(lp, Qt::Key_Left);  // P2's
    QVERIFY2(dialog.message().contains("P2 Left"), qPrintable(dialog.message()));
    QTest::mouseClick(lp, Qt::LeftButton);
    QTest::keyClick(lp, Qt::Key_F3);  // the page's own
    QVERIFY(!dialog.message().isEmpty());
    QTest::mouseClick(lp, Qt::LeftButton);
    QTest::keyClick(lp, Qt::Key_Y);
    QVERIFY(dialog.message().isEmpty());
    QCOMPARE(dialog.keys().key(0, FightKey::LP), static_cast<int>(Qt::Key_Y));
    QCOMPARE(lp->text(), QStringLiteral("Y"));

    // Saved and read back; a hand-edited layout with a key twice falls back to the defaults.
    QSettings settings(path("keys.ini"), QSettings::IniFormat);
    dialog.keys().save(settings);
    QVERIFY(FightKeyMap::load(settings) == dialog.keys());
    settings.setValue("fightKeys/p1/MP", static_cast<int>(Qt::Key_Y));
    QVERIFY(FightKeyMap::load(settings) == FightKeyMap::defaults());
  }

  // docs/fight-play.png and docs/fight-replay.png; only with PALAESTRA_SHOWCASE_DIR.
  void showcase() {
    const QString outDir = qEnvironmentVariable("PALAESTRA_SHOWCASE_DIR");
    if (outDir.isEmpty()) QSKIP("set PALAESTRA_SHOWCASE_DIR to save screenshots");
    openAppSettings()->clear();  // the first-start layout, not one an earlier test saved
    MainWindow window;
    testing::WindowMessages messages;
    messages.attach(window);
    AppController controller(window);
    QVERIFY(window.openStore(path("showcase.sqlite"), RunStore::OpenMode::CreateOrOpen));
    window.resize(MainWindow::kDefaultSize);  // the default window, every dock shown
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    FightPlaySetup setup;
    setup.p1Character = 0;
    setup.p2Character = 1;
    setup.cpuLevel = 3;
    setup.trainingMode = true;
    setup.seed = 11;
    QVERIFY(controller.playFight(setup));
    FightPlayView* play = controller.fightView();
    play->setFramesPerTick(1);
    // Walk in and attack until an exchange has happened and a hitbox is out.
    QElapsedTimer clock;
    clock.start();
    QTest::keyPress(play, Qt::Key_D);
    bool caught = false;
    while (!caught && play->running() && clock.elapsed() < 60000) {
      QTest::keyPress(play, Qt::Key_I);
      for (int i = 0; i < 12 && !caught; ++i) {
        QTest::qWait(4);
        const fight::FightMatch& m = play->env()->match();
        caught = !play->overlay().advantage().empty() &&
                 (!m.hitboxes(0).empty() || !m.hitboxes(1).empty());
      }
      QTest::keyRelease(play, Qt::Key_I);
      QTest::qWait(30);
    }
    play->setPaused(true);  // releases the held keys too
    QTest::keyRelease(play, Qt::Key_D);
    QVERIFY(caught);
    QTest::qWait(500);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("fight-play.png"))));

    play->setPaused(false);
    play->setFramesPerTick(200);
    playUntilOver(play, 60000);
    QVERIFY(play->storedEpisodeId() > 0);
    QVERIFY(controller.openEpisode(play->storedEpisodeId()));
    QVERIFY(controller.replayPlayer()->waitUntilBuilt(60000));
    QVERIFY(controller.replayPlayer()->badgeMatches());
    controller.replayPlayer()->seek(controller.replayPlayer()->frameCount() / 4);
    QTest::qWait(500);
    QVERIFY(grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("fight-replay.png"))));
    // The same replay in the smallest window: every dock, the whole stage and HUD.
    window.resize(800, 600);
    QTest::qWait(500);
    QVERIFY(
        grabWithViews(&window).save(QDir(outDir).filePath(QStringLiteral("app-small-window.png"))));
    // A copy of the store for `palaestra-cli replay --verify` (PALAESTRA_SHOWCASE_STORE=path).
    const QString keep = qEnvironmentVariable("PALAESTRA_SHOWCASE_STORE");
    if (!keep.isEmpty()) window.storeSession()->store()->saveCopyTo(keep.toStdString());
  }
};

QTEST_MAIN(TestGlFightPlay)
#include "TestGlFightPlay.moc"
