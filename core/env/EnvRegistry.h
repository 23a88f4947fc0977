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
#include "util/ConfigFieldDoc.h"

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
  /// The env config with every default written out, as a new run stores it, so that what a
  /// stored run means never changes with later defaults (e.g. the walker's physics_version);
  /// empty: stored as given.
  std::function<nlohmann::json(const nlohmann::json& envConfig)> canonicalConfig;
  /// Named full training configs (see core/rl/TrainConfig.h); the first listed default.
  std::map<std::string, nlohmann::json> presets;
  std::string defaultPreset;
  std::map<std::string, nlohmann::json> leaguePresets;  // LeagueConfig JSON by name (two-slot
                                                        // envs: self play, leagues)
  /// The meaning of each env config field (paths within env_config), as the env's config reader
  /// documents them.
  std::vector<ConfigFieldDoc> configDocs;
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
