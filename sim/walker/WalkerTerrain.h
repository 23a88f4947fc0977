#pragma once
// Terrain of the walker as plain data (no Box2D): the ground profile, the
// obstacle polygons and the finish line. Generated from an Rng so that the
// same seed and task always give the same track, bit for bit.

#include <string>
#include <vector>

#include "util/Rng.h"

namespace palaestra::walker {

/// Terrain geometry constants (Gymnasium's values, in metres).
inline constexpr double kTerrainStep = 14.0 / 30.0;
inline constexpr int kTerrainLength = 200;  // in steps
inline constexpr double kTerrainHeight = 400.0 / 30.0 / 4.0;
inline constexpr int kTerrainGrass = 10;     // in steps
inline constexpr int kTerrainStartpad = 20;  // in steps
inline constexpr double kTerrainFriction = 2.5;

enum class TerrainKind { Normal, Hardcore, StumpTracks };

/// Config names of the terrains, in TerrainKind order.
const std::vector<std::string>& terrainNames();
/// Config name of a terrain kind.
const std::string& terrainName(TerrainKind kind);

struct TerrainPoint {
  double x = 0, y = 0;
};

/// Stump Tracks task (TeachMyAgent): stump height mean in terrain steps, spacing in metres.
struct StumpTrackParams {
  double stumpHeight = 1.0;
  double obstacleSpacing = 3.0;
};

struct TerrainLayout {
  std::vector<TerrainPoint> ground;                  // profile points, x increasing
  std::vector<std::vector<TerrainPoint>> obstacles;  // stumps, stairs, pit walls (convex)
  double finishX = 0;  // the episode is won once the hull passes this x
  double spawnX = 0;   // hull x at spawn (middle of the start pad)

  /// Largest vertical extent of any obstacle polygon (0 when there is none).
  double tallestObstacle() const;
};

/// Gymnasium's terrain: gentle grass, plus stumps, stairs and pits when `hardcore`.
TerrainLayout generateGymnasiumTerrain(bool hardcore, Rng& rng);
/// TeachMyAgent's Stump Tracks: flat ground with one stump every `obstacleSpacing` metres.
TerrainLayout generateStumpTracks(const StumpTrackParams& params, Rng& rng);

}  // namespace palaestra::walker
