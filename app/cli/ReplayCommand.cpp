// palaestra-cli replay: re-simulates stored episodes and checks their state hashes.
#include <iostream>
#include <map>

#include "CliSupport.h"
#include "Commands.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayVerifier.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

namespace palaestra::cli {

int replay(const CommonOptions& common, const ReplayOptions& options) {
  registerBuiltinSimulations();
  auto store = openExistingStore(common);
  std::vector<int64_t> ids;
  if (options.runId) {
    store->getRun(*options.runId);
    for (const auto& e : store->episodes(*options.runId)) ids.push_back(e.id);
    if (ids.empty())
      throw NotFoundError("run " + std::to_string(*options.runId) + " has no stored episodes");
  } else {
    ids.push_back(*options.episodeId);
  }

  // One env per run config, reused for every episode of that run.
  std::map<int64_t, EnvPtr> envOfRun;
  int verified = 0, mismatches = 0;
  nlohmann::json firstMismatch;
  for (int64_t id : ids) {
    const StoredEpisode stored = store->loadEpisode(id);
    EnvPtr& env = envOfRun[stored.runId];
    if (!env) {
      const StoredRunConfig config = readStoredRunConfig(store->getRun(stored.runId));
      env = EnvRegistry::instance().get(config.env).create(config.envConfig);
    }
    const ReplayCheck check = verifyReplay(*env, stored.record);
    if (check.ok) {
      verified++;
    } else {
      mismatches++;
      if (firstMismatch.is_null())
        firstMismatch = {{"episode_id", id}, {"step", check.firstMismatch}, {"message", check.message}};
    }
    if (ids.size() == 1 || !check.ok)
      std::cout << "episode " << id << ": " << (check.ok ? "OK" : "MISMATCH") << ", "
                << check.message << "; length " << stored.record.length << ", return "
                << fixed(check.replayedReturn, 2) << " (stored "
                << fixed(stored.record.episodeReturn(), 2) << ")\n";
  }
  if (ids.size() > 1)
    std::cout << verified << " of " << ids.size() << " episodes replay bit-exactly"
              << (mismatches ? ", " + std::to_string(mismatches) + " diverge" : "") << "\n";
  // A mismatch is a finding about the store, not output: it also goes to stderr, so a script
  // that keeps only stdout (or only the exit code) still learns which episode and step.
  if (mismatches > 0)
    std::cerr << "palaestra-cli: " << (options.verify ? "error" : "warning") << ": episode "
              << firstMismatch["episode_id"].get<int64_t>() << ": "
              << firstMismatch["message"].get<std::string>()
              << (ids.size() > 1 ? "; " + std::to_string(mismatches) + " of " +
                                       std::to_string(ids.size()) + " episodes diverge"
                                 : std::string())
              << std::endl;
  if (common.json) {
    nlohmann::json j = {{"episodes", ids.size()}, {"verified", verified}, {"mismatches", mismatches}};
    if (!firstMismatch.is_null()) j["first_mismatch"] = firstMismatch;
    printJsonLine(j);
  }
  return options.verify && mismatches > 0 ? 1 : 0;
}

}  // namespace palaestra::cli
