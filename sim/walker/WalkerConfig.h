#pragma once
// The walker's env config: {"terrain": ..., "embodiment": ..., "physics_version": 1|2}, all
// optional. Physics version 2 (the default for new runs) creates the hip joints with
// Gymnasium's reference angle (the thigh's spawn tilt); version 1 is the original port without
// it, kept so that runs recorded with it still replay bit-exactly.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ConfigFieldDoc.h"
#include "walker/WalkerTerrain.h"

namespace palaestra {

struct WalkerConfig {
  walker::TerrainKind terrain = walker::TerrainKind::Normal;
  std::string embodiment = "classic_bipedal";
  int physicsVersion = kCurrentPhysicsVersion;

  /// Physics version of new runs: 2 = hip reference angles as in Gymnasium.
  static constexpr int kCurrentPhysicsVersion = 2;
  /// Oldest physics version still simulated: 1 = hips without reference angles (before issue 9).
  static constexpr int kOldestPhysicsVersion = 1;

  /// Parses the env config object (null = defaults); throws ConfigError naming the bad field.
  static WalkerConfig fromJson(const nlohmann::json& envConfig);
  /// The config as a JSON object (round-trips through fromJson).
  nlohmann::json toJson() const;
  /// The meaning of each field, for the New-run form and docs/configuration.md.
  static const std::vector<ConfigFieldDoc>& docs();
};

}  // namespace palaestra
