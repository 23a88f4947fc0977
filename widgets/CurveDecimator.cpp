#include "widgets/CurveDecimator.h"

#include <algorithm>
#include <cmath>

namespace palaestra {

QList<QPointF> CurveDecimator::decimate(std::span<const double> x, std::span<const double> y,
                                        double xMin, double xMax, int buckets) {
  QList<QPointF> out;
  if (buckets < 2 || x.size() != y.size() || !(xMax >= xMin) || x.empty()) return out;
  const auto finite = [&](size_t i) { return std::isfinite(x[i]) && std::isfinite(y[i]); };

  // Index range: the visible points plus one neighbour outside on each side.
  size_t lo = static_cast<size_t>(std::lower_bound(x.begin(), x.end(), xMin) - x.begin());
  size_t hi = static_cast<size_t>(std::upper_bound(x.begin(), x.end(), xMax) - x.begin());
  if (lo > 0) --lo;
  if (hi < x.size()) ++hi;  // hi is one past the last index used
  while (lo < hi && !finite(lo)) ++lo;
  while (hi > lo && !finite(hi - 1)) --hi;
  if (lo >= hi) return out;
  const size_t first = lo;
  const size_t last = hi - 1;

  const size_t budget = 2 * static_cast<size_t>(buckets);
  if (last - first + 1 <= budget) {
    out.reserve(static_cast<qsizetype>(last - first + 1));
    for (size_t i = first; i <= last; ++i) {
      if (finite(i)) out.append(QPointF(x[i], y[i]));
    }
    return out;
  }

  // The first and last point take one bucket's worth of the budget, so buckets - 1 buckets
  // of two points each keep the total at 2 * buckets.
  const int inner = buckets - 1;
  const double span = xMax > xMin ? xMax - xMin : 1.0;
  out.reserve(static_cast<qsizetype>(budget));
  out.append(QPointF(x[first], y[first]));
  int bucket = -1;
  size_t minIndex = 0;
  size_t maxIndex = 0;
  const auto emitBucket = [&]() {
    if (bucket < 0) return;
    const size_t a = std::min(minIndex, maxIndex);
    const size_t b = std::max(minIndex, maxIndex);
    out.append(QPointF(x[a], y[a]));
    if (b != a) out.append(QPointF(x[b], y[b]));
  };
  for (size_t i = first + 1; i < last; ++i) {
    if (!finite(i)) continue;
    const double position = (x[i] - xMin) / span * inner;
    const int b = std::clamp(static_cast<int>(std::floor(position)), 0, inner - 1);
    if (b != bucket) {
      emitBucket();
      bucket = b;
      minIndex = i;
      maxIndex = i;
    } else {
      if (y[i] < y[minIndex]) minIndex = i;
      if (y[i] > y[maxIndex]) maxIndex = i;
    }
  }
  emitBucket();
  out.append(QPointF(x[last], y[last]));
  return out;
}

}  // namespace palaestra
