// palaestra-cli eval: deterministic evaluation of a stored policy.
#include <algorithm>
#include <iostream>
#include <map>

#include "CliSupport.h"
#include "Commands.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "train/CheckpointMeta.h"
#include "train/Evaluator.h"
#include "train/PolicySlots.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

namespace palaestra::cli {

int eval(const CommonOptions& common, const EvalOptions& options) {
  registerBuiltinSimulations();
  auto store = openExistingStore(common);
  const RunInfo run = store->getRun(options.runId);
  const StoredRunConfig stored = readStoredRunConfig(run);
  if (!stored.training)
    throw NotFoundError("run " + std::to_string(run.id) +
                        " is a match people played: it has no policy to evaluate");
  const TrainConfig& config = *stored.training;
  const EnvInfo& info = EnvRegistry::instance().get(config.env);

  // --checkpoint best (default) | latest | ID.
  const std::string which = options.checkpoint.empty() ? "best" : options.checkpoint;
  CheckpointInfo checkpoint;
  std::string chosen;
  if (which == "best" || which == "latest") {
    const std::vector<CheckpointInfo> all = store->checkpoints(run.id);
    if (all.empty())
      throw NotFoundError("run " + std::to_string(run.id) + " has no checkpoint yet");
    if (which == "latest") {
      checkpoint = all.back();
      chosen = "latest";
    } else {
      const RunCheckpointSummary summary = summarizeCheckpoints(all);
      checkpoint = summary.best ? *summary.best : all.back();
      chosen = summary.bestIsMarked ? "best"
               : summary.best       ? "best so far (highest evaluation; the run has not chosen its "
                                      "best yet)"
                                    : "latest (no checkpoint has an evaluation)";
    }
  } else {
    int64_t id = 0;
    try {
      size_t used = 0;
      id = std::stoll(which, &used);
      if (used != which.size() || id <= 0) throw std::invalid_argument(which);
    } catch (const std::logic_error&) {
      throw ConfigError("--checkpoint must be best, latest or a checkpoint id, got '" + which +
                        "'");
    }
    checkpoint = store->loadCheckpoint(id).info;
    if (checkpoint.runId != run.id)
      throw NotFoundError("checkpoint " + std::to_string(id) + " belongs to run " +
                          std::to_string(checkpoint.runId) + ", not run " + std::to_string(run.id));
    chosen = isBestCheckpoint(checkpoint.metaJson) ? "best" : "chosen";
  }
  const Policy policy = Policy::deserialize(store->loadCheckpoint(checkpoint.id).policy);

  auto makeEnv = [&] { return info.create(config.envConfig); };
  const EnvPtr probe = makeEnv();
  TaskValues task = stored.evalTaskValues;
  try {
    // --task entries override the run's own task.
    if (!options.task.empty()) task = probe->spec().tasks.parse(options.task, task);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("--task: ") + e.what());
  }

  // The slots the run froze act with their checkpoints here too, and the figures are the learned
  // slot's: an adversary is evaluated against the swarm it trained against.
  const int learnerSlot = learnerSlotOf(config, probe->spec());
  const FrozenSlots frozen = loadFrozenSlots(config, probe->spec(), *store);

  ThreadPool pool(options.threads);
  const uint64_t seed = options.seed ? *options.seed : config.seed;
  const EvalResult result =
      evaluatePolicy(makeEnv, policy, task, options.episodes, seed, pool, frozen, learnerSlot);

  std::cout << "run " << run.id << " checkpoint " << checkpoint.id << " (step " << checkpoint.step
            << ", " << chosen << "): mean return " << fixed(result.meanReturn, 1) << " +- "
            << fixed(result.stdReturn, 1) << ", median " << fixed(result.medianReturn, 1)
            << ", fell in " << fixed(100 * result.fallRate, 1) << "% of " << options.episodes
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
  // The env's own episode figures (the swarm's order, the walker's distance), averaged.
  const std::map<std::string, double> metrics = meanEpisodeMetrics(result.episodes);
  if (!metrics.empty()) {
    std::cout << "episode means:";
    for (const auto& [name, value] : metrics) std::cout << " " << name << " " << fixed(value, 3);
    std::cout << "\n";
  }
  if (frozen.any()) {
    std::cout << "frozen slots:";
    for (const auto& [slot, f] : config.frozenSlots)
      std::cout << " " << slot << " = run " << f.run << " checkpoint " << f.checkpoint;
    std::cout << "; figures are slot "
              << probe->spec().policySlots[static_cast<size_t>(learnerSlot)] << "'s\n";
  }
  if (common.json)
    printJsonLine({{"run_id", run.id},
                   {"checkpoint_id", checkpoint.id},
                   {"checkpoint_step", checkpoint.step},
                   {"checkpoint_is_best", isBestCheckpoint(checkpoint.metaJson)},
                   {"episodes", options.episodes},
                   {"mean_return", result.meanReturn},
                   {"std_return", result.stdReturn},
                   {"median_return", result.medianReturn},
                   {"fall_rate", result.fallRate},
                   {"success_rate", result.successRate},
                   {"outcomes", outcomes},
                   {"episode_means", metrics},
                   {"task", probe->spec().tasks.toMap(task)}});
  return 0;
}

}  // namespace palaestra::cli
