#include "env/Space.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace palaestra {

Space Space::box(int dims, float low, float high) {
  if (dims <= 0) throw std::invalid_argument("Space::box: dims must be positive");
  return box(std::vector<float>(dims, low), std::vector<float>(dims, high));
}

Space Space::box(std::vector<float> low, std::vector<float> high) {
  if (low.size() != high.size() || low.empty())
    throw std::invalid_argument("Space::box: low and high must have the same non-zero size");
  for (size_t i = 0; i < low.size(); ++i)
    if (!(low[i] <= high[i])) throw std::invalid_argument("Space::box: low > high");
  Space s;
  s.kind = SpaceKind::Box;
  s.low = std::move(low);
  s.high = std::move(high);
  return s;
}

Space Space::discrete(int n) {
  if (n <= 0) throw std::invalid_argument("Space::discrete: n must be positive");
  Space s;
  s.kind = SpaceKind::Discrete;
  s.counts = {n};
  return s;
}

Space Space::multiDiscrete(std::vector<int> counts) {
  if (counts.empty()) throw std::invalid_argument("Space::multiDiscrete: no dimensions");
  for (int c : counts)
    if (c <= 0) throw std::invalid_argument("Space::multiDiscrete: counts must be positive");
  Space s;
  s.kind = SpaceKind::MultiDiscrete;
  s.counts = std::move(counts);
  return s;
}

int Space::size() const {
  switch (kind) {
    case SpaceKind::Box: return static_cast<int>(low.size());
    case SpaceKind::Discrete: return 1;
    case SpaceKind::MultiDiscrete: return static_cast<int>(counts.size());
  }
  return 0;
}

bool Space::contains(std::span<const float> value) const {
  if (static_cast<int>(value.size()) != size()) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    const float v = value[i];
    if (std::isnan(v)) return false;
    if (kind == SpaceKind::Box) {
      if (v < low[i] || v > high[i]) return false;
    } else {
      const int n = kind == SpaceKind::Discrete ? counts[0] : counts[i];
      if (v != std::floor(v) || v < 0 || v >= static_cast<float>(n)) return false;
    }
  }
  return true;
}

std::string Space::describe() const {
  std::ostringstream out;
  switch (kind) {
    case SpaceKind::Box: {
      float lo = low[0], hi = high[0];
      bool uniform = true;
      for (size_t i = 0; i < low.size(); ++i) uniform = uniform && low[i] == lo && high[i] == hi;
      out << "Box(" << low.size();
      if (uniform) out << ", [" << lo << ", " << hi << "]";
      out << ")";
      break;
    }
    case SpaceKind::Discrete: out << "Discrete(" << counts[0] << ")"; break;
    case SpaceKind::MultiDiscrete:
      out << "MultiDiscrete(";
      for (size_t i = 0; i < counts.size(); ++i) out << (i ? "," : "") << counts[i];
      out << ")";
      break;
  }
  return out.str();
}

}  // namespace palaestra
