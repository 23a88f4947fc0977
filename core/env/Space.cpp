#include "env/Space.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

namespace {

// The multiple of `quantum` nearest `v` that lies within [lo, hi] (v itself is within them).
// One formula for quantize and contains, so a quantised value is always contained.
float nearestMultiple(float v, float quantum, float lo, float hi) {
  const float steps = std::round(v / quantum);
  float r = steps * quantum;
  // Bounds need not be multiples: step back inside rather than past them.
  if (r > hi) r = (steps - 1.0f) * quantum;
  if (r < lo) r = (steps + 1.0f) * quantum;
  return r;
}

}  // namespace

void Space::quantize(std::span<float> values) const {
  if (kind != SpaceKind::Box || quantum == 0.0f) return;
  const size_t d = low.size();
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t j = i % d;
    values[i] = nearestMultiple(values[i], quantum, low[j], high[j]);
  }
}

bool Space::contains(std::span<const float> value) const {
  if (static_cast<int>(value.size()) != size()) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    const float v = value[i];
    if (std::isnan(v)) return false;
    if (kind == SpaceKind::Box) {
      if (v < low[i] || v > high[i]) return false;
      // A multiple of quantum up to float rounding: whoever computed k * quantum (in float or
      // double) lands within a few ulps of the exact multiple.
      if (quantum > 0.0f) {
        const double k = std::round(static_cast<double>(v) / quantum);
        const double off = std::fabs(static_cast<double>(v) - k * quantum);
        if (off > 4.0 * std::numeric_limits<float>::epsilon() * std::max(std::fabs(v), quantum))
          return false;
      }
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
      if (quantum > 0.0f) out << ", quantum " << quantum;
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
