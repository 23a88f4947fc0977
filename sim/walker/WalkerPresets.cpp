// Training presets of the walker. "default" is tuned to learn BipedalWalker-v3
// (normal terrain) within 10 minutes on a 2-core laptop (docs/walker-results.md);
// the others start from it and change the terrain or the body.
#include "walker/WalkerPresets.h"

#include "walker/WalkerConfig.h"

namespace palaestra {

namespace {

/// PPO settings shared by every walker preset (CleanRL names; see core/rl/PpoConfig.h).
nlohmann::json walkerPpo() {
  return {
      {"num_envs", 16},
      {"num_steps", 512},
      {"num_minibatches", 32},
      {"update_epochs", 10},
      {"learning_rate", 3e-4},
      {"anneal_lr", true},
      {"gamma", 0.99},
      {"gae_lambda", 0.95},
      {"clip_coef", 0.2},
      {"ent_coef", 0.0},
      {"vf_coef", 0.5},
      {"max_grad_norm", 0.5},
      {"hidden_sizes", {64, 64}},
      {"activation", "tanh"},
      {"normalize_obs", true},
      {"normalize_reward", true},
      {"action_bounding", "clip"},
  };
}

nlohmann::json preset(const std::string& terrain, const std::string& embodiment,
                      nlohmann::json budget) {
  return {
      {"env_config",
       {{"terrain", terrain},
        {"embodiment", embodiment},
        {"physics_version", WalkerConfig::kCurrentPhysicsVersion}}},
      {"ppo", walkerPpo()},
      {"budget", std::move(budget)},
      // The final evaluation and the best-checkpoint selection play 100 episodes per policy
      // (+-4 on the mean where 10 give +-12): the run's result is the best of the final policy
      // and the 3 checkpoints with the best 10-episode evaluations.
      {"eval",
       {{"every_steps", 500000},
        {"episodes", 10},
        {"final_episodes", 100},
        {"best_candidates", 3}}},
  };
}

}  // namespace

std::map<std::string, nlohmann::json> walkerPresets() {
  nlohmann::json quick = preset("normal", "classic_bipedal", {{"minutes", 3}});
  quick["eval"] = {
      {"every_steps", 100000}, {"episodes", 5}, {"final_episodes", 20}, {"best_candidates", 2}};
  // TeachMyAgent's Stump Tracks test set: 10 x 10 tasks over stump height x spacing, a task
  // mastered above a return of 230; the teacher chooses over the same two parameters.
  nlohmann::json stumpTracks = preset("stump_tracks", "classic_bipedal", {{"minutes", 30}});
  stumpTracks["test_set"] = {
      {"grid", {{"stump_height", {0.0, 3.0, 10}}, {"obstacle_spacing", {0.0, 6.0, 10}}}},
      {"mastered", {{"return", 230}}}};
  nlohmann::json alpGmm = stumpTracks;
  alpGmm["curriculum"] = {{"teacher", "alp_gmm"}, {"params", {"stump_height", "obstacle_spacing"}}};
  nlohmann::json random = stumpTracks;
  random["curriculum"] = {{"teacher", "random"}, {"params", {"stump_height", "obstacle_spacing"}}};
  return {
      {"default", preset("normal", "classic_bipedal", {{"minutes", 10}})},
      {"quick", quick},
      {"hardcore", preset("hardcore", "classic_bipedal", {{"minutes", 60}})},
      {"stump_tracks", stumpTracks},
      {"stump_tracks_alp_gmm", alpGmm},
      {"stump_tracks_random", random},
      {"small_bipedal", preset("normal", "small_bipedal", {{"minutes", 15}})},
      {"big_quadruped", preset("normal", "big_quadruped", {{"minutes", 20}})},
  };
}

}  // namespace palaestra
