#pragma once
// The runs of a run store as a table: name, env, created, steps, best and last
// eval return (from checkpoint meta "eval_mean_return"), status, tags, notes.
//
// refresh() re-reads the store and updates rows in place (removing and
// inserting only what changed), so views keep their selection. Store errors
// never escape: they are reported through errorOccurred and the model keeps
// its last good contents. Name, tags and notes cells are editable and write
// through to the store; deleteRuns() is the only way runs leave the store, and only
// after the confirmation callback agrees.
//
// A live status (setLiveStatus) overlays the stored one: a training manager
// owns states the store does not know ("paused", "stopping"); they are shown
// until cleared, across refreshes. Likewise live steps (setLiveSteps): a run
// in training stores its step count only at checkpoints, so the manager's
// progress reports keep the Steps cell current in between.

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "store/RunStore.h"

namespace palaestra {

class RunTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// The columns, in display order.
  enum Column { Name, Env, Created, Steps, BestReturn, LastReturn, Status, Tags, Notes, ColumnCount };
  /// Extra data roles.
  enum Role {
    RunIdRole = Qt::UserRole + 1,  // qlonglong id of the row's run (any column)
    SortRole,                      // numbers as numbers (a missing return sorts lowest)
  };
  /// Asked before deleting; gets "name (id N)" for each run, returns true to delete.
  using DeleteConfirmation = std::function<bool(const QStringList& runs)>;

  /// An empty model; call setStore().
  explicit RunTableModel(QObject* parent = nullptr);

  /// Shows the runs of `store` (nullptr: none); returns false (and reports) if reading fails.
  bool setStore(std::shared_ptr<RunStore> store);
  /// The store shown, or nullptr.
  std::shared_ptr<RunStore> store() const;
  /// Re-reads the store, updating rows in place; on error reports it, keeps the rows, returns false.
  bool refresh();

  /// Id of the run in `row`; throws std::out_of_range for a row that does not exist.
  int64_t runId(int row) const;
  /// Row of the run `runId`, or -1.
  int rowOfRun(int64_t runId) const;
  /// The run as last read, or nullptr if it is not in the model.
  const RunInfo* run(int64_t runId) const;

  /// Renames a run in the store (trimmed, non-empty); reports and returns false on error.
  bool renameRun(int64_t runId, const QString& name);
  /// Replaces a run's notes in the store; reports and returns false on error.
  bool setRunNotes(int64_t runId, const QString& notes);
  /// Replaces a run's tags in the store (trimmed, duplicates dropped); reports and returns
  /// false for an empty tag, a tag with a comma or a store error, leaving the tags unchanged.
  bool setRunTags(int64_t runId, const QStringList& tags);
  /// Splits comma-separated text into tags (trimmed, empty pieces dropped): how tags are edited.
  static QStringList tagsFromText(const QString& text);
  /// Tags as one comma-separated text ("a, b"): how the Tags cell shows them.
  static QString tagsToText(const std::vector<std::string>& tags);

  /// Shows `status` (e.g. "paused") in the run's Status cell instead of the stored status.
  void setLiveStatus(int64_t runId, const QString& status);
  /// Removes the live status of a run: its stored status shows again.
  void clearLiveStatus(int64_t runId);
  /// The live status of a run, or an empty string if none is set.
  QString liveStatus(int64_t runId) const;
  /// Shows `steps` in the run's Steps cell while it exceeds the stored count (a run in training).
  void setLiveSteps(int64_t runId, int64_t steps);
  /// Removes a run's live steps: the stored count shows again.
  void clearLiveSteps(int64_t runId);
  /// Sets the callback deleteRuns() asks; without one nothing is ever deleted.
  void setDeleteConfirmation(DeleteConfirmation confirm);
  /// Deletes the runs (with all their data) once confirmed; returns how many were deleted.
  int deleteRuns(const QList<int64_t>& runIds);

  /// Empty if the file at `path` still looks like the store that was opened, else what is
  /// wrong (deleted, not SQLite any more). SQLite keeps reading an open file that was
  /// deleted or overwritten from its cache, so the models check before trusting a read.
  static QString storeFileProblem(const std::string& path);

  /// Number of runs (0 for a valid parent).
  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  /// ColumnCount (0 for a valid parent).
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  /// Display, edit, sort, alignment, tooltip and run-id data of a cell.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  /// Column titles.
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  /// Name, tags and notes cells are editable.
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  /// Editing a name renames the run; editing tags (comma-separated) or notes replaces them.
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

 signals:
  /// A store operation failed; the message is fit to show the user.
  void errorOccurred(const QString& message);

 private:
  struct Row {
    RunInfo info;
    double bestReturn;  // the run's result (its chosen best checkpoint's selection mean, else
                        // the highest eval so far); NaN when no checkpoint carries an eval return
    double lastReturn;
    QString result;  // the result in words (the best column's tooltip)
  };

  // Reads all rows from the store; throws on store errors.
  std::vector<Row> readRows() const;
  // Applies freshly read rows: removes, inserts, updates in place.
  void applyRows(std::vector<Row> rows);
  void report(const QString& message);
  // Throws StoreError if the store file is gone or overwritten (see storeFileProblem).
  void requireStoreFile() const;
  // Emits dataChanged for one cell of a run, if the run is shown.
  void runCellChanged(int64_t runId, Column column);

  std::shared_ptr<RunStore> store_;
  std::vector<Row> rows_;  // ordered by run id
  DeleteConfirmation confirmDelete_;
  std::map<int64_t, QString> liveStatus_;  // overlays the stored status, by run id
  std::map<int64_t, int64_t> liveSteps_;   // overlays smaller stored step counts, by run id
  // The steps a row shows: the stored count, or the live one when larger.
  int64_t shownSteps(const RunInfo& info) const;
};

}  // namespace palaestra
