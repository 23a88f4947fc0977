#pragma once
// Training presets of the fighting game (defined in FightPresets.cpp).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace palaestra::fight {

/// Named full training configs for "fight"; "default" is the one used when none is chosen.
std::map<std::string, nlohmann::json> fightPresets();

}  // namespace palaestra::fight
