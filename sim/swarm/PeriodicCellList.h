#pragma once
// Neighbour search in a periodic square box: agents are binned into square cells of side >= the
// interaction radius by a counting sort (two passes over the agents, no comparisons), so every
// neighbour of an agent lies in its own cell or one of the 8 around it. Building is O(N) and
// allocation-free once configured; the positions are kept in cell order, so a scan over a cell's
// agents reads contiguous memory.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace palaestra::swarm {

class PeriodicCellList {
 public:
  /// One of the 9 cells around a cell, with the shift that brings its agents next to it across
  /// the periodic boundary.
  struct NeighbourCell {
    int cell;
    double shiftX, shiftY;
  };

  /// Sizes the grid for up to `capacity` agents in a box of side `boxSize` with cells of side at
  /// least `minCellSide`; allocates everything build() needs.
  void configure(int capacity, double boxSize, double minCellSide);
  /// Sorts `count` agents (positions in [0, boxSize)) into cells; allocation-free.
  void build(const double* x, const double* y, int count);

  /// Cells per side of the grid.
  int cellsPerSide() const { return cellsPerSide_; }
  /// Side of one cell.
  double cellSide() const { return cellSide_; }
  /// Number of cells.
  int cellCount() const { return cellsPerSide_ * cellsPerSide_; }
  /// First sorted position of cell c's agents (cellStart(c + 1) is one past its last).
  int cellStart(int c) const { return cellStart_[static_cast<size_t>(c)]; }
  /// The cell of a point in the box.
  int cellOf(double x, double y) const;
  /// The 9 cells around `cell` (itself included) with their periodic shifts.
  std::array<NeighbourCell, 9> neighbourCells(int cell) const;
  /// Agent index at each sorted position.
  const int* order() const { return order_.data(); }
  /// x of each sorted position.
  const double* sortedX() const { return sortedX_.data(); }
  /// y of each sorted position.
  const double* sortedY() const { return sortedY_.data(); }
  /// Sorted position of each agent.
  const int* rankOf() const { return rank_.data(); }
  /// Heap bytes reserved (for EnvSpec::memoryBytes).
  double reservedBytes() const;

 private:
  int cellsPerSide_ = 1;
  double boxSize_ = 1.0, cellSide_ = 1.0, inverseCellSide_ = 1.0;
  std::vector<int> cellOfAgent_, cellStart_, order_, rank_;
  std::vector<double> sortedX_, sortedY_;
};

}  // namespace palaestra::swarm
