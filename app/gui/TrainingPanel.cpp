#include "gui/TrainingPanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "widgets/TableColumns.h"

namespace palaestra {

namespace {
// Item data roles holding the run id and the state of a job row.
constexpr int kRunIdRole = Qt::UserRole;
constexpr int kStateRole = Qt::UserRole + 1;

bool isActive(TrainingPanel::JobState state) {
  using S = TrainingPanel::JobState;
  return state == S::Queued || state == S::Running || state == S::Paused || state == S::Stopping;
}
}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent),
      jobs_(new QTreeWidget(this)),
      newRun_(new QPushButton(QStringLiteral("New run..."), this)),
      pause_(new QPushButton(QStringLiteral("Pause"), this)),
      resume_(new QPushButton(QStringLiteral("Resume"), this)),
      stop_(new QPushButton(QStringLiteral("Stop"), this)) {
  jobs_->setColumnCount(ColumnCount);
  jobs_->setHeaderLabels({QStringLiteral("Run"), QStringLiteral("State"), QStringLiteral("Progress")});
  jobs_->setRootIsDecorated(false);
  jobs_->setSelectionMode(QAbstractItemView::SingleSelection);
  fitColumnsToTitles(jobs_->header());
  jobs_->setMinimumHeight(60);  // a few jobs; the left column must fit an 800x600 window
  newRun_->setToolTip(QStringLiteral("Configure and start a new training run"));
  pause_->setToolTip(QStringLiteral("Pause the selected run (its progress is kept)"));
  resume_->setToolTip(QStringLiteral(
      "Resume the selected paused run, or continue a stopped (interrupted or failed) run from its "
      "last checkpoint"));
  stop_->setToolTip(QStringLiteral("Stop the selected run; everything trained so far stays stored"));

  // Two short rows, and buttons no wider than their text needs (the style's 80 px minimum made the
  // one row of four the widest thing in the left column, and the window could not shrink).
  for (QPushButton* button : {newRun_, pause_, resume_, stop_})
    button->setMinimumWidth(button->fontMetrics().horizontalAdvance(button->text()) + 24);
  auto* create = new QHBoxLayout;
  create->addWidget(newRun_);
  create->addStretch();
  auto* control = new QHBoxLayout;
  control->addWidget(pause_);
  control->addWidget(resume_);
  control->addWidget(stop_);
  control->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(create);
  layout->addLayout(control);
  layout->addWidget(jobs_);

  connect(newRun_, &QPushButton::clicked, this, &TrainingPanel::newRunRequested);
  connect(pause_, &QPushButton::clicked, this, [this] { emit pauseRequested(targetRunId()); });
  connect(resume_, &QPushButton::clicked, this, [this] {
    if (targetIsStoppedRun())
      emit continueRequested(targetRunId());
    else
      emit resumeRequested(targetRunId());
  });
  connect(stop_, &QPushButton::clicked, this, [this] { emit stopRequested(targetRunId()); });
  connect(jobs_, &QTreeWidget::itemSelectionChanged, this, &TrainingPanel::updateButtons);
  updateButtons();
}

void TrainingPanel::setJobState(int64_t runId, const QString& name, JobState state, const QString& detail) {
  QTreeWidgetItem* item = itemOf(runId);
  const bool added = !item;
  if (added) {
    item = new QTreeWidgetItem(jobs_);
    item->setData(RunColumn, kRunIdRole, QVariant::fromValue<qlonglong>(runId));
  }
  item->setText(RunColumn, QStringLiteral("%1 (#%2)").arg(name).arg(runId));
  item->setText(StateColumn, TrainingManager::stateName(state));
  item->setData(StateColumn, kStateRole, static_cast<int>(state));
  item->setText(DetailColumn, detail);
  // A run selected before its job was listed (a run just started) gets its job selected.
  if (added && runId == selectedElsewhere_) selectJob(runId);
  updateButtons();
}

void TrainingPanel::setJobName(int64_t runId, const QString& name) {
  if (QTreeWidgetItem* item = itemOf(runId))
    item->setText(RunColumn, QStringLiteral("%1 (#%2)").arg(name).arg(runId));
}

void TrainingPanel::removeJob(int64_t runId) {
  delete itemOf(runId);
  updateButtons();
}

bool TrainingPanel::hasJob(int64_t runId) const { return itemOf(runId) != nullptr; }

TrainingPanel::JobState TrainingPanel::jobState(int64_t runId) const {
  const QTreeWidgetItem* item = itemOf(runId);
  return item ? static_cast<JobState>(item->data(StateColumn, kStateRole).toInt()) : JobState::Failed;
}

int TrainingPanel::jobCount() const { return jobs_->topLevelItemCount(); }

bool TrainingPanel::anyJobActive() const {
  for (int i = 0; i < jobs_->topLevelItemCount(); ++i) {
    if (isActive(static_cast<JobState>(jobs_->topLevelItem(i)->data(StateColumn, kStateRole).toInt()))) return true;
  }
  return false;
}

void TrainingPanel::setSelectedRun(int64_t runId, bool stopped) {
  selectedElsewhere_ = runId;
  selectedElsewhereStopped_ = runId >= 0 && stopped;
  selectJob(runId);
  updateButtons();
}

void TrainingPanel::selectJob(int64_t runId) {
  QSignalBlocker block(jobs_);  // one updateButtons by the caller
  jobs_->clearSelection();
  if (QTreeWidgetItem* item = itemOf(runId)) {
    item->setSelected(true);
    jobs_->setCurrentItem(item);
  }
}

bool TrainingPanel::targetIsStoppedRun() const {
  const int64_t runId = targetRunId();
  if (runId < 0) return false;
  if (hasJob(runId)) {
    const JobState state = jobState(runId);
    return state == JobState::Interrupted || state == JobState::Failed;
  }
  return runId == selectedElsewhere_ && selectedElsewhereStopped_;
}

int64_t TrainingPanel::targetRunId() const {
  const QList<QTreeWidgetItem*> selected = jobs_->selectedItems();
  if (!selected.isEmpty()) return selected.front()->data(RunColumn, kRunIdRole).toLongLong();
  return selectedElsewhere_;
}

QTreeWidgetItem* TrainingPanel::itemOf(int64_t runId) const {
  for (int i = 0; i < jobs_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* item = jobs_->topLevelItem(i);
    if (item->data(RunColumn, kRunIdRole).toLongLong() == runId) return item;
  }
  return nullptr;
}

void TrainingPanel::updateButtons() {
  const int64_t runId = targetRunId();
  const bool known = runId >= 0 && hasJob(runId);
  const JobState state = known ? jobState(runId) : JobState::Failed;
  pause_->setEnabled(known && (state == JobState::Queued || state == JobState::Running));
  resume_->setEnabled((known && state == JobState::Paused) || targetIsStoppedRun());
  stop_->setEnabled(known && (state == JobState::Queued || state == JobState::Running || state == JobState::Paused));
}

}  // namespace palaestra
