// palaestra-cli eval: deterministic evaluation of a stored policy.
#include <algorithm>
#include <iostream>
#include <map>

#include "CliSupport.h"
#include "Commands.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "train/Evaluator.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

namespace palaestra::cli {

int eval(const CommonOptions& common, const EvalOptions& options) {
  registerBuiltinSimulations();
  auto store = openExistingStore(common);
  const RunInfo run = store->getRun(options.runId);
  const StoredRunConfig stored = readStoredRunConfig(run);
  const TrainConfig& config = stored.config;
  const EnvInfo& info = EnvRegistry::instance().get(config.env);

  CheckpointInfo checkpoint;
  if (options.checkpointId) {
    checkpoint = store->loadCheckpoint(*options.checkpointId).info;
    if (checkpoint.runId != run.id)
      throw NotFoundError("checkpoint " + std::to_string(*options.checkpointId) +
                          " belongs to run " + std::to_string(checkpoint.runId) + ", not run " +
                          std::to_string(run.id));
  } else {
    auto latest = store->latestCheckpoint(run.id);
    if (!latest) throw NotFoundError("run " + std::to_string(run.id) + " has no checkpoint yet");
    checkpoint = *latest;
  }
  const Policy policy = Policy::deserialize(store->loadCheckpoint(checkpoint.id).policy);

  auto makeEnv = [&] { return info.create(config.envConfig); };
  const EnvPtr probe = makeEnv();
  TaskValues task = stored.task;
  try {
    // --task entries override the run's own task.
    if (!options.task.empty()) task = probe->spec().tasks.parse(options.task, task);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("--task: ") + e.what());
  }

  ThreadPool pool(options.threads);
  const uint64_t seed = options.seed ? *options.seed : config.seed;
  const EvalResult result = evaluatePolicy(makeEnv, policy, task, options.episodes, seed, pool);

  std::cout << "run " << run.id << " checkpoint " << checkpoint.id << " (step " << checkpoint.step
            << "): mean return " << fixed(result.meanReturn, 1) << " +- "
            << fixed(result.stdReturn, 1) << " over " << options.episodes
            << " deterministic episodes, success rate " << fixed(100 * result.successRate, 0)
            << "%\n";
  // Outcomes as the env names them (the fight: win / loss / draw), so a win rate is visible.
  std::map<std::string, int> outcomes;
  for (const auto& e : result.episodes) outcomes[e.info.outcome]++;
  std::cout << "outcomes:";
  for (const auto& [outcome, count] : outcomes)
    std::cout << " " << (outcome.empty() ? "(none)" : outcome) << " " << count << " ("
              << fixed(100.0 * count / std::max(1, options.episodes), 0) << "%)";
  std::cout << "\n";
  if (common.json)
    printJsonLine({{"run_id", run.id},
                   {"checkpoint_id", checkpoint.id},
                   {"episodes", options.episodes},
                   {"mean_return", result.meanReturn},
                   {"std_return", result.stdReturn},
                   {"success_rate", result.successRate},
                   {"outcomes", outcomes},
                   {"task", probe->spec().tasks.toMap(task)}});
  return 0;
}

}  // namespace palaestra::cli
