// palaestra-cli train: a training run with live progress, stored in the run store.
#include <csignal>
#include <iostream>
#include <unistd.h>

#include "CliSupport.h"
#include "Commands.h"
#include "ProgressPrinter.h"
#include "Simulations.h"
#include "train/ConfigFile.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

namespace palaestra::cli {

namespace {
std::atomic<bool> stopRequested{false};
std::atomic<int> stopSignal{0};  // the signal that asked to stop (0: none)

// The signals that stop a training run cleanly: Ctrl-C, kill's default, a closed terminal.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void onStopSignal(int signal) {
  // The first one stops cleanly after the current step (checkpoint, final evaluation, run
  // marked interrupted); a second one exits at once, and the next open of the store finds the
  // run crashed. Only lock-free atomics and _Exit here: both are async-signal-safe.
  int none = 0;
  if (!stopSignal.compare_exchange_strong(none, signal)) std::_Exit(128 + signal);
  stopRequested = true;
}

void handleStopSignals(void (*handler)(int)) {
  for (int signal : kStopSignals) std::signal(signal, handler);
}

}  // namespace

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

int train(const CommonOptions& common, const TrainOptions& options) {
  registerBuiltinSimulations();
  const TrainConfig config = buildConfig(options);
  TrainingSession::check(config);  // a bad config never creates or touches the store
  auto store = openStoreForWriting(common);
  std::string name = options.name;
  if (name.empty())
    name = options.env + "-" + (options.preset.empty() ? "default" : options.preset) + "-s" +
           std::to_string(config.seed);
  // Before the run exists: a stop signal from then on ends it cleanly as interrupted.
  stopRequested = false;
  stopSignal = 0;
  handleStopSignals(onStopSignal);
  TrainingSession session(config, store.get(), name);
  std::cerr << "run " << session.runId() << " '" << name << "' in " << store->path() << "\n";

  ProgressPrinter printer(isatty(STDERR_FILENO));
  TrainingResult result;
  try {
    result = session.run(stopRequested, &printer);
  } catch (...) {
    printer.finish();
    handleStopSignals(SIG_DFL);
    throw;
  }
  printer.finish();
  handleStopSignals(SIG_DFL);

  std::cout << "run " << result.runId << " " << runStatusName(result.status) << ": "
            << result.steps << " steps in " << formatDuration(result.wallSeconds) << " ("
            << fixed(result.trainStepsPerSecond, 0) << " steps/s), final eval mean return "
            << fixed(result.evalMeanReturn, 1) << " +- " << fixed(result.evalStdReturn, 1)
            << " over " << config.eval.finalEpisodes << " episodes\n";
  if (common.json)
    printJsonLine({{"run_id", result.runId},
                   {"steps", result.steps},
                   {"wall_s", result.wallSeconds},
                   {"eval_mean_return", result.evalMeanReturn},
                   {"eval_std_return", result.evalStdReturn},
                   {"eval_success_rate", result.evalSuccessRate},
                   {"status", runStatusName(result.status)}});
  // 128 + the signal, as a shell reports a process it ended: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.
  if (result.status != RunStatus::Interrupted) return 0;
  return 128 + (stopSignal.load() != 0 ? stopSignal.load() : SIGINT);
}

}  // namespace palaestra::cli
