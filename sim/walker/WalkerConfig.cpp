#include "walker/WalkerConfig.h"

#include <algorithm>

#include "util/JsonReader.h"
#include "walker/WalkerEmbodiment.h"

namespace palaestra {

WalkerConfig WalkerConfig::fromJson(const nlohmann::json& envConfig) {
  const nlohmann::json empty = nlohmann::json::object();
  JsonReader reader(envConfig.is_null() ? empty : envConfig, "env");
  WalkerConfig config;
  const auto& terrains = walker::terrainNames();
  const std::string terrain = reader.string("terrain", terrains, "normal");
  config.terrain = static_cast<walker::TerrainKind>(
      std::find(terrains.begin(), terrains.end(), terrain) - terrains.begin());
  config.embodiment = reader.string("embodiment", walker::embodimentNames(), "classic_bipedal");
  config.physicsVersion = static_cast<int>(reader.integer(
      "physics_version", kOldestPhysicsVersion, kCurrentPhysicsVersion, kCurrentPhysicsVersion));
  reader.finish();
  return config;
}

const std::vector<ConfigFieldDoc>& WalkerConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"terrain",
       "The ground: normal (Gymnasium's BipedalWalker-v3), hardcore (stumps, stairs and pits; "
       "2000 steps) or stump_tracks (TeachMyAgent's stumps set by the task's stump_height and "
       "obstacle_spacing)."},
      {"embodiment",
       "The body: classic_bipedal (Gymnasium's walker), small_bipedal (shorter legs) or "
       "big_quadruped (four legs, torque 300)."},
      {"physics_version",
       "2: hip joints with Gymnasium's reference angles (current). 1: the physics of runs stored "
       "before them, kept so those runs replay exactly."},
  };
  return docs;
}

nlohmann::json WalkerConfig::toJson() const {
  return {{"terrain", walker::terrainName(terrain)},
          {"embodiment", embodiment},
          {"physics_version", physicsVersion}};
}

}  // namespace palaestra
