#pragma once
// Min/max decimation of a curve for drawing: a line series with a million
// points stalls QChart, but a plot only has a few hundred pixel columns. Per
// column (bucket over the visible x range) the point with the smallest and the
// one with the largest y are kept, in x order, so spikes stay visible and the
// drawn line is the same as the full one at pixel resolution. The first and
// last points of the range are always kept so the line reaches the edges.

#include <QList>
#include <QPointF>
#include <span>

namespace palaestra {

class CurveDecimator {
 public:
  /// The points of (x, y) (x non-decreasing, same size) in [xMin, xMax], plus the nearest point
  /// outside on each side so the line reaches the edges, reduced to at most 2 * buckets points:
  /// the first and last of them, and the min and max y of each of buckets - 1 equal-width x
  /// buckets. Points with non-finite x or y are left out. Fewer points than that are returned
  /// unchanged. Returns nothing for buckets < 2, sizes that differ or xMax < xMin.
  static QList<QPointF> decimate(std::span<const double> x, std::span<const double> y,
                                 double xMin, double xMax, int buckets);
};

}  // namespace palaestra
