#pragma once
// Trains a league round by round (AlphaStar's league in miniature, or self play, or fictitious
// self play): every round each role's learner trains its share of the round's steps as a run of
// the store (created the first round, resumed after), facing the opponents its matchmaking
// chose; then its latest checkpoint joins the league as a member. Matchmaking, from the training
// games stored so far (each learner's score against each member, the payoff estimates):
//
//   main:             self play (self_weight), the env's own opponents (env_weight, e.g. the
//                     fight's CPU ladder, shared uniformly or by PFSP: env_weighting), and
//                     prioritised fictitious self play over every member for the rest, weighted
//                     (1 - p)^2 by its win probability p (hard opponents);
//   main_exploiter:   the latest main agent (half), older main agents by p (1 - p) (the rest);
//   league_exploiter: every member by (1 - p)^2.
//   self_play:        the learner's current self only; fictitious_self_play: every past member
//                     and itself, uniformly.
//
// An exploiter whose round score against its opponents passes exploiter_reset_score starts the
// next round as a new run (fresh weights), as AlphaStar resets its exploiters. Everything is
// sequential and seeded, so a league trains the same members given its config.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "league/LeagueConfig.h"
#include "store/LeagueStore.h"
#include "store/RunStore.h"

namespace palaestra {

struct LeagueProgress {
  int round = 0;             // 0-based
  std::string role;          // the role that just trained
  int64_t runId = 0;
  int64_t memberId = 0;      // the member it added
  int64_t leagueSteps = 0;   // env steps of every learner so far
  double roundScore = 0.0;   // its training score this round (win 1, draw 1/2)
  double evalWinRate = 0.0;  // its evaluation (the base config's eval task) at the end of the round
  double seconds = 0.0;      // wall time so far
};

struct LeagueResult {
  int64_t leagueId = 0;
  int roundsDone = 0;
  int64_t leagueSteps = 0;
  double seconds = 0.0;
  bool interrupted = false;
  std::vector<LeagueMember> members;
};

/// The opponents section `role` trains against given the league's members and games so far
/// (exposed for tests): see the header comment.
nlohmann::json leagueOpponents(const LeagueConfig& config, const std::string& role,
                               int64_t learnerRunId, const std::vector<LeagueMember>& members,
                               const std::vector<LeagueGames>& games);

/// The matchmaking weight of an opponent beaten with probability `p` (AlphaStar's f_hard:
/// (1 - p)^2, or f_var: p (1 - p) with `variance`).
double pfspWeight(double p, bool variance);

class LeagueRunner {
 public:
  /// Checks that `config`'s base builds a learner facing its opponents, env members included
  /// (throws ConfigError naming the field), without touching a store.
  static void check(const LeagueConfig& config);
  /// Checks `config` (see check) and creates the league `name` in `store`.
  LeagueRunner(LeagueConfig config, RunStore& store, const std::string& name);
  /// The league's id.
  int64_t leagueId() const { return leagueId_; }
  /// Trains every round (or until `stop`); `onRound` sees each role's round as it ends.
  LeagueResult run(const std::atomic<bool>& stop,
                   const std::function<void(const LeagueProgress&)>& onRound = {});

 private:
  LeagueConfig config_;
  RunStore& store_;
  LeagueStore leagues_;
  int64_t leagueId_ = 0;
  std::string name_;
};

}  // namespace palaestra
