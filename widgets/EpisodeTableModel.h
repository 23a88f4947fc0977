#pragma once
// The stored episodes of one run as a table: id, kind, return, length,
// outcome, checkpoint, task. Store errors are reported through errorOccurred
// and the model keeps its last good contents.

#include <QAbstractTableModel>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "store/RunStore.h"

namespace palaestra {

class EpisodeTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// The columns, in display order.
  enum Column { Id, Kind, Return, Length, Outcome, CheckpointColumn, Task, ColumnCount };
  /// Extra data roles.
  enum Role {
    EpisodeIdRole = Qt::UserRole + 1,  // qlonglong id of the row's episode (any column)
    SortRole,                          // numbers as numbers
  };

  /// An empty model; call setStore() and setRun().
  explicit EpisodeTableModel(QObject* parent = nullptr);

  /// Uses `store` (nullptr: none) and shows no run until setRun().
  void setStore(std::shared_ptr<RunStore> store);
  /// Shows the episodes of `runId` (nullopt: none); returns false (and reports) on a store error.
  bool setRun(std::optional<int64_t> runId);
  /// The run shown, if any.
  std::optional<int64_t> runId() const;
  /// Re-reads the episodes of the run shown; on error reports it, keeps the rows, returns false.
  bool refresh();
  /// Id of the episode in `row`; throws std::out_of_range for a row that does not exist.
  int64_t episodeId(int row) const;
  /// The episode in `row` as last read; throws std::out_of_range for a row that does not exist.
  const EpisodeSummary& episode(int row) const;

  /// Number of episodes (0 for a valid parent).
  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  /// ColumnCount (0 for a valid parent).
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  /// Display, sort, alignment, tooltip and episode-id data of a cell.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  /// Column titles.
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 signals:
  /// A store operation failed; the message is fit to show the user.
  void errorOccurred(const QString& message);

 private:
  std::shared_ptr<RunStore> store_;
  std::optional<int64_t> runId_;
  std::vector<EpisodeSummary> rows_;
};

}  // namespace palaestra
