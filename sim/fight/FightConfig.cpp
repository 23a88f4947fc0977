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
