// Training presets of the swarm. Every agent of every env is one row of the policy's batch, so
// few envs give many rows: 4 envs x 300 agents x 128 steps = 153,600 rows per rollout. The
// classic presets run the model's classic rule (actions ignored): they exist to evaluate and
// watch the classic rule on the same seeds as a learned policy.
#include "swarm/SwarmPresets.h"

namespace palaestra::swarm {

namespace {

/// PPO settings shared by the swarm presets (CleanRL names; see core/rl/PpoConfig.h).
nlohmann::json swarmPpo() {
  return {
      {"num_envs", 4},
      {"num_steps", 128},
      {"num_minibatches", 8},
      {"update_epochs", 4},
      {"learning_rate", 3e-4},
      {"anneal_lr", true},
      {"gamma", 0.95},
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

nlohmann::json preset(nlohmann::json envConfig, double minutes) {
  return {
      {"env_config", std::move(envConfig)},
      {"ppo", swarmPpo()},
      {"budget", {{"minutes", minutes}}},
      {"eval", {{"every_steps", 200000}, {"episodes", 3}, {"final_episodes", 10}}},
  };
}

}  // namespace

std::map<std::string, nlohmann::json> swarmPresets() {
  const nlohmann::json vicsek = {{"model", "vicsek"},   {"agents", 300}, {"density", 1.0},
                                 {"radius", 1.0},       {"speed", 0.5},  {"noise", 0.3},
                                 {"episode_steps", 300}};
  nlohmann::json vicsekClassic = vicsek;
  vicsekClassic["controller"] = "classic";
  return {
      {"default", preset(vicsek, 15)},
      {"vicsek-classic", preset(vicsekClassic, 1)},
      {"kuramoto", preset({{"model", "kuramoto"},
                           {"agents", 300},
                           {"density", 1.0},
                           {"radius", 1.5},
                           {"speed", 0.3},
                           {"noise", 0.1},
                           {"episode_steps", 300},
                           {"kuramoto", {{"coupling", 1.5}, {"frequency_width", 0.3}}}},
                          15)},
      {"aggregation", preset({{"model", "aggregation"},
                              {"agents", 300},
                              {"density", 0.5},
                              {"radius", 1.5},
                              {"speed", 0.3},
                              {"noise", 0.2},
                              {"episode_steps", 300}},
                             15)},
      {"boids-classic", preset({{"model", "boids"},
                                {"agents", 300},
                                {"density", 1.0},
                                {"radius", 1.5},
                                {"speed", 0.3},
                                {"noise", 0.05},
                                {"max_turn", 0.5},
                                {"controller", "classic"},
                                {"episode_steps", 300}},
                               1)},
  };
}

}  // namespace palaestra::swarm
