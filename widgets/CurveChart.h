#pragma once
// Learning curves of one stored metric for a set of runs, on Qt Charts.
//
// Per run: the raw points drawn faint, the time-weighted debiased EMA
// (core/metrics/TimeWeightedEma.h) on top, one colour per run, named in the
// legend. Optionally the runs are treated as one group (seeds): a min/max band
// of their smoothed curves with the mean line. x is steps, the episode index,
// or wall time since the run's first point; the smoothing scale is a
// thousandth of the x span of all selected runs, so runs compared together are
// smoothed alike and the look does not depend on how often they logged.
//
// Loading is asynchronous: setStore, setRuns and setMetric read the store on a
// worker thread (a million points take about a second to read from SQLite) and
// the chart shows "Loading..." until the points arrive; waitForLoad() blocks
// until they have (tests, export). A newer load supersedes an older one.
//
// Live updates stay cheap: refresh() reads only points newer than the last
// step it saw per run; smoothing runs over all points (O(n)), but the line
// series only ever get about two points per pixel column of the visible x
// range (CurveDecimator), so a million points do not stall the UI. Series
// objects are kept and refilled with replace().
//
// Reading: axis labels sit at round values (RoundTicks), as many as fit; the
// plot keeps a minimum height so labels are never elided; moving the mouse
// over the plot shows a cursor line and a readout of every run's smoothed and
// raw value at that x.

#include <QColor>
#include <QHash>
#include <QList>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QAreaSeries;
class QChart;
class QGraphicsLineItem;
class QChartView;
class QLabel;
class QLineSeries;
class QValueAxis;
class QTimer;

#include "metrics/TimeWeightedEma.h"

namespace palaestra {

class RunStore;
struct MetricPoint;

class CurveChart : public QWidget {
  Q_OBJECT

 public:
  /// What the x axis shows.
  enum class XAxis {
    Steps,     // env steps of the point
    WallTime,  // seconds since the run's first point of this metric
    Episodes,  // 1-based index of the point among the metric's points (the episode count for
               // per-episode metrics such as train/episode_return)
  };

  /// An empty chart showing a hint until a store, runs and a metric are set.
  explicit CurveChart(QWidget* parent = nullptr);
  ~CurveChart() override;

  /// The store to read from (not owned; nullptr clears the chart).
  void setStore(RunStore* store);
  /// The runs to plot, in legend order; reloads their points.
  void setRuns(const QList<int64_t>& runIds);
  /// The metric to plot, e.g. "train/return_mean"; reloads all points.
  void setMetric(const QString& metric);
  /// Switches the x axis; recomputes smoothing without reading the store.
  void setXAxis(XAxis axis);
  /// Smoothing strength in [0, 0.99] (clamped); 0 draws the raw values.
  void setSmoothing(double smoothing);
  /// Shows the min/max band over the selected runs' smoothed curves, with their mean line.
  void setGroupedBand(bool grouped);
  /// Undoes rubber-band zooming: the axes cover all points again.
  void resetZoom();
  /// Reads the points logged since the last read (per run, steps after the last one seen) and
  /// redraws; meant to be called from a timer a few times a second during training. Does
  /// nothing while a load is in flight.
  void refresh();
  /// Whether points are being read on the worker thread.
  bool isLoading() const { return loading_; }
  /// Blocks until the pending load (if any) has been read and drawn.
  void waitForLoad();

  /// The current x axis.
  XAxis xAxis() const { return xAxis_; }
  /// The current smoothing strength.
  double smoothing() const { return smoothing_; }
  /// The smoothing x scale: a thousandth of the x span of all runs (refixed when live updates
  /// have moved the span by more than 10%, so that a refresh smooths only the new points).
  double smoothingXScale() const { return xScale_; }
  /// The message shown instead of curves (empty when curves are shown).
  QString message() const;
  /// The chart, for export and tests.
  QChart* chart() const;
  /// The chart view (rubber-band zoom is on).
  QChartView* chartView() const { return view_; }
  /// The smoothed line of a run, nullptr if the run is not plotted.
  QLineSeries* smoothedSeries(int64_t runId) const;
  /// The faint raw points of a run, nullptr if the run is not plotted.
  QLineSeries* rawSeries(int64_t runId) const;
  /// The min/max band (nullptr unless grouped with at least one curve).
  QAreaSeries* bandSeries() const;
  /// The band's mean line (nullptr unless grouped with at least one curve).
  QLineSeries* bandMeanSeries() const;
  /// All x values of a run on the current axis (not decimated); empty for an unknown run.
  std::vector<double> xValues(int64_t runId) const;
  /// All raw values of a run (not decimated, NaN kept); empty for an unknown run.
  std::vector<double> rawValues(int64_t runId) const;
  /// All smoothed values of a run (not decimated); empty for an unknown run.
  std::vector<double> smoothedValues(int64_t runId) const;
  /// Tooltip text for the point of a run nearest to x: run, x, raw and smoothed value.
  QString tooltipText(int64_t runId, double x) const;
  /// The hover readout at x: the x value, then one line per run that has points around x (its
  /// name, smoothed and raw value of its point nearest to x).
  QString readoutText(double x) const;
  /// The readout shown while the mouse is over the plot (hidden otherwise).
  QLabel* readout() const { return readout_; }
  /// The x value under a position of the chart view's viewport, or NaN outside the plot area.
  double xAtViewportPos(QPointF pos) const;
  /// Renames a plotted run (legend and readout); nothing for a run that is not plotted.
  void setRunName(int64_t runId, const QString& name);
  /// Pixel columns the series are decimated to (at least 400, or the plot width).
  int decimationBuckets() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct RunCurve;
  struct LoadedCurves;

  void reload();
  // Reads what reload() asked for (worker thread: touches only its arguments and the store).
  static LoadedCurves readCurves(RunStore* store, QList<int64_t> runIds, std::string metric);
  // Takes the result of load `generation` if it is still the newest (GUI thread).
  void finishLoad(quint64 generation);
  // Waits for every load still reading (before the store goes away or the chart dies).
  void waitForAllLoads();
  void appendPoints(RunCurve& curve, int64_t afterStep);
  void appendLoaded(RunCurve& curve, const std::vector<MetricPoint>& points);
  void recompute();
  // Fills x of a curve's points from index `from` on, for the current axis.
  void computeX(RunCurve& curve, size_t from) const;
  // Smooths a curve's points from index `from` on (0: afresh with the current scale).
  void smoothFrom(RunCurve& curve, size_t from);
  // After new points: smooths only those, unless the scale must change; false when it must.
  bool extendSmoothing();
  void redraw();
  void updateAxes(bool keepZoom);
  void showMessage(const QString& text);
  void clearCurves();
  void onXRangeChanged();
  // Shows the cursor line and readout for a viewport position (hides them outside the plot).
  void showReadoutAt(QPointF pos);
  void hideReadout();
  // Round ticks for the axes' current ranges and the plot's size.
  void updateTicks();
  RunCurve* findCurve(int64_t runId) const;

  RunStore* store_ = nullptr;
  QList<int64_t> runIds_;
  QString metric_;
  XAxis xAxis_ = XAxis::Steps;
  double smoothing_ = 0.6;
  double xScale_ = 1.0;
  bool grouped_ = false;
  bool zoomed_ = false;
  bool settingAxes_ = false;

  std::vector<std::unique_ptr<RunCurve>> curves_;
  QChart* chart_ = nullptr;
  QChartView* view_ = nullptr;
  QLabel* messageLabel_ = nullptr;
  QLabel* readout_ = nullptr;
  QGraphicsLineItem* cursorLine_ = nullptr;
  QValueAxis* axisX_ = nullptr;
  QValueAxis* axisY_ = nullptr;
  QLineSeries* bandUpper_ = nullptr;
  QLineSeries* bandLower_ = nullptr;
  QAreaSeries* band_ = nullptr;
  QLineSeries* bandMean_ = nullptr;
  std::vector<double> bandX_, bandMin_, bandMax_, bandMeanY_;
  QTimer* redrawTimer_ = nullptr;

  quint64 loadGeneration_ = 0;  // of the newest load started
  bool loading_ = false;
  std::shared_future<std::shared_ptr<LoadedCurves>> pendingLoad_;   // the newest load
  std::vector<std::shared_future<std::shared_ptr<LoadedCurves>>> olderLoads_;  // superseded, maybe running
};

}  // namespace palaestra
