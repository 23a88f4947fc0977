#include "rl/PpoConfig.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "util/Errors.h"

namespace palaestra {

namespace {

using nlohmann::json;

std::string fieldName(const std::string& key) { return "ppo." + key; }

[[noreturn]] void fail(const std::string& key, const std::string& expectation, const json& got) {
  throw ConfigError(fieldName(key) + " must be " + expectation + ", got " + got.dump());
}

double readNumber(const json& v, const std::string& key, const std::string& expectation,
                  const std::function<bool(double)>& ok) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || !ok(v.get<double>())) fail(key, expectation, v);
  return v.get<double>();
}

int64_t readInteger(const json& v, const std::string& key, int64_t lo, int64_t hi) {
  const std::string expectation = "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!v.is_number()) fail(key, expectation, v);
  const double d = v.get<double>();
  // Whole floats (e.g. 1e6 for total_timesteps) are accepted; fractions are not.
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(lo) || d > static_cast<double>(hi))
    fail(key, expectation, v);
  return v.is_number_float() ? static_cast<int64_t>(d) : v.get<int64_t>();
}

bool readBool(const json& v, const std::string& key) {
  if (!v.is_boolean()) fail(key, "true or false", v);
  return v.get<bool>();
}

std::string readString(const json& v, const std::string& key, const std::string& expectation) {
  if (!v.is_string()) fail(key, expectation, v);
  return v.get<std::string>();
}

}  // namespace

PpoConfig PpoConfig::fromJson(const json& j) {
  if (!j.is_object()) throw ConfigError("ppo must be an object, got " + j.dump());
  PpoConfig c;
  using Reader = std::function<void(const json&)>;
  const std::map<std::string, Reader> readers = {
      {"learning_rate",
       [&](const json& v) {
         c.learning_rate = readNumber(v, "learning_rate", "a number > 0", [](double x) { return x > 0; });
       }},
      {"num_envs",
       [&](const json& v) { c.num_envs = static_cast<int>(readInteger(v, "num_envs", 1, 65536)); }},
      {"num_steps",
       [&](const json& v) {
         c.num_steps = static_cast<int>(readInteger(v, "num_steps", 1, 1 << 20));
       }},
      {"anneal_lr", [&](const json& v) { c.anneal_lr = readBool(v, "anneal_lr"); }},
      {"gamma",
       [&](const json& v) {
         c.gamma = readNumber(v, "gamma", "a number in [0, 1]", [](double x) { return x >= 0 && x <= 1; });
       }},
      {"gae_lambda",
       [&](const json& v) {
         c.gae_lambda = readNumber(v, "gae_lambda", "a number in [0, 1]", [](double x) { return x >= 0 && x <= 1; });
       }},
      {"num_minibatches",
       [&](const json& v) {
         c.num_minibatches = static_cast<int>(readInteger(v, "num_minibatches", 1, 1 << 20));
       }},
      {"update_epochs",
       [&](const json& v) {
         c.update_epochs = static_cast<int>(readInteger(v, "update_epochs", 1, 1000));
       }},
      {"norm_adv", [&](const json& v) { c.norm_adv = readBool(v, "norm_adv"); }},
      {"clip_coef",
       [&](const json& v) {
         c.clip_coef = readNumber(v, "clip_coef", "a number > 0", [](double x) { return x > 0; });
       }},
      {"clip_vloss", [&](const json& v) { c.clip_vloss = readBool(v, "clip_vloss"); }},
      {"ent_coef",
       [&](const json& v) {
         c.ent_coef = readNumber(v, "ent_coef", "a number >= 0", [](double x) { return x >= 0; });
       }},
      {"vf_coef",
       [&](const json& v) {
         c.vf_coef = readNumber(v, "vf_coef", "a number >= 0", [](double x) { return x >= 0; });
       }},
      {"max_grad_norm",
       [&](const json& v) {
         c.max_grad_norm = readNumber(v, "max_grad_norm", "a number > 0", [](double x) { return x > 0; });
       }},
      {"target_kl",
       [&](const json& v) {
         if (v.is_null())
           c.target_kl.reset();
         else
           c.target_kl = readNumber(v, "target_kl", "null or a number > 0", [](double x) { return x > 0; });
       }},
      {"hidden_sizes",
       [&](const json& v) {
         const std::string expectation = "a list of 0 to 8 whole numbers in [1, 4096]";
         if (!v.is_array() || v.size() > 8) fail("hidden_sizes", expectation, v);
         c.hidden_sizes.clear();
         for (const auto& h : v) {
           if (!h.is_number_integer() || h.get<int64_t>() < 1 || h.get<int64_t>() > 4096)
             fail("hidden_sizes", expectation, v);
           c.hidden_sizes.push_back(h.get<int>());
         }
       }},
      {"activation",
       [&](const json& v) {
         c.activation = parseActivation(readString(v, "activation", "\"tanh\" or \"relu\""), fieldName("activation"));
       }},
      {"init_log_std",
       [&](const json& v) {
         c.init_log_std =
             readNumber(v, "init_log_std", "a number in [-10, 5]", [](double x) { return x >= -10 && x <= 5; });
       }},
      {"normalize_obs", [&](const json& v) { c.normalize_obs = readBool(v, "normalize_obs"); }},
      {"normalize_reward",
       [&](const json& v) { c.normalize_reward = readBool(v, "normalize_reward"); }},
      {"obs_clip",
       [&](const json& v) {
         c.obs_clip = readNumber(v, "obs_clip", "a number > 0", [](double x) { return x > 0; });
       }},
      {"reward_clip",
       [&](const json& v) {
         c.reward_clip = readNumber(v, "reward_clip", "a number > 0", [](double x) { return x > 0; });
       }},
      {"action_bounding",
       [&](const json& v) {
         c.action_bounding = parseActionBounding(readString(v, "action_bounding", "\"clip\" or \"tanh\""),
                                                 fieldName("action_bounding"));
       }},
  };
  for (const auto& [key, value] : j.items()) {
    // CleanRL's total_timesteps was a second step limit beside the run's budget (and only ever
    // set the annealing horizon): the budget is now the one limit, so the old name points there.
    if (key == "total_timesteps")
      throw ConfigError(fieldName(key) +
                        " is not a setting: a run's one limit is its budget (budget.steps and/or "
                        "budget.minutes)");
    const auto it = readers.find(key);
    if (it == readers.end()) {
      std::string known;
      for (const auto& [name, reader] : readers) known += (known.empty() ? "" : ", ") + name;
      throw ConfigError(fieldName(key) + " is not a known setting (known: " + known + ")");
    }
    it->second(value);
  }
  c.validate();
  return c;
}

void PpoConfig::validate() const {
  auto check = [](bool ok, const std::string& message) {
    if (!ok) throw ConfigError(message);
  };
  check(learning_rate > 0 && std::isfinite(learning_rate), "ppo.learning_rate must be a number > 0");
  check(num_envs >= 1, "ppo.num_envs must be >= 1");
  check(num_steps >= 1, "ppo.num_steps must be >= 1");
  check(gamma >= 0 && gamma <= 1, "ppo.gamma must be in [0, 1]");
  check(gae_lambda >= 0 && gae_lambda <= 1, "ppo.gae_lambda must be in [0, 1]");
  check(num_minibatches >= 1, "ppo.num_minibatches must be >= 1");
  check(update_epochs >= 1, "ppo.update_epochs must be >= 1");
  check(clip_coef > 0, "ppo.clip_coef must be > 0");
  check(ent_coef >= 0, "ppo.ent_coef must be >= 0");
  check(vf_coef >= 0, "ppo.vf_coef must be >= 0");
  check(max_grad_norm > 0, "ppo.max_grad_norm must be > 0");
  check(!target_kl || *target_kl > 0, "ppo.target_kl must be null or > 0");
  check(total_timesteps >= 1, "ppo.total_timesteps must be >= 1");
  for (int h : hidden_sizes) check(h >= 1, "ppo.hidden_sizes entries must be >= 1");
  check(obs_clip > 0, "ppo.obs_clip must be > 0");
  check(reward_clip > 0, "ppo.reward_clip must be > 0");
  // Advantage normalisation needs two samples per minibatch (unbiased std), so does a meaningful minibatch.
  check(batchSize() / num_minibatches >= 2,
        "ppo.num_minibatches (" + std::to_string(num_minibatches) + ") leaves fewer than 2 samples per minibatch for " +
            "num_envs x num_steps = " + std::to_string(batchSize()));
}

const std::vector<ConfigFieldDoc>& PpoConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"learning_rate",
       "Adam's step size at the start; with anneal_lr it falls linearly to 0 over the budget."},
      {"num_envs", "Envs stepped in parallel; a PPO batch is num_envs x num_steps env steps."},
      {"num_steps", "Steps each env takes per rollout, before each update."},
      {"anneal_lr",
       "Lower the learning rate linearly to 0 over the run's budget (steps or minutes)."},
      {"gamma", "Discount factor of future rewards."},
      {"gae_lambda", "Lambda of generalised advantage estimation: lower trades variance for bias."},
      {"num_minibatches", "Minibatches each batch is split into, per epoch."},
      {"update_epochs", "Passes over each batch per update."},
      {"norm_adv", "Normalise the advantages within each minibatch."},
      {"clip_coef",
       "PPO's clipping range of the new-to-old probability ratio (and of the value change with "
       "clip_vloss)."},
      {"clip_vloss", "Clip the value loss around the rollout's values, as CleanRL does."},
      {"ent_coef", "Weight of the entropy bonus (more exploration)."},
      {"vf_coef", "Weight of the value loss."},
      {"max_grad_norm", "The gradient's global norm is clipped to this."},
      {"target_kl",
       "Stop an update's epochs early once the approximate KL divergence exceeds this; empty never "
       "stops."},
      {"hidden_sizes", "Hidden layer widths of the policy and value networks, e.g. 64, 64."},
      {"activation", "Activation of the hidden layers: tanh or relu."},
      {"init_log_std",
       "Initial log standard deviation of the Gaussian policy (continuous actions)."},
      {"normalize_obs",
       "Normalise observations by running mean and variance (kept with the policy)."},
      {"normalize_reward",
       "Scale rewards by a running estimate of the discounted return's spread."},
      {"obs_clip", "Normalised observations are clipped to [-obs_clip, obs_clip]."},
      {"reward_clip", "Scaled rewards are clipped to [-reward_clip, reward_clip]."},
      {"action_bounding",
       "How actions stay in bounds: clip the Gaussian sample, or squash it with tanh."},
  };
  return docs;
}

nlohmann::json PpoConfig::toJson() const {
  json j;
  j["learning_rate"] = learning_rate;
  j["num_envs"] = num_envs;
  j["num_steps"] = num_steps;
  j["anneal_lr"] = anneal_lr;
  j["gamma"] = gamma;
  j["gae_lambda"] = gae_lambda;
  j["num_minibatches"] = num_minibatches;
  j["update_epochs"] = update_epochs;
  j["norm_adv"] = norm_adv;
  j["clip_coef"] = clip_coef;
  j["clip_vloss"] = clip_vloss;
  j["ent_coef"] = ent_coef;
  j["vf_coef"] = vf_coef;
  j["max_grad_norm"] = max_grad_norm;
  j["target_kl"] = target_kl ? json(*target_kl) : json(nullptr);
  j["hidden_sizes"] = hidden_sizes;
  j["activation"] = activationName(activation);
  j["init_log_std"] = init_log_std;
  j["normalize_obs"] = normalize_obs;
  j["normalize_reward"] = normalize_reward;
  j["obs_clip"] = obs_clip;
  j["reward_clip"] = reward_clip;
  j["action_bounding"] = actionBoundingName(action_bounding);
  return j;
}

PolicyArchitecture PpoConfig::architecture() const {
  PolicyArchitecture a;
  a.hiddenSizes = hidden_sizes;
  a.activation = activation;
  a.initLogStd = init_log_std;
  a.actionBounding = action_bounding;
  a.normalizeObservations = normalize_obs;
  a.observationClip = obs_clip;
  return a;
}

int64_t PpoConfig::numIterations() const { return std::max<int64_t>(1, total_timesteps / batchSize()); }

}  // namespace palaestra
