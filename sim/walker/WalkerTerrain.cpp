#include "walker/WalkerTerrain.h"

#include <algorithm>

namespace palaestra::walker {

namespace {

double signOf(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

std::vector<TerrainPoint> quad(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

}  // namespace

const std::vector<std::string>& terrainNames() {
  static const std::vector<std::string> names{"normal", "hardcore", "stump_tracks"};
  return names;
}

const std::string& terrainName(TerrainKind kind) {
  return terrainNames()[static_cast<size_t>(kind)];
}

double TerrainLayout::tallestObstacle() const {
  double tallest = 0;
  for (const auto& poly : obstacles) {
    double lo = poly.front().y, hi = poly.front().y;
    for (const auto& p : poly) {
      lo = std::min(lo, p.y);
      hi = std::max(hi, p.y);
    }
    tallest = std::max(tallest, hi - lo);
  }
  return tallest;
}

// Follows Gymnasium's _generate_terrain state machine step by step; numpy's
// integers(a, b) (b excluded) maps to rng.integer(a, b - 1).
TerrainLayout generateGymnasiumTerrain(bool hardcore, Rng& rng) {
  enum State { Grass, Stump, Stairs, Pit };
  TerrainLayout t;
  const double step = kTerrainStep;
  State state = Grass;
  double velocity = 0.0;
  double y = kTerrainHeight;
  int64_t counter = kTerrainStartpad;
  bool oneshot = false;
  int64_t stairSteps = 0, stairWidth = 0, stairHeight = 0;
  double originalY = 0;
  t.ground.reserve(kTerrainLength);
  for (int i = 0; i < kTerrainLength; ++i) {
    const double x = i * step;
    if (state == Grass && !oneshot) {
      velocity = 0.8 * velocity + 0.01 * signOf(kTerrainHeight - y);
      if (i > kTerrainStartpad) velocity += rng.uniform(-1.0, 1.0) / 30.0;
      y += velocity;
    } else if (state == Pit && oneshot) {
      counter = rng.integer(3, 4);
      t.obstacles.push_back(quad(x, y, x + step, y - 4 * step));
      const double shift = step * static_cast<double>(counter);
      t.obstacles.push_back(quad(x + shift, y, x + step + shift, y - 4 * step));
      counter += 2;
      originalY = y;
    } else if (state == Pit && !oneshot) {
      y = originalY;
      if (counter > 1) y -= 4 * step;
    } else if (state == Stump && oneshot) {
      counter = rng.integer(1, 2);
      const double size = static_cast<double>(counter) * step;
      t.obstacles.push_back(quad(x, y, x + size, y + size));
    } else if (state == Stairs && oneshot) {
      stairHeight = rng.uniform() > 0.5 ? 1 : -1;
      stairWidth = rng.integer(4, 4);
      stairSteps = rng.integer(3, 4);
      originalY = y;
      for (int64_t s = 0; s < stairSteps; ++s) {
        const double sx0 = x + static_cast<double>(s * stairWidth) * step;
        const double sx1 = x + static_cast<double>((1 + s) * stairWidth) * step;
        const double top = y + static_cast<double>(s * stairHeight) * step;
        const double bottom = y + static_cast<double>(-1 + s * stairHeight) * step;
        t.obstacles.push_back(quad(sx0, top, sx1, bottom));
      }
      counter = stairSteps * stairWidth;
    } else if (state == Stairs && !oneshot) {
      const int64_t s = stairSteps * stairWidth - counter - stairHeight;
      const double n = static_cast<double>(s) / static_cast<double>(stairWidth);
      y = originalY + (n * static_cast<double>(stairHeight)) * step;
    }
    oneshot = false;
    t.ground.push_back({x, y});
    counter -= 1;
    if (counter == 0) {
      counter = rng.integer(kTerrainGrass / 2, kTerrainGrass - 1);
      if (state == Grass && hardcore) {
        state = static_cast<State>(rng.integer(1, 3));
      } else {
        state = Grass;
      }
      oneshot = true;
    }
  }
  t.finishX = (kTerrainLength - kTerrainGrass) * step;
  t.spawnX = step * kTerrainStartpad / 2.0;
  return t;
}

// Follows TeachMyAgent's ParametricContinuousStumpTracks with only stumps
// (no roughness, width, rotation or hexagons): a flat start pad, then one
// stump of one terrain step in width every `obstacleSpacing` metres.
TerrainLayout generateStumpTracks(const StumpTrackParams& params, Rng& rng) {
  TerrainLayout t;
  const double step = kTerrainStep;
  const double spacing = std::max(0.01, params.obstacleSpacing);
  const double maxX = kTerrainLength * step;
  const double startpadX = kTerrainStartpad * step;
  double x = 0, y = kTerrainHeight, velocity = 0;
  t.ground.push_back({x, y});
  x += startpadX;
  bool stumpNext = true;
  while (x < maxX) {
    const double x0 = x;
    if (stumpNext) {
      const double height = std::max(0.05, rng.normal(params.stumpHeight, 0.1));
      t.obstacles.push_back(quad(x, y, x + step, y + height * step));
      x += step;
    } else {
      velocity = 0.8 * velocity + 0.01 * signOf(kTerrainHeight - y);
      y += velocity;
      x += spacing;
    }
    // TeachMyAgent repeats the start of a stump as a ground point; a zero-length
    // edge adds no geometry, so the duplicate is dropped.
    if (t.ground.back().x != x0 || t.ground.back().y != y) t.ground.push_back({x0, y});
    stumpNext = !stumpNext;
  }
  // TeachMyAgent's profile stops at the start of the last segment, which can
  // fall short of the finish line when stumps are far apart; close it at x.
  t.ground.push_back({x, y});
  t.finishX = (kTerrainLength - kTerrainGrass) * step;
  t.spawnX = step * kTerrainStartpad / 2.0;
  return t;
}

}  // namespace palaestra::walker
