#pragma once
// Training presets of the swarm, one or more per model.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace palaestra::swarm {

/// The swarm's named training configs; "default" is Vicsek with 300 agents.
std::map<std::string, nlohmann::json> swarmPresets();

}  // namespace palaestra::swarm
