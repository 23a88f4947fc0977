#pragma once
// A summary table of the runs being compared: one column per run, one row per
// figure: name, env, status, steps, wall time, best and last evaluation return
// (metric "eval/mean_return"), the steps to a return threshold (the first
// evaluation whose mean return reached it, or "not reached") and the run's
// result (its best checkpoint and that checkpoint's evaluation).
//
// The threshold defaults to the success return of the first run's env
// (EnvSpec::successReturn); setThreshold() changes it without reading the
// store again. Store errors never escape: setRuns() reports them through
// errorOccurred and keeps the previous contents.

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "store/RunRecords.h"

namespace palaestra {

class RunStore;

/// What the summary shows of one run, read from the store.
struct RunSummary {
  RunInfo run;
  std::optional<double> wallSeconds;                 // training time, if known
  std::vector<std::pair<int64_t, double>> evals;     // (step, eval mean return), by step, NaN dropped
  QString result;                                    // the run's result (best checkpoint) in words
  std::optional<double> bestEvalReturn() const;      ///< Highest eval mean return, if any.
  std::optional<double> lastEvalReturn() const;      ///< Eval mean return at the highest step, if any.
  std::optional<int64_t> stepsTo(double threshold) const;  ///< First eval step with return >= threshold.
};

class RunSummaryModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// The rows, in display order.
  enum Row {
    Name,
    Env,
    Status,
    Steps,
    WallTime,
    BestEvalReturn,
    LastEvalReturn,
    StepsToThreshold,
    Result,
    RowCount
  };
  /// The metric the eval figures come from.
  static constexpr const char* kEvalMetric = "eval/mean_return";

  /// An empty model; call setRuns().
  explicit RunSummaryModel(QObject* parent = nullptr);

  /// Reads the runs from `store` (one column each, in order) and resets the threshold to the
  /// first run's env success return; on a store error reports it, keeps the columns, returns false.
  bool setRuns(RunStore& store, const QList<int64_t>& runIds);
  /// Removes all columns.
  void clear();
  /// Sets the return the "steps to threshold" row measures against.
  void setThreshold(double threshold);
  /// The current threshold.
  double threshold() const { return threshold_; }
  /// The runs shown, one per column.
  const std::vector<RunSummary>& summaries() const { return summaries_; }

  /// RowCount (0 for a valid parent).
  int rowCount(const QModelIndex& parent = {}) const override;
  /// One column per run (0 for a valid parent).
  int columnCount(const QModelIndex& parent = {}) const override;
  /// Display text and alignment of a cell.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  /// Run names across the top, figure names down the side.
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  /// Reads one run's summary; throws the store's errors (NotFoundError for an unknown run).
  static RunSummary readSummary(RunStore& store, int64_t runId);
  /// The success return of `env` from the registry, or nullopt if it is unknown or fails to build.
  static std::optional<double> successReturnOf(const RunInfo& run);

 signals:
  /// Reading the store failed; the message is fit to show the user.
  void errorOccurred(const QString& message);

 private:
  QString cellText(const RunSummary& summary, int row) const;

  std::vector<RunSummary> summaries_;
  double threshold_ = 0.0;
};

}  // namespace palaestra
