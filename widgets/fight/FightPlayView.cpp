#include "widgets/fight/FightPlayView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "fight/FightEnv.h"
#include "fight/FightScene.h"
#include "store/RunStore.h"
#include "widgets/SimView.h"

namespace palaestra {

namespace {

// Frames run at most per tick when the GUI fell behind (a stall is skipped, not fast-forwarded).
constexpr int64_t kMaxCatchUpFrames = 4;

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
    if (running()) {
      quitMatch();
    } else {
      emit closeRequested();
    }
  });
  updateStatus();
}

FightPlayView::~FightPlayView() {
  // A match cut short by closing the app is kept as far as it went (nobody is left to tell).
  if (running()) session_->quit();
}

bool FightPlayView::start(const FightPlaySetup& setup, std::shared_ptr<RunStore> store,
                          QString* error) {
  if (running()) {
    if (error) *error = QStringLiteral("A match is already being played; quit it first.");
    return false;
  }
  try {
    session_ = std::make_unique<fight::FightMatchSession>(setup, std::move(store));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  overlay_.reset();
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

void FightPlayView::setPaused(bool paused) {
  if (!running() || paused == paused_) return;
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
  if (!running() || !trainingMode_) return;
  session_->restart();
  overlay_.reset();
  redraw();
  updateStatus();
}

bool FightPlayView::quitMatch() {
  if (!running()) return true;
  const bool wasPaused = paused_;
  setPaused(true);
  if (!confirmQuit_()) {
    setPaused(wasPaused);
    return false;
  }
  session_->quit();
  reportEnd();
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
      if (running()) {
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
  if (!running() || paused_) return;
  int64_t frames = framesPerTick_;
  if (frames <= 0) {
    const int64_t due = clock_.elapsed() * kFramesPerSecond / 1000 - framesSinceClockStart_;
    if (due <= 0) return;
    if (due > kMaxCatchUpFrames) framesSinceClockStart_ += due - kMaxCatchUpFrames;  // skip a stall
    frames = std::min(due, kMaxCatchUpFrames);
    framesSinceClockStart_ += frames;
  }
  for (int64_t i = 0; i < frames && running(); ++i) playFrame();
  if (running()) redraw();
}

void FightPlayView::playFrame() {
  // P2's keys count only when P2 is a person; the session asks the CPU or the agent otherwise.
  session_->playFrame(keys_.pad(0, held_), keys_.pad(1, held_));
  overlay_.record(session_->env().match(), session_->env().lastPads());
  if (!session_->running()) reportEnd();
}

void FightPlayView::reportEnd() {
  timer_->stop();
  held_.clear();
  if (!session_->storeError().empty()) {
    updateStatus();
    emit errorOccurred(QStringLiteral("The match could not be stored: %1")
                           .arg(QString::fromStdString(session_->storeError())));
    return;
  }
  storedRun_ = session_->runId();
  storedEpisode_ = session_->storedEpisodeId();
  redraw();
  updateStatus();
  emit matchStored(storedRun_, storedEpisode_);
}

void FightPlayView::redraw() {
  scene_.clear();
  if (session_) {
    fight::FightSceneOptions options;
    options.names = session_->names();
    fight::FightScene::draw(session_->env().match(), scene_, options);
    if (trainingMode_) overlay_.draw(scene_);
  }
  view_->setScene(scene_);
  view_->setOverlayLines(paused_ && running()
                             ? QStringList{QStringLiteral("PAUSED (Space / F2 resumes)")}
                             : QStringList{});
}

void FightPlayView::updateStatus() {
  QString text;
  if (!session_) {
    text = QStringLiteral("No match. Fight > Play fight... (Ctrl+G) starts one.");
  } else if (running()) {
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
  } else if (storedEpisode_ >= 0 && storedRun_ == session_->runId()) {
    text = QStringLiteral("Match over (%1); stored as episode %2 of run %3. Esc leaves.")
               .arg(QString::fromStdString(session_->record().info.outcome))
               .arg(storedEpisode_)
               .arg(storedRun_);
  } else {
    text = QStringLiteral("Match over; it was not stored.");
  }
  status_->setText(text);
}

}  // namespace palaestra
