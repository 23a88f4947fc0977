#include "widgets/CurriculumEditor.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "env/EnvRegistry.h"
#include "train/TestSet.h"
#include "train/TrainConfig.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

constexpr size_t kDotsShown = 4000;  // the latest episodes drawn
constexpr int kPollMs = 500;

}  // namespace

CurriculumEditor::CurriculumEditor(std::shared_ptr<RunStore> store, int64_t runId, QWidget* parent)
    : QWidget(parent), store_(std::move(store)), runId_(runId) {
  const RunInfo run = store_->getRun(runId);
  const TrainConfig config = TrainConfig::fromJson(nlohmann::json::parse(run.configJson));
  space_ = EnvRegistry::instance().get(run.env).create(config.envConfig)->spec().tasks;
  if (!config.testSet.is_null())
    testTasks_ = TestSet::fromJson(config.testSet, space_, config.evalTaskValues(space_)).tasks();

  map_ = new CurriculumMap(this);
  xAxis_ = new QComboBox(this);
  yAxis_ = new QComboBox(this);
  for (const TaskParam& p : space_.params()) {
    xAxis_->addItem(QString::fromStdString(p.name));
    yAxis_->addItem(QString::fromStdString(p.name));
  }
  yAxis_->addItem(QStringLiteral("episode return"));
  auto* tools = new QButtonGroup(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(QStringLiteral("x:"), this));
  top->addWidget(xAxis_);
  top->addWidget(new QLabel(QStringLiteral("y:"), this));
  top->addWidget(yAxis_);
  top->addSpacing(12);
  const auto addTool = [&](const QString& text, CurriculumMap::Tool tool, const QString& tip) {
    auto* button = new QToolButton(this);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    button->setChecked(tool == CurriculumMap::Tool::Bounds);
    tools->addButton(button);
    top->addWidget(button);
    connect(button, &QToolButton::toggled, this, [this, tool](bool on) {
      if (on) map_->setTool(tool);
    });
  };
  addTool(QStringLiteral("Drag bounds"), CurriculumMap::Tool::Bounds,
          QStringLiteral("Drag an edge of the curriculum's box to move its bound"));
  addTool(QStringLiteral("Paint out"), CurriculumMap::Tool::PaintOut,
          QStringLiteral("Drag a rectangle the teacher must not draw tasks from"));
  addTool(QStringLiteral("Paint in"), CurriculumMap::Tool::PaintIn,
          QStringLiteral("Drag a rectangle the teacher draws tasks from (with other in regions)"));
  auto* clear = new QPushButton(QStringLiteral("Clear regions"), this);
  top->addWidget(clear);
  connect(clear, &QPushButton::clicked, this, &CurriculumEditor::clearRegions);
  top->addSpacing(12);
  advanceAt_ = new QDoubleSpinBox(this);
  advanceAt_->setRange(-1e6, 1e6);
  advanceAt_->setValue(230.0);
  advanceAt_->setToolTip(QStringLiteral("Mean return that passes the stage"));
  auto* stage = new QPushButton(QStringLiteral("Add stage"), this);
  stage->setToolTip(QStringLiteral(
      "Make the curriculum staged and add a stage over the bounds shown, passed at this return"));
  top->addWidget(stage);
  top->addWidget(new QLabel(QStringLiteral("at"), this));
  top->addWidget(advanceAt_);
  top->addStretch();
  connect(stage, &QPushButton::clicked, this, [this] { addStage(advanceAt_->value()); });

  timeline_ = new QSlider(Qt::Horizontal, this);
  timeline_->setRange(0, 0);
  live_ = new QCheckBox(QStringLiteral("Live"), this);
  live_->setChecked(true);
  position_ = new QLabel(this);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(new QLabel(QStringLiteral("Timeline:"), this));
  bottom->addWidget(timeline_, 1);
  bottom->addWidget(live_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(map_, 1);
  layout->addLayout(bottom);
  layout->addWidget(position_);
  layout->addWidget(status_);

  connect(map_, &CurriculumMap::edited, this, &CurriculumEditor::sendEdit);
  connect(timeline_, &QSlider::valueChanged, this, [this](int position) {
    if (position != timeline_->maximum()) live_->setChecked(false);
    showPosition(position);
  });
  connect(live_, &QCheckBox::toggled, this, [this](bool on) {
    if (on) timeline_->setValue(timeline_->maximum());
  });
  const auto axesChanged = [this] {
    const int y = yAxis_->currentIndex();
    map_->setSpace(space_, xAxis_->currentIndex(), y >= space_.size() ? -1 : y);
    showPosition(timeline_->value());
  };
  connect(xAxis_, &QComboBox::currentIndexChanged, this, axesChanged);
  connect(yAxis_, &QComboBox::currentIndexChanged, this, axesChanged);
  poll_ = new QTimer(this);
  poll_->setInterval(kPollMs);
  connect(poll_, &QTimer::timeout, this, [this] {
    if (live_->isChecked()) refresh();
  });
  poll_->start();
  map_->setEditable(false);

  refresh();
  // Axes: the curriculum's first two parameters (or its one against the returns).
  const nlohmann::json section = history_.sectionAt(history_.lastEventId());
  std::vector<int> params;
  if (section.is_object())
    for (const nlohmann::json& name : section.value("params", nlohmann::json::array()))
      params.push_back(space_.indexOf(name.get<std::string>()));
  if (params.empty() && space_.size() > 0) params.push_back(0);
  setAxes(params.empty() ? 0 : params[0], params.size() > 1 ? params[1] : -1);
  if (!section.is_object())
    setStatus(QStringLiteral("This run has no curriculum events: it trains without a curriculum, "
                             "or was stored before curricula were recorded."),
              false);
}

void CurriculumEditor::setEditFunction(EditFunction edit) {
  edit_ = std::move(edit);
  map_->setEditable(static_cast<bool>(edit_));
}

void CurriculumEditor::setAxes(int x, int y) {
  const QSignalBlocker bx(xAxis_), by(yAxis_);
  xAxis_->setCurrentIndex(x);
  yAxis_->setCurrentIndex(y < 0 ? space_.size() : y);
  map_->setSpace(space_, x, y);
  showPosition(timeline_->value());
}

void CurriculumEditor::refresh() {
  try {
    history_.append(store_->curriculumEvents(runId_, history_.lastEventId()));
    tested_.clear();
    for (const CheckpointInfo& c : store_->checkpoints(runId_)) {
      const nlohmann::json meta = nlohmann::json::parse(c.metaJson, nullptr, false);
      if (meta.is_object() && meta.contains("test_set"))
        tested_.emplace_back(c.step, meta["test_set"]);
    }
  } catch (const std::exception& e) {
    setStatus(QStringLiteral("Cannot read the curriculum of run %1: %2")
                  .arg(runId_)
                  .arg(QString::fromUtf8(e.what())),
              true);
    return;
  }
  const int last = std::max(0, static_cast<int>(history_.timeline().size()) - 1);
  const QSignalBlocker block(timeline_);
  timeline_->setRange(0, last);
  if (live_->isChecked()) timeline_->setValue(last);
  showPosition(timeline_->value());
}

void CurriculumEditor::showPosition(int position) {
  const auto& timeline = history_.timeline();
  if (timeline.empty()) {
    map_->setCurriculum(nullptr, nlohmann::json::object());
    position_->setText(QStringLiteral("No curriculum events yet"));
    return;
  }
  const auto [eventId, step] =
      timeline[static_cast<size_t>(std::clamp(position, 0, static_cast<int>(timeline.size()) - 1))];
  const nlohmann::json section = history_.sectionAt(eventId);
  map_->setCurriculum(section, history_.modelAt(eventId));
  const size_t upTo = history_.outcomesUpTo(eventId);
  const size_t from = upTo > kDotsShown ? upTo - kDotsShown : 0;
  std::vector<CurriculumMap::Dot> dots;
  const int x = map_->xParam(), y = map_->yParam();
  for (size_t i = from; i < upTo; ++i) {
    const CurriculumHistory::Outcome& o = history_.outcomes()[i];
    dots.push_back({o.task[static_cast<size_t>(x)],
                    y < 0 ? o.episodeReturn : o.task[static_cast<size_t>(y)], o.episodeReturn});
  }
  map_->setDots(std::move(dots));
  // The mastery grid of the latest checkpoint at or before this point.
  std::vector<CurriculumMap::Cell> cells;
  const nlohmann::json* tested = nullptr;
  for (const auto& [checkpointStep, meta] : tested_)
    if (checkpointStep <= step) tested = &meta;
  int mastered = 0;
  if (tested && testTasks_ && (*tested)["mastered"].size() == testTasks_->size()) {
    for (size_t i = 0; i < testTasks_->size(); ++i) {
      const TaskValues& t = (*testTasks_)[i];
      const bool m = (*tested)["mastered"][i].get<bool>();
      mastered += m;
      cells.push_back({t[static_cast<size_t>(x)], y < 0 ? 0.0 : t[static_cast<size_t>(y)], m});
    }
  }
  map_->setMasteryGrid(std::move(cells));
  QString text = QStringLiteral("Step %1 · %2 episodes").arg(step).arg(upTo);
  if (section.is_object())
    text +=
        QStringLiteral(" · teacher %1").arg(QString::fromStdString(section.value("teacher", "")));
  if (tested && testTasks_)
    text += QStringLiteral(" · test set: %1 of %2 mastered").arg(mastered).arg(testTasks_->size());
  position_->setText(text);
}

void CurriculumEditor::sendEdit(const nlohmann::json& section) {
  if (!edit_) {
    setStatus(
        QStringLiteral("Run %1 is not training here: its curriculum can be viewed, not edited.")
            .arg(runId_),
        true);
    return;
  }
  try {
    const nlohmann::json applied = edit_(section);
    setStatus(QStringLiteral("Applied to the running training."), false);
    live_->setChecked(true);
    refresh();
    emit editApplied(applied);
  } catch (const std::exception& e) {
    const QString reason = QString::fromUtf8(e.what());
    setStatus(QStringLiteral("Refused, the curriculum is unchanged: %1").arg(reason), true);
    refresh();
    emit editRefused(reason);
  }
}

void CurriculumEditor::clearRegions() {
  nlohmann::json section = history_.sectionAt(history_.lastEventId());
  if (!section.is_object()) return;
  section.erase("regions");
  sendEdit(section);
}

void CurriculumEditor::addStage(double advanceAt) {
  const nlohmann::json current = history_.sectionAt(history_.lastEventId());
  if (!current.is_object()) return;
  nlohmann::json section = {
      {"params", current["params"]}, {"bounds", current["bounds"]}, {"teacher", "staged"}};
  if (current.contains("regions")) section["regions"] = current["regions"];
  nlohmann::json staged = current.value("teacher", "") == "staged"
                              ? current["staged"]
                              : nlohmann::json{{"stages", nlohmann::json::array()}};
  staged["stages"].push_back({{"bounds", current["bounds"]}, {"advance_at", advanceAt}});
  section["staged"] = staged;
  sendEdit(section);
}

QString CurriculumEditor::statusText() const {
  return status_->text();
}

void CurriculumEditor::setStatus(const QString& text, bool error) {
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

}  // namespace palaestra
