#pragma once
// The palaestra-cli commands. Each returns the process exit code; errors are
// thrown (ConfigError, StoreError, NotFoundError) and printed by main as one line.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace palaestra::cli {

struct CommonOptions {
  std::string db;     // run store path; empty = the default store
  bool json = false;  // print one JSON object as the last line of stdout
};

struct TrainOptions {
  std::string env;                     // empty with resumeRunId
  std::optional<int64_t> resumeRunId;  // --resume RUN: continue a stopped run
  std::string preset;
  std::string configFile;
  std::optional<double> minutes;
  std::optional<uint64_t> steps;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::string name;
};
int train(const CommonOptions& common, const TrainOptions& options);

struct EvalOptions {
  int64_t runId = 0;
  std::string checkpoint;  // "best" (default), "latest" or a checkpoint id
  int episodes = 200;
  std::string task;
  std::optional<uint64_t> seed;
  int threads = 0;
};
int eval(const CommonOptions& common, const EvalOptions& options);

int listRuns(const CommonOptions& common);
int listEpisodes(const CommonOptions& common, int64_t runId);
/// Prints a run's curriculum: its sections over time, refused edits, and the test set by
/// checkpoint.
int curriculum(const CommonOptions& common, int64_t runId);
int exportCsv(const CommonOptions& common, int64_t runId, const std::string& csvPath);

struct ReplayOptions {
  std::optional<int64_t> episodeId;
  std::optional<int64_t> runId;
  bool verify = false;
};
int replay(const CommonOptions& common, const ReplayOptions& options);

struct BenchOptions {
  std::string env;
  double seconds = 3.0;
  int threads = 0;
  std::optional<int64_t> seekEpisodeId;  // measure replay seeking on this stored episode instead
  bool phaseCurve = false;  // swarm only: print the classic rules' order curves instead
};
int bench(const CommonOptions& common, const BenchOptions& options);

struct TournamentOptions {
  std::string controllers;  // comma-separated "character" or "character@level"; empty = every built-in
  int cpuLevel = 8;         // level of entries without "@level"
  int matches = 4;          // matches per ordered pair (each pair plays 2 x matches, sides swapped)
  uint64_t seed = 1;
  int threads = 0;
};
int tournament(const CommonOptions& common, const TournamentOptions& options);

struct CharactersOptions {
  std::vector<std::string> files;  // character files to check; empty = list the roster
};
/// Lists the fight roster, or checks character files (exit 2 when one is invalid).
int characters(const CommonOptions& common, const CharactersOptions& options);

struct LeagueOptions {
  std::string env = "fight";
  std::string preset;      // league preset of the env (default "league")
  std::string configFile;  // JSON merged over the preset
  std::optional<int> rounds;
  std::optional<int64_t> roundSteps;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::string name;
};
/// Trains self play, fictitious self play or a league; its learners are runs of the store.
int league(const CommonOptions& common, const LeagueOptions& options);

struct EloOptions {
  std::vector<int64_t> runs;     // rate these runs' checkpoints; empty = every fight checkpoint
  std::optional<int64_t> leagueId;  // rate this league's members
  std::string cpuLevels = "1-8";    // CPU levels among the entrants ("none" for no CPU)
  int matches = 2;                  // matches per pair and side
  uint64_t seed = 1;
  int threads = 0;
};
/// Cross-play round robin of stored fight checkpoints and CPU opponents: Elo and payoff matrix.
int elo(const CommonOptions& common, const EloOptions& options);

struct ExploitOptions {
  int64_t checkpointId = 0;
  uint64_t steps = 500000;
  int seeds = 3;
  int threads = 0;
};
/// Approximate exploitability: fresh best responses trained against a frozen checkpoint.
int exploit(const CommonOptions& common, const ExploitOptions& options);

}  // namespace palaestra::cli
