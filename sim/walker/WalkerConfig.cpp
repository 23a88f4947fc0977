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

nlohmann::json WalkerConfig::toJson() const {
  return {{"terrain", walker::terrainName(terrain)},
          {"embodiment", embodiment},
          {"physics_version", physicsVersion}};
}

}  // namespace palaestra
