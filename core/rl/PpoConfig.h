#pragma once
// Every PPO hyperparameter, with CleanRL's names (ppo_continuous_action.py)
// and defaults, plus the network and normalisation settings. In JSON it is
// one flat object; errors name the field as "ppo.<name>". CleanRL's
// total_timesteps is not among them: a run's budget is its one step limit.

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "rl/PolicyArchitecture.h"
#include "util/ConfigFieldDoc.h"

namespace palaestra {

struct PpoConfig {
  double learning_rate = 3e-4;
  int num_envs = 1;
  int num_steps = 2048;
  bool anneal_lr = true;
  double gamma = 0.99;
  double gae_lambda = 0.95;
  int num_minibatches = 32;
  int update_epochs = 10;
  bool norm_adv = true;
  double clip_coef = 0.2;
  bool clip_vloss = true;
  double ent_coef = 0.0;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;
  std::optional<double> target_kl;  // null = no early stop
  // Not in JSON: a training session's budget is the run's one limit and sets the annealing horizon
  // (PpoTrainer::setAnnealFraction). A PpoTrainer used on its own (tests) anneals over this many
  // steps.
  int64_t total_timesteps = 1000000;

  std::vector<int> hidden_sizes{64, 64};
  Activation activation = Activation::Tanh;
  double init_log_std = 0.0;
  bool normalize_obs = true;
  bool normalize_reward = true;
  double obs_clip = 10.0;
  double reward_clip = 10.0;
  ActionBounding action_bounding = ActionBounding::Clip;

  /// Reads a config over the defaults; throws ConfigError naming the field on a wrong type, range or unknown key.
  static PpoConfig fromJson(const nlohmann::json& json);
  /// Every field, as fromJson reads it.
  nlohmann::json toJson() const;
  /// The meaning of each JSON field (paths within "ppo"), for the New-run form and
  /// docs/configuration.md.
  static const std::vector<ConfigFieldDoc>& docs();
  /// Throws ConfigError if a value or a combination of values is unusable.
  void validate() const;
  /// The policy-shape part of the config.
  PolicyArchitecture architecture() const;
  /// Samples per env per iteration times envs (CleanRL's batch_size, counted in env steps).
  int64_t batchSize() const { return static_cast<int64_t>(num_envs) * num_steps; }
  /// total_timesteps // batch_size, at least 1: the horizon of learning-rate annealing.
  int64_t numIterations() const;
};

}  // namespace palaestra
