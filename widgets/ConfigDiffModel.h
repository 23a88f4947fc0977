#pragma once
// Two runs' training configs side by side: both JSON documents flattened to
// dotted keys (objects by member name, arrays by index, e.g. "ppo.lr",
// "env_config.legs.0"), one row per key with columns key | A | B. Rows whose
// values differ (or that exist on one side only) are highlighted with a
// background colour and a bold font; setOnlyDifferences(true) hides the rest.
//
// Numbers compare by value (1 and 1.0 are equal), so a config written by
// another version with a different number format does not show false
// differences.

#include <QAbstractTableModel>
#include <QString>
#include <optional>
#include <string>
#include <vector>

namespace palaestra {

class ConfigDiffModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// The columns, in display order.
  enum Column { Key, ValueA, ValueB, ColumnCount };
  /// Extra data role: bool, whether the row's values differ (any column).
  static constexpr int DiffersRole = Qt::UserRole + 1;

  /// An empty model; call setConfigs().
  explicit ConfigDiffModel(QObject* parent = nullptr);

  /// Compares two JSON texts; on invalid JSON reports it, keeps the rows and returns false.
  bool setConfigs(const std::string& jsonA, const std::string& jsonB);
  /// Removes all rows.
  void clear();
  /// Titles of the two value columns (e.g. the run names); default "A" and "B".
  void setColumnTitles(const QString& titleA, const QString& titleB);
  /// Shows only the rows that differ (true) or every key (false, the default).
  void setOnlyDifferences(bool only);
  /// Whether only differing rows are shown.
  bool onlyDifferences() const { return onlyDifferences_; }

  /// Number of keys whose values differ (independent of the filter).
  int differenceCount() const;
  /// Number of keys in the union of both configs (independent of the filter).
  int keyCount() const { return static_cast<int>(entries_.size()); }
  /// The dotted key shown in `row`; empty for a row that does not exist.
  QString keyAt(int row) const;
  /// Whether the row shown at `row` differs; false for a row that does not exist.
  bool rowDiffers(int row) const;
  /// The shown row of a dotted key, or -1 (absent or filtered out).
  int rowOfKey(const QString& key) const;

  /// Rows shown (0 for a valid parent).
  int rowCount(const QModelIndex& parent = {}) const override;
  /// ColumnCount (0 for a valid parent).
  int columnCount(const QModelIndex& parent = {}) const override;
  /// Display text, tooltip, highlight (background, bold font) and DiffersRole of a cell.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  /// Column titles.
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 signals:
  /// A config could not be read; the message names which one and why.
  void errorOccurred(const QString& message);

 private:
  struct Entry {
    QString key;
    std::optional<QString> a, b;  // unset: the key is missing on that side
    bool differs = false;
  };
  void rebuildShown();

  std::vector<Entry> entries_;
  std::vector<int> shown_;  // indices into entries_, in display order
  bool onlyDifferences_ = false;
  QString titleA_ = QStringLiteral("A"), titleB_ = QStringLiteral("B");
};

}  // namespace palaestra
