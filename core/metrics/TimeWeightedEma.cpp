// Time-weighted EMA and min/max bands for learning curves.
#include "metrics/TimeWeightedEma.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace palaestra {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// W&B's cap: beyond it the curve would barely move at all.
constexpr double kMaxSmoothingWeight = 0.999;

// Throws unless x is finite and strictly increasing; `what` names the series in the message.
void checkAxis(std::span<const double> x, const std::string& what) {
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]))
      throw std::invalid_argument(what + ": x[" + std::to_string(i) + "] is not finite");
    if (i > 0 && !(x[i] > x[i - 1]))
      throw std::invalid_argument(what + ": x must be strictly increasing, but x[" +
                                  std::to_string(i) + "] = " + std::to_string(x[i]) +
                                  " follows x[" + std::to_string(i - 1) + "] = " +
                                  std::to_string(x[i - 1]));
  }
}

void checkSizes(size_t xs, size_t ys, const std::string& what) {
  if (xs != ys)
    throw std::invalid_argument(what + ": x has " + std::to_string(xs) + " values but y has " +
                                std::to_string(ys));
}

}  // namespace

TimeWeightedEmaAccumulator::TimeWeightedEmaAccumulator(double smoothing, double xScale)
    : xScale_(xScale), mean_(kNaN) {
  if (!(smoothing >= 0.0 && smoothing < 1.0))
    throw std::invalid_argument("smoothing must be in [0, 1), got " + std::to_string(smoothing));
  if (!(xScale > 0.0) || !std::isfinite(xScale))
    throw std::invalid_argument("smoothing x scale must be a positive number, got " +
                                std::to_string(xScale));
  weight_ = smoothing == 0.0 ? 0.0 : std::min(std::sqrt(smoothing), kMaxSmoothingWeight);
}

double TimeWeightedEmaAccumulator::push(double x, double y) {
  if (!std::isfinite(x))
    throw std::invalid_argument("smoothing: x[" + std::to_string(count_) + "] is not finite");
  if (count_ > 0 && !(x > lastX_))
    throw std::invalid_argument("smoothing: x must be strictly increasing, but x[" +
                                std::to_string(count_) + "] = " + std::to_string(x) + " follows x[" +
                                std::to_string(count_ - 1) + "] = " + std::to_string(lastX_));
  if (weight_ == 0.0) {
    // Raw, except that skipped points carry the previous value as they do when smoothing.
    if (std::isfinite(y)) mean_ = y;
  } else {
    // The running weighted mean is kept as a mean (not as sum / weight, as W&B's sample code
    // does) so that a constant series stays bit-exactly constant: y - mean is then exactly 0.
    // TensorBoard's spikes on constant series come from dividing two rounded sums.
    if (count_ > 0) totalWeight_ *= std::pow(weight_, (x - lastX_) / xScale_);
    if (std::isfinite(y)) {
      totalWeight_ += 1.0;
      // All earlier weight decayed to nothing (or this is the first point): the raw value.
      mean_ = totalWeight_ == 1.0 ? y : mean_ + (y - mean_) / totalWeight_;
    }
  }
  lastX_ = x;
  ++count_;
  return mean_;
}

std::vector<double> smoothTimeWeightedEma(std::span<const double> x, std::span<const double> y,
                                          double smoothing, double xScale) {
  checkSizes(x.size(), y.size(), "smoothing");
  TimeWeightedEmaAccumulator accumulator(smoothing, xScale);
  checkAxis(x, "smoothing");
  std::vector<double> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) out[i] = accumulator.push(x[i], y[i]);
  return out;
}

std::vector<double> resampleLinear(std::span<const double> x, std::span<const double> y,
                                   std::span<const double> grid) {
  checkSizes(x.size(), y.size(), "resampling");
  checkAxis(x, "resampling");
  std::vector<double> px, py;
  px.reserve(x.size());
  py.reserve(y.size());
  for (size_t i = 0; i < x.size(); ++i)
    if (std::isfinite(y[i])) {
      px.push_back(x[i]);
      py.push_back(y[i]);
    }

  std::vector<double> out(grid.size(), kNaN);
  if (px.empty()) return out;
  size_t j = 0;  // grid is usually increasing: walk forward, but stay correct for any order
  for (size_t g = 0; g < grid.size(); ++g) {
    const double gx = grid[g];
    if (!(gx >= px.front() && gx <= px.back())) continue;
    if (j >= px.size() || px[j] > gx) j = 0;
    while (j + 1 < px.size() && px[j + 1] <= gx) ++j;
    if (px[j] == gx || j + 1 == px.size()) {
      out[g] = py[j];
    } else {
      const double t = (gx - px[j]) / (px[j + 1] - px[j]);
      out[g] = py[j] + t * (py[j + 1] - py[j]);
    }
  }
  return out;
}

std::vector<double> uniformGrid(double first, double last, int count) {
  if (count < 2)
    throw std::invalid_argument("a grid needs at least 2 points, got " + std::to_string(count));
  if (!std::isfinite(first) || !std::isfinite(last) || !(last > first))
    throw std::invalid_argument("a grid needs finite ends with last > first, got " +
                                std::to_string(first) + " .. " + std::to_string(last));
  std::vector<double> grid(static_cast<size_t>(count));
  const double step = (last - first) / (count - 1);
  for (int i = 0; i < count; ++i) grid[static_cast<size_t>(i)] = first + step * i;
  grid.back() = last;  // exact end despite rounding
  return grid;
}

CurveBand minMaxBand(std::span<const CurveSeries> curves, std::span<const double> grid) {
  checkAxis(grid, "band grid");
  CurveBand band;
  band.x.assign(grid.begin(), grid.end());
  band.min.assign(grid.size(), kNaN);
  band.max.assign(grid.size(), kNaN);
  band.mean.assign(grid.size(), kNaN);
  band.count.assign(grid.size(), 0);
  std::vector<double> sum(grid.size(), 0.0);
  for (size_t c = 0; c < curves.size(); ++c) {
    const std::string what = "band curve " + std::to_string(c);
    checkSizes(curves[c].x.size(), curves[c].y.size(), what);
    checkAxis(curves[c].x, what);
    const std::vector<double> values = resampleLinear(curves[c].x, curves[c].y, grid);
    for (size_t g = 0; g < grid.size(); ++g) {
      const double v = values[g];
      if (std::isnan(v)) continue;
      band.min[g] = band.count[g] == 0 ? v : std::min(band.min[g], v);
      band.max[g] = band.count[g] == 0 ? v : std::max(band.max[g], v);
      sum[g] += v;
      ++band.count[g];
    }
  }
  for (size_t g = 0; g < grid.size(); ++g)
    if (band.count[g] > 0) band.mean[g] = sum[g] / band.count[g];
  return band;
}

}  // namespace palaestra
