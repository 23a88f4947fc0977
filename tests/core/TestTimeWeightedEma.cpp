// Tests of the learning-curve smoothing math: W&B's time-weighted debiased EMA
// (constant series stay constant, first value is raw, independent of logging
// rate and series length, NaN skipped, bad input refused) and min/max bands.
#include <QtTest>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "metrics/TimeWeightedEma.h"

using namespace palaestra;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> range(double first, double step, int count) {
  std::vector<double> v;
  for (int i = 0; i < count; ++i) v.push_back(first + step * i);
  return v;
}

// A learning curve shape: rises fast, then saturates, with a wobble.
double curve(double x) { return 100.0 * (1.0 - std::exp(-x / 2000.0)) + 5.0 * std::sin(x / 700.0); }

}  // namespace

class TestTimeWeightedEma : public QObject {
  Q_OBJECT

 private slots:
  void constantSeriesStaysExactlyConstant() {
    for (double c : {0.1 + 0.2, -1234.5678, 1e-300, 7.0}) {
      for (double smoothing : {0.0, 0.3, 0.9, 0.99, 0.999999}) {
        const auto x = range(0.0, 2048.0, 5000);
        const std::vector<double> y(x.size(), c);
        const auto s = smoothTimeWeightedEma(x, y, smoothing, 2048.0);
        for (size_t i = 0; i < s.size(); ++i)
          if (s[i] != c)
            QFAIL(qPrintable(QString("constant %1 smoothing %2: index %3 gave %4")
                                 .arg(c, 0, 'g', 17).arg(smoothing).arg(i).arg(s[i], 0, 'g', 17)));
      }
    }
    // Also with irregular spacing of x.
    std::vector<double> x{0.0, 0.5, 3.0, 3.25, 100.0, 101.0, 1e6};
    const std::vector<double> y(x.size(), 0.7);
    for (double v : smoothTimeWeightedEma(x, y, 0.95, 1.0)) QCOMPARE(v, 0.7);
  }

  void firstValueIsTheFirstRawValue() {
    const std::vector<double> x{10.0, 20.0, 30.0};
    const std::vector<double> y{-50.0, 100.0, 100.0};
    for (double smoothing : {0.1, 0.6, 0.99}) {
      const auto s = smoothTimeWeightedEma(x, y, smoothing, 10.0);
      QCOMPARE(s[0], -50.0);  // debiased: not pulled towards 0
      QVERIFY(s[1] > -50.0 && s[1] < 100.0);
      QVERIFY(s[2] > s[1] && s[2] < 100.0);
    }
  }

  void matchesTheDefinition() {
    // Weighted mean with weight w^(distance / scale), w = sqrt(smoothing), computed directly.
    const std::vector<double> x{0.0, 1.0, 3.0, 3.5, 10.0};
    const std::vector<double> y{1.0, 4.0, -2.0, 8.0, 3.0};
    const double smoothing = 0.64, scale = 2.0, w = 0.8;
    const auto s = smoothTimeWeightedEma(x, y, smoothing, scale);
    for (size_t i = 0; i < x.size(); ++i) {
      double num = 0.0, den = 0.0;
      for (size_t k = 0; k <= i; ++k) {
        const double weight = std::pow(w, (x[i] - x[k]) / scale);
        num += weight * y[k];
        den += weight;
      }
      QVERIFY2(std::abs(s[i] - num / den) < 1e-12, qPrintable(QString::number(i)));
    }
    // The weight is capped at 0.999 as W&B does: smoothing 0.9999999 behaves like 0.998001.
    const auto capped = smoothTimeWeightedEma(x, y, 0.9999999, scale);
    const auto at = smoothTimeWeightedEma(x, y, 0.999 * 0.999, scale);
    for (size_t i = 0; i < x.size(); ++i) QVERIFY(std::abs(capped[i] - at[i]) < 1e-9);
  }

  void zeroSmoothingIsRaw() {
    const std::vector<double> x{1.0, 2.0, 3.0};
    const std::vector<double> y{1e20, 1.0, -3.0};
    const auto s = smoothTimeWeightedEma(x, y, 0.0);
    QCOMPARE(s, y);
  }

  void independentOfLoggingRate() {
    // The same curve logged every step and every 10 steps smooths to nearly the same line:
    // the decay follows x, not the number of points. (Plain EMA would differ by ~10x here.)
    const double scale = 10.0;
    const auto fineX = range(0.0, 1.0, 10001);
    const auto coarseX = range(0.0, 10.0, 1001);
    std::vector<double> fineY, coarseY;
    for (double v : fineX) fineY.push_back(curve(v));
    for (double v : coarseX) coarseY.push_back(curve(v));
    const double smoothing = 0.9;
    const auto fine = smoothTimeWeightedEma(fineX, fineY, smoothing, scale);
    const auto coarse = smoothTimeWeightedEma(coarseX, coarseY, smoothing, scale);
    double worst = 0.0, lag = 0.0;
    for (size_t i = 0; i < coarseX.size(); ++i) {
      worst = std::max(worst, std::abs(coarse[i] - fine[i * 10]));
      lag = std::max(lag, std::abs(fine[i * 10] - fineY[i * 10]));
    }
    // Coarser sampling lags by about half its spacing (5 x at most slope 0.05 = 0.25),
    // far less than the smoothing itself moves the curve.
    QVERIFY2(worst < 0.3, qPrintable(QString("max difference %1").arg(worst)));
    QVERIFY2(lag > 3.0 * worst, qPrintable(QString("smoothing moved it by only %1").arg(lag)));
  }

  void appendingPointsKeepsEarlierValues() {
    const auto x = range(0.0, 3.0, 400);
    std::vector<double> y;
    for (double v : x) y.push_back(curve(v * 17.0));
    const auto full = smoothTimeWeightedEma(x, y, 0.95, 3.0);
    for (size_t n : {1u, 2u, 57u, 399u}) {
      const auto part = smoothTimeWeightedEma(std::span(x).first(n), std::span(y).first(n), 0.95, 3.0);
      for (size_t i = 0; i < n; ++i) QCOMPARE(part[i], full[i]);
    }
  }

  void accumulatorMatchesTheWholeSeriesBitForBit() {
    const auto x = range(0.0, 3.0, 400);
    std::vector<double> y;
    for (double v : x) y.push_back(curve(v * 17.0));
    y[7] = kNaN;
    for (double smoothing : {0.0, 0.6, 0.95}) {
      const auto full = smoothTimeWeightedEma(x, y, smoothing, 3.0);
      TimeWeightedEmaAccumulator accumulator(smoothing, 3.0);
      for (size_t i = 0; i < x.size(); ++i) {
        const double v = accumulator.push(x[i], y[i]);
        QVERIFY(std::isnan(v) ? std::isnan(full[i]) : v == full[i]);
      }
      QCOMPARE(accumulator.count(), x.size());
    }
    TimeWeightedEmaAccumulator accumulator(0.5, 1.0);
    accumulator.push(1.0, 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, accumulator.push(1.0, 2.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, accumulator.push(kNaN, 2.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TimeWeightedEmaAccumulator(1.0, 1.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TimeWeightedEmaAccumulator(0.5, 0.0));
  }

  void nanValuesAreSkipped() {
    const std::vector<double> x{0.0, 1.0, 2.0, 3.0, 4.0};
    const std::vector<double> y{kNaN, 2.0, kNaN, std::numeric_limits<double>::infinity(), 4.0};
    const auto s = smoothTimeWeightedEma(x, y, 0.5, 1.0);
    QVERIFY(std::isnan(s[0]));  // nothing seen yet
    QCOMPARE(s[1], 2.0);        // the first finite value, raw
    QCOMPARE(s[2], 2.0);        // carried, not NaN
    QCOMPARE(s[3], 2.0);        // infinity skipped as well
    // At x = 4 only the points at 1 and 4 count: weights w^3 and 1 (w = sqrt(0.5)).
    const double w3 = std::pow(std::sqrt(0.5), 3.0);
    QVERIFY(std::abs(s[4] - (w3 * 2.0 + 4.0) / (w3 + 1.0)) < 1e-12);
    // Raw (smoothing 0) also carries the last value across gaps.
    const auto raw = smoothTimeWeightedEma(x, y, 0.0);
    QVERIFY(std::isnan(raw[0]));
    QCOMPARE(raw[2], 2.0);
    QCOMPARE(raw[4], 4.0);
    QVERIFY(smoothTimeWeightedEma(std::span<const double>(), std::span<const double>(), 0.5).empty());
  }

  void badInputIsRefused() {
    const std::vector<double> x{0.0, 1.0, 2.0};
    const std::vector<double> y{1.0, 2.0, 3.0};
    auto message = [](auto&& call) -> QString {
      try {
        call();
      } catch (const std::invalid_argument& e) {
        return e.what();
      }
      return "no exception";
    };
    QVERIFY(message([&] { smoothTimeWeightedEma(x, std::span(y).first(2), 0.5); })
                .contains("x has 3 values but y has 2"));
    const std::vector<double> repeated{0.0, 1.0, 1.0};
    QVERIFY(message([&] { smoothTimeWeightedEma(repeated, y, 0.5); }).contains("strictly increasing"));
    const std::vector<double> decreasing{0.0, 2.0, 1.0};
    QVERIFY(message([&] { smoothTimeWeightedEma(decreasing, y, 0.5); }).contains("x[2]"));
    const std::vector<double> nanX{0.0, kNaN, 2.0};
    QVERIFY(message([&] { smoothTimeWeightedEma(nanX, y, 0.5); }).contains("not finite"));
    for (double bad : {-0.1, 1.0, 2.0, kNaN})
      QVERIFY(message([&] { smoothTimeWeightedEma(x, y, bad); }).contains("smoothing must be in [0, 1)"));
    for (double bad : {0.0, -1.0, kNaN, std::numeric_limits<double>::infinity()})
      QVERIFY(message([&] { smoothTimeWeightedEma(x, y, 0.5, bad); }).contains("x scale"));
  }

  void resamplingInterpolatesInsideTheRangeOnly() {
    const std::vector<double> x{0.0, 10.0, 20.0};
    const std::vector<double> y{0.0, 100.0, kNaN};
    const std::vector<double> grid{-1.0, 0.0, 2.5, 10.0, 15.0};
    const auto r = resampleLinear(x, y, grid);
    QVERIFY(std::isnan(r[0]));
    QCOMPARE(r[1], 0.0);
    QCOMPARE(r[2], 25.0);
    QCOMPARE(r[3], 100.0);
    QVERIFY(std::isnan(r[4]));  // the NaN at 20 is left out, so 15 is beyond the curve
    QCOMPARE(uniformGrid(0.0, 1.0, 5), (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, uniformGrid(0.0, 1.0, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, uniformGrid(1.0, 1.0, 3));
  }

  void bandSpansTheSeeds() {
    // Three seeds logged at different steps; the third stopped early.
    std::vector<CurveSeries> seeds(3);
    seeds[0].x = {0.0, 100.0};
    seeds[0].y = {0.0, 10.0};
    seeds[1].x = {0.0, 50.0, 100.0};
    seeds[1].y = {2.0, 2.0, 2.0};
    seeds[2].x = {0.0, 40.0};
    seeds[2].y = {-4.0, 4.0};
    const auto grid = uniformGrid(0.0, 100.0, 11);
    const CurveBand band = minMaxBand(seeds, grid);
    QCOMPARE(band.x, grid);
    QCOMPARE(band.min[0], -4.0);
    QCOMPARE(band.max[0], 2.0);
    QCOMPARE(band.count[0], 3);
    QCOMPARE(band.mean[0], (0.0 + 2.0 - 4.0) / 3.0);
    QCOMPARE(band.count[4], 3);  // x = 40: the third seed's last point
    QCOMPARE(band.max[4], 4.0);
    QCOMPARE(band.count[5], 2);  // beyond the third seed
    QCOMPARE(band.min[5], 2.0);
    QCOMPARE(band.max[5], 5.0);
    QCOMPARE(band.max[10], 10.0);
    // No curves at all: NaN band, count 0.
    const CurveBand empty = minMaxBand({}, grid);
    QVERIFY(std::isnan(empty.min[3]) && empty.count[3] == 0);
    // A malformed curve is named.
    seeds[1].x = {0.0, 50.0, 50.0};
    try {
      minMaxBand(seeds, grid);
      QFAIL("no exception");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString(e.what()).contains("band curve 1"));
    }
  }
};

QTEST_GUILESS_MAIN(TestTimeWeightedEma)
#include "TestTimeWeightedEma.moc"
