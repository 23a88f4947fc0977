#include "widgets/CompareView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "env/EnvRegistry.h"
#include "play/PolicyRunner.h"
#include "replay/ReplayCursor.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"
#include "widgets/ComparePane.h"
#include "widgets/ConfigDiffModel.h"
#include "widgets/CurveChart.h"
#include "widgets/PlaybackBar.h"
#include "widgets/ReplayBuildJob.h"
#include "widgets/RunSummaryModel.h"
#include "widgets/SimView.h"
#include "widgets/TableColumns.h"

namespace palaestra {

namespace {

constexpr int kTickMs = 16;             // display tick while playing or building
constexpr int kMaxStepsPerTick = 32;    // frames one tick may advance (also the "max" speed)
constexpr int kCurveRefreshMs = 1000;   // runs may still be training: curves read new points
const QString kEmptyHint = QStringLiteral("Pick two runs or two episodes to compare.");

// The metric shown first: the evaluation return when logged, else the training return.
QString preferredMetric(const QStringList& names, const QString& current) {
  if (names.contains(current)) return current;
  for (const char* name : {"eval/mean_return", "train/episode_return", "train/recent_return"})
    if (names.contains(QLatin1String(name))) return QLatin1String(name);
  return names.isEmpty() ? QString() : names.front();
}

QString sideLetter(int side) { return side == 0 ? QStringLiteral("A") : QStringLiteral("B"); }

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0,
                             0);  // as the other pages: the window's room goes to the views
  auto* splitter = new QSplitter(Qt::Vertical, this);
  layout->addWidget(splitter);

  auto* top = new QWidget(splitter);
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  auto* panesRow = new QHBoxLayout;
  for (int side = 0; side < 2; ++side) {
    panes_[static_cast<size_t>(side)] = new ComparePane(top);
    panesRow->addWidget(panes_[static_cast<size_t>(side)], 1);
    if (SimView* view = panes_[static_cast<size_t>(side)]->simView())
      connect(view, &SimView::pointClicked, this,
              [this, side](QPointF pixel) { pickAgentAt(side, pixel); });
  }
  topLayout->addLayout(panesRow, 1);
  bar_ = new PlaybackBar(top);
  bar_->setTimelineVisible(true);
  bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  topLayout->addWidget(bar_);
  splitter->addWidget(top);

  tabs_ = new QTabWidget(splitter);
  // Learning curves: both runs overlaid, one metric at a time.
  auto* curvesTab = new QWidget;
  auto* curvesLayout = new QVBoxLayout(curvesTab);
  curvesLayout->setContentsMargins(4, 4, 4, 4);
  auto* metricRow = new QHBoxLayout;
  metricRow->addWidget(new QLabel(tr("Metric:"), curvesTab));
  metricCombo_ = new QComboBox(curvesTab);
  metricCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  metricRow->addWidget(metricCombo_);
  metricRow->addStretch(1);
  curvesLayout->addLayout(metricRow);
  curves_ = new CurveChart(curvesTab);
  curvesLayout->addWidget(curves_, 1);
  tabs_->addTab(curvesTab, tr("Learning curves"));

  auto* diffTab = new QWidget;
  auto* diffLayout = new QVBoxLayout(diffTab);
  onlyDifferences_ = new QCheckBox(tr("Only differences"), diffTab);
  diffLayout->addWidget(onlyDifferences_);
  diff_ = new ConfigDiffModel(this);
  diffTable_ = new QTableView(diffTab);
  diffTable_->setModel(diff_);
  fitColumnsToTitles(diffTable_->horizontalHeader());
  diffTable_->verticalHeader()->hide();
  diffLayout->addWidget(diffTable_, 1);
  tabs_->addTab(diffTab, tr("Config diff"));

  auto* summaryTab = new QWidget;
  auto* summaryLayout = new QVBoxLayout(summaryTab);
  auto* thresholdRow = new QHBoxLayout;
  thresholdRow->addWidget(new QLabel(tr("Return threshold:"), summaryTab));
  threshold_ = new QDoubleSpinBox(summaryTab);
  threshold_->setRange(-1e9, 1e9);
  threshold_->setDecimals(1);
  thresholdRow->addWidget(threshold_);
  thresholdRow->addStretch(1);
  summaryLayout->addLayout(thresholdRow);
  summary_ = new RunSummaryModel(this);
  summaryTable_ = new QTableView(summaryTab);
  summaryTable_->setModel(summary_);
  fitColumnsToTitles(summaryTable_->horizontalHeader());
  summaryLayout->addWidget(summaryTable_, 1);
  tabs_->addTab(summaryTab, tr("Summary"));
  splitter->addWidget(tabs_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);

  tick_ = new QTimer(this);
  tick_->setInterval(kTickMs);
  connect(tick_, &QTimer::timeout, this, &CompareView::onTick);
  curveRefresh_ = new QTimer(this);
  curveRefresh_->setInterval(kCurveRefreshMs);
  connect(curveRefresh_, &QTimer::timeout, this, [this] {
    if (curves_->isVisible()) curves_->refresh();
  });

  connect(bar_, &PlaybackBar::playToggled, this, [this] { setPlaying(!playing()); });
  connect(bar_, &PlaybackBar::stepForwardRequested, this, &CompareView::stepForward);
  connect(bar_, &PlaybackBar::stepBackRequested, this, &CompareView::stepBack);
  connect(bar_, &PlaybackBar::frameRequested, this, &CompareView::seek);
  connect(bar_, &PlaybackBar::slowerRequested, this, [this] {
    clock_.slower();
    bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  });
  connect(bar_, &PlaybackBar::fasterRequested, this, [this] {
    clock_.faster();
    bar_->setSpeedLabel(QString::fromStdString(clock_.speedLabel()));
  });
  connect(metricCombo_, &QComboBox::currentIndexChanged, this, &CompareView::onMetricChosen);
  connect(onlyDifferences_, &QCheckBox::toggled, diff_, &ConfigDiffModel::setOnlyDifferences);
  connect(threshold_, &QDoubleSpinBox::valueChanged, summary_, &RunSummaryModel::setThreshold);
  // The models report their own store/JSON errors; the view passes them on as its own.
  connect(summary_, &RunSummaryModel::errorOccurred, this, &CompareView::errorOccurred);
  connect(diff_, &ConfigDiffModel::errorOccurred, this, &CompareView::errorOccurred);

  clock_.setPaused(true);
  bar_->setPlaying(false);
  for (int side = 0; side < 2; ++side) {
    pane(side)->setCaption(sideLetter(side));
    pane(side)->setOverlayLines({kEmptyHint});
  }
}

CompareView::~CompareView() = default;

ComparePane* CompareView::pane(int side) const {
  if (side < 0 || side > 1) throw std::out_of_range("CompareView::pane: side must be 0 or 1");
  return panes_[static_cast<size_t>(side)];
}

void CompareView::fail(const QString& message) { emit errorOccurred(message); }

CompareView::PreparedSide CompareView::prepareEpisode(RunStore& store, int64_t episodeId,
                                                      const char* sideName) const {
  PreparedSide prepared;
  auto episode = std::make_shared<StoredEpisode>(store.loadEpisode(episodeId));
  const RunInfo run = store.getRun(episode->runId);
  const StoredRunConfig config = readStoredRunConfig(run);
  prepared.makeEnv = [create = EnvRegistry::instance().get(config.env).create,
                      envConfig = config.envConfig] { return create(envConfig); };
  prepared.env = prepared.makeEnv();
  const EnvSpec& spec = prepared.env->spec();
  const int expectedActionSize = spec.numAgents * spec.actionSpace.size();
  if (episode->record.actionSize != expectedActionSize)
    throw ConfigError("episode " + std::to_string(episodeId) + " has " +
                      std::to_string(episode->record.actionSize) + " action floats per step; a " +
                      config.env + " env takes " + std::to_string(expectedActionSize));
  prepared.episodeId = episodeId;
  prepared.caption = QStringLiteral("%1: %2 · episode %3 (%4, return %5, %6 steps)")
                         .arg(QLatin1String(sideName), QString::fromStdString(run.name))
                         .arg(episodeId)
                         .arg(QString::fromStdString(episodeKindName(episode->kind)))
                         .arg(episode->record.episodeReturn(), 0, 'f', 1)
                         .arg(episode->record.length);
  prepared.episode = std::move(episode);
  return prepared;
}

CompareView::PreparedSide CompareView::prepareLatestEpisode(RunStore& store, int64_t runId,
                                                            const char* sideName) const {
  std::vector<EpisodeSummary> episodes = store.episodes(runId, EpisodeKind::Eval);
  if (episodes.empty()) episodes = store.episodes(runId);
  if (episodes.empty()) {
    PreparedSide prepared;
    prepared.caption = QStringLiteral("%1: %2 · no episode stored yet")
                           .arg(QLatin1String(sideName), QString::fromStdString(store.getRun(runId).name));
    return prepared;
  }
  // Oldest first: the last is the latest.
  return prepareEpisode(store, episodes.back().id, sideName);
}

bool CompareView::showRuns(RunStore& store, const std::shared_ptr<RunStore>& owner, int64_t runA,
                           int64_t runB) {
  // Everything that can fail is read before anything changes.
  QList<int64_t> runs{runA};
  if (runB != runA) runs << runB;
  std::set<std::string> metricNames;
  std::array<RunInfo, 2> infos;
  for (int side = 0; side < 2; ++side) {
    infos[static_cast<size_t>(side)] = store.getRun(side == 0 ? runA : runB);
    if (!nlohmann::json::accept(infos[static_cast<size_t>(side)].configJson))
      throw StoreError("run " + std::to_string(infos[static_cast<size_t>(side)].id) +
                       " has a config that is not valid JSON");
  }
  for (int64_t id : runs)
    for (const std::string& name : store.metricNames(id)) metricNames.insert(name);
  if (!summary_->setRuns(store, runs)) return false;  // reported by the model

  {
    const QSignalBlocker block(threshold_);
    threshold_->setValue(summary_->threshold());
  }
  diff_->setConfigs(infos[0].configJson, infos[1].configJson);
  diff_->setColumnTitles(QStringLiteral("A: %1").arg(QString::fromStdString(infos[0].name)),
                         QStringLiteral("B: %1").arg(QString::fromStdString(infos[1].name)));
  QStringList names;
  for (const std::string& name : metricNames) names << QString::fromStdString(name);
  const QString metric = preferredMetric(names, metricCombo_->currentText());
  {
    const QSignalBlocker block(metricCombo_);
    metricCombo_->clear();
    metricCombo_->addItems(names);
    metricCombo_->setCurrentText(metric);
  }
  curves_->setStore(owner.get());
  curves_->setRuns(runs);
  curves_->setMetric(metric);
  curveRefresh_->start();
  return true;
}

bool CompareView::compareEpisodes(std::shared_ptr<RunStore> store, int64_t episodeA, int64_t episodeB) {
  if (!store) {
    fail(tr("Cannot compare episodes: no run store is open."));
    return false;
  }
  std::array<PreparedSide, 2> sides;
  try {
    sides[0] = prepareEpisode(*store, episodeA, "A");
    sides[1] = prepareEpisode(*store, episodeB, "B");
    if (!showRuns(*store, store, sides[0].episode->runId, sides[1].episode->runId)) return false;
  } catch (const std::exception& e) {
    fail(tr("Cannot compare episodes %1 and %2: %3").arg(episodeA).arg(episodeB).arg(QString::fromUtf8(e.what())));
    return false;
  }
  store_ = std::move(store);
  mode_ = Mode::Episodes;
  startReplays(sides);
  return true;
}

bool CompareView::compareRuns(std::shared_ptr<RunStore> store, int64_t runA, int64_t runB) {
  if (!store) {
    fail(tr("Cannot compare runs: no run store is open."));
    return false;
  }
  std::array<PreparedSide, 2> sides;
  try {
    sides[0] = prepareLatestEpisode(*store, runA, "A");
    sides[1] = prepareLatestEpisode(*store, runB, "B");
    if (!showRuns(*store, store, runA, runB)) return false;
  } catch (const std::exception& e) {
    fail(tr("Cannot compare runs %1 and %2: %3").arg(runA).arg(runB).arg(QString::fromUtf8(e.what())));
    return false;
  }
  store_ = std::move(store);
  mode_ = Mode::Runs;
  startReplays(sides);
  return true;
}

void CompareView::clearSides() {
  setPlaying(false);
  for (Side& s : sides_) {
    s.job.reset();  // joins the previous worker
    s.runner.reset();
    s.reportedError.clear();
    s.caption.clear();
    s.cursor.reset();
    s.episode.reset();
    s.makeEnv = nullptr;
  }
  selectedAgent_ = -1;
}

void CompareView::startReplays(std::array<PreparedSide, 2>& prepared) {
  clearSides();
  for (size_t side = 0; side < 2; ++side) {
    Side& s = sides_[side];
    s.caption = prepared[side].caption;
    panes_[side]->setOverlayLayers(prepared[side].env ? prepared[side].env->spec().overlayLayers
                                                      : std::vector<SceneLayerInfo>{});
    if (prepared[side].episode) {
      // Both sides play on one clock; the first side's env sets the real-time step length.
      if (side == 0 || !sides_[0].job) clock_.setSecondsPerStep(prepared[side].env->spec().secondsPerStep);
      s.job = std::make_unique<ReplayBuildJob>(std::move(prepared[side].env), prepared[side].episode->record);
      s.episode = prepared[side].episode;
      s.makeEnv = std::move(prepared[side].makeEnv);
    }
    panes_[side]->setCaption(s.caption);
  }
  frame_ = 0;
  clock_.resetCarry();
  bar_->setTimelineVisible(true);
  bar_->setStepBackEnabled(true);
  bar_->setFrameCount(frameCount());
  bar_->setFrame(0);
  refreshSides();
  updateTimer();
  emit frameChanged(frame_);
}

bool CompareView::compareCheckpointOnTasks(std::shared_ptr<RunStore> store, int64_t checkpointId,
                                           TaskValues taskA, TaskValues taskB) {
  if (!store) {
    fail(tr("Cannot play checkpoint %1: no run store is open.").arg(checkpointId));
    return false;
  }
  std::array<std::unique_ptr<PolicyRunner>, 2> runners;
  std::array<QString, 2> captions;
  std::array<nlohmann::json, 2> taskJson;
  try {
    const Checkpoint checkpoint = store->loadCheckpoint(checkpointId);
    auto policy = std::make_shared<const Policy>(Policy::deserialize(checkpoint.policy));
    const RunInfo run = store->getRun(checkpoint.info.runId);
    const StoredRunConfig config = readStoredRunConfig(run);
    const EnvInfo& envInfo = EnvRegistry::instance().get(config.env);
    for (size_t side = 0; side < 2; ++side) {
      const TaskValues& task = side == 0 ? taskA : taskB;
      const char* letter = side == 0 ? "A" : "B";
      try {
        runners[side] = std::make_unique<PolicyRunner>(envInfo.create(config.envConfig), config.seed, task);
      } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("task ") + letter + ": " + e.what());
      }
      runners[side]->setPolicy(policy);
      QStringList values;
      const TaskSpace& tasks = runners[side]->env().spec().tasks;
      for (const auto& [name, value] : tasks.toMap(task)) {
        values << QStringLiteral("%1=%2").arg(QString::fromStdString(name)).arg(value);
        taskJson[side][name] = value;
      }
      captions[side] = QStringLiteral("%1: %2 · checkpoint %3 (step %4) on %5")
                           .arg(QLatin1String(letter), QString::fromStdString(run.name))
                           .arg(checkpointId)
                           .arg(checkpoint.info.step)
                           .arg(values.isEmpty() ? tr("the default task") : values.join(QStringLiteral(", ")));
    }
    if (!showRuns(*store, store, run.id, run.id)) return false;
  } catch (const std::exception& e) {
    fail(tr("Cannot play checkpoint %1 on two tasks: %2").arg(checkpointId).arg(QString::fromUtf8(e.what())));
    return false;
  }
  // The diff tab compares what differs here: the tasks.
  diff_->setConfigs(nlohmann::json{{"task", taskJson[0]}}.dump(), nlohmann::json{{"task", taskJson[1]}}.dump());
  diff_->setColumnTitles(tr("A: task"), tr("B: task"));

  clearSides();
  store_ = std::move(store);
  mode_ = Mode::CheckpointOnTasks;
  for (size_t side = 0; side < 2; ++side) {
    sides_[side].runner = std::move(runners[side]);
    sides_[side].caption = captions[side];
    panes_[side]->setCaption(captions[side]);
    panes_[side]->setOverlayLayers(sides_[side].runner->env().spec().overlayLayers);
  }
  frame_ = 0;
  clock_.setSecondsPerStep(sides_[0].runner->env().spec().secondsPerStep);
  clock_.resetCarry();
  bar_->setTimelineVisible(false);
  bar_->setStepBackEnabled(false);
  refreshSides();
  emit frameChanged(frame_);
  setPlaying(true);  // watching a checkpoint starts at once, as the live viewer does
  return true;
}

const PolicyRunner* CompareView::runner(int side) const {
  if (side < 0 || side > 1) return nullptr;
  return sides_[static_cast<size_t>(side)].runner.get();
}

void CompareView::liveStep() {
  for (Side& s : sides_)
    if (s.runner) s.runner->step();
  ++frame_;
}

int CompareView::frameCount() const {
  int count = 0;
  for (const Side& s : sides_)
    if (s.job) count = std::max(count, s.job->framesExpected());
  return count;
}

int CompareView::sideFrame(int side) const {
  if (side < 0 || side > 1) return -1;
  const Side& s = sides_[static_cast<size_t>(side)];
  if (s.runner) return s.runner->episodeStep();
  if (!s.job) return -1;
  const int last = s.job->framesExpected() - 1;
  const int built = s.job->framesBuilt();
  return std::min({frame_, last, built - 1});
}

bool CompareView::sideEnded(int side) const {
  if (side < 0 || side > 1) return false;
  const Side& s = sides_[static_cast<size_t>(side)];
  return s.job && frame_ > s.job->framesExpected() - 1;
}

bool CompareView::replaysBuilt() const {
  for (const Side& s : sides_)
    if (s.job && !s.job->finished()) return false;
  return true;
}

void CompareView::refreshSides() {
  for (int side = 0; side < 2; ++side) {
    Side& s = sides_[static_cast<size_t>(side)];
    ComparePane* p = pane(side);
    if (s.runner) {
      liveScene_.clear();
      s.runner->describe(liveScene_);
      highlightPick(side, liveScene_);
      p->setScene(liveScene_);
      QStringList lines{tr("episode %1, step %2").arg(s.runner->episodesFinished() + 1).arg(s.runner->episodeStep()),
                        tr("return %1").arg(s.runner->episodeReturn(), 0, 'f', 2)};
      if (s.runner->episodesFinished() > 0)
        lines << tr("last episode return %1").arg(s.runner->lastEpisodeReturn(), 0, 'f', 2);
      p->setOverlayLines(lines);
      continue;
    }
    if (!s.job) {
      p->setScene(Scene{});
      p->setOverlayLines({mode_ == Mode::Empty ? kEmptyHint : tr("Nothing to replay for this side.")});
      continue;
    }
    const bool finished = s.job->finished();
    QStringList lines;
    const int index = sideFrame(side);
    const int last = s.job->framesExpected() - 1;
    {
      std::unique_lock<std::mutex> lock;
      if (!finished) lock = s.job->lock();  // the worker appends frames until it finishes
      const ReplayTimeline& timeline = s.job->timeline();
      if (index >= 0) {
        if (selectedAgent_ >= 0) {
          pickedScene_ = timeline.frame(index);
          highlightPick(side, pickedScene_);
          p->setScene(pickedScene_);
        } else {
          p->setScene(timeline.frame(index));
        }
        lines << tr("step %1 / %2").arg(index).arg(last)
              << tr("return %1").arg(timeline.returnUpTo(index), 0, 'f', 2);
      } else {
        p->setScene(Scene{});
      }
      if (sideEnded(side)) lines << tr("ended after step %1").arg(last);
      if (!finished) {
        lines << tr("building replay: %1 / %2 frames").arg(s.job->framesBuilt()).arg(last + 1);
      } else if (s.job->error().empty()) {
        const ReplayCheck check = timeline.check();
        lines << (check.ok ? tr("replay matches its stored hashes")
                           : QString::fromStdString(check.message));
      }
    }
    if (finished && !s.job->error().empty()) {
      const QString message = tr("Replay %1 failed: %2").arg(sideLetter(side), QString::fromStdString(s.job->error()));
      lines << message;
      if (s.reportedError != message) {
        s.reportedError = message;
        emit errorOccurred(message);
      }
    }
    p->setOverlayLines(lines);
  }
}

const Env* CompareView::sideEnv(int side) {
  Side& s = sides_[static_cast<size_t>(side)];
  const Env* env = nullptr;
  if (s.runner) {
    env = &s.runner->env();
  } else if (s.job && s.episode && sideFrame(side) >= 0) {
    if (!s.cursor) {
      try {
        s.cursor = std::make_unique<ReplayCursor>(
            s.makeEnv(), std::shared_ptr<const EpisodeRecord>(s.episode, &s.episode->record));
      } catch (const std::exception& e) {
        fail(tr("Cannot pick agents in replay %1: %2")
                 .arg(sideLetter(side), QString::fromUtf8(e.what())));
        return nullptr;
      }
    }
    s.cursor->seek(sideFrame(side));
    env = &s.cursor->env();
  }
  return env;
}

void CompareView::highlightPick(int side, Scene& scene) {
  if (selectedAgent_ < 0) return;
  const Env* env = sideEnv(side);
  // The other side may hold fewer agents: it highlights none then.
  if (env && selectedAgent_ < env->spec().numAgents) env->describeAgent(selectedAgent_, scene);
}

int CompareView::pickAgentAt(int side, QPointF pixel) {
  if (side < 0 || side > 1) return -1;
  SimView* view = pane(side)->simView();
  if (!view) return -1;
  const Env* env = sideEnv(side);
  const double tolerance = SimView::kPickTolerancePixels * view->worldUnitsPerPixel();
  selectAgent(env ? env->agentAt(view->pixelToWorld(pixel), static_cast<float>(tolerance)) : -1);
  return selectedAgent_;
}

void CompareView::selectAgent(int agent) {
  selectedAgent_ = agent >= 0 ? agent : -1;
  refreshSides();
}

void CompareView::seek(int frame) {
  if (mode_ == Mode::CheckpointOnTasks) return;  // live: there is no timeline to move on
  const int clamped = std::clamp(frame, 0, std::max(0, frameCount() - 1));
  clock_.resetCarry();
  bar_->setFrame(clamped);
  if (clamped == frame_) {
    refreshSides();
    return;
  }
  frame_ = clamped;
  refreshSides();
  emit frameChanged(frame_);
}

void CompareView::stepForward() {
  setPlaying(false);
  if (mode_ == Mode::CheckpointOnTasks) {
    liveStep();
    refreshSides();
    emit frameChanged(frame_);
    return;
  }
  seek(frame_ + 1);
}

void CompareView::stepBack() {
  setPlaying(false);
  seek(frame_ - 1);
}

bool CompareView::playing() const { return !clock_.paused(); }

void CompareView::setPlaying(bool play) {
  const bool live = mode_ == Mode::CheckpointOnTasks;
  if (play && !live && frameCount() == 0) play = false;
  // Play at the end starts over, as a media player does.
  if (play && !live && !playing() && frame_ >= frameCount() - 1) seek(0);
  clock_.setPaused(!play);
  bar_->setPlaying(play);
  sinceTick_.restart();
  updateTimer();
}

void CompareView::advance(double elapsedSeconds) {
  const int steps = clock_.stepsDue(elapsedSeconds, kMaxStepsPerTick);
  if (mode_ == Mode::CheckpointOnTasks) {
    if (steps <= 0) return;
    for (int i = 0; i < steps; ++i) liveStep();
    refreshSides();
    emit frameChanged(frame_);
    return;
  }
  if (steps > 0) {
    const int last = std::max(0, frameCount() - 1);
    seek(std::min(frame_ + steps, last));
    if (frame_ >= last) setPlaying(false);
  } else {
    refreshSides();  // build progress
  }
}

void CompareView::updateTimer() {
  const bool needed = playing() || !replaysBuilt();
  if (needed && !tick_->isActive()) {
    sinceTick_.restart();
    tick_->start();
  } else if (!needed && tick_->isActive()) {
    tick_->stop();
  }
}

void CompareView::onTick() {
  const double elapsed = sinceTick_.isValid() ? sinceTick_.nsecsElapsed() * 1e-9 : 0.0;
  sinceTick_.restart();
  advance(elapsed);
  updateTimer();
}

void CompareView::onMetricChosen(int index) {
  if (index < 0) return;
  curves_->setMetric(metricCombo_->itemText(index));
}

}  // namespace palaestra
