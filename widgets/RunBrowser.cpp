// Run browser: filter line and runs table with its context menu.
#include "widgets/RunBrowser.h"

#include "train/TrainingSession.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "widgets/TableColumns.h"

namespace palaestra {

namespace {

QTableView* makeTable(QWidget* parent, QAbstractItemModel* model) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->setSortingEnabled(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  fitColumnsToTitles(view->horizontalHeader());
  return view;
}

QSortFilterProxyModel* makeProxy(QObject* parent, QAbstractItemModel* source, int sortRole) {
  auto* proxy = new QSortFilterProxyModel(parent);
  proxy->setSourceModel(source);
  proxy->setSortRole(sortRole);
  proxy->setDynamicSortFilter(true);
  proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy->setFilterKeyColumn(-1);  // match any column
  return proxy;
}

}  // namespace

RunBrowser::RunBrowser(QWidget* parent)
    : QWidget(parent),
      runModel_(new RunTableModel(this)),
      runProxy_(makeProxy(this, runModel_, RunTableModel::SortRole)),
      filter_(new QLineEdit(this)),
      runView_(makeTable(this, runProxy_)) {
  filter_->setPlaceholderText(tr("Filter runs (name, env, status, tags, notes)"));
  filter_->setClearButtonEnabled(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(filter_);
  layout->addWidget(runView_);

  runView_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  // Double-click opens a run; F2 (or the menu) renames it.
  runView_->setEditTriggers(QAbstractItemView::EditKeyPressed);
  runView_->sortByColumn(RunTableModel::Created, Qt::DescendingOrder);
  runView_->setContextMenuPolicy(Qt::CustomContextMenu);

  runModel_->setDeleteConfirmation([this](const QStringList& runs) {
    return QMessageBox::question(
               this, tr("Delete runs"),
               tr("Delete %n run(s) with all their metrics, checkpoints and episodes? "
                  "This cannot be undone.\n\n", nullptr, static_cast<int>(runs.size())) +
                   runs.join(QLatin1Char('\n')),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
  });

  openAction_ = new QAction(tr("Open"), this);
  resumeAction_ = new QAction(tr("Resume training"), this);
  resumeAction_->setToolTip(
      tr("Continue this interrupted or failed run from its last checkpoint, "
         "in the same run, until its budget"));
  resumeAction_->setEnabled(false);
  renameAction_ = new QAction(tr("Rename"), this);
  renameAction_->setShortcut(QKeySequence(Qt::Key_F2));
  notesAction_ = new QAction(tr("Edit notes…"), this);
  tagsAction_ = new QAction(tr("Edit tags…"), this);
  // No shortcut: F5 belongs to the main window's View > Refresh (which re-reads the runs too);
  // a second F5 here made the key ambiguous, so neither fired while the table had focus.
  refreshAction_ = new QAction(tr("Refresh"), this);
  deleteAction_ = new QAction(tr("Delete…"), this);
  deleteAction_->setShortcut(QKeySequence::Delete);
  for (QAction* action : {renameAction_, deleteAction_}) {
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    runView_->addAction(action);
  }

  connect(filter_, &QLineEdit::textChanged, runProxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(runView_, &QTableView::activated, this, [this](const QModelIndex& index) {
    emit runActivated(index.data(RunTableModel::RunIdRole).toLongLong());
  });
  connect(runView_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunBrowser::onRunSelectionChanged);
  connect(runView_, &QWidget::customContextMenuRequested, this, &RunBrowser::showRunMenu);
  connect(openAction_, &QAction::triggered, this, [this] {
    if (const int64_t id = currentRunId(); id >= 0) emit runActivated(id);
  });
  connect(resumeAction_, &QAction::triggered, this, [this] {
    if (const int64_t id = currentRunId(); id >= 0) emit resumeRequested(id);
  });
  connect(renameAction_, &QAction::triggered, this, &RunBrowser::renameCurrentRun);
  connect(notesAction_, &QAction::triggered, this, &RunBrowser::editNotesOfCurrentRun);
  connect(tagsAction_, &QAction::triggered, this, &RunBrowser::editTagsOfCurrentRun);
  connect(refreshAction_, &QAction::triggered, this, &RunBrowser::refresh);
  connect(deleteAction_, &QAction::triggered, this, &RunBrowser::deleteSelectedRuns);
  connect(runModel_, &RunTableModel::errorOccurred, this, &RunBrowser::errorOccurred);
}

bool RunBrowser::setStore(std::shared_ptr<RunStore> store) {
  const bool ok = runModel_->setStore(std::move(store));
  onRunSelectionChanged();
  return ok;
}

bool RunBrowser::refresh() {
  return runModel_->refresh();
}

void RunBrowser::setDeleteConfirmation(RunTableModel::DeleteConfirmation confirm) {
  runModel_->setDeleteConfirmation(std::move(confirm));
}

QList<int64_t> RunBrowser::selectedRunIds() const {
  QModelIndexList rows = runView_->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QList<int64_t> ids;
  for (const QModelIndex& index : rows) ids << index.data(RunTableModel::RunIdRole).toLongLong();
  return ids;
}

bool RunBrowser::selectRun(int64_t runId) {
  const int sourceRow = runModel_->rowOfRun(runId);
  if (sourceRow < 0) return false;
  const QModelIndex index = runProxy_->mapFromSource(runModel_->index(sourceRow, 0));
  if (!index.isValid()) return false;
  runView_->selectionModel()->setCurrentIndex(
      index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  runView_->scrollTo(index);
  return true;
}

RunTableModel* RunBrowser::runModel() const { return runModel_; }
QSortFilterProxyModel* RunBrowser::runProxy() const { return runProxy_; }
QLineEdit* RunBrowser::filterEdit() const { return filter_; }
QTableView* RunBrowser::runView() const { return runView_; }

void RunBrowser::renameCurrentRun() {
  const QModelIndex current = runView_->currentIndex();
  if (!current.isValid()) return;
  const QModelIndex name = current.siblingAtColumn(RunTableModel::Name);
  runView_->setCurrentIndex(name);
  runView_->edit(name);
}

void RunBrowser::editNotesOfCurrentRun() {
  const int64_t id = currentRunId();
  const RunInfo* info = id >= 0 ? runModel_->run(id) : nullptr;
  if (!info) return;
  bool ok = false;
  const QString notes = QInputDialog::getMultiLineText(
      this, tr("Notes"), tr("Notes on %1:").arg(QString::fromStdString(info->name)),
      QString::fromStdString(info->notes), &ok);
  if (ok) runModel_->setRunNotes(id, notes);
}

void RunBrowser::editTagsOfCurrentRun() {
  const int64_t id = currentRunId();
  const RunInfo* info = id >= 0 ? runModel_->run(id) : nullptr;
  if (!info) return;
  bool ok = false;
  const QString text = QInputDialog::getText(
      this, tr("Tags"), tr("Tags of %1 (comma-separated):").arg(QString::fromStdString(info->name)),
      QLineEdit::Normal, RunTableModel::tagsToText(info->tags), &ok);
  if (ok) runModel_->setRunTags(id, RunTableModel::tagsFromText(text));
}

void RunBrowser::deleteSelectedRuns() {
  const QList<int64_t> ids = selectedRunIds();
  if (!ids.isEmpty()) runModel_->deleteRuns(ids);
}

void RunBrowser::onRunSelectionChanged() {
  const QList<int64_t> ids = selectedRunIds();
  const bool one = ids.size() == 1;
  openAction_->setEnabled(one);
  renameAction_->setEnabled(one);
  notesAction_->setEnabled(one);
  tagsAction_->setEnabled(one);
  deleteAction_->setEnabled(!ids.isEmpty());
  updateResumeAction();
  // The view re-announces an unchanged selection when rows move (sorting, refresh).
  QList<int64_t> sortedIds = ids, sortedLast = lastSelection_;
  std::sort(sortedIds.begin(), sortedIds.end());
  std::sort(sortedLast.begin(), sortedLast.end());
  lastSelection_ = ids;
  if (sortedIds != sortedLast) emit selectionChanged(ids);
}

void RunBrowser::showRunMenu(const QPoint& pos) {
  const QModelIndex index = runView_->indexAt(pos);
  if (index.isValid() && !runView_->selectionModel()->isRowSelected(index.row(), index.parent()))
    runView_->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  QMenu menu(this);
  updateResumeAction();
  menu.addAction(openAction_);
  menu.addAction(resumeAction_);
  menu.addAction(renameAction_);
  menu.addAction(tagsAction_);
  menu.addAction(notesAction_);
  menu.addSeparator();
  menu.addAction(refreshAction_);
  menu.addSeparator();
  menu.addAction(deleteAction_);
  menu.exec(runView_->viewport()->mapToGlobal(pos));
}

void RunBrowser::updateResumeAction() {
  const RunInfo* run = runModel_->run(currentRunId());
  resumeAction_->setEnabled(run && isStoppedRunStatus(run->status));
}

int64_t RunBrowser::currentRunId() const {
  const QModelIndex current = runView_->currentIndex();
  return current.isValid() ? current.data(RunTableModel::RunIdRole).toLongLong() : -1;
}

}  // namespace palaestra
