#pragma once
// The "Inspector" dock: the selected run's training config as a tree of its
// JSON (sections expandable, leaves with their values), and a table of
// per-step values (reward terms, observations, actions...) that the current
// page feeds with setStepValues().

#include <QList>
#include <QPair>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <string>

class QLabel;
class QTableWidget;
class QTreeWidget;

namespace palaestra {

class RunStore;

class InspectorPanel : public QWidget {
  Q_OBJECT

 public:
  /// Columns of the config tree.
  enum ConfigColumn { KeyColumn, ValueColumn };

  /// An empty inspector.
  explicit InspectorPanel(QWidget* parent = nullptr);

  /// Shows the config of run `runId` from `store`; a store error is shown in place of the tree.
  void showRun(RunStore* store, int64_t runId);
  /// Shows a config given as JSON text under a title; text that is not JSON is reported, not shown.
  void showConfig(const QString& title, const std::string& configJson);
  /// Empties the config tree (no run selected).
  void clearConfig();
  /// Replaces the per-step values table: one row per (name, value).
  void setStepValues(const QList<QPair<QString, double>>& values);

  /// The title line above the tree (run name and id, or the problem).
  QString configTitle() const;
  /// The run's result line under the title (its best checkpoint and that evaluation; empty when
  /// no run is shown).
  QString resultText() const;
  /// The run whose config is shown (showRun), or -1.
  int64_t shownRunId() const { return shownRun_; }
  /// That run's name as shown.
  QString shownRunName() const { return shownRunName_; }
  /// The config tree.
  QTreeWidget* configTree() const { return tree_; }
  /// The per-step values table.
  QTableWidget* stepTable() const { return steps_; }

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  // Sizes the setting column to its names, leaving the values at least 45% of the tree.
  void fitKeyColumn();

  QLabel* title_;
  QLabel* result_;
  QTreeWidget* tree_;
  QTableWidget* steps_;
  int64_t shownRun_ = -1;
  QString shownRunName_;
};

}  // namespace palaestra
