#pragma once
// The simulations Palaestra knows, by name, with their training presets. Each
// simulation registers itself with one line in sim/Simulations.cpp.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/Env.h"

namespace palaestra {

/// What a simulation's own engine benchmark produced: JSON keys for `bench --json` and lines for
/// people.
struct EngineBenchReport {
  nlohmann::json values = nlohmann::json::object();
  std::vector<std::string> lines;
};

struct EnvInfo {
  std::string name;
  std::string description;
  /// Builds an env from its config object; throws ConfigError on bad config.
  std::function<EnvPtr(const nlohmann::json& envConfig)> create;
  /// Named full training configs (see core/rl/TrainConfig.h); the first listed default.
  std::map<std::string, nlohmann::json> presets;
  std::string defaultPreset;
  /// Optional: measurements of the simulation's engine beyond the ones `bench` makes for every env
  /// (e.g. the fight engine's frames per second over whole random matches); args: seconds, threads.
  std::function<EngineBenchReport(double seconds, int threads)> engineBench;
};

class EnvRegistry {
 public:
  /// The process-wide registry.
  static EnvRegistry& instance();
  /// Adds a simulation; throws if the name is taken.
  void add(EnvInfo info);
  /// The simulation of that name, or nullptr.
  const EnvInfo* find(const std::string& name) const;
  /// The simulation of that name; throws ConfigError listing the known names.
  const EnvInfo& get(const std::string& name) const;
  /// Names of all registered simulations, sorted.
  std::vector<std::string> names() const;

 private:
  std::map<std::string, EnvInfo> envs_;
};

}  // namespace palaestra
