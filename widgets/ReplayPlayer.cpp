#include "widgets/ReplayPlayer.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

#include "env/EnvRegistry.h"
#include "replay/ReplayCursor.h"
#include "replay/ReplayHashChecker.h"
#include "replay/ReplayTimeline.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"
#include "widgets/AgentInspector.h"
#include "widgets/LiveMetricStrip.h"
#include "widgets/OverlayToggleBar.h"
#include "widgets/PlaybackBar.h"
#include "widgets/ReplayBuildJob.h"
#include "widgets/RewardStrip.h"
#include "widgets/SimView.h"
#include "widgets/SimViewStandIn.h"

namespace palaestra {
namespace {

// Frames shown at most per display tick: at "max" the replay runs through this many per tick.
constexpr int kMaxFramesPerTick = 16;
// How often the build progress is looked at while the worker simulates.
constexpr int kBuildPollMs = 30;
// Display tick while playing (about 60 Hz).
constexpr int kPlayTickMs = 16;

}  // namespace

ReplayPlayer::ReplayPlayer(QWidget* parent) : QWidget(parent), clock_(EnvSpec{}.secondsPerStep) {
  clock_.setPaused(true);

  QWidget* view = nullptr;
  const QString glProblem = SimView::openGlProblem();
  if (glProblem.isEmpty()) {
    simView_ = new SimView(this);
    view = simView_;
  } else {
    standIn_ = new SimViewStandIn(glProblem, this);
    view = standIn_;
  }
  view->setMinimumSize(320, 150);  // with the strip and bars the page fits an 800x600 window

  badge_ = new QLabel(this);
  badge_->setAlignment(Qt::AlignCenter);
  badge_->setMargin(3);

  bar_ = new PlaybackBar(this);
  bar_->setTimelineVisible(true);
  bar_->setFrameCount(0);
  bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  bar_->setPlaying(false);

  strip_ = new RewardStrip(this);
  metricStrip_ = new LiveMetricStrip(this);
  metricStrip_->hide();

  overlayToggles_ = new OverlayToggleBar(this);
  overlayToggles_->addView(simView_);

  inspector_ = new AgentInspector(this);
  inspector_->hide();
  auto* viewRow = new QHBoxLayout;
  viewRow->setContentsMargins(0, 0, 0, 0);
  viewRow->setSpacing(2);
  viewRow->addWidget(view, 1);
  viewRow->addWidget(inspector_);

  auto* top = new QWidget(this);
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  topLayout->addLayout(viewRow, 1);
  topLayout->addWidget(metricStrip_);
  topLayout->addWidget(badge_);
  topLayout->addWidget(bar_);
  topLayout->addWidget(overlayToggles_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(top);
  splitter->addWidget(strip_);
  // The reward strip starts tall enough to read (about 110 px of plot), and keeps a quarter of
  // any extra height.
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({420, 170});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  connect(bar_, &PlaybackBar::playToggled, this, &ReplayPlayer::togglePlay);
  connect(bar_, &PlaybackBar::stepForwardRequested, this, &ReplayPlayer::stepForward);
  connect(bar_, &PlaybackBar::stepBackRequested, this, &ReplayPlayer::stepBack);
  connect(bar_, &PlaybackBar::fasterRequested, this, &ReplayPlayer::faster);
  connect(bar_, &PlaybackBar::slowerRequested, this, &ReplayPlayer::slower);
  connect(bar_, &PlaybackBar::frameRequested, this, &ReplayPlayer::seek);
  connect(strip_, &RewardStrip::frameClicked, this, &ReplayPlayer::seek);
  if (simView_) connect(simView_, &SimView::pointClicked, this, &ReplayPlayer::pickAgentAt);

  buildPoll_.setInterval(kBuildPollMs);
  connect(&buildPoll_, &QTimer::timeout, this, &ReplayPlayer::pollBuild);
  playTimer_.setInterval(kPlayTickMs);
  playTimer_.setTimerType(Qt::PreciseTimer);
  connect(&playTimer_, &QTimer::timeout, this, &ReplayPlayer::playTick);

  updateBadge();
  updateOverlay();
}

ReplayPlayer::~ReplayPlayer() = default;

bool ReplayPlayer::openEpisode(std::shared_ptr<RunStore> store, int64_t episodeId) {
  const QString what = tr("Cannot open episode %1: ").arg(episodeId);
  if (!store) {
    emit errorOccurred(what + tr("no run store is open"));
    return false;
  }
  EnvPtr env;
  StoredEpisode episode;
  TaskValues task;
  double secondsPerStep = 0.0;
  std::vector<SceneLayerInfo> overlayLayers;
  std::vector<std::string> liveMetrics;
  std::function<EnvPtr()> makeEnv;
  try {
    episode = store->loadEpisode(episodeId);
    const StoredRunConfig config = readStoredRunConfig(store->getRun(episode.runId));
    makeEnv = [create = EnvRegistry::instance().get(config.env).create,
               envConfig = config.envConfig] { return create(envConfig); };
    env = makeEnv();
    const ReplayHashChecker fits(*env, episode.record);
    if (!fits.problem().empty()) throw ConfigError(fits.problem());
    task = episode.record.task.empty() ? env->spec().tasks.defaults() : episode.record.task;
    env->spec().tasks.validate(task);
    secondsPerStep = env->spec().secondsPerStep;
    overlayLayers = env->spec().overlayLayers;
    liveMetrics = env->spec().liveMetrics;
  } catch (const std::exception& e) {
    emit errorOccurred(what + QString::fromStdString(e.what()));
    return false;
  }

  setPlaying(false);
  buildPoll_.stop();
  job_.reset();  // joins the previous worker before its env goes away
  store_ = std::move(store);
  makeEnv_ = std::move(makeEnv);
  cursor_.reset();
  selectedAgent_ = -1;
  inspector_->hide();
  inspector_->clear();
  episodeId_ = episodeId;
  task_ = std::move(task);
  frame_ = 0;
  framesSeen_ = 0;
  finishSeen_ = false;
  reward_ = 0.0;
  returnSoFar_ = 0.0;
  clock_.resetCarry();
  clock_.setSecondsPerStep(secondsPerStep);  // 1x plays the episode in its simulated time
  overlayToggles_->setLayers(overlayLayers);
  job_ = std::make_unique<ReplayBuildJob>(std::move(env), std::move(episode.record));
  bar_->setFrameCount(0);
  strip_->setRewards({});
  strip_->setFrameCount(job_->framesExpected());
  strip_->setCursorFrame(0);
  metricStrip_->setMetricNames(liveMetrics);
  metricStrip_->setFrameCount(job_->framesExpected());
  metricStrip_->setVisible(!liveMetrics.empty());
  updateBadge();
  updateOverlay();
  buildPoll_.start();
  pollBuild();
  emit stepValuesChanged();
  return true;
}

bool ReplayPlayer::built() const { return job_ && finishSeen_; }

bool ReplayPlayer::waitUntilBuilt(int timeoutMs) {
  if (!job_) return false;
  QDeadlineTimer deadline(timeoutMs);
  while (!built()) {
    if (job_->finished()) {
      pollBuild();  // take in the last frames now instead of at the next poll
      continue;
    }
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  }
  return true;
}

int ReplayPlayer::frameCount() const { return job_ ? framesSeen_ : 0; }

const ReplayTimeline* ReplayPlayer::timeline() const { return job_ ? &job_->timeline() : nullptr; }

void ReplayPlayer::pollBuild() {
  if (!job_ || finishSeen_) return;
  const bool finished = job_->finished();
  const int built = job_->framesBuilt();
  if (built != framesSeen_) {
    const bool first = framesSeen_ == 0;
    framesSeen_ = built;
    bar_->setFrameCount(built);
    {
      std::unique_lock<std::mutex> lock = job_->lock();
      strip_->setRewards(job_->timeline().rewards());
      const ReplayTimeline& timeline = job_->timeline();
      for (size_t m = 0; m < timeline.liveMetricNames().size(); ++m)
        metricStrip_->setValues(static_cast<int>(m), timeline.liveMetricValues(m));
    }
    if (first) showFrame(0);
  }
  if (finished) {
    finishSeen_ = true;
    buildPoll_.stop();
    // A replay that diverged may end before the recorded steps: the strip spans what exists.
    strip_->setFrameCount(std::max(1, built));
    updateBadge();
    if (!job_->error().empty()) emit errorOccurred(QString::fromStdString(job_->error()));
    if (built > 0) showFrame(frame_);
    emit stepValuesChanged();
  } else {
    updateBadge();
  }
}

void ReplayPlayer::seek(int frame) {
  if (!job_ || framesSeen_ == 0) return;
  showFrame(std::clamp(frame, 0, framesSeen_ - 1));
}

void ReplayPlayer::showFrame(int frame) {
  QElapsedTimer timer;
  timer.start();
  {
    std::unique_lock<std::mutex> lock;
    if (!job_->finished()) lock = job_->lock();
    const ReplayTimeline& timeline = job_->timeline();
    const Scene& scene = timeline.frame(frame);
    if (selectedAgent_ >= 0)
      pickedScene_ = scene;  // the highlight is added below
    else if (simView_)
      simView_->setScene(scene);
    reward_ = frame > 0 ? static_cast<double>(timeline.rewards()[static_cast<size_t>(frame - 1)]) : 0.0;
    returnSoFar_ = timeline.returnUpTo(frame);
  }
  frame_ = frame;
  if (selectedAgent_ >= 0) {
    if (placeCursor()) {
      cursor_->env().describeAgent(selectedAgent_, pickedScene_);
      inspector_->showAgentOf(cursor_->env(), selectedAgent_);
    }
    if (simView_) simView_->setScene(pickedScene_);
  }
  updateOverlay();
  lastSeekMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  bar_->setFrame(frame);
  strip_->setCursorFrame(frame);
  metricStrip_->setCursorFrame(frame);
  emit frameChanged(frame);
  emit stepValuesChanged();
}

bool ReplayPlayer::placeCursor() {
  if (!job_ || framesSeen_ == 0) return false;
  if (!cursor_) {
    std::shared_ptr<const EpisodeRecord> record;
    {
      std::unique_lock<std::mutex> lock;
      if (!job_->finished()) lock = job_->lock();
      record = std::make_shared<const EpisodeRecord>(job_->timeline().record());
    }
    try {
      cursor_ = std::make_unique<ReplayCursor>(makeEnv_(), std::move(record));
    } catch (const std::exception& e) {
      emit errorOccurred(tr("Cannot pick agents in this replay: %1").arg(e.what()));
      return false;
    }
  }
  cursor_->seek(frame_);
  return true;
}

int ReplayPlayer::pickAgentAt(QPointF pixel) {
  if (!simView_ || !placeCursor()) return -1;
  const double tolerance = SimView::kPickTolerancePixels * simView_->worldUnitsPerPixel();
  selectAgent(cursor_->env().agentAt(simView_->pixelToWorld(pixel), static_cast<float>(tolerance)));
  return selectedAgent_;
}

void ReplayPlayer::selectAgent(int agent) {
  const bool valid = job_ && agent >= 0 && agent < job_->env().spec().numAgents;
  selectedAgent_ = valid ? agent : -1;
  inspector_->setVisible(valid);
  if (!valid) inspector_->clear();
  if (job_ && framesSeen_ > 0) showFrame(frame_);  // draws (or drops) the highlight
}

void ReplayPlayer::togglePlay() {
  if (playing()) {
    setPlaying(false);
    return;
  }
  if (frameCount() == 0) return;
  if (built() && frame_ == frameCount() - 1) seek(0);
  setPlaying(true);
}

void ReplayPlayer::stepForward() {
  setPlaying(false);
  seek(frame_ + 1);
}

void ReplayPlayer::stepBack() {
  setPlaying(false);
  seek(frame_ - 1);
}

void ReplayPlayer::faster() {
  clock_.faster();
  bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  updateOverlay();
}

void ReplayPlayer::slower() {
  clock_.slower();
  bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  updateOverlay();
}

void ReplayPlayer::setPlaying(bool playing) {
  clock_.setPaused(!playing);
  bar_->setPlaying(playing);
  if (playing) {
    clock_.resetCarry();
    tickClock_.restart();
    playTimer_.start();
  } else {
    playTimer_.stop();
  }
  updateOverlay();
}

void ReplayPlayer::playTick() {
  const double elapsed = static_cast<double>(tickClock_.nsecsElapsed()) / 1e9;
  tickClock_.restart();
  const int steps = clock_.stepsDue(elapsed, kMaxFramesPerTick);
  if (steps <= 0 || framesSeen_ == 0) return;
  const int target = std::min(frame_ + steps, framesSeen_ - 1);
  if (target != frame_) showFrame(target);
  // At the end of a finished timeline playback stops; while building it waits for more frames.
  if (built() && frame_ == framesSeen_ - 1) setPlaying(false);
}

void ReplayPlayer::updateOverlay() {
  QStringList lines;
  if (job_ && framesSeen_ > 0) {
    lines << tr("frame %1 / %2").arg(frame_).arg(std::max(framesSeen_, job_->framesExpected()) - 1)
          << tr("return so far %1").arg(returnSoFar_, 0, 'f', 2)
          << tr("reward %1").arg(reward_, 0, 'f', 3);
  }
  lines << tr("speed %1%2")
               .arg(QString::fromStdString(clock_.speedLabel()))
               .arg(playing() ? QString() : tr(" (paused)"));
  overlayLines_ = lines;
  if (simView_) simView_->setOverlayLines(lines);
  if (standIn_) standIn_->setOverlayLines(lines);
}

void ReplayPlayer::updateBadge() {
  QString text;
  QString style;
  if (!job_) {
    badgeState_ = BadgeState::Empty;
    text = tr("no episode open");
  } else if (!job_->finished()) {
    badgeState_ = BadgeState::Building;
    const int percent = job_->framesExpected() > 0
                            ? 100 * job_->framesBuilt() / job_->framesExpected()
                            : 0;
    text = tr("simulating... %1%").arg(percent);
    style = "background: #e8e8e8; color: #333;";
  } else if (!job_->error().empty()) {
    badgeState_ = BadgeState::Failed;
    text = QString::fromStdString(job_->error());
    style = "background: #c62828; color: white;";
  } else {
    const ReplayCheck check = job_->timeline().check();
    if (check.ok) {
      badgeState_ = BadgeState::Matches;
      text = tr("replay matches stored hashes (%1 frames)").arg(job_->framesBuilt());
      style = "background: #2e7d32; color: white;";
    } else {
      badgeState_ = BadgeState::Diverges;
      text = check.firstMismatch >= 0
                 ? tr("replay diverges at step %1").arg(check.firstMismatch)
                 : tr("replay does not match: %1").arg(QString::fromStdString(check.message));
      style = "background: #c62828; color: white;";
    }
    badge_->setToolTip(QString::fromStdString(check.message));
  }
  badgeText_ = text;
  badge_->setText(text);
  badge_->setStyleSheet(style);
}

QString ReplayPlayer::badgeText() const { return badgeText_; }

QList<QPair<QString, double>> ReplayPlayer::stepValues() const {
  QList<QPair<QString, double>> values;
  if (!job_) return values;
  values.append({tr("frame"), static_cast<double>(frame_)});
  values.append({tr("reward"), reward_});
  values.append({tr("return so far"), returnSoFar_});
  for (int m = 0; m < static_cast<int>(metricStrip_->metricNames().size()); ++m)
    values.append({QString::fromStdString(metricStrip_->metricNames()[static_cast<size_t>(m)]),
                   metricStrip_->valueAtCursor(m)});
  const TaskSpace& tasks = job_->env().spec().tasks;
  for (int i = 0; i < tasks.size() && i < static_cast<int>(task_.size()); ++i)
    values.append({tr("task: %1").arg(QString::fromStdString(tasks.params()[static_cast<size_t>(i)].name)),
                   task_[static_cast<size_t>(i)]});
  return values;
}

}  // namespace palaestra
