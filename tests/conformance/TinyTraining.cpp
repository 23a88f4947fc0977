#include "conformance/TinyTraining.h"

#include "train/TrainingSession.h"

namespace palaestra::testing {

nlohmann::json tinyTrainingConfig(const std::string& env, const std::string& preset, int64_t steps,
                                  int evalEvery, int evalEpisodes, int finalEpisodes) {
  nlohmann::json c = presetConfig(env, preset);
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 64;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 1;
  c["budget"] = {{"steps", steps}};
  c["eval"] = {{"every_steps", evalEvery},
               {"episodes", evalEpisodes},
               {"final_episodes", finalEpisodes},
               {"best_candidates", 2}};
  return c;
}

nlohmann::json tinyWalkerConfig(int64_t steps, int64_t evalEvery, uint64_t seed) {
  nlohmann::json c =
      tinyTrainingConfig("walker", "default", steps, static_cast<int>(evalEvery), 1, 1);
  c["threads"] = 1;
  c["seed"] = seed;
  return c;
}

RunStore::Options fastStoreOptions() {
  RunStore::Options options;
  options.busyTimeoutMs = 50;
  options.batchIntervalMs = 10;
  return options;
}

nlohmann::json tinySwarmConfig(int64_t steps, int threads, uint64_t seed) {
  return {{"env", "swarm"},
          {"env_config", {{"agents", 20}, {"episode_steps", 16}}},
          {"task", {{"noise", 0.2}}},
          {"ppo",
           {{"num_envs", 2},
            {"num_steps", 32},
            {"num_minibatches", 2},
            {"update_epochs", 1},
            {"hidden_sizes", {16}}}},
          {"budget", {{"steps", steps}}},
          {"eval", {{"every_steps", 256}, {"episodes", 1}, {"final_episodes", 1}}},
          {"threads", threads},
          {"seed", seed}};
}

TaskSpace stumpTaskSpace() {
  return TaskSpace({{"stump_height", 0.0, 3.0, 0.0, false, ""},
                    {"obstacle_spacing", 0.0, 6.0, 6.0, false, ""},
                    {"level", 1.0, 8.0, 1.0, true, ""}});
}

nlohmann::json tinyFightLeagueEnvConfig() {
  return {{"mode", "two"}, {"shared_policy", false}, {"round_seconds", 4}, {"action_repeat", 4}};
}

nlohmann::json tinyFightLeagueConfig(const std::string& kind) {
  nlohmann::json learner = presetConfig("fight", "default");
  learner.erase("budget");
  learner["env_config"] = tinyFightLeagueEnvConfig();
  learner["ppo"]["num_envs"] = 2;
  learner["ppo"]["num_steps"] = 32;
  learner["ppo"]["num_minibatches"] = 2;
  learner["ppo"]["update_epochs"] = 2;
  learner["ppo"]["hidden_sizes"] = {16};
  learner["eval"] = {{"every_steps", 1000000},
                     {"episodes", 2},
                     {"final_episodes", 2},
                     {"best_candidates", 0},
                     {"task", {{"cpu_level", 8}}}};
  learner["keep_episodes"] = {{"sample_rate", 1.0}};
  nlohmann::json members = nlohmann::json::array();
  for (int c = 0; c < 2; ++c)
    members.push_back({{"name", "cpu " + std::to_string(c)},
                       {"task", {{"opponent", c}, {"cpu_level", 8}}}});
  return {{"kind", kind},
          {"base", learner},
          {"rounds", 2},
          {"round_steps", 512},
          {"opponent_task", {{"cpu_level", 0}}},
          {"env_members", members},
          {"env_weight", kind == "league" ? 0.2 : 0.0},
          {"threads", 2}};
}

}  // namespace palaestra::testing
