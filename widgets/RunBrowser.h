#pragma once
// The run browser: a filter line above the table of runs in the store
// (sortable, with a context menu to open, rename, edit tags and notes, refresh
// and delete). Double-clicking a run asks to open it; selectionChanged tells
// which runs are selected, so a separate EpisodeList (its own dock in the main
// window) can show the episodes of a single selected run. Store errors surface
// as errorOccurred messages while the table keeps what it last showed.

#include <QList>
#include <QWidget>
#include <cstdint>
#include <memory>

#include "widgets/RunTableModel.h"

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace palaestra {

class RunBrowser : public QWidget {
  Q_OBJECT

 public:
  /// An empty browser; call setStore(). Deleting asks with a message box until
  /// setDeleteConfirmation() replaces it.
  explicit RunBrowser(QWidget* parent = nullptr);

  /// Shows the runs of `store` (nullptr: none); returns false (and reports) if reading fails.
  bool setStore(std::shared_ptr<RunStore> store);
  /// Re-reads the runs, keeping the selection; false on error.
  bool refresh();
  /// Replaces the question asked before deleting runs (tests answer it without a dialog).
  void setDeleteConfirmation(RunTableModel::DeleteConfirmation confirm);

  /// Ids of the selected runs, in view order.
  QList<int64_t> selectedRunIds() const;
  /// Selects only the run `runId` and scrolls to it; false if it is not shown (filtered or absent).
  bool selectRun(int64_t runId);

  /// The runs model (unfiltered, unsorted).
  RunTableModel* runModel() const;
  /// The sorting and filtering proxy the runs view shows.
  QSortFilterProxyModel* runProxy() const;
  /// The filter line edit.
  QLineEdit* filterEdit() const;
  /// The table of runs.
  QTableView* runView() const;

 public slots:
  /// Starts editing the name of the current run in place.
  void renameCurrentRun();
  /// Asks for new notes of the current run in a dialog and stores them.
  void editNotesOfCurrentRun();
  /// Asks for the current run's tags (comma-separated) in a dialog and stores them.
  void editTagsOfCurrentRun();
  /// Deletes the selected runs after confirmation.
  void deleteSelectedRuns();

 public:
  /// The context menu's "Resume training" (enabled for an interrupted or failed current run).
  QAction* resumeAction() const { return resumeAction_; }

 signals:
  /// The user opened a run (double-click or Enter on its row).
  void runActivated(int64_t runId);
  /// The user asked to continue training the stopped (interrupted or failed) run `runId`.
  void resumeRequested(int64_t runId);
  /// The set of selected runs changed (ids in view order); re-sorting or refreshing alone does not emit.
  void selectionChanged(QList<int64_t> runIds);
  /// A store operation failed; the message is fit to show the user.
  void errorOccurred(const QString& message);

 private:
  void onRunSelectionChanged();
  void showRunMenu(const QPoint& pos);
  // Id of the run at the view's current index, or -1.
  int64_t currentRunId() const;
  // Enables Resume training for an interrupted or failed current run.
  void updateResumeAction();

  RunTableModel* runModel_;
  QSortFilterProxyModel* runProxy_;
  QLineEdit* filter_;
  QTableView* runView_;
  QAction* openAction_;
  QAction* resumeAction_;
  QAction* renameAction_;
  QAction* notesAction_;
  QAction* tagsAction_;
  QAction* refreshAction_;
  QAction* deleteAction_;
  QList<int64_t> lastSelection_;  // what selectionChanged last announced
};

}  // namespace palaestra
