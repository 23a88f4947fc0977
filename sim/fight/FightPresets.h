#pragma once
// Training presets of the fighting game (defined in FightPresets.cpp).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace palaestra::fight {

/// Named full training configs for "fight"; "default" is the one used when none is chosen.
std::map<std::string, nlohmann::json> fightPresets();

/// Named league configs (LeagueConfig JSON) for "fight": "self_play", "fictitious_self_play" and
/// "league" (main agent, main exploiter, league exploiter, with the level-8 CPU of every
/// character among a quarter of the main agent's games); all 10 rounds of 600k env steps.
std::map<std::string, nlohmann::json> fightLeaguePresets();

}  // namespace palaestra::fight
