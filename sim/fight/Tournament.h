#pragma once
// Round-robin tournaments between controllers: every pair plays the same number
// of matches on each side, each match seeded from the tournament seed and its
// place in the schedule, so results do not depend on the thread count.

#include <cstdint>
#include <string>
#include <vector>

#include "fight/CharacterLoader.h"
#include "fight/FightController.h"

namespace palaestra::fight {

/// One entrant: a CPU character at a level (stored checkpoints are rated by FightRatings).
struct TournamentEntrant {
  std::string character;  // character id
  int level = 8;          // CPU level 1..8
  /// "kestrel@8".
  std::string name() const { return character + "@" + std::to_string(level); }
};

/// Parses "kestrel" (at `defaultLevel`) or "kestrel@5"; throws std::invalid_argument naming the
/// problem.
TournamentEntrant parseEntrant(const std::string& spec, int defaultLevel, const Roster& roster);

/// How one match ended.
struct MatchOutcome {
  int winner = 2;          // 0 = P1, 1 = P2, 2 = draw
  uint32_t frames = 0;     // frames played
  uint64_t stateHash = 0;  // hash of the final state
};

/// Plays `match` from reset(seed) to its end with p1 and p2 (reset here with seeds derived from
/// `seed`).
MatchOutcome playMatch(FightMatch& match, FightController& p1, FightController& p2, uint64_t seed);

/// Results of a round robin.
struct TournamentResult {
  std::vector<std::string> names;  // entrant names, in the order given
  std::vector<std::vector<double>>
      winRate;  // [row][column]: row's score vs column (win 1, draw 1/2); -1 on the diagonal
  std::vector<std::vector<int>> matches;  // [row][column]: matches played between them
  std::vector<double> overall;            // each entrant's score over all its matches
  uint64_t frames = 0;                    // frames simulated in total
};

/// Every pair plays `matchesPerSide` matches with each entrant as P1 (2 x matchesPerSide in all),
/// on `threads` threads (0 = all cores).
TournamentResult runRoundRobin(const std::vector<TournamentEntrant>& entrants, const Roster& roster,
                               int matchesPerSide, uint64_t seed, int threads);

}  // namespace palaestra::fight
