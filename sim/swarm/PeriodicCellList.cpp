#include "swarm/PeriodicCellList.h"

#include <algorithm>
#include <cmath>

namespace palaestra::swarm {

void PeriodicCellList::configure(int capacity, double boxSize, double minCellSide) {
  boxSize_ = boxSize;
  // As many cells as fit with side >= minCellSide, but no more than ~4 per agent: a tiny radius
  // in a huge box would otherwise ask for more cells than memory holds, and larger cells only
  // cost a few more distance checks.
  const double fit = std::floor(boxSize / minCellSide);
  const double cap = std::floor(2.0 * std::sqrt(static_cast<double>(std::max(capacity, 1)))) + 1;
  cellsPerSide_ = static_cast<int>(std::max(1.0, std::min(fit, cap)));
  cellSide_ = boxSize / cellsPerSide_;
  inverseCellSide_ = cellsPerSide_ / boxSize;
  const size_t n = static_cast<size_t>(std::max(capacity, 0));
  cellOfAgent_.assign(n, 0);
  order_.assign(n, 0);
  rank_.assign(n, 0);
  sortedX_.assign(n, 0.0);
  sortedY_.assign(n, 0.0);
  cellStart_.assign(static_cast<size_t>(cellCount()) + 1, 0);
}

int PeriodicCellList::cellOf(double x, double y) const {
  const int m = cellsPerSide_;
  const int cx = std::clamp(static_cast<int>(x * inverseCellSide_), 0, m - 1);
  const int cy = std::clamp(static_cast<int>(y * inverseCellSide_), 0, m - 1);
  return cy * m + cx;
}

void PeriodicCellList::build(const double* x, const double* y, int count) {
  const int cells = cellCount();
  std::fill(cellStart_.begin(), cellStart_.end(), 0);
  // Counting sort, stable in agent index: count per cell, prefix sums, then place.
  for (int i = 0; i < count; ++i) {
    const int c = cellOf(x[i], y[i]);
    cellOfAgent_[static_cast<size_t>(i)] = c;
    ++cellStart_[static_cast<size_t>(c) + 1];
  }
  for (int c = 0; c < cells; ++c) cellStart_[c + 1] += cellStart_[c];
  // cellStart_[c] is used as the next free slot of c while placing, then restored by shifting.
  for (int i = 0; i < count; ++i) {
    const int at = cellStart_[static_cast<size_t>(cellOfAgent_[static_cast<size_t>(i)])]++;
    order_[static_cast<size_t>(at)] = i;
    rank_[static_cast<size_t>(i)] = at;
    sortedX_[static_cast<size_t>(at)] = x[i];
    sortedY_[static_cast<size_t>(at)] = y[i];
  }
  for (int c = cells; c > 0; --c) cellStart_[c] = cellStart_[c - 1];
  cellStart_[0] = 0;
}

std::array<PeriodicCellList::NeighbourCell, 9> PeriodicCellList::neighbourCells(int cell) const {
  const int m = cellsPerSide_;
  const int cx = cell % m, cy = cell / m;
  std::array<NeighbourCell, 9> out{};
  int k = 0;
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      int nx = cx + dx, ny = cy + dy;
      double sx = 0, sy = 0;
      // Crossing an edge: the cell on the other side, its agents shifted by one box.
      if (nx < 0) nx += m, sx = -boxSize_;
      if (nx >= m) nx -= m, sx = boxSize_;
      if (ny < 0) ny += m, sy = -boxSize_;
      if (ny >= m) ny -= m, sy = boxSize_;
      out[static_cast<size_t>(k++)] = {ny * m + nx, sx, sy};
    }
  return out;
}

double PeriodicCellList::reservedBytes() const {
  return static_cast<double>(cellOfAgent_.capacity() + cellStart_.capacity() + order_.capacity() +
                             rank_.capacity()) *
             sizeof(int) +
         static_cast<double>(sortedX_.capacity() + sortedY_.capacity()) * sizeof(double);
}

}  // namespace palaestra::swarm
