#pragma once
// The episode list: the stored episodes of one run as a sortable table
// (return, length, outcome, checkpoint, task). Double-clicking (or Enter on)
// an episode asks to open its replay. Kept apart from the run browser so the
// main window can put the two into separate docks; it shows whatever run it is
// told to (typically the run browser's single selected run).

#include <QWidget>
#include <cstdint>
#include <memory>

#include "store/RunStore.h"

class QSortFilterProxyModel;
class QTableView;

namespace palaestra {

class EpisodeTableModel;

class EpisodeList : public QWidget {
  Q_OBJECT

 public:
  /// An empty list; call setStore() and setRun().
  explicit EpisodeList(QWidget* parent = nullptr);

  /// Uses `store` (nullptr: none) and shows no run until setRun().
  void setStore(std::shared_ptr<RunStore> store);
  /// Shows the episodes of `runId` (-1: none); returns false (and reports) on a store error,
  /// keeping what was shown.
  bool setRun(int64_t runId);
  /// The run shown, or -1.
  int64_t runId() const;
  /// Re-reads the episodes of the run shown; a run deleted meanwhile clears the list. Returns
  /// false (and reports) on a store error, keeping the rows.
  bool refresh();

  /// The episodes model (unsorted).
  EpisodeTableModel* model() const;
  /// The sorting proxy the view shows.
  QSortFilterProxyModel* proxy() const;
  /// The table of episodes.
  QTableView* view() const;

 signals:
  /// The user opened an episode (double-click or Enter on its row).
  void episodeActivated(int64_t episodeId);
  /// A store operation failed; the message is fit to show the user.
  void errorOccurred(const QString& message);

 private:
  std::shared_ptr<RunStore> store_;
  EpisodeTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* view_;
};

}  // namespace palaestra
