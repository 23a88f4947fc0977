#pragma once
// Learning-curve smoothing shared by the desktop charts and the CLI: W&B's
// time-weighted, debiased exponential moving average (TWEMA), and a min/max
// band over several runs (seeds of one group) resampled on a common x grid.
//
// TWEMA, as W&B documents it: with w = min(sqrt(smoothing), 0.999), every
// point i decays the weight of all earlier points by w^((x_i - x_{i-1}) / xScale)
// and enters with weight 1; the smoothed value is the weighted mean of the
// points so far. Because the decay follows the distance in x (not the point
// count), the same curve logged ten times as often smooths to nearly the same
// line; because it is a normalised mean (the debias term), the first value is
// the first raw value and a constant series stays exactly constant.
//
// W&B measures xScale as a fraction of the plotted x range, so its curves
// change while a run grows. Here the caller fixes xScale (e.g. a thousandth
// of the run's step budget), so appending points never changes earlier values.

#include <span>
#include <vector>

namespace palaestra {

/// The TWEMA of smoothTimeWeightedEma one point at a time, so a live chart smooths only the
/// points that arrived since its last update. Pushing the points of a series gives bit for bit
/// the values smoothTimeWeightedEma returns for it.
class TimeWeightedEmaAccumulator {
 public:
  /// An empty accumulator; throws std::invalid_argument for smoothing outside [0, 1) or xScale <= 0.
  TimeWeightedEmaAccumulator(double smoothing, double xScale);
  /// Adds the point (x, y) and returns the smoothed value at it; x must be finite and greater than
  /// the previous point's (std::invalid_argument otherwise); a non-finite y carries the last value.
  double push(double x, double y);
  /// Points pushed so far.
  size_t count() const { return count_; }

 private:
  double weight_;         // per-xScale decay of earlier points: min(sqrt(smoothing), 0.999); 0 = raw
  double xScale_;
  double mean_;           // running weighted mean (NaN before the first finite y)
  double totalWeight_ = 0.0;
  double lastX_ = 0.0;
  size_t count_ = 0;
};

/// Smoothed copy of y over x (strictly increasing, finite); smoothing in [0, 1), 0 returns y
/// unchanged. Non-finite y values are skipped: at their index the output carries the previous
/// smoothed value (NaN before the first finite value). A point's weight shrinks by the factor
/// sqrt(smoothing) for every xScale of x distance. Throws std::invalid_argument for sizes that
/// differ, x not strictly increasing or not finite, smoothing outside [0, 1), or xScale <= 0.
std::vector<double> smoothTimeWeightedEma(std::span<const double> x, std::span<const double> y,
                                          double smoothing, double xScale = 1.0);

/// One curve: x strictly increasing, y the same length (non-finite y values are ignored).
struct CurveSeries {
  std::vector<double> x;
  std::vector<double> y;
};

/// Spread of several curves on one x grid: at grid[i], the min, max and mean over the curves
/// whose x range covers grid[i] (count[i] of them; NaN where none does).
struct CurveBand {
  std::vector<double> x;
  std::vector<double> min;
  std::vector<double> max;
  std::vector<double> mean;
  std::vector<int> count;
};

/// y of the curve linearly interpolated at each grid x; NaN outside the curve's x range.
/// Non-finite y points are left out before interpolating. Throws std::invalid_argument
/// for sizes that differ or x not strictly increasing.
std::vector<double> resampleLinear(std::span<const double> x, std::span<const double> y,
                                   std::span<const double> grid);

/// `count` evenly spaced x values from first to last (both included); throws
/// std::invalid_argument for count < 2, non-finite ends or last <= first.
std::vector<double> uniformGrid(double first, double last, int count);

/// Min/max/mean band of `curves` resampled on `grid` (strictly increasing); throws
/// std::invalid_argument for a malformed curve or grid, naming the curve's index.
CurveBand minMaxBand(std::span<const CurveSeries> curves, std::span<const double> grid);

}  // namespace palaestra
