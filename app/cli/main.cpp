// palaestra-cli: headless training, evaluation, replay checks and benchmarks.
// Every error ends as one line on stderr and a non-zero exit code:
// 2 for bad usage or config, 1 for everything else (store, missing ids, replay mismatch);
// train stopped by a signal exits 128 + the signal (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
#include <CLI/CLI.hpp>

#include <iostream>

#include <nlohmann/json.hpp>

#include "Commands.h"
#include "OptionChecks.h"
#include "util/Errors.h"
#include "util/Version.h"

using namespace palaestra;
using namespace palaestra::cli;

namespace {

/// Adds --db and --json, which every command takes.
void addCommon(CLI::App* command, CommonOptions& common) {
  command->add_option("--db", common.db, "Run store file (default: the user's data directory)");
  command->add_flag("--json", common.json, "Print one JSON object as the last line of stdout");
}

int fail(int code, const std::string& message) {
  std::cerr << "palaestra-cli: error: " << message << std::endl;
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Palaestra: reinforcement-learning lab, headless command line", "palaestra-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", palaestra::projectVersion() + " (" + palaestra::gitVersion() + ")");
  CommonOptions common;

  TrainOptions trainOpt;
  CLI::App* train = app.add_subcommand(
      "train",
      "Train a policy with PPO; the run is stored. With --resume RUN, continue a stopped "
      "run from its latest checkpoint instead");
  auto* trainEnv = train->add_option("env", trainOpt.env, "Environment, e.g. walker");
  auto* resume = train->add_option(
      "--resume", trainOpt.resumeRunId,
      "Continue this interrupted, crashed or failed run (or a finished one with a larger "
      "--steps or --minutes) in the same run id, from its latest checkpoint's optimiser state, "
      "until its budget; --steps/--minutes set a new total budget")
      ->check(wholeNumberIn(1, kMaxId));
  trainEnv->excludes(resume);
  auto* preset = train->add_option("--preset", trainOpt.preset,
                                   "Training preset of the env (default: the env's default)");
  auto* configFile =
      train->add_option("--config", trainOpt.configFile, "JSON file merged over the preset");
  auto* minutes = train->add_option("--minutes", trainOpt.minutes, "Train for this many minutes")
                      ->check(finiteNumberIn(1e-3, 1e6));
  auto* steps = train->add_option("--steps", trainOpt.steps, "Train for this many env steps")
                    ->check(wholeNumberIn(1, int64_t(1) << 50));
  minutes->excludes(steps);
  auto* seed =
      train->add_option("--seed", trainOpt.seed, "Master seed of the run")->check(wholeNumberIn(0, kMaxSeed));
  train->add_option("--threads", trainOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  auto* runName = train->add_option("--name", trainOpt.name, "Name of the run");
  // A resumed run keeps its config: only the budget and the threads may change.
  for (auto* option : {preset, configFile, seed, runName}) resume->excludes(option);
  addCommon(train, common);

  EvalOptions evalOpt;
  CLI::App* evalCmd = app.add_subcommand("eval", "Evaluate a stored policy deterministically");
  evalCmd->add_option("run", evalOpt.runId, "Run id")->required()->check(wholeNumberIn(1, kMaxId));
  evalCmd->add_option("--checkpoint", evalOpt.checkpoint,
                      "best (default: the run's result, chosen when it finished), latest, or a "
                      "checkpoint id");
  evalCmd->add_option("--episodes", evalOpt.episodes, "Episodes to play (default 200)")
      ->check(wholeNumberIn(1, 100000));
  evalCmd->add_option("--task", evalOpt.task, "Task parameters, e.g. stump_height=1.5,obstacle_spacing=3");
  evalCmd
      ->add_option("--seed", evalOpt.seed, "Seed of the evaluation episodes (default: the run's)")
      ->check(wholeNumberIn(0, kMaxSeed));
  evalCmd->add_option("--threads", evalOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  addCommon(evalCmd, common);

  CLI::App* runs = app.add_subcommand("runs", "List the runs in the store");
  addCommon(runs, common);

  int64_t episodesRun = 0;
  CLI::App* episodes = app.add_subcommand("episodes", "List the stored episodes of a run");
  episodes->add_option("run", episodesRun, "Run id")->required()->check(wholeNumberIn(1, kMaxId));
  addCommon(episodes, common);

  int64_t curriculumRun = 0;
  CLI::App* curriculumCmd = app.add_subcommand(
      "curriculum",
      "Show a run's curriculum: the sections it trained under (start and edits), refused edits, "
      "and its test set's % mastered at each checkpoint");
  curriculumCmd->add_option("run", curriculumRun, "Run id")
      ->required()
      ->check(wholeNumberIn(1, kMaxId));
  addCommon(curriculumCmd, common);

  ReplayOptions replayOpt;
  int64_t replayEpisode = 0, replayRun = 0;
  CLI::App* replayCmd = app.add_subcommand(
      "replay", "Re-simulate stored episodes and check every stored state hash");
  auto* episodeArg = replayCmd->add_option("episode", replayEpisode, "Episode id")
                         ->check(wholeNumberIn(1, kMaxId));
  auto* runArg = replayCmd->add_option("--run", replayRun, "Every episode of this run")
                     ->check(wholeNumberIn(1, kMaxId));
  episodeArg->excludes(runArg);
  replayCmd->add_flag("--verify", replayOpt.verify, "Exit 1 if any episode diverges");
  addCommon(replayCmd, common);

  int64_t exportRun = 0;
  std::string csvPath;
  CLI::App* exportCmd = app.add_subcommand("export", "Export a run's metrics");
  exportCmd->add_option("run", exportRun, "Run id")->required()->check(wholeNumberIn(1, kMaxId));
  exportCmd->add_option("--csv", csvPath, "CSV file to write")->required();
  addCommon(exportCmd, common);

  BenchOptions benchOpt;
  CLI::App* benchCmd = app.add_subcommand("bench", "Measure env, physics, training and store speed");
  benchCmd->add_option("env", benchOpt.env, "Environment, e.g. walker")->required();
  benchCmd->add_option("--seconds", benchOpt.seconds, "Seconds per measurement")
      ->check(finiteNumberIn(0.1, 3600.0));
  benchCmd->add_option("--threads", benchOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  benchCmd
      ->add_option(
          "--seek-episode", benchOpt.seekEpisodeId,
          "Only measure replay seeking (timeline build, 1000 random seeks) on this stored episode")
      ->check(wholeNumberIn(1, kMaxId));
  benchCmd->add_flag("--phase-curve", benchOpt.phaseCurve,
                     "swarm only: the classic rules' order curves (Vicsek phi vs noise eta, "
                     "all-to-all Kuramoto r vs coupling K with sqrt(1 - K_c/K)) instead of speed");
  addCommon(benchCmd, common);

  TournamentOptions tournamentOpt;
  CLI::App* tournamentCmd = app.add_subcommand(
      "tournament",
      "Round robin between CPU controllers; prints the win-rate matrix (row vs column, draws "
      "count half). Every pair plays --matches matches with each side as P1. Stored "
      "checkpoints are rated against the CPU with `elo`.");
  tournamentCmd
      ->add_option("--controllers", tournamentOpt.controllers,
                   "Comma-separated controllers: a CPU character at --cpu-level (\"kestrel\") or "
                   "at a level (\"kestrel@5\"); default: every built-in character");
  tournamentCmd->add_option("--cpu-level", tournamentOpt.cpuLevel, "CPU level 1..8 (default 8)")
      ->check(wholeNumberIn(1, 8));
  tournamentCmd
      ->add_option("--matches", tournamentOpt.matches,
                   "Matches per pair and side, >= 1 (default 4)")
      ->check(wholeNumberIn(1, 100000));
  tournamentCmd->add_option("--seed", tournamentOpt.seed, "Seed of the tournament (default 1)")
      ->check(wholeNumberIn(0, kMaxSeed));
  tournamentCmd->add_option("--threads", tournamentOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  tournamentCmd->add_flag("--json", common.json, "Print one JSON object as the last line of stdout");

  LeagueOptions leagueOpt;
  CLI::App* leagueCmd = app.add_subcommand(
      "league",
      "Train fight agents that learn from each other: self play, fictitious self play or an "
      "AlphaStar-style league (main agent, main exploiter, league exploiter, prioritised "
      "fictitious self-play matchmaking). Each learner is a run of the store; each round adds "
      "its latest checkpoint to the league");
  leagueCmd->add_option("env", leagueOpt.env, "Environment (default fight)");
  leagueCmd->add_option("--preset", leagueOpt.preset,
                        "League preset: league (default), self_play or fictitious_self_play");
  leagueCmd->add_option("--config", leagueOpt.configFile, "JSON file merged over the preset");
  leagueCmd->add_option("--rounds", leagueOpt.rounds, "Rounds (default 10)")
      ->check(wholeNumberIn(1, 10000));
  leagueCmd
      ->add_option("--round-steps", leagueOpt.roundSteps,
                   "Env steps of a round, shared by the roles (default 300000)")
      ->check(wholeNumberIn(1, int64_t(1) << 40));
  leagueCmd->add_option("--seed", leagueOpt.seed, "Seed of the league (default 1)")
      ->check(wholeNumberIn(0, kMaxSeed));
  leagueCmd->add_option("--threads", leagueOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  leagueCmd->add_option("--name", leagueOpt.name, "Name of the league");
  addCommon(leagueCmd, common);

  EloOptions eloOpt;
  CLI::App* eloCmd = app.add_subcommand(
      "elo",
      "Rate stored fight agents: a cross-play round robin of checkpoints against each other and "
      "the CPU of every character (agents sample their actions), Elo fitted to all results "
      "(CPU entrants average 1500), the payoff matrix in --json; the rating is stored");
  eloCmd->add_option("--runs", eloOpt.runs, "Rate these runs' checkpoints (default: every fight "
                                            "checkpoint)")
      ->check(wholeNumberIn(1, kMaxId));
  eloCmd->add_option("--league", eloOpt.leagueId, "Rate this league's members")
      ->check(wholeNumberIn(1, kMaxId));
  eloCmd->add_option("--cpu-levels", eloOpt.cpuLevels,
                     "CPU levels among the entrants: 1-8 (default, 96 opponents), 8, 1,4,8 or none");
  eloCmd->add_option("--matches", eloOpt.matches, "Matches per pair and side (default 2)")
      ->check(wholeNumberIn(1, 1000));
  eloCmd->add_option("--seed", eloOpt.seed, "Seed of the matches (default 1)")
      ->check(wholeNumberIn(0, kMaxSeed));
  eloCmd->add_option("--threads", eloOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  addCommon(eloCmd, common);

  ExploitOptions exploitOpt;
  CLI::App* exploitCmd = app.add_subcommand(
      "exploit",
      "Approximate exploitability of a stored fight agent: fresh PPO best responses trained "
      "against it (frozen, sampling its actions) for a fixed budget, then 2 x 50 matches each; "
      "prints their win rates");
  exploitCmd->add_option("checkpoint", exploitOpt.checkpointId, "The agent's checkpoint id")
      ->required()
      ->check(wholeNumberIn(1, kMaxId));
  exploitCmd->add_option("--steps", exploitOpt.steps, "Each best response's env steps (default 500000)")
      ->check(wholeNumberIn(1, int64_t(1) << 40));
  exploitCmd->add_option("--seeds", exploitOpt.seeds, "Best responses, one per seed (default 3)")
      ->check(wholeNumberIn(1, 100));
  exploitCmd->add_option("--threads", exploitOpt.threads, "Threads (default: all cores)")
      ->check(wholeNumberIn(1, 256));
  addCommon(exploitCmd, common);

  CharactersOptions charactersOpt;
  CLI::App* charactersCmd = app.add_subcommand(
      "characters",
      "Lists the fighting game's characters (built-in plus $PALAESTRA_CHARACTERS_DIR), or checks "
      "character files: each file's verdict, and the file, field and problem of each error");
  charactersCmd->add_option("files", charactersOpt.files,
                            "Character files (.json) to check instead of listing the roster");
  charactersCmd->add_flag("--json", common.json, "Print one JSON object as the last line of stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(2, std::string(e.what()) + " (see --help)");
  }

  try {
    if (*train) {
      if (trainOpt.env.empty() && !trainOpt.resumeRunId)
        return fail(2, "train needs an env (e.g. walker) or --resume RUN (see --help)");
      return cli::train(common, trainOpt);
    }
    if (*evalCmd) return cli::eval(common, evalOpt);
    if (*runs) return cli::listRuns(common);
    if (*episodes) return cli::listEpisodes(common, episodesRun);
    if (*curriculumCmd) return cli::curriculum(common, curriculumRun);
    if (*exportCmd) return cli::exportCsv(common, exportRun, csvPath);
    if (*benchCmd) return cli::bench(common, benchOpt);
    if (*tournamentCmd) return cli::tournament(common, tournamentOpt);
    if (*charactersCmd) return cli::characters(common, charactersOpt);
    if (*leagueCmd) return cli::league(common, leagueOpt);
    if (*eloCmd) {
      if (eloOpt.leagueId && !eloOpt.runs.empty())
        return fail(2, "elo takes --league or --runs, not both (see --help)");
      return cli::elo(common, eloOpt);
    }
    if (*exploitCmd) return cli::exploit(common, exploitOpt);
    if (*replayCmd) {
      if (*runArg) replayOpt.runId = replayRun;
      else if (*episodeArg) replayOpt.episodeId = replayEpisode;
      else return fail(2, "replay needs an episode id or --run RUN (see --help)");
      return cli::replay(common, replayOpt);
    }
  } catch (const ConfigError& e) {
    return fail(2, e.what());
  } catch (const StoreError& e) {
    return fail(1, e.what());
  } catch (const NotFoundError& e) {
    return fail(1, e.what());
  } catch (const nlohmann::json::exception& e) {
    return fail(1, std::string("stored config is not valid: ") + e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
  return 0;
}
