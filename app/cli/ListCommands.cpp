// palaestra-cli runs / episodes / export: what the store holds.
#include <cmath>
#include <iostream>
#include <limits>

#include "CliSupport.h"
#include "Simulations.h"
#include "Commands.h"
#include "store/MetricsCsv.h"
#include "env/EnvRegistry.h"
#include "train/CheckpointMeta.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

namespace palaestra::cli {

int listRuns(const CommonOptions& common) {
  auto store = openExistingStore(common);
  std::vector<std::vector<std::string>> rows;
  nlohmann::json list = nlohmann::json::array();
  for (const RunInfo& run : store->listRuns()) {
    const RunCheckpointSummary summary = summarizeCheckpoints(store->checkpoints(run.id));
    const double best = summary.bestEval.meanReturn, last = summary.lastEvalReturn;
    rows.push_back({std::to_string(run.id), run.name, run.env, runStatusName(run.status),
                    std::to_string(run.steps), formatTime(run.createdAt), fixed(best, 1),
                    fixed(last, 1)});
    list.push_back(
        {{"id", run.id},
         {"name", run.name},
         {"env", run.env},
         {"status", runStatusName(run.status)},
         {"steps", run.steps},
         {"seed", run.seed},
         {"created", run.createdAt},
         {"code_version", run.codeVersion},
         {"best_eval_return", std::isnan(best) ? nlohmann::json() : nlohmann::json(best)},
         {"best_checkpoint_id", summary.best ? nlohmann::json(summary.best->id) : nlohmann::json()},
         {"best_is_chosen", summary.bestIsMarked},
         {"last_eval_return", std::isnan(last) ? nlohmann::json() : nlohmann::json(last)}});
  }
  if (rows.empty())
    std::cout << "no runs in " << store->path() << "\n";
  else
    printTable({"id", "name", "env", "status", "steps", "created", "best eval", "last eval"}, rows);
  if (common.json) printJsonLine({{"store", store->path()}, {"runs", list}});
  return 0;
}

namespace {

// Agents per env of `run`'s env (its stored config), or 0 when this build cannot make that env
// (a simulation it lacks, a config it cannot read): bytes per agent-step then show as "-".
int agentsOfRun(const RunInfo& run) {
  try {
    const StoredRunConfig config = readStoredRunConfig(run);
    return EnvRegistry::instance().get(config.env).create(config.envConfig)->spec().numAgents;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

int listEpisodes(const CommonOptions& common, int64_t runId) {
  registerBuiltinSimulations();
  auto store = openExistingStore(common);
  const int agents = agentsOfRun(store->getRun(runId));  // NotFoundError for an unknown run
  std::vector<std::vector<std::string>> rows;
  nlohmann::json list = nlohmann::json::array();
  for (const EpisodeSummary& e : store->episodes(runId)) {
    // What issue 10 budgets: stored action bytes per agent and step (at most 2 for the swarm).
    const int64_t agentSteps = static_cast<int64_t>(e.length) * agents;
    // NaN when unknown (GCC 12 misreports an std::optional<double> here as maybe-uninitialized).
    const double perAgentStep = agentSteps > 0
                                    ? static_cast<double>(e.actionBytes) / agentSteps
                                    : std::numeric_limits<double>::quiet_NaN();
    const bool known = !std::isnan(perAgentStep);
    std::string task;
    for (double v : e.task) {
      if (!task.empty()) task += ",";
      task += fixed(v, 2);
    }
    rows.push_back({std::to_string(e.id), episodeKindName(e.kind),
                    e.checkpointId ? std::to_string(*e.checkpointId) : "-",
                    std::to_string(e.length), fixed(e.episodeReturn, 1), e.outcome,
                    std::to_string(e.actionBytes), known ? fixed(perAgentStep, 3) : "-",
                    task.empty() ? "-" : task});
    list.push_back({{"id", e.id},
                    {"kind", episodeKindName(e.kind)},
                    {"checkpoint_id", e.checkpointId ? nlohmann::json(*e.checkpointId) : nlohmann::json()},
                    {"length", e.length},
                    {"return", e.episodeReturn},
                    {"outcome", e.outcome},
                    {"seed", e.seed},
                    {"task", e.task},
                    {"action_bytes", e.actionBytes},
                    {"action_bytes_per_agent_step",
                     known ? nlohmann::json(perAgentStep) : nlohmann::json()}});
  }
  if (rows.empty())
    std::cout << "run " << runId << " has no stored episodes\n";
  else
    printTable({"id", "kind", "checkpoint", "length", "return", "outcome", "action bytes",
                "bytes/agent-step", "task"},
               rows);
  if (common.json) printJsonLine({{"run_id", runId}, {"episodes", list}});
  return 0;
}

int exportCsv(const CommonOptions& common, int64_t runId, const std::string& csvPath) {
  auto store = openExistingStore(common);
  const size_t rows = exportMetricsCsv(*store, runId, csvPath);
  std::cout << "wrote " << rows << " metric points of run " << runId << " to " << csvPath << "\n";
  if (common.json) printJsonLine({{"run_id", runId}, {"rows", rows}, {"file", csvPath}});
  return 0;
}

}  // namespace palaestra::cli
