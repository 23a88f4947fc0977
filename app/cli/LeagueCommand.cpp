// palaestra-cli league: trains self play, fictitious self play or a league (see
// core/league/LeagueRunner.h) from a league preset of the env, stored in the run store.
#include <unistd.h>

#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "env/EnvRegistry.h"
#include "league/LeagueRunner.h"
#include "Simulations.h"
#include "train/ConfigFile.h"
#include "util/Errors.h"

namespace palaestra::cli {

namespace {

LeagueConfig buildLeagueConfig(const LeagueOptions& o) {
  const EnvInfo& info = EnvRegistry::instance().get(o.env);
  if (info.leaguePresets.empty())
    throw ConfigError(o.env + " has no league presets: leagues are for two-player envs (fight)");
  const std::string name = o.preset.empty() ? "league" : o.preset;
  const auto it = info.leaguePresets.find(name);
  if (it == info.leaguePresets.end()) {
    std::string known;
    for (const auto& [n, unused] : info.leaguePresets) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("unknown league preset '" + name + "' for " + o.env + " (known: " + known +
                      ")");
  }
  nlohmann::json config = it->second;
  config["base"]["env"] = o.env;
  if (!o.configFile.empty())
    config = mergeConfig(config, readConfigFile(o.configFile));
  if (o.rounds) config["rounds"] = *o.rounds;
  if (o.roundSteps) config["round_steps"] = *o.roundSteps;
  if (o.seed) config["seed"] = *o.seed;
  if (o.threads) config["threads"] = *o.threads;
  return LeagueConfig::fromJson(config);
}

}  // namespace

int league(const CommonOptions& common, const LeagueOptions& options) {
  registerBuiltinSimulations();
  const LeagueConfig config = buildLeagueConfig(options);
  LeagueRunner::check(config);  // a bad config never touches the store
  auto store = openStoreForWriting(common);
  const std::string name =
      options.name.empty() ? options.env + "-" + config.kind + "-s" + std::to_string(config.seed)
                           : options.name;
  const std::atomic<bool>& stop = catchStopSignals();
  LeagueRunner runner(config, *store, name);
  std::cerr << "league " << runner.leagueId() << " '" << name << "' (" << config.kind << ", "
            << config.rounds << " rounds of " << config.stepsPerRound() << " env steps) in "
            << store->path() << "\n";
  LeagueResult result;
  try {
    result = runner.run(stop, [&](const LeagueProgress& p) {
      std::cerr << "round " << p.round + 1 << "/" << config.rounds << " " << p.role << " (run "
                << p.runId << "): training score " << fixed(p.roundScore, 3)
                << ", eval win rate " << fixed(p.evalWinRate, 2) << ", member " << p.memberId
                << ", league steps " << p.leagueSteps << ", " << formatDuration(p.seconds)
                << "\n";
    });
  } catch (...) {
    releaseStopSignals();
    throw;
  }
  releaseStopSignals();
  std::cout << "league " << result.leagueId << " " << (result.interrupted ? "interrupted" : "finished")
            << ": " << result.roundsDone << " rounds, " << result.members.size() << " members, "
            << result.leagueSteps << " env steps in " << formatDuration(result.seconds) << "\n";
  if (common.json) {
    nlohmann::json members = nlohmann::json::array();
    for (const LeagueMember& m : result.members)
      members.push_back({{"member_id", m.id},
                         {"role", m.role},
                         {"run_id", m.runId},
                         {"checkpoint_id", m.checkpointId},
                         {"round", m.round},
                         {"step", m.step},
                         {"league_steps", m.leagueSteps}});
    printJsonLine({{"league_id", result.leagueId},
                   {"kind", config.kind},
                   {"rounds_done", result.roundsDone},
                   {"league_steps", result.leagueSteps},
                   {"wall_s", result.seconds},
                   {"status", result.interrupted ? "interrupted" : "finished"},
                   {"members", members}});
  }
  return result.interrupted ? stoppedExitCode() : 0;
}

}  // namespace palaestra::cli
