// Runs of a run store as an editable, refreshable table.
#include "widgets/RunTableModel.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>

#include "train/CheckpointMeta.h"
#include "util/Errors.h"
#include "widgets/EvalText.h"

namespace palaestra {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString formatReturn(double value) {
  return std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', 1);
}

bool sameRow(const RunInfo& a, const RunInfo& b) {
  return a.name == b.name && a.env == b.env && a.createdAt == b.createdAt && a.status == b.status &&
         a.steps == b.steps && a.notes == b.notes && a.endedAt == b.endedAt && a.tags == b.tags;
}

}  // namespace

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

bool RunTableModel::setStore(std::shared_ptr<RunStore> store) {
  beginResetModel();
  store_ = std::move(store);
  rows_.clear();
  liveSteps_.clear();  // ids of another store
  endResetModel();
  return store_ ? refresh() : true;
}

std::shared_ptr<RunStore> RunTableModel::store() const { return store_; }

QString RunTableModel::storeFileProblem(const std::string& path) {
  const QString file = QString::fromStdString(path);
  if (!QFileInfo::exists(file))
    return QStringLiteral("the run store %1 was deleted or moved while open").arg(file);
  QFile in(file);
  if (!in.open(QIODevice::ReadOnly))
    return QStringLiteral("the run store %1 cannot be read any more: %2").arg(file, in.errorString());
  // Every SQLite database starts with this 16-byte header.
  static const QByteArray kHeader("SQLite format 3\0", 16);
  if (in.read(16) != kHeader)
    return QStringLiteral("the run store %1 was overwritten while open: it is no longer an SQLite "
                          "database").arg(file);
  return {};
}

std::vector<RunTableModel::Row> RunTableModel::readRows() const {
  requireStoreFile();
  std::vector<Row> rows;
  for (RunInfo& info : store_->listRuns()) {
    Row row{std::move(info), kNaN, kNaN, {}};
    const RunCheckpointSummary summary = summarizeCheckpoints(store_->checkpoints(row.info.id));
    row.bestReturn = summary.bestEval.meanReturn;
    row.lastReturn = summary.lastEvalReturn;
    row.result = runResultText(summary);
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.info.id < b.info.id; });
  return rows;
}

bool RunTableModel::refresh() {
  if (!store_) return true;
  try {
    applyRows(readRows());
    return true;
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
    return false;
  }
}

void RunTableModel::applyRows(std::vector<Row> fresh) {
  // Remove rows whose run is gone (from the back, so earlier rows keep their numbers).
  std::unordered_set<int64_t> freshIds;
  for (const Row& r : fresh) freshIds.insert(r.info.id);
  for (int i = static_cast<int>(rows_.size()) - 1; i >= 0; --i) {
    if (freshIds.count(rows_[static_cast<size_t>(i)].info.id)) continue;
    beginRemoveRows({}, i, i);
    rows_.erase(rows_.begin() + i);
    endRemoveRows();
  }
  // Both lists are ordered by id and the old one is now a subsequence of the new one:
  // insert what is new, update the rest in place (persistent indexes and selection survive).
  for (size_t j = 0; j < fresh.size(); ++j) {
    const int row = static_cast<int>(j);
    if (j >= rows_.size() || rows_[j].info.id != fresh[j].info.id) {
      beginInsertRows({}, row, row);
      rows_.insert(rows_.begin() + row, std::move(fresh[j]));
      endInsertRows();
      continue;
    }
    Row& old = rows_[j];
    const bool changed = !sameRow(old.info, fresh[j].info) ||
                         !(old.bestReturn == fresh[j].bestReturn ||
                           (std::isnan(old.bestReturn) && std::isnan(fresh[j].bestReturn))) ||
                         !(old.lastReturn == fresh[j].lastReturn ||
                           (std::isnan(old.lastReturn) && std::isnan(fresh[j].lastReturn)));
    old = std::move(fresh[j]);
    if (changed) emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
  }
}

void RunTableModel::report(const QString& message) { emit errorOccurred(message); }

int64_t RunTableModel::runId(int row) const {
  if (row < 0 || row >= static_cast<int>(rows_.size()))
    throw std::out_of_range("no run in row " + std::to_string(row) + " of " +
                            std::to_string(rows_.size()));
  return rows_[static_cast<size_t>(row)].info.id;
}

int RunTableModel::rowOfRun(int64_t runId) const {
  const auto it = std::lower_bound(rows_.begin(), rows_.end(), runId,
                                   [](const Row& r, int64_t id) { return r.info.id < id; });
  return it != rows_.end() && it->info.id == runId ? static_cast<int>(it - rows_.begin()) : -1;
}

const RunInfo* RunTableModel::run(int64_t runId) const {
  const int row = rowOfRun(runId);
  return row < 0 ? nullptr : &rows_[static_cast<size_t>(row)].info;
}

bool RunTableModel::renameRun(int64_t runId, const QString& name) {
  const QString trimmed = name.trimmed();
  if (trimmed.isEmpty()) {
    report(QStringLiteral("a run name cannot be empty"));
    return false;
  }
  if (!store_) return false;
  try {
    requireStoreFile();
    store_->renameRun(runId, trimmed.toStdString());
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
    return false;
  }
  const int row = rowOfRun(runId);
  if (row >= 0) {
    rows_[static_cast<size_t>(row)].info.name = trimmed.toStdString();
    emit dataChanged(index(row, Name), index(row, Name));
  }
  return true;
}

bool RunTableModel::setRunNotes(int64_t runId, const QString& notes) {
  if (!store_) return false;
  try {
    requireStoreFile();
    store_->setNotes(runId, notes.toStdString());
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
    return false;
  }
  const int row = rowOfRun(runId);
  if (row >= 0) {
    rows_[static_cast<size_t>(row)].info.notes = notes.toStdString();
    emit dataChanged(index(row, Notes), index(row, Notes));
  }
  return true;
}

bool RunTableModel::setRunTags(int64_t runId, const QStringList& tags) {
  if (!store_) return false;
  std::vector<std::string> stored;
  for (const QString& tag : tags) stored.push_back(tag.toStdString());
  try {
    requireStoreFile();
    stored = normalizedTags(stored);
    store_->setTags(runId, stored);
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
    return false;
  }
  const int row = rowOfRun(runId);
  if (row >= 0) {
    rows_[static_cast<size_t>(row)].info.tags = std::move(stored);
    emit dataChanged(index(row, Tags), index(row, Tags));
  }
  return true;
}

QStringList RunTableModel::tagsFromText(const QString& text) {
  QStringList tags;
  for (const QString& piece : text.split(QLatin1Char(','))) {
    const QString tag = piece.trimmed();
    if (!tag.isEmpty()) tags << tag;
  }
  return tags;
}

QString RunTableModel::tagsToText(const std::vector<std::string>& tags) {
  QStringList texts;
  for (const std::string& tag : tags) texts << QString::fromStdString(tag);
  return texts.join(QStringLiteral(", "));
}

void RunTableModel::setLiveStatus(int64_t runId, const QString& status) {
  liveStatus_[runId] = status;
  runCellChanged(runId, Status);
}

void RunTableModel::clearLiveStatus(int64_t runId) {
  if (liveStatus_.erase(runId) > 0) runCellChanged(runId, Status);
}

QString RunTableModel::liveStatus(int64_t runId) const {
  const auto it = liveStatus_.find(runId);
  return it == liveStatus_.end() ? QString() : it->second;
}

void RunTableModel::setLiveSteps(int64_t runId, int64_t steps) {
  auto [it, inserted] = liveSteps_.try_emplace(runId, steps);
  if (!inserted && it->second == steps) return;
  it->second = steps;
  runCellChanged(runId, Steps);
}

void RunTableModel::clearLiveSteps(int64_t runId) {
  if (liveSteps_.erase(runId) > 0) runCellChanged(runId, Steps);
}

int64_t RunTableModel::shownSteps(const RunInfo& info) const {
  const auto live = liveSteps_.find(info.id);
  return live == liveSteps_.end() ? info.steps : std::max(info.steps, live->second);
}

void RunTableModel::runCellChanged(int64_t runId, Column column) {
  const int row = rowOfRun(runId);
  if (row >= 0) emit dataChanged(index(row, column), index(row, column));
}

void RunTableModel::requireStoreFile() const {
  const QString problem = storeFileProblem(store_->path());
  if (!problem.isEmpty()) throw StoreError(problem.toStdString());
}

void RunTableModel::setDeleteConfirmation(DeleteConfirmation confirm) {
  confirmDelete_ = std::move(confirm);
}

int RunTableModel::deleteRuns(const QList<int64_t>& runIds) {
  if (!store_ || runIds.isEmpty() || !confirmDelete_) return 0;
  QStringList names;
  for (int64_t id : runIds) {
    const RunInfo* info = run(id);
    names << QStringLiteral("%1 (id %2)")
                 .arg(info ? QString::fromStdString(info->name) : QStringLiteral("?"))
                 .arg(id);
  }
  if (!confirmDelete_(names)) return 0;
  int deleted = 0;
  try {
    requireStoreFile();
    for (int64_t id : runIds) {
      store_->deleteRun(id);
      ++deleted;
    }
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
  }
  if (deleted > 0) refresh();
  return deleted;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const Row& row = rows_[static_cast<size_t>(index.row())];
  const RunInfo& info = row.info;
  if (role == RunIdRole) return QVariant::fromValue<qlonglong>(info.id);
  const auto sortableReturn = [](double v) {
    return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
  };
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
      switch (column) {
        case Name: return QString::fromStdString(info.name);
        case Env: return QString::fromStdString(info.env);
        case Created:
          return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(info.createdAt * 1000.0))
              .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case Steps:
          return QLocale().toString(static_cast<qlonglong>(shownSteps(info)));
        case BestReturn: return formatReturn(row.bestReturn);
        case LastReturn: return formatReturn(row.lastReturn);
        case Status: {
          const auto live = liveStatus_.find(info.id);
          return live != liveStatus_.end() ? live->second
                                           : QString::fromStdString(runStatusName(info.status));
        }
        case Tags: return tagsToText(info.tags);
        case Notes: {
          const QString notes = QString::fromStdString(info.notes);
          // The cell shows the first line; editing gets everything.
          return role == Qt::EditRole ? notes : notes.section(QLatin1Char('\n'), 0, 0);
        }
      }
      return {};
    case SortRole:
      switch (column) {
        case Created: return info.createdAt;
        case Steps:
          return QVariant::fromValue<qlonglong>(shownSteps(info));
        case BestReturn: return sortableReturn(row.bestReturn);
        case LastReturn: return sortableReturn(row.lastReturn);
        default: return data(index, Qt::DisplayRole).toString().toLower();
      }
    case Qt::TextAlignmentRole:
      if (column == Steps || column == BestReturn || column == LastReturn)
        return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ToolTipRole:
      if (column == Notes && !info.notes.empty()) return QString::fromStdString(info.notes);
      if (column == BestReturn) return QStringLiteral("Result: %1").arg(row.result);
      return QStringLiteral("run %1 · seed %2 · code %3")
          .arg(info.id)
          .arg(info.seed)
          .arg(QString::fromStdString(info.codeVersion));
    default: return {};
  }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name: return tr("Name");
    case Env: return tr("Env");
    case Created: return tr("Created");
    case Steps: return tr("Steps");
    case BestReturn: return tr("Best eval return");
    case LastReturn: return tr("Last eval return");
    case Status: return tr("Status");
    case Tags: return tr("Tags");
    case Notes: return tr("Notes");
    default: return {};
  }
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() &&
      (index.column() == Name || index.column() == Tags || index.column() == Notes))
    f |= Qt::ItemIsEditable;
  return f;
}

bool RunTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole || index.row() >= static_cast<int>(rows_.size()))
    return false;
  const int64_t id = rows_[static_cast<size_t>(index.row())].info.id;
  if (index.column() == Name) return renameRun(id, value.toString());
  if (index.column() == Notes) return setRunNotes(id, value.toString());
  if (index.column() == Tags) return setRunTags(id, tagsFromText(value.toString()));
  return false;
}

}  // namespace palaestra
