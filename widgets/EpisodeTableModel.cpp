// Episodes of one run as a table.
#include "widgets/EpisodeTableModel.h"

#include <stdexcept>

#include "util/Errors.h"
#include "widgets/RunTableModel.h"

namespace palaestra {

namespace {

QString formatTask(const TaskValues& task) {
  QStringList parts;
  for (double v : task) parts << QString::number(v, 'g', 4);
  return parts.isEmpty() ? QStringLiteral("–") : parts.join(QStringLiteral(", "));
}

}  // namespace

EpisodeTableModel::EpisodeTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void EpisodeTableModel::setStore(std::shared_ptr<RunStore> store) {
  beginResetModel();
  store_ = std::move(store);
  runId_.reset();
  rows_.clear();
  endResetModel();
}

bool EpisodeTableModel::setRun(std::optional<int64_t> runId) {
  if (runId == runId_) return refresh();
  const std::optional<int64_t> previous = runId_;
  runId_ = runId;
  if (refresh()) return true;
  // Keep showing the previous run's rows, and say so through runId().
  runId_ = previous;
  return false;
}

std::optional<int64_t> EpisodeTableModel::runId() const { return runId_; }

bool EpisodeTableModel::refresh() {
  std::vector<EpisodeSummary> fresh;
  if (store_ && runId_) {
    try {
      const QString problem = RunTableModel::storeFileProblem(store_->path());
      if (!problem.isEmpty()) throw StoreError(problem.toStdString());
      fresh = store_->episodes(*runId_);
    } catch (const std::exception& e) {
      emit errorOccurred(QString::fromStdString(e.what()));
      return false;
    }
  }
  // Episodes only ever get added or vanish with their run: a reset is cheap and simple here.
  beginResetModel();
  rows_ = std::move(fresh);
  endResetModel();
  return true;
}

int64_t EpisodeTableModel::episodeId(int row) const { return episode(row).id; }

const EpisodeSummary& EpisodeTableModel::episode(int row) const {
  if (row < 0 || row >= static_cast<int>(rows_.size()))
    throw std::out_of_range("no episode in row " + std::to_string(row) + " of " +
                            std::to_string(rows_.size()));
  return rows_[static_cast<size_t>(row)];
}

int EpisodeTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int EpisodeTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant EpisodeTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const EpisodeSummary& e = rows_[static_cast<size_t>(index.row())];
  if (role == EpisodeIdRole) return QVariant::fromValue<qlonglong>(e.id);
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (column) {
        case Id: return QVariant::fromValue<qlonglong>(e.id);
        case Kind: return QString::fromStdString(episodeKindName(e.kind));
        case Return: return QString::number(e.episodeReturn, 'f', 1);
        case Length: return e.length;
        case Outcome: return QString::fromStdString(e.outcome);
        case CheckpointColumn:
          return e.checkpointId ? QVariant::fromValue<qlonglong>(*e.checkpointId)
                                : QVariant(QStringLiteral("–"));
        case Task: return formatTask(e.task);
      }
      return {};
    case SortRole:
      switch (column) {
        case Id: return QVariant::fromValue<qlonglong>(e.id);
        case Return: return e.episodeReturn;
        case Length: return e.length;
        case CheckpointColumn: return QVariant::fromValue<qlonglong>(e.checkpointId.value_or(-1));
        default: return data(index, Qt::DisplayRole).toString();
      }
    case Qt::TextAlignmentRole:
      if (column == Id || column == Return || column == Length || column == CheckpointColumn)
        return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ToolTipRole:
      return QStringLiteral("episode %1 · seed %2 · %3%4")
          .arg(e.id)
          .arg(e.seed)
          .arg(e.terminated ? QStringLiteral("terminated") : QStringLiteral("not terminated"))
          .arg(e.truncated ? QStringLiteral(", truncated") : QString());
    default: return {};
  }
}

QVariant EpisodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Id: return tr("Id");
    case Kind: return tr("Kind");
    case Return: return tr("Return");
    case Length: return tr("Length");
    case Outcome: return tr("Outcome");
    case CheckpointColumn: return tr("Checkpoint");
    case Task: return tr("Task");
    default: return {};
  }
}

}  // namespace palaestra
