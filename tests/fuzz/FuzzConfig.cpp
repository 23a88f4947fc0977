// libFuzzer target: a training config file, read the way `palaestra-cli train --config FILE`
// reads it (bounded JSON parse, merged over the env's preset, validated), then what a training
// session does with it before training: the stored JSON must read back as the same config, the
// env must build from its env_config, the task must fit the env, and the memory estimate must be
// computable. ConfigError is the only acceptable outcome of bad input; anything else (another
// exception, a crash, a hang, a leak) is a finding.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "FuzzSupport.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "train/ConfigFile.h"
#include "train/TrainingMemory.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool registered = [] {
    registerBuiltinSimulations();
    return true;
  }();
  (void)registered;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const nlohmann::json file = parseConfigFileText(text, "fuzz.json");
    // The preset of the env the file names (as `train ENV` would be asked for), else the walker's.
    std::string env = "walker";
    if (const auto it = file.find("env");
        it != file.end() && it->is_string() && EnvRegistry::instance().find(it->get<std::string>()))
      env = it->get<std::string>();
    const TrainConfig config =
        TrainConfig::fromJson(applyConfigFile(presetConfig(env, ""), file, "fuzz.json"));
    const std::string stored = config.toJson().dump();
    if (TrainConfig::fromJson(nlohmann::json::parse(stored)).toJson().dump() != stored)
      fuzzing::finding("the stored config does not read back as the same config");
    const EnvPtr instance = EnvRegistry::instance().get(config.env).create(config.envConfig);
    config.taskValues(instance->spec().tasks);
    const TrainingMemoryEstimate estimate = estimateTrainingMemory(config, instance->spec());
    if (!(estimate.total() > 0)) fuzzing::finding("the memory estimate is not positive");
  } catch (const ConfigError&) {
  }
  return 0;
}
