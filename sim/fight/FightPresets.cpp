// Training presets of the fighting game. "default" is PPO in single mode
// against the level-1 CPU (task: character 0 vs opponent 0; pick others with
// a config's "task"), tuned to beat it within 10 minutes on a 2-core machine
// (see docs/fight-results.md). "self_play" trains one shared policy on both
// sides of two-player mode.
#include "fight/FightPresets.h"

namespace palaestra::fight {

namespace {

/// PPO settings for the fight's discrete actions (CleanRL names; see core/rl/PpoConfig.h).
nlohmann::json fightPpo() {
  return {
      {"num_envs", 16},
      {"num_steps", 256},
      {"num_minibatches", 8},
      {"update_epochs", 4},
      {"learning_rate", 3e-4},
      {"anneal_lr", true},
      {"gamma", 0.99},
      {"gae_lambda", 0.95},
      {"clip_coef", 0.2},
      {"ent_coef", 0.01},
      {"vf_coef", 0.5},
      {"max_grad_norm", 0.5},
      {"hidden_sizes", {128, 128}},
      {"activation", "tanh"},
      {"normalize_obs", true},
      {"normalize_reward", true},
  };
}

nlohmann::json preset(nlohmann::json envConfig, double minutes) {
  return {
      {"env_config", std::move(envConfig)},
      {"ppo", fightPpo()},
      {"budget", {{"minutes", minutes}}},
      {"eval", {{"every_steps", 200000}, {"episodes", 10}, {"final_episodes", 50}}},
  };
}

// FightLadder's curriculum: every opponent character at every CPU level, each drawn by 1 - the
// agent's recent win rate against it; evaluated against the level-8 CPU.
nlohmann::json ladderCurriculum() {
  nlohmann::json config = preset({{"mode", "single"},
                                  {"control", "actions"},
                                  {"action_repeat", 8},
                                  {"reward", {{"preset", "fightladder"}}}},
                                 60);
  config["task"] = {{"cpu_level", 8}};
  config["curriculum"] = {{"teacher", "ladder"}, {"params", {"opponent", "cpu_level"}}};
  // Win rate against every character at level 8, 10 matches each; mastered at 90%.
  config["test_set"] = {
      {"grid", {{"opponent", {0, 11, 12}}}}, {"episodes", 10}, {"mastered", {{"win_rate", 0.9}}}};
  return config;
}

}  // namespace

std::map<std::string, nlohmann::json> fightPresets() {
  return {
      {"default", preset({{"mode", "single"}, {"control", "actions"}, {"action_repeat", 4}}, 10)},
      {"fightladder", preset({{"mode", "single"},
                              {"control", "actions"},
                              {"action_repeat", 8},
                              {"reward", {{"preset", "fightladder"}}}},
                             10)},
      {"self_play", preset({{"mode", "two"}, {"shared_policy", true}}, 30)},
      {"ladder_curriculum", ladderCurriculum()},
  };
}

}  // namespace palaestra::fight
