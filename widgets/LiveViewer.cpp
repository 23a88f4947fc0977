#include "widgets/LiveViewer.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

#include <exception>
#include <limits>

#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "widgets/AgentInspector.h"
#include "widgets/LiveMetricStrip.h"
#include "widgets/OverlayToggleBar.h"
#include "widgets/PlaybackBar.h"
#include "widgets/SimView.h"

namespace palaestra {

namespace {

// Display tick: about 60 Hz; the clock turns the real interval into steps.
constexpr int kTickIntervalMs = 16;
// Wall time a "max" tick may spend simulating, leaving the rest of a 60 Hz frame to the UI.
constexpr qint64 kMaxSpeedBudgetNs = 8'000'000;
// Step caps per tick: at fixed speeds a stall is not caught up in one burst
// (8x of a 1/60 s env at 60 Hz is 8 steps); at max the time budget ends the tick first.
constexpr int kMaxStepsPerFixedTick = 64;
constexpr int kMaxStepsPerMaxTick = 100000;
// The policy source is asked at most this often within an episode.
constexpr qint64 kPolicyPollIntervalMs = 1000;

}  // namespace

LiveViewer::LiveViewer(QWidget* parent) : QWidget(parent) {
  glProblem_ = SimView::openGlProblem();
  QWidget* view = nullptr;
  if (glProblem_.isEmpty()) {
    simView_ = new SimView(this);
    view = simView_;
  } else {
    // No GL view where OpenGL is unavailable (see SimView::openGlProblem): the message instead.
    unavailable_ = new QWidget(this);
    unavailable_->installEventFilter(this);
    view = unavailable_;
  }
  view->setMinimumSize(320, 200);

  errorLabel_ = new QLabel(this);
  errorLabel_->setWordWrap(true);
  errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  errorLabel_->setStyleSheet(QStringLiteral("QLabel { color: #b00020; font-weight: bold; }"));
  errorLabel_->hide();

  bar_ = new PlaybackBar(this);
  bar_->setTimelineVisible(false);
  bar_->setStepBackEnabled(false);  // a live env cannot step back
  bar_->stepBackButton()->setToolTip(tr("Stepping back is available in the replay player"));

  overlayToggles_ = new OverlayToggleBar(this);
  overlayToggles_->addView(simView_);
  rewardCheck_ = new QCheckBox(tr("Per-step reward"), this);

  auto* overlays = new QHBoxLayout;
  overlays->setContentsMargins(4, 0, 4, 0);
  overlays->addWidget(overlayToggles_);
  overlays->addWidget(rewardCheck_);
  overlays->addStretch(1);

  inspector_ = new AgentInspector(this);
  inspector_->hide();
  metricStrip_ = new LiveMetricStrip(this);
  metricStrip_->hide();

  auto* viewRow = new QHBoxLayout;
  viewRow->setContentsMargins(0, 0, 0, 0);
  viewRow->setSpacing(2);
  viewRow->addWidget(view, 1);
  viewRow->addWidget(inspector_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(errorLabel_);
  layout->addLayout(viewRow, 1);
  layout->addWidget(metricStrip_);
  layout->addWidget(bar_);
  layout->addLayout(overlays);

  connect(rewardCheck_, &QCheckBox::toggled, this, [this] { refresh(); });
  if (simView_) connect(simView_, &SimView::pointClicked, this, &LiveViewer::pickAgentAt);

  connect(bar_, &PlaybackBar::playToggled, this, &LiveViewer::togglePlay);
  connect(bar_, &PlaybackBar::stepForwardRequested, this, &LiveViewer::stepForward);
  connect(bar_, &PlaybackBar::fasterRequested, this, &LiveViewer::faster);
  connect(bar_, &PlaybackBar::slowerRequested, this, &LiveViewer::slower);

  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(kTickIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &LiveViewer::tick);
  refresh();
}

LiveViewer::~LiveViewer() = default;

void LiveViewer::watch(const std::string& env, const nlohmann::json& envConfig,
                       const TaskValues& task, uint64_t seed) {
  stop();
  showError({});
  try {
    const EnvInfo* info = EnvRegistry::instance().find(env);
    if (!info) {
      std::string known;
      for (const std::string& name : EnvRegistry::instance().names())
        known += (known.empty() ? "" : ", ") + name;
      throw ConfigError("unknown env '" + env + "' (known: " + known + ")");
    }
    runner_ = std::make_unique<PolicyRunner>(info->create(envConfig), seed, task);
  } catch (const std::exception& e) {
    runner_.reset();
    showError(tr("Cannot watch '%1': %2").arg(QString::fromStdString(env), QString::fromUtf8(e.what())));
    refresh();
    return;
  }
  const EnvSpec& spec = runner_->env().spec();
  clock_.setSecondsPerStep(spec.secondsPerStep);
  overlayToggles_->setLayers(spec.overlayLayers);
  selectedAgent_ = -1;
  inspector_->clear();
  inspector_->hide();
  metricStrip_->setMetricNames(spec.liveMetrics);
  metricStrip_->setFrameCount(spec.maxEpisodeSteps + 1);
  metricStrip_->setVisible(!spec.liveMetrics.empty());
  recordLiveMetrics();
  if (policySource_) {
    pollPolicySource();
  } else {
    applyPolicy(policy_);
  }
  runner_->setSampleActions(sampleActions_);
  if (secondPolicy_) {
    try {
      runner_->setSlotPolicy(secondSlot_, secondPolicy_);
    } catch (const std::exception& e) {
      showError(tr("Policy refused: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  clock_.setPaused(false);
  refresh();
  updateTimer();
}

void LiveViewer::setPolicy(std::shared_ptr<const Policy> policy) {
  policy_ = std::move(policy);
  if (runner_) applyPolicy(policy_);
}

void LiveViewer::setSlotPolicy(int slot, std::shared_ptr<const Policy> policy,
                               bool sampleActions) {
  secondSlot_ = slot;
  secondPolicy_ = std::move(policy);
  sampleActions_ = sampleActions;
}

void LiveViewer::setPolicySource(PolicySource source) {
  policySource_ = std::move(source);
  if (runner_ && policySource_) pollPolicySource();
}

void LiveViewer::setTask(const TaskValues& task) {
  if (!runner_) return;
  try {
    runner_->setTask(task);
    showError({});  // an earlier refusal no longer applies
  } catch (const std::exception& e) {
    showError(tr("Task refused: %1").arg(QString::fromUtf8(e.what())));
  }
}

void LiveViewer::stop() {
  timer_.stop();
  runner_.reset();
  selectAgent(-1);  // redraws
}

void LiveViewer::selectAgent(int agent) {
  const bool valid = runner_ && agent >= 0 && agent < runner_->env().spec().numAgents;
  selectedAgent_ = valid ? agent : -1;
  inspector_->setVisible(valid);
  if (!valid) inspector_->clear();
  refresh();
}

int LiveViewer::pickAgentAt(QPointF pixel) {
  if (!runner_ || !simView_) return -1;
  const double tolerance = SimView::kPickTolerancePixels * simView_->worldUnitsPerPixel();
  const int agent =
      runner_->env().agentAt(simView_->pixelToWorld(pixel), static_cast<float>(tolerance));
  selectAgent(agent);
  return selectedAgent_;
}

void LiveViewer::recordLiveMetrics() {
  if (!runner_ || metricStrip_->metricNames().empty()) return;
  const std::vector<std::string>& names = metricStrip_->metricNames();
  const EpisodeInfo info = runner_->env().episodeInfo();
  metricValues_.assign(names.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t m = 0; m < names.size(); ++m)
    for (const auto& [name, value] : info.values)
      if (name == names[m]) metricValues_[m] = value;
  metricStrip_->append(runner_->episodeStep(), metricValues_);
}

void LiveViewer::updateInspector() {
  if (runner_ && selectedAgent_ >= 0) inspector_->showAgentOf(runner_->env(), selectedAgent_);
}

void LiveViewer::togglePlay() {
  clock_.setPaused(!clock_.paused());
  updateTimer();
  refresh();
}

void LiveViewer::stepForward() {
  clock_.setPaused(true);
  updateTimer();
  if (runner_) advance();
  refresh();
}

void LiveViewer::faster() {
  clock_.faster();
  refresh();
}

void LiveViewer::slower() {
  clock_.slower();
  refresh();
}

void LiveViewer::updateTimer() {
  const bool run = runner_ && !clock_.paused();
  if (run && !timer_.isActive()) {
    sinceTick_.start();  // resuming does not count the paused time as due steps
    timer_.start();
  } else if (!run) {
    timer_.stop();
  }
}

void LiveViewer::tick() {
  if (!runner_) return;
  if (policySource_ && (!sincePoll_.isValid() || sincePoll_.elapsed() >= kPolicyPollIntervalMs))
    pollPolicySource();
  const double elapsed = static_cast<double>(sinceTick_.nsecsElapsed()) / 1e9;
  sinceTick_.start();
  if (clock_.isMaxSpeed()) {
    const int budget = clock_.stepsDue(elapsed, kMaxStepsPerMaxTick);
    QElapsedTimer spent;
    spent.start();
    for (int i = 0; i < budget && spent.nsecsElapsed() < kMaxSpeedBudgetNs; ++i) advance();
  } else {
    const int due = clock_.stepsDue(elapsed, kMaxStepsPerFixedTick);
    if (due == 0) return;
    for (int i = 0; i < due; ++i) advance();
  }
  refresh();
}

void LiveViewer::advance() {
  runner_->step();
  if (runner_->lastStepEndedEpisode()) {
    metricStrip_->clearValues();  // the env already shows the next episode's first state
    if (policySource_) pollPolicySource();
  }
  recordLiveMetrics();
}

void LiveViewer::pollPolicySource() {
  sincePoll_.start();
  std::shared_ptr<const Policy> latest;
  try {
    latest = policySource_();
  } catch (const std::exception& e) {
    showError(tr("Cannot get the latest policy: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  if (latest && latest != runner_->policy()) applyPolicy(latest);
}

void LiveViewer::applyPolicy(const std::shared_ptr<const Policy>& policy) {
  try {
    runner_->setPolicy(policy);
    showError({});  // an earlier refusal no longer applies
  } catch (const std::exception& e) {
    showError(tr("Policy refused: %1").arg(QString::fromUtf8(e.what())));
  }
}

void LiveViewer::showError(const QString& message) {
  error_ = message;
  errorLabel_->setText(message);
  errorLabel_->setVisible(!message.isEmpty());
}

QStringList LiveViewer::overlayLines() const {
  if (!runner_) return {tr("not watching")};
  QStringList lines;
  lines << tr("step %1").arg(runner_->episodeStep())
        << tr("return %1").arg(runner_->episodeReturn(), 0, 'f', 2);
  if (rewardCheck_->isChecked()) lines << tr("reward %1").arg(runner_->lastReward(), 0, 'f', 3);
  lines << tr("speed %1%2")
               .arg(QString::fromStdString(clock_.speedLabel()),
                    clock_.paused() ? tr(" (paused)") : QString());
  return lines;
}

QList<QPair<QString, double>> LiveViewer::stepValues() const {
  if (!runner_) return {};
  QList<QPair<QString, double>> values{
      {tr("step"), static_cast<double>(runner_->episodeStep())},
      {tr("reward"), runner_->lastReward()},
      {tr("return so far"), runner_->episodeReturn()},
      {tr("episode"), static_cast<double>(runner_->episodesFinished())},
      {tr("speed"), clock_.speedFactor()}};
  for (int m = 0; m < static_cast<int>(metricStrip_->metricNames().size()); ++m)
    values.append({QString::fromStdString(metricStrip_->metricNames()[static_cast<size_t>(m)]),
                   metricStrip_->valueAtCursor(m)});
  if (selectedAgent_ >= 0) values.append({tr("picked agent"), static_cast<double>(selectedAgent_)});
  return values;
}

void LiveViewer::refresh() {
  bar_->setPlaying(runner_ && !clock_.paused());
  bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  bar_->stepForwardButton()->setEnabled(runner_ != nullptr);
  bar_->playButton()->setEnabled(runner_ != nullptr);
  if (simView_) {
    if (runner_) {
      // Described only here, once per shown frame: the viewer simulates and draws only what it shows.
      scene_.clear();
      runner_->describe(scene_);
      if (selectedAgent_ >= 0) runner_->env().describeAgent(selectedAgent_, scene_);
      simView_->setScene(scene_);
    }
    simView_->setOverlayLines(overlayLines());
  }
  updateInspector();
  emit stepValuesChanged();
}

bool LiveViewer::eventFilter(QObject* watched, QEvent* event) {
  if (watched == unavailable_ && event->type() == QEvent::Paint) {
    QPainter painter(unavailable_);
    SimView::paintUnavailableMessage(painter, unavailable_->rect(), glProblem_);
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace palaestra
