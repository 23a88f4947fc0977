#pragma once
// The walker's env config: {"terrain": ..., "embodiment": ...}, both optional.

#include <string>

#include <nlohmann/json.hpp>

#include "walker/WalkerTerrain.h"

namespace palaestra {

struct WalkerConfig {
  walker::TerrainKind terrain = walker::TerrainKind::Normal;
  std::string embodiment = "classic_bipedal";

  /// Parses the env config object (null = defaults); throws ConfigError naming the bad field.
  static WalkerConfig fromJson(const nlohmann::json& envConfig);
  /// The config as a JSON object (round-trips through fromJson).
  nlohmann::json toJson() const;
};

}  // namespace palaestra
