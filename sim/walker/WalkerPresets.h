#pragma once
// Training presets of the walker simulation (defined in WalkerPresets.cpp).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace palaestra {

/// Named full training configs for the walker; "default" is the one used when none is chosen.
std::map<std::string, nlohmann::json> walkerPresets();

}  // namespace palaestra
