#pragma once
// Observation and action spaces: bounded boxes, discrete and multi-discrete.
// Every space is carried as a flat float vector so that a batch of them is one
// contiguous matrix (discrete choices are stored as whole-number floats).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace palaestra {

enum class SpaceKind { Box, Discrete, MultiDiscrete };

struct Space {
  SpaceKind kind = SpaceKind::Box;
  std::vector<float> low;   // Box: lower bound per dimension (may be -inf)
  std::vector<float> high;  // Box: upper bound per dimension (may be +inf)
  std::vector<int> counts;  // Discrete: {n}; MultiDiscrete: choices per dimension
  float quantum = 0.0f;     // Box: the env applies only multiples of this (0: any value); whoever
                            // hands actions to the env rounds them to it first, so that the action
                            // log holds what was applied and compresses to a few bits per value

  /// A box of `dims` dimensions, each within [low, high].
  static Space box(int dims, float low, float high);
  /// A box with its own bounds per dimension.
  static Space box(std::vector<float> low, std::vector<float> high);
  /// One choice among n.
  static Space discrete(int n);
  /// One choice per dimension, dimension i among counts[i].
  static Space multiDiscrete(std::vector<int> counts);

  /// Number of floats a value of this space occupies.
  int size() const;
  /// Whether a value lies in the space (finite, within bounds, whole choices in range).
  bool contains(std::span<const float> value) const;
  /// Human-readable description, e.g. "Box(24, [-inf, inf])", "Box(2, [-1, 1], quantum 0.03125)"
  /// or "Discrete(12)".
  std::string describe() const;
  /// Rounds rows x size() Box values to the nearest multiple of quantum within the bounds (values
  /// must be within bounds already); a no-op without a quantum or for discrete spaces. Every
  /// producer of env actions calls it after bounding, so the env and the action log see the same.
  void quantize(std::span<float> values) const;
};

}  // namespace palaestra
