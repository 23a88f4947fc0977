#pragma once
// The league tables of a run store (schema 9): leagues, their members (stored checkpoints of
// their learners' runs, added round by round), the training games each learner played against
// each opponent, and cross-play ratings. Shares the RunStore's connection; every call is
// synchronous.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/RunStore.h"

namespace palaestra {

struct LeagueInfo {
  int64_t id = 0;
  std::string name;
  std::string kind;  // "self_play", "fictitious_self_play" or "league"
  std::string configJson;
  double createdAt = 0;
  std::string status;  // "running", "finished", "interrupted" or "failed"
};

struct LeagueMember {
  int64_t id = 0;
  int64_t leagueId = 0;
  std::string role;  // "main", "main_exploiter", "league_exploiter"
  int64_t runId = 0;
  int64_t checkpointId = 0;
  int round = 0;
  int64_t step = 0;         // the learner's env steps when it was added
  int64_t leagueSteps = 0;  // env steps of every learner of the league by then
  double addedAt = 0;
};

struct LeagueGames {
  int round = 0;
  int64_t learnerRunId = 0;
  std::string opponent;                      // the opponent's name ("self" for self play)
  std::optional<int64_t> opponentMemberId;   // a member of the league, if it is one
  int64_t games = 0;
  double score = 0;  // summed: win 1, draw 1/2
};

struct StoredRating {
  int64_t id = 0;
  double createdAt = 0;
  std::string scope;  // what was rated, e.g. "league 2" or "all"
  nlohmann::json result;
};

class LeagueStore {
 public:
  /// The league tables of `store` (which must outlive this).
  explicit LeagueStore(RunStore& store) : store_(store) {}

  /// Creates a league; returns its id.
  int64_t createLeague(const std::string& name, const std::string& kind,
                       const nlohmann::json& config);
  /// Sets a league's status; throws NotFoundError for an unknown league.
  void setLeagueStatus(int64_t leagueId, const std::string& status);
  /// All leagues, oldest first.
  std::vector<LeagueInfo> leagues() const;
  /// One league; throws NotFoundError "no league with id N".
  LeagueInfo league(int64_t leagueId) const;
  /// Adds a member (its id is set from the insert); returns the id.
  int64_t addMember(LeagueMember member);
  /// A league's members in the order they were added.
  std::vector<LeagueMember> members(int64_t leagueId) const;
  /// Records one round's training games of a learner against each opponent, in one transaction.
  void addGames(int64_t leagueId, const std::vector<LeagueGames>& games);
  /// A league's games, by round.
  std::vector<LeagueGames> games(int64_t leagueId) const;
  /// Stores a rating; returns its id.
  int64_t addRating(const std::string& scope, const nlohmann::json& result);
  /// The latest rating of `scope` (any scope when empty), or nullopt.
  std::optional<StoredRating> latestRating(const std::string& scope = {}) const;

 private:
  RunStore& store_;
};

}  // namespace palaestra
