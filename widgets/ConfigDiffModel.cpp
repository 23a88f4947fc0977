#include "widgets/ConfigDiffModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

namespace palaestra {

namespace {

using Leaves = std::vector<std::pair<std::string, nlohmann::json>>;

// Appends every leaf of `value` under `prefix`; empty objects and arrays are leaves themselves,
// so a key that holds {} on one side and members on the other still shows up.
void flatten(const nlohmann::json& value, const std::string& prefix, Leaves& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [k, v] : value.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (value.is_array() && !value.empty()) {
    for (size_t i = 0; i < value.size(); ++i)
      flatten(value[i], prefix.empty() ? std::to_string(i) : prefix + "." + std::to_string(i), out);
  } else {
    out.emplace_back(prefix, value);
  }
}

QString displayText(const nlohmann::json& value) {
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  return QString::fromStdString(value.dump());
}

// Parses one config text; on failure returns nullopt and sets `error`.
std::optional<nlohmann::json> parseConfig(const std::string& text, const char* side, QString& error) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    error = QStringLiteral("config %1 is not valid JSON: %2").arg(QLatin1String(side), QString::fromUtf8(e.what()));
    return std::nullopt;
  }
}

const QString kMissing = QStringLiteral("(missing)");

}  // namespace

ConfigDiffModel::ConfigDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

bool ConfigDiffModel::setConfigs(const std::string& jsonA, const std::string& jsonB) {
  QString error;
  const auto a = parseConfig(jsonA, "A", error);
  const auto b = a ? parseConfig(jsonB, "B", error) : std::nullopt;
  if (!a || !b) {
    emit errorOccurred(error);
    return false;
  }
  Leaves leavesA, leavesB;
  flatten(*a, "", leavesA);
  flatten(*b, "", leavesB);
  std::unordered_map<std::string, size_t> indexOfB;
  for (size_t i = 0; i < leavesB.size(); ++i) indexOfB.emplace(leavesB[i].first, i);
  std::vector<bool> bUsed(leavesB.size(), false);

  std::vector<Entry> entries;
  entries.reserve(leavesA.size() + leavesB.size());
  // A's keys in A's order, then the keys only B has in B's order.
  for (const auto& [key, valueA] : leavesA) {
    Entry entry{QString::fromStdString(key), displayText(valueA), std::nullopt, true};
    if (auto it = indexOfB.find(key); it != indexOfB.end()) {
      const nlohmann::json& valueB = leavesB[it->second].second;
      entry.b = displayText(valueB);
      entry.differs = !(valueA == valueB);
      bUsed[it->second] = true;
    }
    entries.push_back(std::move(entry));
  }
  for (size_t i = 0; i < leavesB.size(); ++i)
    if (!bUsed[i])
      entries.push_back(Entry{QString::fromStdString(leavesB[i].first), std::nullopt,
                              displayText(leavesB[i].second), true});

  beginResetModel();
  entries_ = std::move(entries);
  rebuildShown();
  endResetModel();
  return true;
}

void ConfigDiffModel::clear() {
  beginResetModel();
  entries_.clear();
  shown_.clear();
  endResetModel();
}

void ConfigDiffModel::setColumnTitles(const QString& titleA, const QString& titleB) {
  titleA_ = titleA;
  titleB_ = titleB;
  emit headerDataChanged(Qt::Horizontal, ValueA, ValueB);
}

void ConfigDiffModel::setOnlyDifferences(bool only) {
  if (only == onlyDifferences_) return;
  beginResetModel();
  onlyDifferences_ = only;
  rebuildShown();
  endResetModel();
}

int ConfigDiffModel::differenceCount() const {
  int n = 0;
  for (const Entry& e : entries_) n += e.differs ? 1 : 0;
  return n;
}

QString ConfigDiffModel::keyAt(int row) const {
  if (row < 0 || row >= rowCount()) return {};
  return entries_[static_cast<size_t>(shown_[static_cast<size_t>(row)])].key;
}

bool ConfigDiffModel::rowDiffers(int row) const {
  if (row < 0 || row >= rowCount()) return false;
  return entries_[static_cast<size_t>(shown_[static_cast<size_t>(row)])].differs;
}

int ConfigDiffModel::rowOfKey(const QString& key) const {
  for (int row = 0; row < rowCount(); ++row)
    if (keyAt(row) == key) return row;
  return -1;
}

int ConfigDiffModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}

int ConfigDiffModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConfigDiffModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
  const Entry& e = entries_[static_cast<size_t>(shown_[static_cast<size_t>(index.row())])];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      switch (index.column()) {
        case Key: return e.key;
        case ValueA: return e.a.value_or(kMissing);
        case ValueB: return e.b.value_or(kMissing);
        default: return {};
      }
    case Qt::BackgroundRole:
      if (e.differs) return QBrush(QColor(255, 226, 150));
      return {};
    case Qt::ForegroundRole:
      // The highlight is light whatever the palette, so its text stays dark to stay readable.
      if (e.differs) return QBrush(QColor(20, 20, 20));
      return {};
    case Qt::FontRole:
      if (e.differs) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case DiffersRole: return e.differs;
    default: return {};
  }
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole || orientation != Qt::Horizontal) return {};
  switch (section) {
    case Key: return tr("Setting");
    case ValueA: return titleA_;
    case ValueB: return titleB_;
    default: return {};
  }
}

void ConfigDiffModel::rebuildShown() {
  shown_.clear();
  for (size_t i = 0; i < entries_.size(); ++i)
    if (!onlyDifferences_ || entries_[i].differs) shown_.push_back(static_cast<int>(i));
}

}  // namespace palaestra
