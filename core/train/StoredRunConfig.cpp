#include "train/StoredRunConfig.h"

#include <map>
#include <stdexcept>

#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

StoredRunConfig readStoredRunConfig(const RunInfo& run) {
  const std::string what = "run " + std::to_string(run.id) + "'s stored config is not valid: ";
  try {
    StoredRunConfig stored;
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(run.configJson);
    } catch (const nlohmann::json::parse_error& e) {
      throw ConfigError("not JSON (" + jsonErrorText(e) + ")");
    }
    stored.config = TrainConfig::fromJson(json);
    const EnvPtr env =
        EnvRegistry::instance().get(stored.config.env).create(stored.config.envConfig);
    std::map<std::string, double> task;
    for (const auto& [name, value] : stored.config.task.items()) task[name] = value.get<double>();
    try {
      stored.task = env->spec().tasks.fromMap(task);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("task: ") + e.what());
    }
    return stored;
  } catch (const ConfigError& e) {
    throw StoreError(what + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(what + jsonErrorText(e));
  }
}

}  // namespace palaestra
