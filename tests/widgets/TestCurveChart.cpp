// Tests of the learning-curve chart: CurveDecimator on a million points (bucket
// extremes, first and last kept, size bound), and CurveChart on a real SQLite
// run store in a temporary directory: one raw and one smoothed series per run,
// smoothed values equal to the core's time-weighted EMA, the x axis switch,
// the min/max band, live refresh of newly logged points, smoothing 0, zoom and
// reset, the hover text, the hover readout of every run's value at the mouse's
// x, round axis ticks (also after zooming), renaming a plotted run, and
// unknown metrics or runs shown as a message. The
// last test times setMetric and refresh on a run with a million points.
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>
#include <cmath>
#include <memory>
#include <vector>

#include "metrics/TimeWeightedEma.h"
#include "store/RunStore.h"
#include "widgets/CurveChart.h"
#include "widgets/CurveDecimator.h"
#include "widgets/RoundTicks.h"

using namespace palaestra;

namespace {

const std::string kMetric = "train/return_mean";

RunStore::Options fastOptions() {
  RunStore::Options options;
  options.busyTimeoutMs = 50;
  options.batchIntervalMs = 10;
  return options;
}

int64_t createRun(RunStore& store, const std::string& name) {
  NewRun run;
  run.name = name;
  run.env = "walker";
  return store.createRun(run);
}

// Points i in [from, to): step = (i + 1) * stepEvery, wall time = wallStart + i * wallEvery.
void logPoints(RunStore& store, int64_t runId, int from, int to, int64_t stepEvery,
               double wallStart, double wallEvery, int nanAt = -1) {
  for (int i = from; i < to; ++i) {
    const double value = i == nanAt ? std::nan("") : std::sin(i * 0.3) + 0.05 * i;
    store.logMetric(runId,
                    MetricPoint{(i + 1) * stepEvery, wallStart + i * wallEvery, kMetric, value});
  }
  store.flush();
}

QValueAxis* xAxisOf(QChart* chart) {
  return qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).first());
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return false;
    if (!std::isnan(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

class TestCurveChart : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void cleanup();

  void decimatorKeepsBucketExtremesFirstAndLast();
  void decimatorLeavesSmallCurvesAndRejectsBadInput();
  void chartHasRawAndSmoothedSeriesPerRun();
  void smoothedValuesEqualTheCoreEma();
  void wallTimeAxisChangesX();
  void episodesAxisCountsPoints();
  void groupedBandAppears();
  void refreshAppendsNewPoints();
  void zeroSmoothingGivesRawValues();
  void zoomAndReset();
  void tooltipNamesRunAndValues();
  void hoverReadoutShowsEveryRunAtTheMouse();
  void ticksAreRoundNumbers();
  void growingDataNeverReadsAsAZoomNorFloodsTheAxis();
  void renamedRunKeepsItsCurve();
  void unknownMetricOrRunGivesMessage();
  void liveRefreshSmoothsNewPointsLikeAFullPass();
  void newerLoadSupersedesOlderAndDeletionWaits();
  void millionPointsTiming();

 private:
  // Shows the test metric of `runs` from the fixture store and waits until it is drawn.
  void plot(CurveChart& chart, const QList<int64_t>& runs) {
    chart.setStore(store_.get());
    chart.setRuns(runs);
    chart.setMetric(QString::fromStdString(kMetric));
    chart.waitForLoad();
  }

  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<RunStore> store_;
  int64_t alpha_ = 0;
  int64_t beta_ = 0;
};

void TestCurveChart::init() {
  dir_ = std::make_unique<QTemporaryDir>();
  QVERIFY(dir_->isValid());
  store_ = std::make_unique<RunStore>(dir_->filePath("runs.sqlite").toStdString(),
                                      RunStore::OpenMode::CreateOrOpen, fastOptions());
  alpha_ = createRun(*store_, "alpha");
  beta_ = createRun(*store_, "beta");
  logPoints(*store_, alpha_, 0, 100, 1000, 1000.0, 2.0, /*nanAt=*/10);
  logPoints(*store_, beta_, 0, 80, 1250, 5000.0, 3.0);
}

void TestCurveChart::cleanup() {
  store_.reset();
  dir_.reset();
}

void TestCurveChart::decimatorKeepsBucketExtremesFirstAndLast() {
  const size_t n = 1000000;
  std::vector<double> x(n), y(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = static_cast<double>(i);
    y[i] = std::sin(i * 1e-4) + 0.3 * std::sin(i * 0.37) + (i % 9973 == 0 ? 5.0 : 0.0);
  }
  const int buckets = 500;
  const QList<QPointF> out = CurveDecimator::decimate(x, y, x.front(), x.back(), buckets);
  QVERIFY(out.size() <= 2 * buckets);
  QVERIFY(out.size() > buckets);
  QCOMPARE(out.front(), QPointF(x.front(), y.front()));
  QCOMPARE(out.back(), QPointF(x.back(), y.back()));
  for (qsizetype i = 1; i < out.size(); ++i) QVERIFY(out[i].x() > out[i - 1].x());

  // Every bucket's min and max (over the points between first and last) are among the output.
  const int inner = buckets - 1;
  const double span = x.back() - x.front();
  std::vector<double> bucketMin(inner, INFINITY), bucketMax(inner, -INFINITY);
  for (size_t i = 1; i + 1 < n; ++i) {
    const int b =
        std::min(inner - 1, static_cast<int>(std::floor((x[i] - x.front()) / span * inner)));
    bucketMin[b] = std::min(bucketMin[b], y[i]);
    bucketMax[b] = std::max(bucketMax[b], y[i]);
  }
  for (int b = 0; b < inner; ++b) {
    const double lo = x.front() + span * b / inner;
    const double hi = x.front() + span * (b + 1) / inner;
    bool foundMin = false, foundMax = false;
    for (const QPointF& p : out) {
      if (p.x() < lo - 1 || p.x() > hi + 1) continue;
      foundMin = foundMin || p.y() == bucketMin[b];
      foundMax = foundMax || p.y() == bucketMax[b];
    }
    QVERIFY2(foundMin && foundMax, qPrintable(QStringLiteral("bucket %1 lost an extreme").arg(b)));
  }

  // A zoomed range: only the visible points plus one neighbour each side.
  const QList<QPointF> zoomed = CurveDecimator::decimate(x, y, 1000.0, 1100.0, buckets);
  QCOMPARE(zoomed.size(), 103);
  QCOMPARE(zoomed.front().x(), 999.0);
  QCOMPARE(zoomed.back().x(), 1101.0);
}

void TestCurveChart::decimatorLeavesSmallCurvesAndRejectsBadInput() {
  const std::vector<double> x{0, 1, 2, 3, 4};
  const std::vector<double> y{1, std::nan(""), 3, 4, 5};
  const QList<QPointF> out = CurveDecimator::decimate(x, y, 0, 4, 10);
  QCOMPARE(out.size(), 4);  // the NaN point is left out
  QCOMPARE(out[1], QPointF(2, 3));
  QVERIFY(CurveDecimator::decimate(x, y, 0, 4, 1).isEmpty());
  QVERIFY(CurveDecimator::decimate(x, std::vector<double>{1, 2}, 0, 4, 10).isEmpty());
  QVERIFY(CurveDecimator::decimate(x, y, 4, 0, 10).isEmpty());
  QVERIFY(CurveDecimator::decimate({}, {}, 0, 4, 10).isEmpty());
}

void TestCurveChart::chartHasRawAndSmoothedSeriesPerRun() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  QVERIFY(chart.message().isEmpty());
  QCOMPARE(chart.chart()->series().size(), 4);
  QVERIFY(chart.rawSeries(alpha_) && chart.smoothedSeries(alpha_));
  QVERIFY(chart.rawSeries(beta_) && chart.smoothedSeries(beta_));
  QCOMPARE(chart.rawSeries(alpha_)->count(), 99);  // 100 points, one NaN
  QCOMPARE(chart.smoothedSeries(alpha_)->count(),
           100);  // the NaN carries the previous smoothed value
  QCOMPARE(chart.rawSeries(beta_)->count(), 80);
  QCOMPARE(chart.smoothedSeries(beta_)->count(), 80);
  QCOMPARE(chart.smoothedSeries(alpha_)->name(), QStringLiteral("alpha"));
  QCOMPARE(chart.smoothedSeries(beta_)->name(), QStringLiteral("beta"));
  QVERIFY(chart.smoothedSeries(alpha_)->pen().color() !=
          chart.smoothedSeries(beta_)->pen().color());
  QVERIFY(chart.rawSeries(alpha_)->pen().color().alpha() < 255);
  QCOMPARE(chart.rawSeries(alpha_)->at(0), QPointF(1000, std::sin(0.0)));
}

void TestCurveChart::smoothedValuesEqualTheCoreEma() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  chart.setSmoothing(0.8);
  // A thousandth of the x span over both runs: steps 1000 .. 100000.
  QCOMPARE(chart.smoothingXScale(), 99.0);
  for (int64_t run : {alpha_, beta_}) {
    const std::vector<double> expected =
        smoothTimeWeightedEma(chart.xValues(run), chart.rawValues(run), 0.8, 99.0);
    QVERIFY(sameValues(chart.smoothedValues(run), expected));
    QVERIFY(!sameValues(chart.smoothedValues(run), chart.rawValues(run)));
    const QLineSeries* series = chart.smoothedSeries(run);
    for (int i = 0; i < series->count(); ++i)
      QCOMPARE(series->at(i).y(), expected[static_cast<size_t>(i)]);
  }
}

void TestCurveChart::wallTimeAxisChangesX() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  QCOMPARE(chart.smoothedSeries(beta_)->at(1).x(), 2500.0);
  chart.setXAxis(CurveChart::XAxis::WallTime);
  QCOMPARE(chart.xValues(alpha_)[5], 10.0);
  QCOMPARE(chart.xValues(beta_)[5], 15.0);
  QCOMPARE(chart.smoothedSeries(beta_)->at(0).x(), 0.0);
  QCOMPARE(chart.smoothedSeries(beta_)->at(1).x(), 3.0);
  QCOMPARE(xAxisOf(chart.chart())->max(), 237.0);  // beta's last point: 79 * 3 s
  QCOMPARE(chart.smoothingXScale(), 0.237);
}

void TestCurveChart::episodesAxisCountsPoints() {
  CurveChart chart;
  plot(chart, {alpha_});
  chart.setXAxis(CurveChart::XAxis::Episodes);
  QCOMPARE(chart.xValues(alpha_).front(), 1.0);
  QCOMPARE(chart.xValues(alpha_).back(), 100.0);
}

void TestCurveChart::groupedBandAppears() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  QVERIFY(chart.bandSeries() == nullptr);
  chart.setGroupedBand(true);
  QVERIFY(chart.bandSeries() != nullptr);
  QVERIFY(chart.chart()->series().contains(chart.bandSeries()));
  QVERIFY(chart.bandMeanSeries() != nullptr);
  const QLineSeries* upper = chart.bandSeries()->upperSeries();
  const QLineSeries* lower = chart.bandSeries()->lowerSeries();
  QVERIFY(upper->count() > 100);
  QCOMPARE(upper->count(), lower->count());
  bool spread = false;
  for (int i = 0; i < upper->count(); ++i) {
    QVERIFY(upper->at(i).y() >= lower->at(i).y());
    const double mean = chart.bandMeanSeries()->at(i).y();
    QVERIFY(mean >= lower->at(i).y() - 1e-12 && mean <= upper->at(i).y() + 1e-12);
    spread = spread || upper->at(i).y() > lower->at(i).y();
  }
  QVERIFY(spread);
  chart.setGroupedBand(false);
  QVERIFY(chart.bandSeries() == nullptr);
  QCOMPARE(chart.chart()->series().size(), 4);
}

void TestCurveChart::refreshAppendsNewPoints() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  const QLineSeries* rawBefore = chart.rawSeries(alpha_);
  chart.refresh();  // nothing new
  QCOMPARE(chart.rawValues(alpha_).size(), size_t{100});
  logPoints(*store_, alpha_, 100, 120, 1000, 1000.0, 2.0);
  chart.refresh();
  QCOMPARE(chart.rawValues(alpha_).size(), size_t{120});
  QCOMPARE(chart.rawValues(beta_).size(), size_t{80});
  QCOMPARE(chart.rawSeries(alpha_), rawBefore);  // series kept, refilled
  QCOMPARE(chart.rawSeries(alpha_)->count(), 119);
  QCOMPARE(chart.rawSeries(alpha_)->at(118).x(), 120000.0);
  QCOMPARE(xAxisOf(chart.chart())->max(), 120000.0);
  const std::vector<double> expected = smoothTimeWeightedEma(
      chart.xValues(alpha_), chart.rawValues(alpha_), chart.smoothing(), chart.smoothingXScale());
  QVERIFY(sameValues(chart.smoothedValues(alpha_), expected));
}

void TestCurveChart::zeroSmoothingGivesRawValues() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  chart.setSmoothing(0.0);
  // Equal wherever the raw value is finite; at the NaN the core carries the previous value.
  const std::vector<double> raw = chart.rawValues(alpha_);
  const std::vector<double> smoothed = chart.smoothedValues(alpha_);
  QCOMPARE(smoothed.size(), raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    QCOMPARE(smoothed[i], std::isnan(raw[i]) ? raw[i - 1] : raw[i]);
  }
  for (int i = 0; i < chart.smoothedSeries(beta_)->count(); ++i) {
    QCOMPARE(chart.smoothedSeries(beta_)->at(i), chart.rawSeries(beta_)->at(i));
  }
  QVERIFY(sameValues(chart.smoothedValues(beta_), chart.rawValues(beta_)));
  chart.setSmoothing(5.0);  // clamped
  QCOMPARE(chart.smoothing(), 0.99);
}

void TestCurveChart::zoomAndReset() {
  CurveChart chart;
  chart.resize(800, 500);
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  plot(chart, {alpha_, beta_});
  QValueAxis* axis = xAxisOf(chart.chart());
  QCOMPARE(axis->max(), 100000.0);
  const QRectF plot = chart.chart()->plotArea();
  chart.chart()->zoomIn(QRectF(plot.left(), plot.top(), plot.width() / 4, plot.height()));
  QVERIFY(axis->max() < 30000.0);
  QTRY_VERIFY(chart.rawSeries(alpha_)->count() < 40);  // re-decimated for the visible range
  chart.resetZoom();
  QCOMPARE(axis->min(), 1000.0);
  QCOMPARE(axis->max(), 100000.0);
  QCOMPARE(chart.rawSeries(alpha_)->count(), 99);
}

void TestCurveChart::tooltipNamesRunAndValues() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  const QString text = chart.tooltipText(beta_, 2600.0);  // nearest point: step 2500
  QVERIFY2(text.contains("beta") && text.contains("2500"), qPrintable(text));
  QVERIFY2(text.contains(QString::number(chart.rawValues(beta_)[1], 'g', 6)), qPrintable(text));
  QVERIFY2(text.contains(QString::number(chart.smoothedValues(beta_)[1], 'g', 6)),
           qPrintable(text));
  QVERIFY(chart.tooltipText(9999, 1.0).isEmpty());
}

namespace {

// True if `interval` is 1, 2 or 5 times a power of ten.
bool isRound(double interval) {
  const double mantissa = interval / std::pow(10.0, std::floor(std::log10(interval)));
  return std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
         std::abs(mantissa - 5) < 1e-9;
}

// Waits until the plot area has stopped moving (round tick labels take their width after the
// first layout, which moves the plot once or twice).
void waitForSettledPlot(CurveChart& chart) {
  QRectF before;
  for (int i = 0; i < 50 && chart.chart()->plotArea() != before; ++i) {
    before = chart.chart()->plotArea();
    QTest::qWait(30);
  }
}

// The chart view's viewport position of the value (x, y) on the axes of `series`.
QPoint viewportPosOf(CurveChart& chart, QLineSeries* series, double x, double y) {
  const QPointF inChart = chart.chart()->mapToPosition(QPointF(x, y), series);
  return chart.chartView()->mapFromScene(chart.chart()->mapToScene(inChart));
}

}  // namespace

void TestCurveChart::hoverReadoutShowsEveryRunAtTheMouse() {
  CurveChart chart;
  chart.resize(900, 500);
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  plot(chart, {alpha_, beta_});
  QTRY_VERIFY(chart.chart()->plotArea().width() > 300);

  // At step 50,000: alpha's point 50 (index 49) and beta's point 40 (index 39, step 50,000).
  const QString text = chart.readoutText(50000.0);
  QVERIFY2(text.contains("step 50") && text.contains("alpha") && text.contains("beta"),
           qPrintable(text));
  QVERIFY2(text.contains(QString::number(chart.smoothedValues(alpha_)[49], 'g', 6)),
           qPrintable(text));
  QVERIFY2(text.contains(QString::number(chart.rawValues(alpha_)[49], 'g', 6)), qPrintable(text));
  QVERIFY2(text.contains(QString::number(chart.smoothedValues(beta_)[39], 'g', 6)),
           qPrintable(text));
  // Before every run's first point there is nothing to read.
  QVERIFY(chart.readoutText(0.0).isEmpty());

  // The mouse over the plot shows it, with the x under the cursor; off the plot it goes away.
  QVERIFY(chart.readout()->isHidden());
  waitForSettledPlot(chart);
  const QPoint at = viewportPosOf(chart, chart.smoothedSeries(alpha_), 50000.0, 1.0);
  QTest::mouseMove(chart.chartView()->viewport(), at);
  QTRY_VERIFY(chart.readout()->isVisible());
  const double x = chart.xAtViewportPos(at);
  QVERIFY2(std::abs(x - 50000.0) < 400.0, qPrintable(QString::number(x)));
  QCOMPARE(chart.readout()->text(), chart.readoutText(x));
  QVERIFY(chart.readout()->geometry().intersects(chart.chartView()->viewport()->rect()));
  QTest::mouseMove(chart.chartView()->viewport(), QPoint(1, 1));
  QTRY_VERIFY(chart.readout()->isHidden());
  QVERIFY(std::isnan(chart.xAtViewportPos(QPoint(1, 1))));
}

// A run that starts with one point and grows to 50M steps, then a new run whose points arrive
// live: the axes follow the data with a few round ticks, never read as a user zoom.
void TestCurveChart::growingDataNeverReadsAsAZoomNorFloodsTheAxis() {
  const int64_t gamma = createRun(*store_, "gamma");
  logPoints(*store_, gamma, 0, 1, 1000, 0.0, 1.0);
  CurveChart chart;
  chart.resize(900, 500);
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  plot(chart, {gamma});
  QValueAxis* x = xAxisOf(chart.chart());
  auto tickCount = [&] { return (x->max() - x->min()) / x->tickInterval(); };
  QVERIFY2(tickCount() <= 40, qPrintable(QString::number(tickCount())));

  logPoints(*store_, gamma, 1, 200, 250000, 1.0, 1.0);
  chart.refresh();
  chart.waitForLoad();
  QTRY_VERIFY(x->max() >= 200 * 250000.0);
  QVERIFY2(tickCount() <= 40, qPrintable(QString::number(tickCount())));

  // A new run with no points yet is shown alone; its points arrive while it trains.
  const int64_t delta = createRun(*store_, "delta");
  chart.setRuns({delta});
  chart.waitForLoad();
  logPoints(*store_, delta, 0, 1, 200000, 0.0, 1.0);
  chart.refresh();
  chart.waitForLoad();
  logPoints(*store_, delta, 1, 300, 200000, 0.0, 1.0);
  chart.refresh();
  chart.waitForLoad();
  QTRY_VERIFY(x->max() >= 300 * 200000.0);
  QVERIFY2(tickCount() <= 40, qPrintable(QString::number(tickCount())));
  QCOMPARE(x->tickType(), QValueAxis::TicksDynamic);

  // A range narrower than its values' precision allows (Qt gives one a single point) keeps fixed
  // ticks: a dynamic interval there would never step past the maximum (the app hung, 23 GB).
  QValueAxis narrow;
  narrow.setRange(5e7 - 1e-9, 5e7 + 1e-9);
  applyRoundTicks(&narrow, 800, 80);
  QCOMPARE(narrow.tickType(), QValueAxis::TicksFixed);
  narrow.setRange(5e7, 5e7 + 2000);
  applyRoundTicks(&narrow, 800, 80);
  QCOMPARE(narrow.tickType(), QValueAxis::TicksDynamic);
  QCOMPARE(narrow.tickInterval(), 200.0);
}

void TestCurveChart::ticksAreRoundNumbers() {
  QCOMPARE(roundTickInterval(0, 237568, 8), 50000.0);
  QCOMPARE(roundTickInterval(-248.5, 84.1, 5), 100.0);
  QCOMPARE(roundTickInterval(0, 1, 6), 0.2);
  QCOMPARE(roundTickInterval(3, 3, 5), 1.0);
  QCOMPARE(roundTickInterval(0, std::nan(""), 5), 1.0);
  QCOMPARE(tickDecimals(50000), 0);
  QCOMPARE(tickDecimals(1), 0);
  QCOMPARE(tickDecimals(0.2), 1);
  QCOMPARE(tickDecimals(0.05), 2);

  CurveChart chart;
  chart.resize(900, 500);
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  plot(chart, {alpha_, beta_});
  QTRY_VERIFY(chart.chart()->plotArea().width() > 300);
  for (int zoomed = 0; zoomed < 2; ++zoomed) {
    if (zoomed) {
      const QRectF area = chart.chart()->plotArea();
      chart.chart()->zoomIn(
          QRectF(area.left() + 37, area.top() + 11, area.width() / 3, area.height() / 2));
      QTest::qWait(50);  // the redraw after a zoom is queued
    }
    for (Qt::Orientation o : {Qt::Horizontal, Qt::Vertical}) {
      auto* axis = qobject_cast<QValueAxis*>(chart.chart()->axes(o).first());
      QCOMPARE(axis->tickType(), QValueAxis::TicksDynamic);
      QCOMPARE(axis->tickAnchor(), 0.0);
      QVERIFY2(isRound(axis->tickInterval()), qPrintable(QString::number(axis->tickInterval())));
      const double length = o == Qt::Horizontal ? chart.chart()->plotArea().width()
                                                : chart.chart()->plotArea().height();
      const double ticks = (axis->max() - axis->min()) / axis->tickInterval();
      QVERIFY2(ticks >= 1 && ticks <= length / 40 + 1, qPrintable(QString::number(ticks)));
      QCOMPARE(axis->labelFormat(), QString("%.%1f").arg(tickDecimals(axis->tickInterval())));
    }
  }
  // The steps axis labels whole numbers, no "8192.0".
  chart.resetZoom();
  QCOMPARE(xAxisOf(chart.chart())->labelFormat(), QString("%.0f"));
}

void TestCurveChart::renamedRunKeepsItsCurve() {
  CurveChart chart;
  plot(chart, {alpha_, beta_});
  QLineSeries* smooth = chart.smoothedSeries(alpha_);
  chart.setRunName(alpha_, QStringLiteral("alpha renamed"));
  QCOMPARE(chart.smoothedSeries(alpha_), smooth);
  QCOMPARE(smooth->name(), QString("alpha renamed"));
  QCOMPARE(chart.rawSeries(alpha_)->name(), QString("alpha renamed (raw)"));
  QVERIFY(chart.readoutText(50000.0).contains("alpha renamed"));
  QVERIFY(chart.tooltipText(alpha_, 50000.0).contains("alpha renamed"));
  chart.setRunName(9999, QStringLiteral("nobody"));  // not plotted: nothing happens
}

void TestCurveChart::unknownMetricOrRunGivesMessage() {
  CurveChart chart;
  QVERIFY(!chart.message().isEmpty());  // no store yet
  chart.setStore(store_.get());
  chart.setRuns({alpha_, beta_});
  chart.waitForLoad();
  chart.setMetric(QStringLiteral("no/such_metric"));
  chart.waitForLoad();
  QVERIFY(chart.chart()->series().isEmpty());
  QVERIFY2(chart.message().contains("no/such_metric"), qPrintable(chart.message()));
  QVERIFY2(chart.message().contains(QString::fromStdString(kMetric)), qPrintable(chart.message()));
  chart.refresh();  // still nothing, still no crash
  QVERIFY(chart.chart()->series().isEmpty());

  chart.setMetric(QString::fromStdString(kMetric));

  chart.waitForLoad();
  QVERIFY(chart.message().isEmpty());
  chart.setRuns({alpha_, 424242});
  chart.waitForLoad();
  QVERIFY2(chart.message().contains("424242"), qPrintable(chart.message()));
  QVERIFY(chart.rawSeries(alpha_) != nullptr);  // the known run is still plotted
  chart.setStore(nullptr);
  chart.waitForLoad();
  QVERIFY(chart.chart()->series().isEmpty());
  QVERIFY(!chart.message().isEmpty());
}

void TestCurveChart::liveRefreshSmoothsNewPointsLikeAFullPass() {
  const int64_t live = createRun(*store_, "live");
  logPoints(*store_, live, 0, 1000, 100, 1000.0, 1.0);
  CurveChart chart;
  chart.setStore(store_.get());
  chart.setRuns({live});
  chart.setMetric(QString::fromStdString(kMetric));
  chart.waitForLoad();
  const double scale = chart.smoothingXScale();
  QCOMPARE(scale, (100000.0 - 100.0) * 1e-3);
  // 2% more span: the scale stays, only the new points are smoothed, and they equal a full pass.
  logPoints(*store_, live, 1000, 1020, 100, 1000.0, 1.0);
  chart.refresh();
  QCOMPARE(chart.rawValues(live).size(), size_t{1020});
  QCOMPARE(chart.smoothingXScale(), scale);
  QVERIFY(sameValues(
      chart.smoothedValues(live),
      smoothTimeWeightedEma(chart.xValues(live), chart.rawValues(live), chart.smoothing(), scale)));
  // 50% more span: the scale is refixed to a thousandth of the new span.
  logPoints(*store_, live, 1020, 1500, 100, 1000.0, 1.0);
  chart.refresh();
  QCOMPARE(chart.smoothingXScale(), (150000.0 - 100.0) * 1e-3);
  QVERIFY(sameValues(chart.smoothedValues(live),
                     smoothTimeWeightedEma(chart.xValues(live), chart.rawValues(live),
                                           chart.smoothing(), chart.smoothingXScale())));
  QCOMPARE(chart.smoothedSeries(live)->count() > 0, true);
}

void TestCurveChart::newerLoadSupersedesOlderAndDeletionWaits() {
  {
    CurveChart chart;
    chart.setStore(store_.get());
    chart.setRuns({alpha_});
    chart.setMetric(QStringLiteral("no/such_metric"));
    chart.setRuns({beta_});
    chart.setMetric(QString::fromStdString(kMetric));
    QTRY_VERIFY_WITH_TIMEOUT(!chart.isLoading(), 10000);
    QVERIFY(chart.message().isEmpty());
    QVERIFY(chart.rawSeries(alpha_) == nullptr);
    QVERIFY(chart.rawSeries(beta_) != nullptr);
    QCOMPARE(chart.rawValues(beta_).size(), size_t{80});
    chart.refresh();  // nothing new: still the same points
    QCOMPARE(chart.rawValues(beta_).size(), size_t{80});
  }
  {
    // Destroyed while a load is reading: the destructor waits, the queued result is dropped.
    auto chart = std::make_unique<CurveChart>();
    chart->setStore(store_.get());
    chart->setRuns({alpha_, beta_});
    chart->setMetric(QString::fromStdString(kMetric));
    QVERIFY(chart->isLoading());
    chart.reset();
    QCoreApplication::processEvents();
  }
}

void TestCurveChart::millionPointsTiming() {
  const int64_t big = createRun(*store_, "big");
  const int n = 1000000;
  QElapsedTimer timer;
  timer.start();
  logPoints(*store_, big, 0, n, 10, 1000.0, 0.01);
  qInfo("logging %d points took %lld ms", n, static_cast<long long>(timer.elapsed()));

  timer.restart();
  const size_t read = store_->metricsAfterStep(big, kMetric, 0).size();
  qInfo("of which reading %zu points from SQLite alone: %lld ms", read,
        static_cast<long long>(timer.elapsed()));

  CurveChart chart;
  chart.resize(1000, 600);
  chart.setStore(store_.get());
  chart.setRuns({big});
  chart.waitForLoad();
  timer.restart();
  chart.setMetric(QString::fromStdString(kMetric));
  // The read happens on a worker thread: the GUI thread gets control back at once.
  QVERIFY(chart.isLoading());
  QCOMPARE(chart.message(), QStringLiteral("Loading curves..."));
  qInfo("setMetric returned to the GUI thread after %lld ms",
        static_cast<long long>(timer.elapsed()));
  // Wait like the event loop does (the worker posts its result), not with waitForLoad().
  QTRY_VERIFY_WITH_TIMEOUT(!chart.isLoading(), 30000);
  qInfo("setMetric with %d points until drawn (read on the worker, smooth, decimate): %lld ms", n,
        static_cast<long long>(timer.elapsed()));
  QCOMPARE(chart.rawValues(big).size(), static_cast<size_t>(n));
  QVERIFY(chart.rawSeries(big)->count() <= 2 * chart.decimationBuckets());
  QVERIFY(chart.smoothedSeries(big)->count() <= 2 * chart.decimationBuckets());

  logPoints(*store_, big, n, n + 1000, 10, 1000.0, 0.01);
  timer.restart();
  chart.refresh();
  qInfo("refresh with 1000 new points on top of %d: %lld ms", n,
        static_cast<long long>(timer.elapsed()));
  QCOMPARE(chart.rawValues(big).size(), static_cast<size_t>(n + 1000));
  timer.restart();
  chart.refresh();
  qInfo("refresh with nothing new: %lld ms", static_cast<long long>(timer.elapsed()));
}

QTEST_MAIN(TestCurveChart)
#include "TestCurveChart.moc"
