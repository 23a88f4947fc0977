// palaestra-cli train: a training run with live progress, stored in the run store.
#include <unistd.h>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "ProgressPrinter.h"
#include "Simulations.h"
#include "train/ConfigFile.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

namespace palaestra::cli {


/// Builds the run's config: preset, then the config file, then command-line flags.
static TrainConfig buildConfig(const TrainOptions& o) {
  nlohmann::json config = presetConfig(o.env, o.preset);
  if (!o.configFile.empty())
    config = applyConfigFile(config, readConfigFile(o.configFile), o.configFile);
  if (o.minutes || o.steps) {
    config["budget"] = nlohmann::json::object();
    if (o.minutes) config["budget"]["minutes"] = *o.minutes;
    if (o.steps) config["budget"]["steps"] = *o.steps;
  }
  if (o.seed) config["seed"] = *o.seed;
  if (o.threads) config["threads"] = *o.threads;
  return TrainConfig::fromJson(config);
}

/// Prepares the session: a new run, or the continuation of a stopped one (--resume).
static std::unique_ptr<TrainingSession> makeSession(const TrainOptions& options,
                                                    const std::optional<TrainConfig>& config,
                                                    RunStore& store) {
  if (options.resumeRunId) {
    const int64_t runId = *options.resumeRunId;
    ResumeRequest request;
    request.steps = options.steps;
    request.minutes = options.minutes;
    request.threads = options.threads;
    auto session = std::make_unique<TrainingSession>(store, runId, request);
    const RunInfo run = store.getRun(runId);
    std::cerr << "run " << runId << " '" << run.name << "' in " << store.path()
              << ": resuming at step " << session->resumedFromStep() << " ("
              << runStatusName(run.status) << ")\n";
    return session;
  }
  std::string name = options.name;
  if (name.empty())
    name = options.env + "-" + (options.preset.empty() ? "default" : options.preset) + "-s" +
           std::to_string(config->seed);
  auto session = std::make_unique<TrainingSession>(*config, &store, name);
  std::cerr << "run " << session->runId() << " '" << name << "' in " << store.path() << "\n";
  return session;
}

int train(const CommonOptions& common, const TrainOptions& options) {
  registerBuiltinSimulations();
  // A new run's config is checked before the store is touched; a resume reads it from the store.
  std::optional<TrainConfig> config;
  if (!options.resumeRunId) {
    config = buildConfig(options);
    TrainingSession::check(*config);  // a bad config never creates or touches the store
  }
  auto store = options.resumeRunId ? openExistingStore(common) : openStoreForWriting(common);
  // Before the run exists (or resumes): a stop signal from then on ends it cleanly as interrupted.
  const std::atomic<bool>& stopRequested = catchStopSignals();
  const std::unique_ptr<TrainingSession> sessionPtr = makeSession(options, config, *store);
  TrainingSession& session = *sessionPtr;

  ProgressPrinter printer(isatty(STDERR_FILENO));
  TrainingResult result;
  try {
    result = session.run(stopRequested, &printer);
  } catch (...) {
    printer.finish();
    releaseStopSignals();
    throw;
  }
  printer.finish();
  releaseStopSignals();

  std::cout << "run " << result.runId << " " << runStatusName(result.status) << ": " << result.steps
            << " steps in " << formatDuration(result.wallSeconds) << " ("
            << fixed(result.trainStepsPerSecond, 0) << " steps/s)\n"
            << "final policy: mean return " << fixed(result.evalMeanReturn, 1) << " +- "
            << fixed(result.evalStdReturn, 1) << ", median " << fixed(result.evalMedianReturn, 1)
            << ", fell in " << fixed(100 * result.evalFallRate, 1) << "% of "
            << result.finalEpisodes << " deterministic episodes\n";
  if (result.status == RunStatus::Finished && result.bestCheckpointId)
    std::cout << "best checkpoint " << result.bestCheckpointId << " (step " << result.bestStep
              << ", the run's result): mean return " << fixed(result.bestEval.meanReturn, 1)
              << " +- " << fixed(result.bestEval.stdReturn, 1) << ", median "
              << fixed(result.bestEval.medianReturn, 1) << ", fell in "
              << fixed(100 * result.bestEval.fallRate, 1) << "% of " << result.bestEval.episodes
              << " episodes (selection took " << formatDuration(result.selectionSeconds) << ")\n";
  else if (result.status == RunStatus::Interrupted)
    std::cout << "continue it with: palaestra-cli train --resume " << result.runId << "\n";
  if (common.json) {
    nlohmann::json out = {{"run_id", result.runId},
                          {"steps", result.steps},
                          {"wall_s", result.wallSeconds},
                          {"selection_s", result.selectionSeconds},
                          {"eval_episodes", result.finalEpisodes},
                          {"eval_mean_return", result.evalMeanReturn},
                          {"eval_std_return", result.evalStdReturn},
                          {"eval_median_return", result.evalMedianReturn},
                          {"eval_fall_rate", result.evalFallRate},
                          {"eval_success_rate", result.evalSuccessRate},
                          {"final_checkpoint_id", result.finalCheckpointId},
                          {"resumed_from_step", result.resumedFromStep},
                          {"status", runStatusName(result.status)}};
    const bool chosen = result.status == RunStatus::Finished && result.bestCheckpointId;
    auto orNull = [&](double v) { return chosen ? nlohmann::json(v) : nlohmann::json(); };
    out["best_checkpoint_id"] = chosen ? nlohmann::json(result.bestCheckpointId) : nlohmann::json();
    out["best_step"] = chosen ? nlohmann::json(result.bestStep) : nlohmann::json();
    out["best_episodes"] = chosen ? nlohmann::json(result.bestEval.episodes) : nlohmann::json();
    out["best_mean_return"] = orNull(result.bestEval.meanReturn);
    out["best_std_return"] = orNull(result.bestEval.stdReturn);
    out["best_median_return"] = orNull(result.bestEval.medianReturn);
    out["best_fall_rate"] = orNull(result.bestEval.fallRate);
    out["best_success_rate"] = orNull(result.bestEval.successRate);
    printJsonLine(out);
  }
  // 128 + the signal, as a shell reports a process it ended: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.
  if (result.status != RunStatus::Interrupted) return 0;
  return stoppedExitCode();
}

}  // namespace palaestra::cli
