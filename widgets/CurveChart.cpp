#include "widgets/CurveChart.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMetaObject>
#include <QMouseEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <future>
#include <limits>
#include <optional>

#include "metrics/TimeWeightedEma.h"
#include "store/RunStore.h"
#include "widgets/CurveDecimator.h"
#include "widgets/RoundTicks.h"

namespace palaestra {

namespace {

// Distinguishable colours for up to ten runs (then they repeat).
const QColor kRunColours[] = {QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),
                              QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                              QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                              QColor(23, 190, 207)};

constexpr int64_t kBeforeFirstStep = std::numeric_limits<int64_t>::min();
// Smoothing scale as a fraction of the plotted x span (W&B measures it the same way).
constexpr double kXScaleFraction = 1e-3;
// How far the x span may drift from the one the smoothing scale was fixed for before a live
// update re-smooths every point (the look changes by less than the eye notices).
constexpr double kXScaleSlack = 0.1;
// Room per axis label: x labels are wide numbers, y labels are one text line high.
constexpr double kPixelsPerXTick = 90.0;
constexpr double kPixelsPerYTick = 40.0;
// The chart view's minimum size: the plot keeps about 60 px (two y labels) between the legend
// and the x axis, so no label is elided to "..." even in the smallest window; the default
// window gives it about 220.
constexpr int kMinimumChartHeight = 120;
constexpr int kMinimumChartWidth = 320;

// Index of the point of sorted `x` nearest to `value` (x not empty).
size_t nearestIndex(const std::vector<double>& x, double value) {
  size_t i = static_cast<size_t>(std::lower_bound(x.begin(), x.end(), value) - x.begin());
  if (i == x.size() || (i > 0 && value - x[i - 1] < x[i] - value)) --i;
  return i;
}

QString axisTitle(CurveChart::XAxis axis) {
  switch (axis) {
    case CurveChart::XAxis::Steps: return QStringLiteral("steps");
    case CurveChart::XAxis::WallTime:
      return QStringLiteral("wall time (s)");
    case CurveChart::XAxis::Episodes: return QStringLiteral("episodes");
  }
  return {};
}

}  // namespace

struct CurveChart::RunCurve {
  int64_t runId = 0;
  QString name;
  QColor colour;
  // Everything read from the store so far, in step order (NaN values kept).
  std::vector<double> steps;
  std::vector<double> wallTimes;
  std::vector<double> values;
  int64_t lastStep = kBeforeFirstStep;
  double yMin = std::numeric_limits<double>::infinity();  // finite range of values
  double yMax = -std::numeric_limits<double>::infinity();
  // Derived for the current x axis and smoothing.
  std::vector<double> x;
  std::vector<double> smoothed;
  std::optional<TimeWeightedEmaAccumulator> ema;  // has smoothed every point of `smoothed`
  QLineSeries* raw = nullptr;
  QLineSeries* smooth = nullptr;
};

CurveChart::CurveChart(QWidget* parent) : QWidget(parent) {
  chart_ = new QChart();
  chart_->legend()->setAlignment(Qt::AlignBottom);
  axisX_ = new QValueAxis(chart_);
  axisY_ = new QValueAxis(chart_);
  axisX_->setTitleText(axisTitle(xAxis_));
  chart_->addAxis(axisX_, Qt::AlignBottom);
  chart_->addAxis(axisY_, Qt::AlignLeft);

  view_ = new QChartView(chart_, this);  // takes ownership of the chart
  view_->setRubberBand(QChartView::RectangleRubberBand);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setMinimumSize(kMinimumChartWidth, kMinimumChartHeight);
  // The plot gets the room: no rounded frame and no padding around the chart's own layout.
  chart_->setMargins(QMargins(4, 4, 8, 4));
  chart_->setBackgroundRoundness(0);
  chart_->layout()->setContentsMargins(0, 0, 0, 0);
  chart_->legend()->setContentsMargins(0, 0, 0, 0);

  // Hover readout: a cursor line in the chart and a box listing every run's value at that x.
  view_->setMouseTracking(true);
  view_->viewport()->setMouseTracking(true);
  view_->viewport()->installEventFilter(this);
  cursorLine_ = new QGraphicsLineItem(chart_);
  cursorLine_->setPen(QPen(QColor(90, 90, 90, 160), 1, Qt::DashLine));
  cursorLine_->setZValue(100);
  cursorLine_->hide();
  readout_ = new QLabel(view_->viewport());
  readout_->setObjectName(QStringLiteral("curveReadout"));
  readout_->setTextFormat(Qt::RichText);
  readout_->setAttribute(Qt::WA_TransparentForMouseEvents);
  readout_->setStyleSheet(QStringLiteral(
      "QLabel { background: rgba(255, 255, 255, 225); border: 1px solid #999; padding: 3px; }"));
  readout_->hide();

  messageLabel_ = new QLabel(this);
  messageLabel_->setWordWrap(true);
  messageLabel_->setAlignment(Qt::AlignCenter);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(messageLabel_);
  layout->addWidget(view_, 1);

  // Zooming changes the visible x range: re-decimate for it, once the zoom has settled.
  redrawTimer_ = new QTimer(this);
  redrawTimer_->setSingleShot(true);
  redrawTimer_->setInterval(0);
  connect(redrawTimer_, &QTimer::timeout, this, &CurveChart::redraw);
  connect(axisX_, &QValueAxis::rangeChanged, this, [this] { onXRangeChanged(); });
  // A wider plot has more pixel columns, so the decimation bucket count follows its width.
  connect(chart_, &QChart::plotAreaChanged, redrawTimer_, qOverload<>(&QTimer::start));

  showMessage(QStringLiteral("Open a run store to see learning curves."));
}

CurveChart::~CurveChart() { waitForAllLoads(); }

void CurveChart::setStore(RunStore* store) {
  // Loads still reading use the old store: let them finish before the caller may close it.
  if (store != store_) waitForAllLoads();
  store_ = store;
  reload();
}

void CurveChart::setRuns(const QList<int64_t>& runIds) {
  runIds_ = runIds;
  reload();
}

void CurveChart::setMetric(const QString& metric) {
  metric_ = metric;
  reload();
}

void CurveChart::setXAxis(XAxis axis) {
  xAxis_ = axis;
  axisX_->setTitleText(axisTitle(axis));
  zoomed_ = false;
  recompute();
  redraw();
}

void CurveChart::setSmoothing(double smoothing) {
  if (std::isnan(smoothing)) return;  // keeps the previous value rather than poisoning the curves
  smoothing_ = std::clamp(smoothing, 0.0, 0.99);
  recompute();
  redraw();
}

void CurveChart::setGroupedBand(bool grouped) {
  grouped_ = grouped;
  recompute();
  redraw();
}

void CurveChart::resetZoom() {
  zoomed_ = false;
  settingAxes_ = true;
  holdTicks(axisX_);  // the zoomed range's tick interval would label the whole range densely
  holdTicks(axisY_);
  chart_->zoomReset();
  settingAxes_ = false;
  redraw();
}

QString CurveChart::message() const { return messageLabel_->isHidden() ? QString() : messageLabel_->text(); }

QChart* CurveChart::chart() const { return chart_; }

CurveChart::RunCurve* CurveChart::findCurve(int64_t runId) const {
  for (const auto& curve : curves_) {
    if (curve->runId == runId) return curve.get();
  }
  return nullptr;
}

QLineSeries* CurveChart::smoothedSeries(int64_t runId) const {
  const RunCurve* curve = findCurve(runId);
  return curve ? curve->smooth : nullptr;
}

QLineSeries* CurveChart::rawSeries(int64_t runId) const {
  const RunCurve* curve = findCurve(runId);
  return curve ? curve->raw : nullptr;
}

QAreaSeries* CurveChart::bandSeries() const { return band_; }

QLineSeries* CurveChart::bandMeanSeries() const { return bandMean_; }

std::vector<double> CurveChart::xValues(int64_t runId) const {
  const RunCurve* curve = findCurve(runId);
  return curve ? curve->x : std::vector<double>{};
}

std::vector<double> CurveChart::rawValues(int64_t runId) const {
  const RunCurve* curve = findCurve(runId);
  return curve ? curve->values : std::vector<double>{};
}

std::vector<double> CurveChart::smoothedValues(int64_t runId) const {
  const RunCurve* curve = findCurve(runId);
  return curve ? curve->smoothed : std::vector<double>{};
}

int CurveChart::decimationBuckets() const {
  return std::max(400, static_cast<int>(chart_->plotArea().width()));
}

QString CurveChart::tooltipText(int64_t runId, double x) const {
  const RunCurve* curve = findCurve(runId);
  if (!curve || curve->x.empty()) return {};
  const size_t i = nearestIndex(curve->x, x);
  const QString xText = xAxis_ == XAxis::WallTime ? QStringLiteral("%1 s").arg(curve->x[i], 0, 'f', 1)
                                                  : QString::number(static_cast<qint64>(std::llround(curve->x[i])));
  return QStringLiteral("%1\n%2: %3\nraw: %4\nsmoothed: %5")
      .arg(curve->name, axisTitle(xAxis_).section(' ', 0, 1), xText)
      .arg(curve->values[i], 0, 'g', 6)
      .arg(curve->smoothed.size() > i ? curve->smoothed[i] : std::nan(""), 0, 'g', 6);
}

QString CurveChart::readoutText(double x) const {
  if (!std::isfinite(x)) return {};
  const double span = axisX_->max() - axisX_->min();
  // A run has a value at x if x lies within its points (give or take two pixel columns).
  const double slack = span > 0 ? span / std::max(1, decimationBuckets()) * 2.0 : 0.0;
  auto number = [](double v) {
    return std::isfinite(v) ? QString::number(v, 'g', 6) : QStringLiteral("-");
  };
  QString xText;
  switch (xAxis_) {
    case XAxis::Steps:
      xText = QStringLiteral("step %1").arg(
          QLocale().toString(static_cast<qlonglong>(std::llround(x))));
      break;
    case XAxis::Episodes:
      xText = QStringLiteral("episode %1")
                  .arg(QLocale().toString(static_cast<qlonglong>(std::llround(x))));
      break;
    case XAxis::WallTime:
      xText = QStringLiteral("%1 s").arg(x, 0, 'f', 1);
      break;
  }
  QStringList lines{QStringLiteral("<b>%1</b>").arg(xText.toHtmlEscaped())};
  for (const auto& curve : curves_) {
    if (curve->x.empty() || x < curve->x.front() - slack || x > curve->x.back() + slack) continue;
    const size_t i = nearestIndex(curve->x, x);
    const double smoothed = i < curve->smoothed.size() ? curve->smoothed[i] : std::nan("");
    lines << QStringLiteral("<span style='color:%1'>&#9632;</span> %2: <b>%3</b> (raw %4)")
                 .arg(curve->colour.name(), curve->name.toHtmlEscaped(), number(smoothed),
                      number(curve->values[i]));
  }
  return lines.size() > 1 ? lines.join(QStringLiteral("<br>")) : QString();
}

double CurveChart::xAtViewportPos(QPointF pos) const {
  const QPointF inChart = chart_->mapFromScene(view_->mapToScene(pos.toPoint()));
  const QRectF plot = chart_->plotArea();
  if (!plot.contains(inChart) || plot.width() <= 0) return std::nan("");
  return axisX_->min() +
         (inChart.x() - plot.left()) / plot.width() * (axisX_->max() - axisX_->min());
}

void CurveChart::setRunName(int64_t runId, const QString& name) {
  RunCurve* curve = findCurve(runId);
  if (!curve || curve->name == name) return;
  curve->name = name;
  if (curve->smooth) curve->smooth->setName(name);
  if (curve->raw) curve->raw->setName(name + QStringLiteral(" (raw)"));
}

bool CurveChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_->viewport()) {
    if (event->type() == QEvent::MouseMove) {
      showReadoutAt(static_cast<QMouseEvent*>(event)->position());
    } else if (event->type() == QEvent::Leave) {
      hideReadout();
    }
  }
  return QWidget::eventFilter(watched, event);
}

void CurveChart::showReadoutAt(QPointF pos) {
  const double x = xAtViewportPos(pos);
  const QString text = readoutText(x);
  if (text.isEmpty()) {
    hideReadout();
    return;
  }
  const QRectF plot = chart_->plotArea();
  const double px =
      plot.left() + (x - axisX_->min()) / (axisX_->max() - axisX_->min()) * plot.width();
  cursorLine_->setLine(px, plot.top(), px, plot.bottom());
  cursorLine_->show();
  readout_->setText(text);
  readout_->adjustSize();
  // Beside the cursor, on the side with room, at the top of the plot.
  const QPoint plotTopLeft = view_->mapFromScene(chart_->mapToScene(plot.topLeft()));
  const QPoint plotBottomRight = view_->mapFromScene(chart_->mapToScene(plot.bottomRight()));
  int left = static_cast<int>(pos.x()) + 12;
  if (left + readout_->width() > plotBottomRight.x())
    left = static_cast<int>(pos.x()) - 12 - readout_->width();
  left = std::max(0, left);
  const int top = std::clamp(plotTopLeft.y() + 4, 0,
                             std::max(0, view_->viewport()->height() - readout_->height()));
  readout_->move(left, top);
  readout_->show();
  readout_->raise();
}

void CurveChart::hideReadout() {
  readout_->hide();
  cursorLine_->hide();
}

void CurveChart::updateTicks() {
  const QRectF plot = chart_->plotArea();
  applyRoundTicks(axisX_, plot.width(), kPixelsPerXTick);
  applyRoundTicks(axisY_, plot.height(), kPixelsPerYTick);
}

void CurveChart::showMessage(const QString& text) {
  messageLabel_->setText(text);
  messageLabel_->setVisible(!text.isEmpty());
}

void CurveChart::clearCurves() {
  for (const auto& curve : curves_) {
    if (curve->raw) {
      chart_->removeSeries(curve->raw);
      delete curve->raw;
    }
    if (curve->smooth) {
      chart_->removeSeries(curve->smooth);
      delete curve->smooth;
    }
  }
  curves_.clear();
}

struct CurveChart::LoadedCurves {
  struct Run {
    int64_t runId = 0;
    QString name;
    std::vector<MetricPoint> points;
    QString problem;  // why the run could not be read; empty when it was
  };
  std::vector<Run> runs;
  QString available;  // " Available: ..." metric names of the first run, for the no-points message
};

CurveChart::LoadedCurves CurveChart::readCurves(RunStore* store, QList<int64_t> runIds, std::string metric) {
  LoadedCurves loaded;
  for (int64_t runId : runIds) {
    LoadedCurves::Run run;
    run.runId = runId;
    try {
      run.name = QString::fromStdString(store->getRun(runId).name);
      run.points = store->metricsAfterStep(runId, metric, kBeforeFirstStep);
    } catch (const std::exception& e) {
      run.problem = QString::fromUtf8(e.what());
    }
    loaded.runs.push_back(std::move(run));
  }
  const auto firstReadable = std::find_if(loaded.runs.begin(), loaded.runs.end(),
                                          [](const LoadedCurves::Run& r) { return r.problem.isEmpty(); });
  const bool anyPoints = std::any_of(loaded.runs.begin(), loaded.runs.end(),
                                     [](const LoadedCurves::Run& r) { return !r.points.empty(); });
  if (!anyPoints && firstReadable != loaded.runs.end()) {
    try {
      QStringList names;
      for (const std::string& name : store->metricNames(firstReadable->runId)) names << QString::fromStdString(name);
      loaded.available = names.isEmpty() ? QStringLiteral(" The run has no metrics yet.")
                                         : QStringLiteral(" Available: %1.").arg(names.join(", "));
    } catch (const std::exception& e) {
      loaded.available = QStringLiteral(" ") + QString::fromUtf8(e.what());
    }
  }
  return loaded;
}

void CurveChart::reload() {
  clearCurves();
  zoomed_ = false;
  ++loadGeneration_;  // whatever is still reading is now stale
  loading_ = false;
  if (!store_) {
    showMessage(QStringLiteral("Open a run store to see learning curves."));
  } else if (runIds_.isEmpty()) {
    showMessage(QStringLiteral("Select one or more runs to see their learning curves."));
  } else if (metric_.isEmpty()) {
    showMessage(QStringLiteral("Choose a metric to plot."));
  } else {
    showMessage(QStringLiteral("Loading curves..."));
    if (pendingLoad_.valid()) olderLoads_.push_back(pendingLoad_);
    std::erase_if(olderLoads_, [](const auto& load) {
      return load.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    loading_ = true;
    const quint64 generation = loadGeneration_;
    pendingLoad_ = std::async(std::launch::async, [this, generation, store = store_, runIds = runIds_,
                                                   metric = metric_.toStdString()] {
                     auto loaded = std::make_shared<LoadedCurves>(readCurves(store, runIds, metric));
                     // The chart outlives this task (its destructor waits), so `this` is valid here;
                     // the queued call is dropped if the chart is deleted before it runs.
                     QMetaObject::invokeMethod(this, [this, generation] { finishLoad(generation); },
                                               Qt::QueuedConnection);
                     return loaded;
                   }).share();
  }
  recompute();
  redraw();
}

void CurveChart::finishLoad(quint64 generation) {
  if (generation != loadGeneration_ || !loading_) return;  // superseded, or taken by waitForLoad()
  loading_ = false;
  const std::shared_ptr<LoadedCurves> loaded = pendingLoad_.get();
  QStringList problems;
  for (LoadedCurves::Run& run : loaded->runs) {
    if (!run.problem.isEmpty()) {
      problems << run.problem;
      continue;
    }
    auto curve = std::make_unique<RunCurve>();
    curve->runId = run.runId;
    curve->name = run.name;
    curve->colour = kRunColours[curves_.size() % std::size(kRunColours)];
    appendLoaded(*curve, run.points);
    curves_.push_back(std::move(curve));
  }
  const bool anyPoints =
      std::any_of(curves_.begin(), curves_.end(), [](const auto& c) { return !c->values.empty(); });
  if (!problems.isEmpty()) {
    showMessage(problems.join('\n'));
  } else if (!anyPoints) {
    showMessage(QStringLiteral("No points of metric \"%1\" in the selected runs.%2").arg(metric_, loaded->available));
  } else {
    showMessage({});
  }
  recompute();
  redraw();
}

void CurveChart::waitForLoad() {
  if (!loading_) return;
  pendingLoad_.wait();
  finishLoad(loadGeneration_);
}

void CurveChart::waitForAllLoads() {
  for (const auto& load : olderLoads_) load.wait();
  olderLoads_.clear();
  if (pendingLoad_.valid()) pendingLoad_.wait();
}

void CurveChart::appendPoints(RunCurve& curve, int64_t afterStep) {
  appendLoaded(curve, store_->metricsAfterStep(curve.runId, metric_.toStdString(), afterStep));
}

void CurveChart::appendLoaded(RunCurve& curve, const std::vector<MetricPoint>& points) {
  if (points.empty()) return;
  curve.steps.reserve(curve.steps.size() + points.size());
  curve.wallTimes.reserve(curve.wallTimes.size() + points.size());
  curve.values.reserve(curve.values.size() + points.size());
  for (const MetricPoint& p : points) {
    if (std::isfinite(p.value)) {
      curve.yMin = std::min(curve.yMin, p.value);
      curve.yMax = std::max(curve.yMax, p.value);
    }
    curve.steps.push_back(static_cast<double>(p.step));
    curve.wallTimes.push_back(p.wallTime);
    curve.values.push_back(p.value);
  }
  curve.lastStep = points.back().step;
}

void CurveChart::refresh() {
  if (!store_ || metric_.isEmpty() || curves_.empty() || loading_) return;
  bool changed = false;
  QStringList problems;
  for (const auto& curve : curves_) {
    const size_t before = curve->values.size();
    try {
      appendPoints(*curve, curve->lastStep);
    } catch (const std::exception& e) {
      problems << QString::fromUtf8(e.what());
    }
    changed = changed || curve->values.size() != before;
  }
  if (!problems.isEmpty()) {
    showMessage(problems.join('\n'));  // keeps the curves drawn so far
  } else if (changed) {
    showMessage({});
  }
  if (changed) {
    if (!extendSmoothing()) recompute();
    redraw();
  }
}

void CurveChart::computeX(RunCurve& curve, size_t from) const {
  const size_t n = curve.values.size();
  curve.x.resize(n);
  for (size_t i = from; i < n; ++i) {
    double x = 0.0;
    switch (xAxis_) {
      case XAxis::Steps: x = curve.steps[i]; break;
      case XAxis::WallTime: x = curve.wallTimes[i] - curve.wallTimes[0]; break;
      case XAxis::Episodes: x = static_cast<double>(i + 1); break;
    }
    // The smoothing and the band need strictly increasing x; repeated steps or a wall clock
    // that stepped back would break that, so such a point sits just after its predecessor.
    if (i > 0 && !(x > curve.x[i - 1])) x = std::nextafter(curve.x[i - 1], std::numeric_limits<double>::infinity());
    curve.x[i] = x;
  }
}

void CurveChart::smoothFrom(RunCurve& curve, size_t from) {
  try {
    if (from == 0) curve.ema.emplace(smoothing_, xScale_);
    curve.smoothed.resize(from);
    for (size_t i = from; i < curve.values.size(); ++i) curve.smoothed.push_back(curve.ema->push(curve.x[i], curve.values[i]));
  } catch (const std::exception& e) {
    curve.ema.reset();
    curve.smoothed = curve.values;
    showMessage(QStringLiteral("Smoothing %1 failed: %2").arg(curve.name, QString::fromUtf8(e.what())));
  }
}

bool CurveChart::extendSmoothing() {
  if (grouped_) return false;  // the band is resampled over whole curves
  double xMin = std::numeric_limits<double>::infinity();
  double xMax = -xMin;
  for (const auto& curve : curves_) {
    if (!curve->ema || curve->smoothed.size() != curve->x.size()) return false;
    computeX(*curve, curve->x.size());
    if (!curve->x.empty()) {
      xMin = std::min(xMin, curve->x.front());
      xMax = std::max(xMax, curve->x.back());
    }
  }
  // The scale follows the span only in steps of 10%, so most live updates smooth just the new
  // points (O(new points)) instead of re-smoothing a million (O(all points)).
  const double wanted = (xMax > xMin) ? (xMax - xMin) * kXScaleFraction : 1.0;
  if (!(std::abs(wanted / xScale_ - 1.0) <= kXScaleSlack)) return false;
  for (const auto& curve : curves_) smoothFrom(*curve, curve->smoothed.size());
  return true;
}

void CurveChart::recompute() {
  double xMin = std::numeric_limits<double>::infinity();
  double xMax = -xMin;
  for (const auto& curve : curves_) {
    computeX(*curve, 0);
    if (!curve->x.empty()) {
      xMin = std::min(xMin, curve->x.front());
      xMax = std::max(xMax, curve->x.back());
    }
  }
  xScale_ = (xMax > xMin) ? (xMax - xMin) * kXScaleFraction : 1.0;
  for (const auto& curve : curves_) smoothFrom(*curve, 0);

  bandX_.clear();
  bandMin_.clear();
  bandMax_.clear();
  bandMeanY_.clear();
  if (grouped_ && xMax > xMin) {
    std::vector<CurveSeries> series;
    for (const auto& curve : curves_) {
      if (!curve->x.empty()) series.push_back({curve->x, curve->smoothed});
    }
    try {
      const std::vector<double> grid = uniformGrid(xMin, xMax, decimationBuckets());
      const CurveBand band = minMaxBand(series, grid);
      for (size_t i = 0; i < band.x.size(); ++i) {
        if (band.count[i] == 0) continue;
        bandX_.push_back(band.x[i]);
        bandMin_.push_back(band.min[i]);
        bandMax_.push_back(band.max[i]);
        bandMeanY_.push_back(band.mean[i]);
      }
    } catch (const std::exception& e) {
      showMessage(QStringLiteral("Band over the runs failed: %1").arg(QString::fromUtf8(e.what())));
    }
  }
}

void CurveChart::redraw() {
  // The x range to decimate for: the zoomed axis range, else all data.
  double xMin = std::numeric_limits<double>::infinity();
  double xMax = -xMin;
  double yMin = xMin;
  double yMax = -xMin;
  for (const auto& curve : curves_) {
    if (curve->x.empty()) continue;
    xMin = std::min(xMin, curve->x.front());
    xMax = std::max(xMax, curve->x.back());
    yMin = std::min(yMin, curve->yMin);
    yMax = std::max(yMax, curve->yMax);
  }
  const bool haveData = xMin <= xMax && yMin <= yMax;
  // Attaching a new series and refilling one move the axes to the data's range. With dynamic
  // ticks whose interval suits a smaller range, Qt Charts then lays out a label per interval
  // (hundreds of thousands, gigabytes), and the move would read as a user zoom. So the ticks are
  // held fixed and range changes ignored until the series are updated, and the range is set
  // again afterwards.
  settingAxes_ = true;
  holdTicks(axisX_);
  holdTicks(axisY_);
  if (haveData && !zoomed_) {
    const double xPad = xMax > xMin ? 0.0 : 1.0;
    const double yPad = yMax > yMin ? (yMax - yMin) * 0.05 : std::max(1.0, std::abs(yMax) * 0.05);
    axisX_->setRange(xMin - xPad, xMax + xPad);
    axisY_->setRange(yMin - yPad, yMax + yPad);
  }
  const double visibleMin = axisX_->min();
  const double visibleMax = axisX_->max();
  const double visibleYMin = axisY_->min();
  const double visibleYMax = axisY_->max();
  const int buckets = decimationBuckets();

  for (const auto& curve : curves_) {
    if (curve->x.empty()) continue;
    if (!curve->raw) {
      // Created on first data, then only refilled: re-creating series on every update is slow.
      curve->raw = new QLineSeries();
      QColor faint = curve->colour;
      faint.setAlpha(60);
      curve->raw->setPen(QPen(faint, 1));
      curve->raw->setName(curve->name + QStringLiteral(" (raw)"));
      curve->smooth = new QLineSeries();
      curve->smooth->setPen(QPen(curve->colour, 2));
      curve->smooth->setName(curve->name);
      for (QLineSeries* s : {curve->raw, curve->smooth}) {
        chart_->addSeries(s);
        s->attachAxis(axisX_);
        s->attachAxis(axisY_);
      }
      for (QLegendMarker* marker : chart_->legend()->markers(curve->raw)) marker->setVisible(false);
    }
    curve->raw->replace(CurveDecimator::decimate(curve->x, curve->values, visibleMin, visibleMax, buckets));
    curve->smooth->replace(CurveDecimator::decimate(curve->x, curve->smoothed, visibleMin, visibleMax, buckets));
  }

  if (!bandX_.empty()) {
    if (!band_) {
      band_ = new QAreaSeries();
      bandUpper_ = new QLineSeries(band_);
      bandLower_ = new QLineSeries(band_);
      band_->setUpperSeries(bandUpper_);
      band_->setLowerSeries(bandLower_);
      band_->setName(QStringLiteral("min/max over runs"));
      band_->setColor(QColor(120, 120, 120, 70));
      band_->setBorderColor(Qt::transparent);
      bandMean_ = new QLineSeries();
      bandMean_->setName(QStringLiteral("mean over runs"));
      bandMean_->setPen(QPen(Qt::black, 2, Qt::DashLine));
      for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{band_, bandMean_}) {
        chart_->addSeries(s);
        s->attachAxis(axisX_);
        s->attachAxis(axisY_);
      }
    }
    QList<QPointF> upper, lower, mean;
    upper.reserve(static_cast<qsizetype>(bandX_.size()));
    lower.reserve(static_cast<qsizetype>(bandX_.size()));
    mean.reserve(static_cast<qsizetype>(bandX_.size()));
    for (size_t i = 0; i < bandX_.size(); ++i) {
      upper.append(QPointF(bandX_[i], bandMax_[i]));
      lower.append(QPointF(bandX_[i], bandMin_[i]));
      mean.append(QPointF(bandX_[i], bandMeanY_[i]));
    }
    bandUpper_->replace(upper);
    bandLower_->replace(lower);
    bandMean_->replace(mean);
  } else if (band_) {
    chart_->removeSeries(band_);
    chart_->removeSeries(bandMean_);
    delete band_;  // owns its upper and lower series
    delete bandMean_;
    band_ = nullptr;
    bandUpper_ = nullptr;
    bandLower_ = nullptr;
    bandMean_ = nullptr;
  }
  axisX_->setRange(visibleMin, visibleMax);
  axisY_->setRange(visibleYMin, visibleYMax);
  // No y title: the metric is named beside the chart (its chooser), and a rotated name longer
  // than the plot is high was elided ("train/episode_re...").
  updateTicks();
  settingAxes_ = false;
}

void CurveChart::onXRangeChanged() {
  if (settingAxes_) return;
  // A rubber-band zoom (or scroll): keep the user's range and re-decimate for it.
  zoomed_ = true;
  redrawTimer_->start();
}

}  // namespace palaestra
