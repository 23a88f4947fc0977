#include "train/StoredRunConfig.h"

#include <map>
#include <stdexcept>

#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

namespace {
constexpr int64_t kMaxSeed = int64_t(1) << 53;  // as TrainConfig: seeds stay exact as JSON doubles
}

StoredRunConfig StoredRunConfig::parse(const std::string& configJson) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(configJson);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError("not JSON (" + jsonErrorText(e) + ")");
  }
  if (!json.is_object()) throw ConfigError("must be a JSON object, got " + json.dump());
  StoredRunConfig out;
  if (json.contains("match")) {
    JsonReader top(json, "");
    out.env = top.string("env", {}, "");
    if (out.env.empty()) throw ConfigError("env must name an environment, e.g. \"fight\"");
    out.envConfig = top.object("env_config");
    out.task = top.object("task");
    for (const auto& [name, value] : out.task.items())
      if (!value.is_number())
        throw ConfigError("task." + name + " must be a number, got " + value.dump());
    out.seed = static_cast<uint64_t>(top.integer("seed", 0, kMaxSeed, 1));
    out.match = top.object("match");
    top.finish();
    return out;
  }
  // Older versions wrote ppo.total_timesteps, which never limited a run (the budget did); it is
  // no longer a setting, so stored configs drop it rather than fail to load.
  if (json.contains("ppo") && json["ppo"].is_object()) json["ppo"].erase("total_timesteps");
  TrainConfig config = TrainConfig::fromJson(json);
  out.env = config.env;
  out.envConfig = config.envConfig;
  out.task = config.task;
  out.seed = config.seed;
  out.training = std::move(config);
  return out;
}

nlohmann::json StoredRunConfig::playConfig(const std::string& env, const nlohmann::json& envConfig,
                                           const nlohmann::json& task, uint64_t seed,
                                           const nlohmann::json& match) {
  return {
      {"env", env}, {"env_config", envConfig}, {"task", task}, {"seed", seed}, {"match", match}};
}

StoredRunConfig readStoredRunConfig(const RunInfo& run) {
  const std::string what = "run " + std::to_string(run.id) + "'s stored config is not valid: ";
  try {
    StoredRunConfig stored = StoredRunConfig::parse(run.configJson);
    const EnvPtr env = EnvRegistry::instance().get(stored.env).create(stored.envConfig);
    std::map<std::string, double> task;
    for (const auto& [name, value] : stored.task.items()) task[name] = value.get<double>();
    try {
      stored.taskValues = env->spec().tasks.fromMap(task);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("task: ") + e.what());
    }
    stored.evalTaskValues = stored.training ? stored.training->evalTaskValues(env->spec().tasks)
                                            : stored.taskValues;
    return stored;
  } catch (const ConfigError& e) {
    throw StoreError(what + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(what + jsonErrorText(e));
  }
}

}  // namespace palaestra
