#include "widgets/fight/FightPlayView.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "fight/CharacterLoader.h"
#include "fight/CpuController.h"
#include "fight/FightActionSet.h"
#include "fight/FightConfig.h"
#include "fight/FightEnv.h"
#include "fight/FightObservation.h"
#include "fight/FightScene.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "util/Rng.h"
#include "widgets/SimView.h"

namespace palaestra {

namespace {

// The env of every person's match: two players, raw pads, one step per frame; a short frozen
// break between rounds so people see who won the round.
nlohmann::json playEnvConfig() {
  return {{"mode", "two"}, {"control", "pad"}, {"round_break_frames", 90}};
}

// Frames run at most per tick when the GUI fell behind (a stall is skipped, not fast-forwarded).
constexpr int64_t kMaxCatchUpFrames = 4;

// A match's outcome as people say it: the env reports P1's view ("win", "loss", "draw") and
// "running" for a match that has not ended, which here means it was quit.
std::string matchOutcome(const std::string& envOutcome) {
  if (envOutcome == "win") return "p1 won";
  if (envOutcome == "loss") return "p2 won";
  if (envOutcome == "running") return "quit";
  return envOutcome;
}

}  // namespace

FightPlayView::FightPlayView(QWidget* parent)
    : QWidget(parent), keys_(FightKeyMap::defaults()), confirmQuit_([] { return true; }) {
  view_ = new SimView(this);
  view_->setFocusPolicy(Qt::NoFocus);  // keys go to this page, which maps them to pads
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("fightStatus"));
  status_->setSizePolicy(QSizePolicy::Ignored,
                         QSizePolicy::Preferred);  // its text never resizes the view
  trainingBox_ = new QCheckBox(QStringLiteral("&Training mode (F3)"), this);
  trainingBox_->setFocusPolicy(Qt::NoFocus);
  quitButton_ = new QPushButton(QStringLiteral("&Quit match (Esc)"), this);
  quitButton_->setFocusPolicy(Qt::NoFocus);
  auto* bar = new QHBoxLayout;
  bar->addWidget(status_, 1);
  bar->addWidget(trainingBox_);
  bar->addWidget(quitButton_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_, 1);
  layout->addLayout(bar);
  setFocusPolicy(Qt::StrongFocus);

  timer_ = new QTimer(this);
  timer_->setTimerType(Qt::PreciseTimer);
  timer_->setInterval(4);
  connect(timer_, &QTimer::timeout, this, &FightPlayView::tick);
  connect(trainingBox_, &QCheckBox::toggled, this, [this](bool on) { setTrainingMode(on); });
  connect(quitButton_, &QPushButton::clicked, this, [this] {
    if (running_) {
      quitMatch();
    } else {
      emit closeRequested();
    }
  });
  updateStatus();
}

FightPlayView::~FightPlayView() {
  // A match cut short by closing the app is kept as far as it went (nobody is left to tell).
  if (running_) {
    blockSignals(true);
    finish();
  }
}

bool FightPlayView::start(const FightPlaySetup& setup, std::shared_ptr<RunStore> store,
                          QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (running_) return fail(QStringLiteral("A match is already being played; quit it first."));
  if (!store) return fail(QStringLiteral("No run store is open to keep the match in."));
  const fight::Roster* roster = nullptr;
  try {
    roster = &fight::Roster::builtin();
  } catch (const std::exception& e) {
    return fail(QStringLiteral("The characters could not be loaded: %1")
                    .arg(QString::fromStdString(e.what())));
  }
  for (int c : {setup.p1Character, setup.p2Character})
    if (c < 0 || c >= roster->size())
      return fail(QStringLiteral("There is no character %1 (the roster has %2).")
                      .arg(c)
                      .arg(roster->size()));
  if (setup.opponent == FightPlaySetup::Opponent::Cpu && (setup.cpuLevel < 1 || setup.cpuLevel > 8))
    return fail(QStringLiteral("The CPU level must be 1..8, not %1.").arg(setup.cpuLevel));

  const fight::CharacterDef& p1 = roster->at(setup.p1Character);
  const fight::CharacterDef& p2 = roster->at(setup.p2Character);
  std::unique_ptr<fight::FightController> cpu;
  std::shared_ptr<const Policy> agent;
  std::unique_ptr<fight::FightActionSet> decoder;
  std::unique_ptr<fight::FightObservationDelay> observations;
  QString opponentName;
  try {
    switch (setup.opponent) {
      case FightPlaySetup::Opponent::Cpu:
        cpu = std::make_unique<fight::CpuController>(p2, setup.cpuLevel);
        opponentName = QStringLiteral("CPU L%1").arg(setup.cpuLevel);
        break;
      case FightPlaySetup::Opponent::Person:
        opponentName = QStringLiteral("P2");
        break;
      case FightPlaySetup::Opponent::Agent: {
        const Checkpoint checkpoint = store->loadCheckpoint(setup.agentCheckpointId);
        const RunInfo run = store->getRun(checkpoint.info.runId);
        if (run.env != "fight")
          return fail(
              QStringLiteral("Checkpoint %1 belongs to run \"%2\" of env \"%3\", not a fight run.")
                  .arg(setup.agentCheckpointId)
                  .arg(QString::fromStdString(run.name), QString::fromStdString(run.env)));
        const StoredRunConfig trained = readStoredRunConfig(run);
        const fight::FightConfig fightConfig = fight::FightConfig::fromJson(trained.envConfig);
        if (fightConfig.control != fight::FightControl::Actions)
          return fail(
              QStringLiteral(
                  "Run \"%1\" trained on raw pads; only agents of the action set can play here.")
                  .arg(QString::fromStdString(run.name)));
        auto policy = std::make_shared<Policy>(Policy::deserialize(checkpoint.policy));
        if (policy->obsDim() != fight::FightObservation::kSize || policy->actionDim() != 1)
          return fail(QStringLiteral("Checkpoint %1 does not fit the fight: it observes %2 floats "
                                     "(the fight gives %3).")
                          .arg(setup.agentCheckpointId)
                          .arg(policy->obsDim())
                          .arg(fight::FightObservation::kSize));
        agent = std::move(policy);
        decoder = std::make_unique<fight::FightActionSet>(fightConfig.actionRepeat);
        observations = std::make_unique<fight::FightObservationDelay>(fightConfig.observationDelay);
        opponentName = QStringLiteral("agent %1 @%2")
                           .arg(QString::fromStdString(run.name))
                           .arg(checkpoint.info.step);
        break;
      }
    }
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }

  auto env =
      std::make_unique<fight::FightEnv>(fight::FightConfig::fromJson(playEnvConfig()), roster);
  const QString runName =
      QStringLiteral("Play: %1 vs %2 %3")
          .arg(QString::fromStdString(p1.id), QString::fromStdString(p2.id), opponentName);
  // The run's config describes the match (who played whom, how), not training settings; replays
  // read the env, its config, the task and the seed from it (StoredRunConfig).
  nlohmann::json p2Side = {{"character", p2.id}};
  switch (setup.opponent) {
    case FightPlaySetup::Opponent::Cpu:
      p2Side["control"] = "cpu";
      p2Side["cpu_level"] = setup.cpuLevel;
      break;
    case FightPlaySetup::Opponent::Person:
      p2Side["control"] = "keyboard";
      break;
    case FightPlaySetup::Opponent::Agent:
      p2Side["control"] = "agent";
      p2Side["checkpoint_id"] = setup.agentCheckpointId;
      p2Side["agent"] = opponentName.toStdString();
      break;
  }
  const nlohmann::json match = {{"p1", {{"character", p1.id}, {"control", "keyboard"}}},
                                {"p2", p2Side},
                                {"training_mode", setup.trainingMode}};
  const nlohmann::json config = StoredRunConfig::playConfig(
      "fight", playEnvConfig(), {{"character", setup.p1Character}, {"opponent", setup.p2Character}},
      setup.seed, match);
  try {
    StoredRunConfig::parse(config.dump());  // what replays read back must parse
    NewRun newRun;
    newRun.name = runName.toStdString();
    newRun.env = "fight";
    newRun.configJson = config.dump();
    newRun.seed = setup.seed;
    newRun.notes =
        "A person's match played in the app (P1: keyboard; P2: " + opponentName.toStdString() +
        ").";
    runId_ = store->createRun(newRun);
    store->setTags(runId_, {"play"});
  } catch (const std::exception& e) {
    return fail(
        QStringLiteral("The match cannot be stored: %1").arg(QString::fromStdString(e.what())));
  }

  setup_ = setup;
  store_ = std::move(store);
  env_ = std::move(env);
  cpu_ = std::move(cpu);
  agent_ = std::move(agent);
  agentDecoder_ = std::move(decoder);
  agentObservations_ = std::move(observations);
  names_ = {p1.displayName + " (P1)", p2.displayName + " (" + opponentName.toStdString() + ")"};
  restartRecording();
  running_ = true;
  paused_ = false;
  held_.clear();
  setTrainingMode(setup.trainingMode);
  clock_.start();
  framesSinceClockStart_ = 0;
  timer_->start();
  setFocus(Qt::OtherFocusReason);
  redraw();
  updateStatus();
  return true;
}

void FightPlayView::restartRecording() {
  // The two-player env's task names both characters (it has no CPU, so no level).
  const TaskSpace& space = env_->spec().tasks;
  TaskValues task = space.defaults();
  task[static_cast<size_t>(space.indexOf("character"))] = setup_.p1Character;
  task[static_cast<size_t>(space.indexOf("opponent"))] = setup_.p2Character;
  env_->reset(setup_.seed, task);
  if (cpu_) cpu_->reset(env_->match(), 1, setup_.seed);
  if (agentDecoder_) agentDecoder_->reset();
  if (agentObservations_) agentObservations_->reset(env_->match());
  record_ = EpisodeRecord{};
  record_.seed = setup_.seed;
  record_.task = task;
  record_.actionSize = 2;
  record_.hashes.push_back(env_->stateHash());
  agentReturns_.assign(2, 0.0);
  overlay_.reset();
}

void FightPlayView::setPaused(bool paused) {
  if (!running_ || paused == paused_) return;
  paused_ = paused;
  if (!paused_) {
    clock_.restart();  // time spent paused is not owed to the match
    framesSinceClockStart_ = 0;
  }
  held_.clear();
  redraw();
  updateStatus();
}

void FightPlayView::setTrainingMode(bool on) {
  trainingMode_ = on;
  if (trainingBox_->isChecked() != on) trainingBox_->setChecked(on);
  view_->setLayerVisible(fight::FightScene::kHitboxLayer, on);
  view_->setLayerVisible(fight::FightScene::kStateNameLayer, on);
  redraw();
  updateStatus();
}

void FightPlayView::resetPositions() {
  if (!running_ || !trainingMode_) return;
  restartRecording();
  redraw();
  updateStatus();
}

bool FightPlayView::quitMatch() {
  if (!running_) return true;
  const bool wasPaused = paused_;
  setPaused(true);
  if (!confirmQuit_()) {
    setPaused(wasPaused);
    return false;
  }
  finish();
  return true;
}

void FightPlayView::setKeyMap(const FightKeyMap& keys) {
  keys_ = keys;
  held_.clear();
}

bool FightPlayView::handlesKey(int key) const {
  return keys_.find(key).has_value() || FightKeyMap::reservedKeys().contains(key);
}

bool FightPlayView::event(QEvent* event) {
  // The window's shortcuts (Space, arrows, +/-) would take the players' keys: claim them first.
  if (event->type() == QEvent::ShortcutOverride) {
    auto* key = static_cast<QKeyEvent*>(event);
    if (handlesKey(FightKeyMap::keyOf(key->key(), key->modifiers()))) {
      event->accept();
      return true;
    }
  }
  return QWidget::event(event);
}

void FightPlayView::keyPressEvent(QKeyEvent* event) {
  const int key = FightKeyMap::keyOf(event->key(), event->modifiers());
  if (event->isAutoRepeat() && keys_.find(key)) return;
  switch (event->key()) {
    case Qt::Key_Escape:
      if (running_) {
        quitMatch();
      } else {
        emit closeRequested();
      }
      return;
    case Qt::Key_Space:
    case Qt::Key_F2:
      if (!event->isAutoRepeat()) setPaused(!paused_);
      return;
    case Qt::Key_F3:
      if (!event->isAutoRepeat()) setTrainingMode(!trainingMode_);
      return;
    case Qt::Key_F4:
      resetPositions();
      return;
    default:
      break;
  }
  if (keys_.find(key)) {
    held_.insert(key);
    return;
  }
  QWidget::keyPressEvent(event);
}

void FightPlayView::keyReleaseEvent(QKeyEvent* event) {
  const int key = FightKeyMap::keyOf(event->key(), event->modifiers());
  if (keys_.find(key)) {
    if (!event->isAutoRepeat()) held_.remove(key);
    return;
  }
  QWidget::keyReleaseEvent(event);
}

void FightPlayView::focusOutEvent(QFocusEvent* event) {
  held_.clear();  // a key released elsewhere must not stay held here
  QWidget::focusOutEvent(event);
}

void FightPlayView::hideEvent(QHideEvent* event) {
  setPaused(true);  // another page is shown: nobody is at the keys
  QWidget::hideEvent(event);
}

void FightPlayView::tick() {
  if (!running_ || paused_) return;
  int64_t frames = framesPerTick_;
  if (frames <= 0) {
    const int64_t due = clock_.elapsed() * kFramesPerSecond / 1000 - framesSinceClockStart_;
    if (due <= 0) return;
    if (due > kMaxCatchUpFrames) framesSinceClockStart_ += due - kMaxCatchUpFrames;  // skip a stall
    frames = std::min(due, kMaxCatchUpFrames);
    framesSinceClockStart_ += frames;
  }
  for (int64_t i = 0; i < frames && running_; ++i) playFrame();
  if (running_) redraw();
}

fight::PadState FightPlayView::opponentPad() {
  const fight::FightMatch& match = env_->match();
  switch (setup_.opponent) {
    case FightPlaySetup::Opponent::Cpu:
      return cpu_->decide(match);
    case FightPlaySetup::Opponent::Person:
      return keys_.pad(1, held_);
    case FightPlaySetup::Opponent::Agent: {
      if (!agentDecoder_->busy()) {
        const auto obs = agentObservations_->observe(1);
        float action = 0.0f;
        Rng rng(setup_.seed + static_cast<uint64_t>(record_.length));
        agent_->act(obs.data(), 1, true, rng, &action);
        agentDecoder_->begin(static_cast<int>(action), match.character(1).chargeFrames);
      }
      return agentDecoder_->next(match.fighter(1).facing);
    }
  }
  return {};
}

void FightPlayView::playFrame() {
  const fight::PadState p1 = keys_.pad(0, held_);
  const fight::PadState p2 = opponentPad();
  const float actions[2] = {static_cast<float>(p1.code()), static_cast<float>(p2.code())};
  float rewards[2] = {0.0f, 0.0f};
  const StepStatus status = env_->step(actions, rewards);
  record_.actions.insert(record_.actions.end(), actions, actions + 2);
  record_.hashes.push_back(env_->stateHash());
  record_.length++;
  agentReturns_[0] += rewards[0];
  agentReturns_[1] += rewards[1];
  if (agentObservations_) agentObservations_->push(env_->match());
  overlay_.record(env_->match(), env_->lastPads());
  record_.terminated = status.terminated;
  record_.truncated = status.truncated;
  if (status.terminated || status.truncated) finish();
}

void FightPlayView::finish() {
  running_ = false;
  timer_->stop();
  held_.clear();
  record_.info = env_->episodeInfo();
  record_.info.outcome = matchOutcome(record_.info.outcome);
  const EnvSpec& spec = env_->spec();
  record_.slotReturns.assign(spec.policySlots.size(), 0.0);
  std::vector<int> agentsOfSlot(spec.policySlots.size(), 0);
  for (int a = 0; a < spec.numAgents; ++a) {
    const auto slot = static_cast<size_t>(spec.policySlotOfAgent[static_cast<size_t>(a)]);
    record_.slotReturns[slot] += agentReturns_[static_cast<size_t>(a)];
    agentsOfSlot[slot]++;
  }
  for (size_t s = 0; s < agentsOfSlot.size(); ++s)
    if (agentsOfSlot[s] > 0) record_.slotReturns[s] /= agentsOfSlot[s];
  try {
    storedEpisode_ = store_->addEpisodeNow(runId_, std::nullopt, EpisodeKind::Play, record_);
    storedRun_ = runId_;
    RunUpdate update;
    update.status = RunStatus::Finished;
    update.steps = record_.length;
    update.endedAt = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    store_->updateRun(runId_, update);
    redraw();
    updateStatus();
    emit matchStored(storedRun_, storedEpisode_);
  } catch (const std::exception& e) {
    updateStatus();
    emit errorOccurred(
        QStringLiteral("The match could not be stored: %1").arg(QString::fromStdString(e.what())));
  }
}

void FightPlayView::redraw() {
  scene_.clear();
  if (env_) {
    fight::FightSceneOptions options;
    options.names = names_;
    fight::FightScene::draw(env_->match(), scene_, options);
    if (trainingMode_) overlay_.draw(scene_);
  }
  view_->setScene(scene_);
  view_->setOverlayLines(paused_ && running_
                             ? QStringList{QStringLiteral("PAUSED (Space / F2 resumes)")}
                             : QStringList{});
}

void FightPlayView::updateStatus() {
  QString text;
  if (!env_) {
    text = QStringLiteral("No match. Fight > Play fight... (Ctrl+G) starts one.");
  } else if (running_) {
    text = QStringLiteral("P1 keys: %1 %2 %3 %4, %5 %6 %7 / %8 %9 %10.")
               .arg(FightKeyMap::keyText(keys_.key(0, FightKey::Up)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::Left)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::Down)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::Right)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::LP)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::MP)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::HP)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::LK)),
                    FightKeyMap::keyText(keys_.key(0, FightKey::MK)))
               .arg(FightKeyMap::keyText(keys_.key(0, FightKey::HK)));
    text += QStringLiteral("  Space pause, F3 training mode%1, Esc quit.")
                .arg(trainingMode_ ? QStringLiteral(", F4 reset positions") : QString());
  } else if (storedEpisode_ >= 0 && storedRun_ == runId_) {
    text = QStringLiteral("Match over (%1); stored as episode %2 of run %3. Esc leaves.")
               .arg(QString::fromStdString(record_.info.outcome))
               .arg(storedEpisode_)
               .arg(storedRun_);
  } else {
    text = QStringLiteral("Match over; it was not stored.");
  }
  status_->setText(text);
}

}  // namespace palaestra
