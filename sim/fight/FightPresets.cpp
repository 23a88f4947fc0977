// Training presets of the fighting game. "default" is PPO in single mode
// against the level-1 CPU (task: character 0 vs opponent 0; pick others with
// a config's "task"), tuned to beat it within 10 minutes on a 2-core machine
// (see docs/fight-results.md). "self_play" trains one shared policy on both
// sides of two-player mode.
#include "fight/FightPresets.h"

#include "fight/CharacterLoader.h"

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

// One shared policy on both sides of two-player mode (both sides learn), evaluated against the
// level-8 CPU of the task's opponent character.
nlohmann::json selfPlay() {
  nlohmann::json config = preset({{"mode", "two"}, {"shared_policy", true}}, 30);
  config["eval"]["task"] = {{"cpu_level", 8}};
  return config;
}

// A league learner (FightLadder's action repeat and reward): P1 learns, P2 is played by the
// opponents the league draws; evaluated against the level-8 CPU, checkpointed only at the end of
// each round (the league's members).
nlohmann::json leagueLearner() {
  nlohmann::json config = preset({{"mode", "two"},
                                  {"shared_policy", false},
                                  {"control", "actions"},
                                  {"action_repeat", 8},
                                  {"reward", {{"preset", "fightladder"}}}},
                                 30);
  config.erase("budget");
  config["eval"] = {{"every_steps", 1000000000},
                    {"episodes", 10},
                    {"final_episodes", 12},
                    {"best_candidates", 0},
                    {"task", {{"cpu_level", 8}}}};
  config["keep_episodes"] = {{"sample_rate", 0.0005}};
  return config;
}

nlohmann::json league(const std::string& kind) {
  nlohmann::json members = nlohmann::json::array();
  const int characters = Roster::builtin().size();
  for (int c = 0; c < characters; ++c)
    members.push_back({{"name", Roster::builtin().at(c).id + "@8"},
                       {"task", {{"opponent", c}, {"cpu_level", 8}}}});
  nlohmann::json config = {{"kind", kind},
                           {"base", leagueLearner()},
                           {"learn_slot", "p1"},
                           {"opponent_slot", "p2"},
                           {"rounds", 10},
                           {"round_steps", 600000},
                           {"opponent_task", {{"cpu_level", 0}}},
                           {"env_members", members}};
  if (kind == "league") config["env_weight"] = 0.25;
  else config["env_weight"] = 0.0;
  return config;
}

}  // namespace

std::map<std::string, nlohmann::json> fightLeaguePresets() {
  return {{"league", league("league")},
          {"self_play", league("self_play")},
          {"fictitious_self_play", league("fictitious_self_play")}};
}

std::map<std::string, nlohmann::json> fightPresets() {
  return {
      {"default", preset({{"mode", "single"}, {"control", "actions"}, {"action_repeat", 4}}, 10)},
      {"fightladder", preset({{"mode", "single"},
                              {"control", "actions"},
                              {"action_repeat", 8},
                              {"reward", {{"preset", "fightladder"}}}},
                             10)},
      {"self_play", selfPlay()},
      {"ladder_curriculum", ladderCurriculum()},
  };
}

}  // namespace palaestra::fight
