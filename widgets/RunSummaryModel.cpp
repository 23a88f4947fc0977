#include "widgets/RunSummaryModel.h"

#include "widgets/EvalText.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "env/EnvRegistry.h"
#include "store/RunStore.h"

namespace palaestra {

namespace {

// The per-iteration metric whose last point tells how long a run without an end time trained.
constexpr const char* kIterationMetric = "train/steps_per_second";

QString durationText(double seconds) {
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long h = total / 3600, m = total % 3600 / 60, s = total % 60;
  if (h > 0) return QStringLiteral("%1 h %2 min").arg(h).arg(m, 2, 10, QLatin1Char('0'));
  if (m > 0) return QStringLiteral("%1 min %2 s").arg(m).arg(s, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
}

}  // namespace

std::optional<double> RunSummary::bestEvalReturn() const {
  if (evals.empty()) return std::nullopt;
  double best = evals.front().second;
  for (const auto& [step, value] : evals) best = std::max(best, value);
  return best;
}

std::optional<double> RunSummary::lastEvalReturn() const {
  if (evals.empty()) return std::nullopt;
  return evals.back().second;
}

std::optional<int64_t> RunSummary::stepsTo(double threshold) const {
  for (const auto& [step, value] : evals)
    if (value >= threshold) return step;
  return std::nullopt;
}

RunSummaryModel::RunSummaryModel(QObject* parent) : QAbstractTableModel(parent) {}

RunSummary RunSummaryModel::readSummary(RunStore& store, int64_t runId) {
  RunSummary summary;
  summary.run = store.getRun(runId);
  summary.result = runResultText(summarizeCheckpoints(store.checkpoints(runId)));
  double lastWallTime = std::nan("");
  for (const MetricPoint& p : store.metrics(runId, std::string(kEvalMetric))) {
    lastWallTime = std::isnan(lastWallTime) ? p.wallTime : std::max(lastWallTime, p.wallTime);
    if (!std::isnan(p.value)) summary.evals.emplace_back(p.step, p.value);
  }
  // metrics() orders by step already; a stable sort keeps equal steps in logging order.
  std::stable_sort(summary.evals.begin(), summary.evals.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  const double start = summary.run.startedAt.value_or(summary.run.createdAt);
  if (summary.run.endedAt) {
    summary.wallSeconds = *summary.run.endedAt - start;
  } else {
    // Still running (or killed without an end time): the last logged point says how far it got.
    for (const MetricPoint& p : store.metrics(runId, std::string(kIterationMetric)))
      lastWallTime = std::isnan(lastWallTime) ? p.wallTime : std::max(lastWallTime, p.wallTime);
    if (!std::isnan(lastWallTime)) summary.wallSeconds = std::max(0.0, lastWallTime - start);
  }
  return summary;
}

std::optional<double> RunSummaryModel::successReturnOf(const RunInfo& run) {
  const EnvInfo* info = EnvRegistry::instance().find(run.env);
  if (!info) return std::nullopt;
  try {
    nlohmann::json envConfig = nlohmann::json::object();
    const nlohmann::json config = nlohmann::json::parse(run.configJson);
    if (config.is_object() && config.contains("env_config")) envConfig = config["env_config"];
    return info->create(envConfig)->spec().successReturn;
  } catch (const std::exception&) {
    // A config this code cannot build the env from: no default threshold rather than a wrong one.
    return std::nullopt;
  }
}

bool RunSummaryModel::setRuns(RunStore& store, const QList<int64_t>& runIds) {
  std::vector<RunSummary> summaries;
  try {
    for (int64_t id : runIds) summaries.push_back(readSummary(store, id));
  } catch (const std::exception& e) {
    emit errorOccurred(QStringLiteral("Cannot read the run summary: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  beginResetModel();
  summaries_ = std::move(summaries);
  if (!summaries_.empty())
    if (auto success = successReturnOf(summaries_.front().run)) threshold_ = *success;
  endResetModel();
  return true;
}

void RunSummaryModel::clear() {
  beginResetModel();
  summaries_.clear();
  endResetModel();
}

void RunSummaryModel::setThreshold(double threshold) {
  if (threshold == threshold_) return;
  threshold_ = threshold;
  emit headerDataChanged(Qt::Vertical, StepsToThreshold, StepsToThreshold);
  if (!summaries_.empty())
    emit dataChanged(index(StepsToThreshold, 0), index(StepsToThreshold, columnCount() - 1));
}

int RunSummaryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : RowCount;
}

int RunSummaryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(summaries_.size());
}

QString RunSummaryModel::cellText(const RunSummary& s, int row) const {
  const QString none = QStringLiteral("–");
  switch (row) {
    case Name: return QString::fromStdString(s.run.name);
    case Env: return QString::fromStdString(s.run.env);
    case Status: return QString::fromStdString(runStatusName(s.run.status));
    case Steps: return QString::number(s.run.steps);
    case WallTime: return s.wallSeconds ? durationText(*s.wallSeconds) : none;
    case BestEvalReturn: {
      const auto v = s.bestEvalReturn();
      return v ? QString::number(*v, 'f', 1) : none;
    }
    case LastEvalReturn: {
      const auto v = s.lastEvalReturn();
      return v ? QString::number(*v, 'f', 1) : none;
    }
    case StepsToThreshold: {
      const auto step = s.stepsTo(threshold_);
      return step ? QString::number(*step) : tr("not reached");
    }
    case Result:
      return s.result;
    default: return {};
  }
}

QVariant RunSummaryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= RowCount || index.column() >= columnCount()) return {};
  const RunSummary& s = summaries_[static_cast<size_t>(index.column())];
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) return cellText(s, index.row());
  if (role == Qt::TextAlignmentRole) {
    const bool numeric = index.row() >= Steps && index.row() != Result;
    return QVariant::fromValue(Qt::Alignment(numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
  }
  return {};
}

QVariant RunSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Horizontal) {
    if (section < 0 || section >= columnCount()) return {};
    const RunSummary& s = summaries_[static_cast<size_t>(section)];
    return QStringLiteral("%1 (id %2)").arg(QString::fromStdString(s.run.name)).arg(s.run.id);
  }
  switch (section) {
    case Name: return tr("Name");
    case Env: return tr("Env");
    case Status: return tr("Status");
    case Steps: return tr("Steps");
    case WallTime: return tr("Wall time");
    case BestEvalReturn: return tr("Best eval return");
    case LastEvalReturn: return tr("Last eval return");
    case StepsToThreshold: return tr("Steps to return %1").arg(threshold_, 0, 'f', 1);
    case Result:
      return tr("Result");
    default: return {};
  }
}

}  // namespace palaestra
