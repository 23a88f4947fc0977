#include "fight/FightConfig.h"

#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra::fight {

FightConfig FightConfig::fromJson(const nlohmann::json& envConfig) {
  const nlohmann::json empty = nlohmann::json::object();
  JsonReader reader(envConfig.is_null() ? empty : envConfig, "env");
  FightConfig config;
  config.mode = reader.string("mode", {"single", "two"}, "single") == "two" ? FightMode::Two
                                                                            : FightMode::Single;
  const auto shared = envConfig.is_object() && envConfig.contains("shared_policy");
  config.sharedPolicy = reader.boolean("shared_policy", true);
  if (shared && config.mode == FightMode::Single)
    throw ConfigError(reader.pathOf("shared_policy") +
                      " applies to \"mode\": \"two\" only (single mode has one agent)");
  config.control = reader.string("control", {"actions", "pad"}, "actions") == "pad"
                       ? FightControl::Pad
                       : FightControl::Actions;
  const auto repeat = reader.optionalInteger("action_repeat", 1, 60);
  if (config.control == FightControl::Pad) {
    if (repeat && *repeat != 1)
      throw ConfigError(reader.pathOf("action_repeat") +
                        " must be 1 with \"control\": \"pad\" (one step is one frame), got " +
                        std::to_string(*repeat));
    config.actionRepeat = 1;
  } else {
    config.actionRepeat = static_cast<int>(repeat.value_or(4));
  }
  config.observationDelay = static_cast<int>(reader.integer("observation_delay", 0, 120, 0));
  config.roundBreakFrames = static_cast<int>(reader.integer("round_break_frames", 0, 600, 0));
  config.roundSeconds = static_cast<int>(reader.integer("round_seconds", 1, 99, 99));

  JsonReader reward(reader.object("reward"), reader.pathOf("reward"));
  const std::string preset = reward.string("preset", {"simple", "fightladder"}, "simple");
  FightRewardConfig& r = config.reward;
  if (preset == "fightladder") {
    r.preset = FightRewardPreset::FightLadder;
    r.dealt = 3.0;
    r.taken = 1.0;
    r.scale = 0.001;
    r.roundWin = 1.0;
  }
  r.dealt = reward.number("dealt", 0.0, 100.0, r.dealt);
  r.taken = reward.number("taken", 0.0, 100.0, r.taken);
  r.scale = reward.number("scale", 0.0, 100.0, r.scale);
  r.roundWin = reward.number("round_win", 0.0, 1000.0, r.roundWin);
  reward.finish();
  reader.finish();
  return config;
}

const std::vector<ConfigFieldDoc>& FightConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"mode",
       "single: one agent plays P1 against the scripted CPU (task: character, opponent, "
       "cpu_level); two: two agents, P1 and P2."},
      {"shared_policy",
       "Two mode only: both players use one policy (observations are mirrored, so it plays "
       "either side); false trains one policy per side."},
      {"control",
       "actions: facing-relative choices (direction x button, throw, special-move macros); pad: "
       "the raw pad code, one step per frame (what people's matches use)."},
      {"action_repeat",
       "Frames each decision lasts with actions control (FightLadder uses 8); pad control is "
       "always 1."},
      {"observation_delay",
       "Frames the agent sees the fight late, as FightingICE's 15-frame delay."},
      {"round_break_frames", "Frozen frames between rounds."},
      {"round_seconds", "The round timer in seconds (99 as in the arcade)."},
      {"reward.preset",
       "simple: damage dealt minus taken in percent of a health bar, +-round_win per round; "
       "fightladder: FightLadder's 0.001 x (3 x dealt - taken) in health points, round bonus "
       "growing with the health left."},
      {"reward.dealt", "Weight of the damage dealt (overrides the preset's)."},
      {"reward.taken", "Weight of the damage taken (overrides the preset's)."},
      {"reward.scale", "Reward per unit of weighted damage (overrides the preset's)."},
      {"reward.round_win", "Bonus for a round won, and penalty for a round lost."},
  };
  return docs;
}

nlohmann::json FightConfig::toJson() const {
  nlohmann::json j = {
      {"mode", mode == FightMode::Two ? "two" : "single"},
      {"control", control == FightControl::Pad ? "pad" : "actions"},
      {"observation_delay", observationDelay},
      {"round_break_frames", roundBreakFrames},
      {"round_seconds", roundSeconds},
      {"reward",
       {{"preset", reward.preset == FightRewardPreset::FightLadder ? "fightladder" : "simple"},
        {"dealt", reward.dealt},
        {"taken", reward.taken},
        {"scale", reward.scale},
        {"round_win", reward.roundWin}}}};
  if (mode == FightMode::Two) j["shared_policy"] = sharedPolicy;
  if (control == FightControl::Actions) j["action_repeat"] = actionRepeat;
  return j;
}

}  // namespace palaestra::fight
