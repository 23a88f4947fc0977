#include "gui/AppController.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDateTime>
#include <QDir>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <cmath>
#include <exception>
#include <map>
#include <string>

#include "env/EnvRegistry.h"
#include "gui/AppSettings.h"
#include "gui/InspectorPanel.h"
#include "gui/MainWindow.h"
#include "gui/PlaybackPage.h"
#include "gui/StoreSession.h"
#include "gui/TrainingPanel.h"
#include "gui/WelcomePage.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/CheckpointMeta.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"
#include "widgets/CompareFrameSource.h"
#include "widgets/CompareView.h"
#include "widgets/CurriculumEditor.h"
#include "widgets/fight/LeagueView.h"
#include "widgets/EpisodeList.h"
#include "widgets/EpisodeTableModel.h"
#include "widgets/ExportProgressDialog.h"
#include "widgets/LiveViewer.h"
#include "widgets/PlaybackBar.h"
#include "widgets/ReplayFrameSource.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/RunBrowser.h"
#include "widgets/RunTableModel.h"
#include "widgets/TrainingManager.h"
#include "widgets/fight/FightControlsDialog.h"
#include "widgets/fight/FightPlayDialog.h"

namespace palaestra {

namespace {

bool isActive(TrainingManager::JobState state) {
  return state == TrainingManager::JobState::Queued || state == TrainingManager::JobState::Running ||
         state == TrainingManager::JobState::Paused || state == TrainingManager::JobState::Stopping;
}

// The config and fixed task of a stored run (throws StoreError / NotFoundError).
StoredRunConfig runEnvOf(const RunStore& store, int64_t runId) {
  return readStoredRunConfig(store.getRun(runId));
}

}  // namespace

AppController::AppController(MainWindow& window) : QObject(&window), window_(window) {
  live_ = new LiveViewer();
  replay_ = new ReplayPlayer();
  compare_ = new CompareView();
  livePage_ = new PlaybackPage(live_, {[this] { live_->togglePlay(); }, [this] { live_->stepForward(); }, {},
                                       [this] { live_->faster(); }, [this] { live_->slower(); }});
  replayPage_ = new PlaybackPage(replay_, {[this] { replay_->togglePlay(); }, [this] { replay_->stepForward(); },
                                           [this] { replay_->stepBack(); }, [this] { replay_->faster(); },
                                           [this] { replay_->slower(); }});
  comparePage_ = new PlaybackPage(compare_, {[this] { compare_->setPlaying(!compare_->playing()); },
                                             [this] { compare_->stepForward(); }, [this] { compare_->stepBack(); },
                                             // The shared bar's speed buttons are the comparison's only speed control.
                                             [this] { emit compare_->playbackBar()->fasterRequested(); },
                                             [this] { emit compare_->playbackBar()->slowerRequested(); }});
  window_.addPage(livePage_, QStringLiteral("Live"));
  window_.addPage(replayPage_, QStringLiteral("Replay"));
  window_.addPage(comparePage_, QStringLiteral("Compare"));
  fight_ = new FightPlayView();
  // Space pauses the match (the page claims the players' keys before the window's shortcuts).
  fightPage_ = new PlaybackPage(fight_, {[this] { fight_->setPaused(!fight_->paused()); }, {}, {}, {}, {}});
  window_.addPage(fightPage_, QStringLiteral("Fight"));
  fight_->setKeyMap(FightKeyMap::load(*openAppSettings()));
  fight_->setQuitConfirmation([this] {
    return window_.messages()->ask(QStringLiteral("Quit match"),
                                   QStringLiteral("Quit the running match? It is stored as far as it went."));
  });
  connect(fight_, &FightPlayView::matchStored, this, [this](qint64 runId, qint64) {
    window_.refreshAll();
    window_.runBrowser()->selectRun(runId);  // its episode shows in the Episodes dock
  });
  connect(fight_, &FightPlayView::errorOccurred, this,
          [this](const QString& message) { fail(QStringLiteral("Fight"), message); });
  connect(fight_, &FightPlayView::closeRequested, this, [this] { window_.showPage(window_.welcomePage()); });

  // Per-step values of whatever plays go to the inspector.
  connect(live_, &LiveViewer::stepValuesChanged, this, [this] {
    if (window_.currentPage() == livePage_) window_.inspectorPanel()->setStepValues(live_->stepValues());
  });
  connect(replay_, &ReplayPlayer::stepValuesChanged, this, [this] {
    if (window_.currentPage() == replayPage_) window_.inspectorPanel()->setStepValues(replay_->stepValues());
  });
  connect(replay_, &ReplayPlayer::errorOccurred, this,
          [this](const QString& message) { fail(QStringLiteral("Replay"), message); });
  connect(compare_, &CompareView::errorOccurred, this,
          [this](const QString& message) { fail(QStringLiteral("Compare"), message); });

  connect(&window_, &MainWindow::newRunConfigured, this,
          [this](const nlohmann::json& config, const QString& name) { startRun(config, name); });
  connect(&window_, &MainWindow::runOpened, this, [this](int64_t runId) { watchRun(runId); });
  connect(&window_, &MainWindow::resumeRunRequested, this,
          [this](int64_t runId) { resumeRun(runId); });
  connect(&window_, &MainWindow::episodeOpened, this, [this](int64_t episodeId) { openEpisode(episodeId); });
  connect(window_.storeSession(), &StoreSession::storeOpened, this, &AppController::onStoreOpened);
  TrainingPanel* panel = window_.trainingPanel();
  connect(panel, &TrainingPanel::pauseRequested, this, [this](int64_t id) {
    if (manager_) manager_->pause(id);
  });
  connect(panel, &TrainingPanel::resumeRequested, this, [this](int64_t id) {
    if (manager_) manager_->resume(id);
  });
  connect(panel, &TrainingPanel::stopRequested, this, [this](int64_t id) {
    if (manager_) manager_->stop(id);
  });
  window_.setTrainingActiveCheck([this] { return anyTrainingActive(); });
  window_.setStopAllTraining([this] { stopAllTraining(); });

  buildRunMenu();
  buildFightMenu();
  if (window_.storeSession()->store()) onStoreOpened();
}

AppController::~AppController() { stopAllTraining(); }

void AppController::buildRunMenu() {
  QMenu* menu = window_.runMenu();
  auto add = [&](const QString& text, const QKeySequence& keys, auto slot) {
    QAction* action = menu->addAction(text, this, slot);
    action->setShortcut(keys);
    runActions_ << action;
  };
  add(QStringLiteral("&Watch selected run"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] {
    const QList<int64_t> runs = window_.runBrowser()->selectedRunIds();
    if (runs.isEmpty()) {
      fail(QStringLiteral("Watch run"), QStringLiteral("Select a run in the Runs dock first."));
    } else {
      watchRun(runs.front());
    }
  });
  add(QStringLiteral("Watch &checkpoint..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L),
      [this] { chooseCheckpointToWatch(); });
  menu->addSeparator();
  add(QStringLiteral("Compare selected &runs"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { compareSelectedRuns(); });
  add(QStringLiteral("Compare selected &episodes"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K),
      [this] { compareSelectedEpisodes(); });
  menu->addSeparator();
  add(QStringLiteral("C&urriculum editor"), QKeySequence(Qt::CTRL | Qt::Key_U), [this] {
    const QList<int64_t> runs = window_.runBrowser()->selectedRunIds();
    if (runs.isEmpty()) {
      fail(QStringLiteral("Curriculum editor"),
           QStringLiteral("Select a run in the Runs dock first."));
    } else {
      showCurriculumEditor(runs.front());
    }
  });
  menu->addSeparator();
  add(QStringLiteral("Export &video (MP4 / GIF)..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
      [this] { chooseVideoFile(); });
}

void AppController::buildFightMenu() {
  QMenuBar* bar = window_.menuBar();
  const QList<QAction*> menus = bar->actions();
  auto* menu = new QMenu(QStringLiteral("F&ight"), bar);
  bar->insertMenu(menus.isEmpty() ? nullptr : menus.back(), menu);  // before Help
  QAction* play = menu->addAction(QStringLiteral("&Play fight..."), this, [this] { showPlayFightDialog(); });
  play->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  QAction* controls = menu->addAction(QStringLiteral("&Controls..."), this, [this] { showFightControlsDialog(); });
  controls->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
  QAction* league = menu->addAction(QStringLiteral("&League view"), this, [this] { showLeagueView(); });
  league->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
  fightActions_ << play << controls << league;
}

LeagueView* AppController::showLeagueView(int64_t leagueId) {
  if (!store()) {
    fail(QStringLiteral("League view"), QStringLiteral("Open a run store first."));
    return nullptr;
  }
  auto* view = new LeagueView(store(), &window_);
  view->setWindowFlag(Qt::Window);
  view->setAttribute(Qt::WA_DeleteOnClose);
  view->setWindowTitle(QStringLiteral("Fight league"));
  if (leagueId > 0 && !view->showLeague(leagueId)) {
    fail(QStringLiteral("League view"), view->status());
    delete view;
    return nullptr;
  }
  connect(view, &LeagueView::playAgainstRequested, this, [this](int64_t checkpointId) {
    playAgainstCheckpoint(checkpointId);
  });
  connect(view, &LeagueView::watchMatchRequested, this,
          [this](int64_t a, int64_t b) { watchFightMatch(a, b); });
  view->resize(1200, 760);
  view->show();
  return view;
}

namespace {

// The fight character a stored fight agent plays (its run's task), and its run's env config.
std::pair<int, nlohmann::json> fightAgentOf(const RunStore& store, int64_t checkpointId) {
  const Checkpoint checkpoint = store.loadCheckpoint(checkpointId);
  const StoredRunConfig run = runEnvOf(store, checkpoint.info.runId);
  if (run.env != "fight")
    throw ConfigError("checkpoint " + std::to_string(checkpointId) + " is of a " + run.env +
                      " run, not a fight agent");
  const EnvPtr env = EnvRegistry::instance().get("fight").create(run.envConfig);
  const int index = env->spec().tasks.indexOf("character");
  return {static_cast<int>(run.taskValues[static_cast<size_t>(index)]), run.envConfig};
}

}  // namespace

bool AppController::playAgainstCheckpoint(int64_t checkpointId) {
  if (!store()) return fail(QStringLiteral("Play fight"), QStringLiteral("No run store is open."));
  FightPlaySetup setup;
  try {
    const int character = fightAgentOf(*store(), checkpointId).first;
    setup.p1Character = character;
    setup.p2Character = character;
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Play fight"), QString::fromUtf8(e.what()));
  }
  setup.opponent = FightPlaySetup::Opponent::Agent;
  setup.agentCheckpointId = checkpointId;
  setup.seed = static_cast<uint64_t>(QDateTime::currentMSecsSinceEpoch());
  return playFight(setup);
}

bool AppController::watchFightMatch(int64_t checkpointA, int64_t checkpointB) {
  const std::shared_ptr<RunStore> s = store();
  if (!s) return fail(QStringLiteral("Watch match"), QStringLiteral("No run store is open."));
  try {
    const auto [characterA, envConfigA] = fightAgentOf(*s, checkpointA);
    const int characterB = fightAgentOf(*s, checkpointB).first;
    // Both in two-player mode with A's action settings, A on P1 and B on P2, sampling their
    // actions as in a rating (two deterministic fighters would replay one match forever).
    nlohmann::json arena = envConfigA;
    arena["mode"] = "two";
    arena["shared_policy"] = false;
    const EnvPtr env = EnvRegistry::instance().get("fight").create(arena);
    const TaskValues task = env->spec().tasks.fromMap(
        {{"character", characterA}, {"opponent", characterB}, {"cpu_level", 0}});
    auto a = std::make_shared<const Policy>(Policy::deserialize(s->loadCheckpoint(checkpointA).policy));
    auto b = std::make_shared<const Policy>(Policy::deserialize(s->loadCheckpoint(checkpointB).policy));
    live_->setPolicySource({});
    live_->setPolicy(a);
    live_->setSlotPolicy(1, b, true);
    live_->watch("fight", arena, task, 1);
    if (!live_->errorMessage().isEmpty()) return fail(QStringLiteral("Watch match"), live_->errorMessage());
    watchedTrainingRun_ = -1;
    window_.showPage(livePage_);
    window_.statusBar()->showMessage(QStringLiteral("Watching checkpoint %1 (P1) fight checkpoint %2 (P2)")
                                         .arg(checkpointA)
                                         .arg(checkpointB));
    return true;
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Watch match"),
                QStringLiteral("Cannot watch checkpoints %1 and %2 fight:\n%3")
                    .arg(checkpointA)
                    .arg(checkpointB)
                    .arg(QString::fromUtf8(e.what())));
  }
}

void AppController::showPlayFightDialog() {
  if (!store()) {
    fail(QStringLiteral("Play fight"), QStringLiteral("Open or create a run store first: matches are kept there."));
    return;
  }
  if (fight_->running() && !fight_->quitMatch()) return;
  FightPlayDialog dialog(store(), &window_);
  if (dialog.exec() == QDialog::Accepted) playFight(dialog.setup());
}

bool AppController::playFight(const FightPlaySetup& setup) {
  if (fight_->running() && !fight_->quitMatch()) return false;
  QString error;
  if (!fight_->start(setup, store(), &error)) return fail(QStringLiteral("Play fight"), error);
  window_.showPage(fightPage_);
  window_.statusBar()->showMessage(
      QStringLiteral("Playing a fight: the match is stored when it ends or is quit"));
  fight_->setFocus(Qt::OtherFocusReason);
  return true;
}

void AppController::showFightControlsDialog() {
  FightControlsDialog dialog(fight_->keyMap(), &window_);
  if (dialog.exec() != QDialog::Accepted) return;
  fight_->setKeyMap(dialog.keys());
  dialog.keys().save(*openAppSettings());
}

std::shared_ptr<RunStore> AppController::store() const { return window_.storeSession()->store(); }

bool AppController::fail(const QString& title, const QString& text) const {
  window_.messages()->show(MessagePresenter::Severity::Error, title, text);
  return false;
}

void AppController::onStoreOpened() {
  const std::shared_ptr<RunStore> opened = store();
  live_->stop();
  watchedTrainingRun_ = -1;
  if (manager_) {
    if (manager_->hasActiveJobs()) {
      retired_.push_back(std::move(manager_));  // its runs finish into their own store
    } else {
      manager_.reset();
    }
  }
  if (opened) {
    manager_ = std::make_unique<TrainingManager>(opened);
    connectManager(*manager_);
  }
}

void AppController::connectManager(TrainingManager& manager) {
  TrainingManager* m = &manager;
  connect(m, &TrainingManager::jobStateChanged, this, [this, m](qint64 runId, TrainingManager::JobState state) {
    if (m != manager_.get()) return;
    QString name = QStringLiteral("run %1").arg(runId);
    try {
      name = QString::fromStdString(store()->getRun(runId).name);
    } catch (const std::exception&) {
      // The run was deleted meanwhile: keep the id as its name.
    }
    window_.trainingPanel()->setJobState(runId, name, state);
    RunTableModel* runs = window_.runBrowser()->runModel();
    if (state == TrainingManager::JobState::Paused || state == TrainingManager::JobState::Stopping) {
      runs->setLiveStatus(runId, TrainingManager::stateName(state));
    } else {
      runs->clearLiveStatus(runId);
    }
    if (!isActive(state)) runs->clearLiveSteps(runId);  // the store has the final count
    window_.refreshAll();  // status, steps and new checkpoints and episodes
  });
  connect(m, &TrainingManager::progressed, this, [this, m](qint64 runId, TrainingProgress progress) {
    if (m != manager_.get()) return;
    // The store learns the step count only at checkpoints; the Runs table follows the progress.
    window_.runBrowser()->runModel()->setLiveSteps(runId, static_cast<int64_t>(progress.steps));
    QString detail = QStringLiteral("%1 steps, %2 steps/s").arg(progress.steps).arg(progress.stepsPerSecond, 0, 'f', 0);
    if (!std::isnan(progress.recentReturn)) detail += QStringLiteral(", return %1").arg(progress.recentReturn, 0, 'f', 1);
    if (!std::isnan(progress.lastEvalReturn)) detail += QStringLiteral(", eval %1").arg(progress.lastEvalReturn, 0, 'f', 1);
    TrainingPanel* panel = window_.trainingPanel();
    if (panel->hasJob(runId)) {
      QString name = QStringLiteral("run %1").arg(runId);
      try {
        name = QString::fromStdString(store()->getRun(runId).name);
      } catch (const std::exception&) {
      }
      panel->setJobState(runId, name, m->state(runId), detail);
    }
  });
  connect(m, &TrainingManager::evaluated, this, [this, m](qint64, qint64, double) {
    if (m == manager_.get()) window_.refreshAll();  // a checkpoint and eval episodes arrived
  });
  connect(m, &TrainingManager::jobFailed, this, [this](qint64 runId, const QString& message) {
    fail(QStringLiteral("Training"), QStringLiteral("Run %1 failed:\n%2").arg(runId).arg(message));
  });
}

bool AppController::anyTrainingActive() const {
  if (manager_ && manager_->hasActiveJobs()) return true;
  for (const auto& m : retired_) {
    if (m->hasActiveJobs()) return true;
  }
  return false;
}

void AppController::stopAllTraining() {
  live_->setPolicySource({});
  std::vector<TrainingManager*> all;
  if (manager_) all.push_back(manager_.get());
  for (const auto& m : retired_) all.push_back(m.get());
  for (TrainingManager* m : all) m->stopAll();
  // Each session stores its final state when it notices the stop (within one PPO iteration).
  for (TrainingManager* m : all) m->waitForAll(120000);
}

int64_t AppController::startRun(const nlohmann::json& config, const QString& name) {
  if (!manager_) {
    fail(QStringLiteral("New training run"), QStringLiteral("Open or create a run store first (File menu)."));
    return -1;
  }
  int64_t runId = -1;
  try {
    runId = manager_->start(config, name);
  } catch (const std::exception& e) {
    fail(QStringLiteral("New training run"),
         QStringLiteral("The run was not started:\n%1").arg(QString::fromUtf8(e.what())));
    return -1;
  }
  window_.refreshAll();
  window_.runBrowser()->selectRun(runId);
  watchRun(runId);
  return runId;
}

bool AppController::resumeRun(int64_t runId) {
  if (!manager_)
    return fail(QStringLiteral("Resume training"), QStringLiteral("No run store is open."));
  try {
    manager_->resumeRun(runId);
  } catch (const std::exception& e) {
    return fail(
        QStringLiteral("Resume training"),
        QStringLiteral("Run %1 was not resumed:\n%2").arg(runId).arg(QString::fromUtf8(e.what())));
  }
  window_.refreshAll();
  window_.runBrowser()->selectRun(runId);
  watchRun(runId);
  return true;
}

bool AppController::watchRun(int64_t runId) {
  const std::shared_ptr<RunStore> s = store();
  if (!s) return fail(QStringLiteral("Watch run"), QStringLiteral("No run store is open."));
  StoredRunConfig runEnv;
  try {
    runEnv = runEnvOf(*s, runId);
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Watch run"), QStringLiteral("Cannot watch run %1:\n%2").arg(runId).arg(e.what()));
  }
  if (manager_ && manager_->jobIds().contains(runId) && isActive(manager_->state(runId))) {
    // Training here: play its latest policy snapshot (refreshed at each episode start).
    TrainingManager* m = manager_.get();
    live_->setPolicy(nullptr);
    live_->setPolicySource([m, runId] { return m->latestPolicy(runId); });
    live_->setSlotPolicy(-1, nullptr, false);  // one policy, deterministic
    live_->watch(runEnv.env, runEnv.envConfig, runEnv.taskValues, runEnv.seed);
    watchedTrainingRun_ = runId;
    window_.showPage(livePage_);
    window_.statusBar()->showMessage(QStringLiteral("Watching run %1 learn (its latest policy)").arg(runId));
    return true;
  }
  std::optional<CheckpointInfo> latest;
  try {
    latest = s->latestCheckpoint(runId);
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Watch run"), QString::fromUtf8(e.what()));
  }
  if (!latest) {
    return fail(QStringLiteral("Watch run"),
                QStringLiteral("Run %1 has no checkpoint yet: there is no policy to watch.").arg(runId));
  }
  return watchCheckpoint(latest->id, runEnv.taskValues, runEnv.seed);
}

bool AppController::watchCheckpoint(int64_t checkpointId, const TaskValues& task, uint64_t seed) {
  const std::shared_ptr<RunStore> s = store();
  if (!s) return fail(QStringLiteral("Watch checkpoint"), QStringLiteral("No run store is open."));
  try {
    const Checkpoint checkpoint = s->loadCheckpoint(checkpointId);
    const StoredRunConfig runEnv = runEnvOf(*s, checkpoint.info.runId);
    auto policy = std::make_shared<const Policy>(Policy::deserialize(checkpoint.policy));
    live_->setPolicySource({});
    live_->setPolicy(policy);
    live_->setSlotPolicy(-1, nullptr, false);  // one policy, deterministic
    live_->watch(runEnv.env, runEnv.envConfig, task, seed);
    if (!live_->errorMessage().isEmpty()) return fail(QStringLiteral("Watch checkpoint"), live_->errorMessage());
    watchedTrainingRun_ = -1;
    window_.showPage(livePage_);
    window_.statusBar()->showMessage(QStringLiteral("Watching checkpoint %1 of run %2 (step %3)")
                                         .arg(checkpointId)
                                         .arg(checkpoint.info.runId)
                                         .arg(checkpoint.info.step));
    return true;
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Watch checkpoint"),
                QStringLiteral("Cannot watch checkpoint %1:\n%2").arg(checkpointId).arg(e.what()));
  }
}

bool AppController::openEpisode(int64_t episodeId) {
  if (!replay_->openEpisode(store(), episodeId)) return false;  // the player reported why
  window_.showPage(replayPage_);
  QString text = QStringLiteral("Replaying episode %1").arg(episodeId);
  try {
    const StoredEpisode episode = store()->loadEpisode(episodeId);
    text += QStringLiteral(" (%1) of run %2 \"%3\"")
                .arg(QString::fromStdString(episodeKindName(episode.kind)))
                .arg(episode.runId)
                .arg(QString::fromStdString(store()->getRun(episode.runId).name));
  } catch (const std::exception&) {
    // The player has it open; the status line just names it by id.
  }
  window_.statusBar()->showMessage(text);
  return true;
}

bool AppController::compareRuns(int64_t runA, int64_t runB) {
  if (!compare_->compareRuns(store(), runA, runB)) return false;
  window_.showPage(comparePage_);
  window_.statusBar()->showMessage(QStringLiteral("Comparing runs %1 and %2").arg(runA).arg(runB));
  return true;
}

bool AppController::compareEpisodes(int64_t episodeA, int64_t episodeB) {
  if (!compare_->compareEpisodes(store(), episodeA, episodeB)) return false;
  window_.showPage(comparePage_);
  window_.statusBar()->showMessage(
      QStringLiteral("Comparing episodes %1 and %2").arg(episodeA).arg(episodeB));
  return true;
}

bool AppController::compareCheckpointOnTasks(int64_t checkpointId, const TaskValues& taskA, const TaskValues& taskB) {
  if (!compare_->compareCheckpointOnTasks(store(), checkpointId, taskA, taskB)) return false;
  window_.showPage(comparePage_);
  window_.statusBar()->showMessage(
      QStringLiteral("Comparing checkpoint %1 on two tasks").arg(checkpointId));
  return true;
}

CurriculumEditor* AppController::showCurriculumEditor(int64_t runId) {
  if (!store()) {
    fail(QStringLiteral("Curriculum editor"), QStringLiteral("Open a run store first."));
    return nullptr;
  }
  try {
    // Its own window, so the map can be large beside the live viewer.
    auto* editor = new CurriculumEditor(store(), runId, &window_);
    editor->setWindowFlag(Qt::Window);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    editor->setWindowTitle(QStringLiteral("Curriculum of run %1").arg(runId));
    // Edits reach the run while this app trains it; otherwise the manager says why not.
    editor->setEditFunction([this, runId](const nlohmann::json& section) {
      if (!manager_ || !manager_->knowsRun(runId))
        throw ConfigError("run " + std::to_string(runId) +
                          " is not training in this window: its curriculum can be viewed only");
      return manager_->editCurriculum(runId, section);
    });
    editor->resize(1000, 720);
    editor->show();
    return editor;
  } catch (const std::exception& e) {
    fail(QStringLiteral("Curriculum editor"), QString::fromUtf8(e.what()));
    return nullptr;
  }
}

void AppController::compareSelectedRuns() {
  const QList<int64_t> runs = window_.runBrowser()->selectedRunIds();
  if (runs.size() != 2) {
    fail(QStringLiteral("Compare runs"),
         QStringLiteral("Select exactly two runs in the Runs dock (Ctrl+click), then compare them."));
    return;
  }
  compareRuns(runs[0], runs[1]);
}

QList<int64_t> AppController::selectedEpisodeIds() const {
  QList<int64_t> ids;
  const QTableView* view = window_.episodeList()->view();
  for (const QModelIndex& index : view->selectionModel()->selectedRows()) {
    ids << index.data(EpisodeTableModel::EpisodeIdRole).toLongLong();
  }
  return ids;
}

void AppController::compareSelectedEpisodes() {
  const QList<int64_t> episodes = selectedEpisodeIds();
  if (episodes.size() != 2) {
    fail(QStringLiteral("Compare episodes"),
         QStringLiteral("Select exactly two episodes in the Episodes dock (Ctrl+click), then compare them."));
    return;
  }
  compareEpisodes(episodes[0], episodes[1]);
}

void AppController::chooseCheckpointToWatch() {
  const std::shared_ptr<RunStore> s = store();
  const QList<int64_t> runs = window_.runBrowser()->selectedRunIds();
  if (!s || runs.isEmpty()) {
    fail(QStringLiteral("Watch checkpoint"), QStringLiteral("Select a run in the Runs dock first."));
    return;
  }
  const int64_t runId = runs.front();
  std::vector<CheckpointInfo> checkpoints;
  StoredRunConfig runEnv;
  TaskSpace tasks;
  try {
    checkpoints = s->checkpoints(runId);
    runEnv = runEnvOf(*s, runId);
    tasks = EnvRegistry::instance().get(runEnv.env).create(runEnv.envConfig)->spec().tasks;
  } catch (const std::exception& e) {
    fail(QStringLiteral("Watch checkpoint"), QString::fromUtf8(e.what()));
    return;
  }
  if (checkpoints.empty()) {
    fail(QStringLiteral("Watch checkpoint"), QStringLiteral("Run %1 has no checkpoints yet.").arg(runId));
    return;
  }
  QDialog dialog(&window_);
  dialog.setWindowTitle(QStringLiteral("Watch a checkpoint"));
  auto* form = new QFormLayout(&dialog);
  auto* checkpoint = new QComboBox(&dialog);
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    const double eval = evalMeanReturnOf(it->metaJson);
    const bool best = isBestCheckpoint(it->metaJson);
    checkpoint->addItem(
        QStringLiteral("step %1%2%3")
            .arg(it->step)
            .arg(std::isnan(eval) ? QString() : QStringLiteral(", eval %1").arg(eval, 0, 'f', 1))
            .arg(best ? QStringLiteral(" (best: the run's result)") : QString()),
        QVariant::fromValue<qint64>(it->id));
    if (best) checkpoint->setCurrentIndex(checkpoint->count() - 1);
  }
  QStringList defaults;
  for (const auto& [name, value] : tasks.toMap(runEnv.taskValues)) defaults << QStringLiteral("%1=%2").arg(QString::fromStdString(name)).arg(value);
  auto* taskA = new QLineEdit(defaults.join(','), &dialog);
  auto* taskB = new QLineEdit(defaults.join(','), &dialog);
  auto* seed = new QLineEdit(QString::number(runEnv.seed), &dialog);
  form->addRow(QStringLiteral("Checkpoint"), checkpoint);
  form->addRow(QStringLiteral("Task"), taskA);
  form->addRow(QStringLiteral("Second task (compare)"), taskB);
  form->addRow(QStringLiteral("Seed"), seed);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
  QPushButton* watch = buttons->addButton(QStringLiteral("Watch"), QDialogButtonBox::AcceptRole);
  QPushButton* compareTwo = buttons->addButton(QStringLiteral("Compare on the two tasks"), QDialogButtonBox::AcceptRole);
  form->addRow(buttons);
  QPushButton* chosen = nullptr;
  connect(watch, &QPushButton::clicked, &dialog, [&] { chosen = watch; dialog.accept(); });
  connect(compareTwo, &QPushButton::clicked, &dialog, [&] { chosen = compareTwo; dialog.accept(); });
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  if (dialog.exec() != QDialog::Accepted || !chosen) return;
  const int64_t checkpointId = checkpoint->currentData().toLongLong();
  bool seedOk = false;
  const uint64_t seedValue = seed->text().trimmed().toULongLong(&seedOk);
  if (!seedOk) {
    fail(QStringLiteral("Watch checkpoint"), QStringLiteral("Seed \"%1\" is not a whole number >= 0.").arg(seed->text()));
    return;
  }
  try {
    const TaskValues a = tasks.parse(taskA->text().trimmed().toStdString());
    if (chosen == watch) {
      watchCheckpoint(checkpointId, a, seedValue);
    } else {
      compareCheckpointOnTasks(checkpointId, a, tasks.parse(taskB->text().trimmed().toStdString()));
    }
  } catch (const std::exception& e) {
    fail(QStringLiteral("Watch checkpoint"), QStringLiteral("Task: %1").arg(QString::fromUtf8(e.what())));
  }
}

void AppController::chooseVideoFile() {
  const QString path = QFileDialog::getSaveFileName(&window_, QStringLiteral("Export video"),
                                                    QDir::homePath() + QStringLiteral("/palaestra.mp4"),
                                                    QStringLiteral("MP4 video (*.mp4);;GIF animation (*.gif)"));
  if (!path.isEmpty()) exportVideo(path);
}

bool AppController::exportVideo(const QString& path, bool wait) {
  std::shared_ptr<FrameSource> source;
  try {
    if (window_.currentPage() == replayPage_) {
      if (!replay_->waitUntilBuilt(60000)) return fail(QStringLiteral("Export video"), QStringLiteral("The replay is not ready."));
      source = std::make_shared<ReplayFrameSource>(*replay_);
    } else if (window_.currentPage() == comparePage_) {
      // Replays of a comparison build on workers; a video needs every frame.
      QElapsedTimer waited;
      waited.start();
      while (!compare_->replaysBuilt() && waited.elapsed() < 60000) QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
      source = std::make_shared<CompareFrameSource>(*compare_);
    } else {
      return fail(QStringLiteral("Export video"),
                  QStringLiteral("Open a replay (double-click an episode) or a comparison of runs or episodes first: "
                                 "those are what a video shows."));
    }
  } catch (const std::exception& e) {
    return fail(QStringLiteral("Export video"), QString::fromUtf8(e.what()));
  }
  auto* dialog = new ExportProgressDialog(&window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose, false);
  dialog->setMessageBoxesEnabled(false);  // errors go through the window's message interface
  bool done = false;
  bool ok = false;
  connect(dialog, &ExportProgressDialog::exportFinished, this,
          [this, dialog, source, path, &done, &ok, wait](bool success, const QString& error) {
            if (wait) {
              done = true;
              ok = success;
            }
            if (success) {
              window_.statusBar()->showMessage(QStringLiteral("Exported %1").arg(path), 8000);
            } else {
              fail(QStringLiteral("Export video"), error);
            }
            dialog->deleteLater();  // releases the frame source (the lambda's copy) too
          });
  if (!dialog->exportVideo(*source, path)) return false;  // exportFinished reported why
  if (!wait) return true;
  QEventLoop loop;
  while (!done) loop.processEvents(QEventLoop::WaitForMoreEvents, 100);
  return ok;
}

}  // namespace palaestra
