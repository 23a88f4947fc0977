#include "fight/Tournament.h"

#include <stdexcept>

#include "fight/CpuController.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

namespace palaestra::fight {

TournamentEntrant parseEntrant(const std::string& spec, int defaultLevel, const Roster& roster) {
  TournamentEntrant entrant;
  entrant.character = spec;
  entrant.level = defaultLevel;
  const size_t at = spec.find('@');
  if (at != std::string::npos) {
    entrant.character = spec.substr(0, at);
    const std::string level = spec.substr(at + 1);
    if (level.size() != 1 || level[0] < '1' || level[0] > '8')
      throw std::invalid_argument("controller '" + spec +
                                  "': the CPU level after '@' must be 1..8");
    entrant.level = level[0] - '0';
  }
  if (entrant.character.empty())
    throw std::invalid_argument("controller '" + spec + "' names no character");
  if (roster.indexOf(entrant.character) < 0) {
    std::string known;
    for (const std::string& id : roster.ids()) known += (known.empty() ? "" : ", ") + id;
    throw std::invalid_argument("unknown character '" + entrant.character + "' (known: " + known +
                                ")");
  }
  cpuLevel(entrant.level);  // throws on a bad level
  return entrant;
}

MatchOutcome playMatch(FightMatch& match, FightController& p1, FightController& p2, uint64_t seed) {
  match.reset(seed);
  p1.reset(match, 0, deriveSeed(seed, 1, 0));
  p2.reset(match, 1, deriveSeed(seed, 2, 0));
  // Five rounds of 99 s is the longest a match can last; anything beyond is an engine bug.
  const uint32_t limit = static_cast<uint32_t>(match.rules().maxRounds) *
                             (static_cast<uint32_t>(match.rules().roundSeconds) * kFramesPerSecond +
                              static_cast<uint32_t>(match.rules().roundBreakFrames) + 600) +
                         600;
  MatchOutcome outcome;
  while (!match.over()) {
    const PadState a = p1.decide(match);
    const PadState b = p2.decide(match);
    match.step(a, b);
    if (++outcome.frames > limit)
      throw std::logic_error("a match did not end within " + std::to_string(limit) + " frames");
  }
  outcome.winner = match.state().matchWinner;
  outcome.stateHash = match.stateHash();
  return outcome;
}

TournamentResult runRoundRobin(const std::vector<TournamentEntrant>& entrants, const Roster& roster,
                               int matchesPerSide, uint64_t seed, int threads) {
  if (entrants.size() < 2) throw std::invalid_argument("a tournament needs at least 2 controllers");
  if (matchesPerSide < 1)
    throw std::invalid_argument("matches per side must be at least 1, got " +
                                std::to_string(matchesPerSide));
  struct Scheduled {
    int p1, p2;
    uint64_t seed;
  };
  std::vector<Scheduled> schedule;
  const int n = static_cast<int>(entrants.size());
  uint64_t pairIndex = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++pairIndex)
      for (int k = 0; k < matchesPerSide; ++k) {
        schedule.push_back({i, j, deriveSeed(seed, pairIndex, 2 * static_cast<uint64_t>(k))});
        schedule.push_back({j, i, deriveSeed(seed, pairIndex, 2 * static_cast<uint64_t>(k) + 1)});
      }

  std::vector<MatchOutcome> outcomes(schedule.size());
  ThreadPool pool(threads);
  pool.parallelFor(static_cast<int>(schedule.size()), [&](int begin, int end) {
    for (int s = begin; s < end; ++s) {
      const Scheduled& g = schedule[static_cast<size_t>(s)];
      const TournamentEntrant& a = entrants[static_cast<size_t>(g.p1)];
      const TournamentEntrant& b = entrants[static_cast<size_t>(g.p2)];
      const CharacterDef& ca = roster.get(a.character);
      const CharacterDef& cb = roster.get(b.character);
      FightMatch match(ca, cb);
      CpuController p1(ca, a.level), p2(cb, b.level);
      outcomes[static_cast<size_t>(s)] = playMatch(match, p1, p2, g.seed);
    }
  });

  TournamentResult result;
  const size_t un = static_cast<size_t>(n);
  for (const TournamentEntrant& e : entrants) result.names.push_back(e.name());
  std::vector<std::vector<double>> score(un, std::vector<double>(un, 0.0));
  result.matches.assign(un, std::vector<int>(un, 0));
  for (size_t s = 0; s < schedule.size(); ++s) {
    const size_t a = static_cast<size_t>(schedule[s].p1), b = static_cast<size_t>(schedule[s].p2);
    const int w = outcomes[s].winner;
    score[a][b] += w == 0 ? 1.0 : w == 2 ? 0.5 : 0.0;
    score[b][a] += w == 1 ? 1.0 : w == 2 ? 0.5 : 0.0;
    ++result.matches[a][b];
    ++result.matches[b][a];
    result.frames += outcomes[s].frames;
  }
  result.winRate.assign(un, std::vector<double>(un, -1.0));
  result.overall.assign(un, 0.0);
  for (size_t a = 0; a < un; ++a) {
    double total = 0;
    int played = 0;
    for (size_t b = 0; b < un; ++b) {
      if (a == b) continue;
      result.winRate[a][b] = score[a][b] / result.matches[a][b];
      total += score[a][b];
      played += result.matches[a][b];
    }
    result.overall[a] = total / played;
  }
  return result;
}

}  // namespace palaestra::fight
