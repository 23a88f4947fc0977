#include "fight/FightRatings.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "fight/CharacterLoader.h"
#include "fight/FightConfig.h"
#include "fight/FightEnv.h"
#include "fight/Tournament.h"
#include "league/CrossPlay.h"
#include "league/EloRating.h"
#include "store/LeagueStore.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

namespace palaestra::fight {

namespace {

struct RatedCheckpoint {
  CheckpointInfo info;
  std::string name, role;
  int64_t leagueMemberId = 0;
  int round = -1;
  int64_t leagueSteps = 0;
};

// What makes two fight policies able to share a match: the action and observation settings.
using ArenaKey = std::tuple<std::string, int, int>;

ArenaKey arenaOf(const FightConfig& c) {
  return {c.control == FightControl::Pad ? "pad" : "actions", c.actionRepeat, c.observationDelay};
}

std::string describeArena(const ArenaKey& k) {
  return std::get<0>(k) + " control, action_repeat " + std::to_string(std::get<1>(k)) +
         ", observation_delay " + std::to_string(std::get<2>(k));
}

}  // namespace

std::string ratingScope(const FightRatingRequest& request) {
  if (request.leagueId) return "league " + std::to_string(*request.leagueId);
  if (request.runs.empty()) return "all";
  std::string list;
  for (int64_t r : request.runs) {
    if (!list.empty()) list += ',';
    list += std::to_string(r);
  }
  return "runs " + list;
}

nlohmann::json rateFightAgents(RunStore& store, const FightRatingRequest& request,
                               const std::function<void(const std::string&)>& log) {
  const Roster& roster = Roster::builtin();
  for (int level : request.cpuLevels)
    if (level < 1 || level > 8)
      throw ConfigError("CPU level " + std::to_string(level) + " is not in 1..8");
  // The checkpoints to rate.
  std::vector<RatedCheckpoint> candidates;
  LeagueStore leagues(store);
  if (request.leagueId) {
    leagues.league(*request.leagueId);  // NotFoundError for an unknown league
    for (const LeagueMember& m : leagues.members(*request.leagueId)) {
      RatedCheckpoint c;
      for (const CheckpointInfo& info : store.checkpoints(m.runId))
        if (info.id == m.checkpointId) c.info = info;
      c.name = m.role + " r" + std::to_string(m.round + 1);
      c.role = m.role;
      c.leagueMemberId = m.id;
      c.round = m.round;
      c.leagueSteps = m.leagueSteps;
      candidates.push_back(std::move(c));
    }
  } else {
    std::vector<RunInfo> runs;
    if (request.runs.empty()) {
      for (const RunInfo& run : store.listRuns())
        if (run.env == "fight") runs.push_back(run);
    } else {
      for (int64_t id : request.runs) {
        const RunInfo run = store.getRun(id);
        if (run.env != "fight")
          throw ConfigError("run " + std::to_string(id) + " is a " + run.env +
                            " run: only fight agents are rated");
        runs.push_back(run);
      }
    }
    for (const RunInfo& run : runs)
      for (const CheckpointInfo& info : store.checkpoints(run.id)) {
        RatedCheckpoint c;
        c.info = info;
        c.name = "run " + std::to_string(run.id) + " @" + std::to_string(info.step);
        candidates.push_back(std::move(c));
      }
  }

  // Each candidate's policy, character and arena; the arena most of them share is used.
  std::map<ArenaKey, int> arenaCounts;
  struct Loaded {
    RatedCheckpoint c;
    std::shared_ptr<const Policy> policy;
    int character = 0;
    ArenaKey arena;
  };
  std::vector<Loaded> loaded;
  nlohmann::json excluded = nlohmann::json::array();
  std::map<int64_t, StoredRunConfig> configs;
  for (RatedCheckpoint& c : candidates) {
    try {
      auto it = configs.find(c.info.runId);
      if (it == configs.end())
        it = configs.emplace(c.info.runId, readStoredRunConfig(store.getRun(c.info.runId))).first;
      const StoredRunConfig& stored = it->second;
      if (stored.isPlay()) continue;  // people's matches have no policy
      const FightConfig config = FightConfig::fromJson(stored.envConfig);
      const FightEnv probe(config);
      const int characterIndex = probe.spec().tasks.indexOf("character");
      Loaded l{c, std::make_shared<const Policy>(
                      Policy::deserialize(store.loadCheckpoint(c.info.id).policy)),
               static_cast<int>(stored.taskValues[static_cast<size_t>(characterIndex)]),
               arenaOf(config)};
      arenaCounts[l.arena]++;
      loaded.push_back(std::move(l));
    } catch (const std::exception& e) {
      excluded.push_back({{"checkpoint_id", c.info.id}, {"reason", e.what()}});
    }
  }
  ArenaKey arena{"actions", 4, 0};
  int most = 0;
  for (const auto& [key, count] : arenaCounts)
    if (count > most) {
      most = count;
      arena = key;
    }
  FightConfig arenaConfig;
  arenaConfig.mode = FightMode::Two;
  arenaConfig.sharedPolicy = false;
  arenaConfig.control = std::get<0>(arena) == "pad" ? FightControl::Pad : FightControl::Actions;
  arenaConfig.actionRepeat = std::get<1>(arena);
  arenaConfig.observationDelay = std::get<2>(arena);

  std::vector<CrossPlayEntrant> entrants;
  nlohmann::json described = nlohmann::json::array();
  for (const Loaded& l : loaded) {
    if (l.arena != arena) {
      excluded.push_back({{"checkpoint_id", l.c.info.id},
                          {"reason", "trained with " + describeArena(l.arena) +
                                         "; the rating plays " + describeArena(arena)}});
      continue;
    }
    entrants.push_back({l.c.name, l.policy, {{"character", l.character}},
                        {{"opponent", l.character}, {"cpu_level", 0}}});
    nlohmann::json d = {{"name", l.c.name},       {"kind", "checkpoint"},
                        {"run_id", l.c.info.runId}, {"checkpoint_id", l.c.info.id},
                        {"step", l.c.info.step},  {"character", roster.at(l.character).id}};
    if (l.c.leagueMemberId) {
      d["member_id"] = l.c.leagueMemberId;
      d["role"] = l.c.role;
      d["round"] = l.c.round;
      d["league_steps"] = l.c.leagueSteps;
    }
    described.push_back(std::move(d));
  }
  const size_t checkpointsRated = entrants.size();
  std::vector<TournamentEntrant> cpus;
  for (int level : request.cpuLevels)
    for (int c = 0; c < roster.size(); ++c) {
      cpus.push_back({roster.at(c).id, level});
      entrants.push_back({cpus.back().name(), nullptr, {}, {{"opponent", c}, {"cpu_level", level}}});
      described.push_back({{"name", cpus.back().name()},
                           {"kind", "cpu"},
                           {"character", roster.at(c).id},
                           {"level", level}});
    }
  if (entrants.size() < 2 || checkpointsRated == 0)
    throw ConfigError("nothing to rate: " + std::to_string(checkpointsRated) +
                      " checkpoints and " + std::to_string(cpus.size()) +
                      " CPU opponents (a rating needs a checkpoint and a second entrant)");

  ThreadPool pool(request.threads);
  if (log)
    log("cross-play: " + std::to_string(checkpointsRated) + " checkpoints and " +
        std::to_string(cpus.size()) + " CPU opponents, " +
        std::to_string(request.matchesPerSide) + " matches per pair and side (" +
        describeArena(arena) + ")");
  CrossPlayResult played = runCrossPlay(
      [arenaConfig] { return std::make_unique<FightEnv>(arenaConfig); }, entrants,
      request.matchesPerSide, request.seed, pool, true,
      [&](int64_t done, int64_t total) {
        if (log) log("  " + std::to_string(done) + " / " + std::to_string(total) + " matches");
      });
  if (cpus.size() >= 2) {
    const TournamentResult t =
        runRoundRobin(cpus, roster, request.matchesPerSide, request.seed, request.threads);
    for (size_t i = 0; i < cpus.size(); ++i)
      for (size_t j = 0; j < cpus.size(); ++j) {
        if (i == j) continue;
        const size_t a = checkpointsRated + i, b = checkpointsRated + j;
        played.games[a][b] = t.matches[i][j];
        played.score[a][b] = t.winRate[i][j] * t.matches[i][j];
      }
    played.matches += static_cast<int64_t>(cpus.size() * (cpus.size() - 1)) *
                      request.matchesPerSide;
  }
  std::vector<bool> anchors(entrants.size(), false);
  for (size_t i = checkpointsRated; i < entrants.size(); ++i) anchors[i] = true;
  const std::vector<double> elo = fitElo(played.games, played.score, anchors, 1500.0);

  nlohmann::json payoff = nlohmann::json::array(), games = nlohmann::json::array();
  for (size_t i = 0; i < entrants.size(); ++i) {
    nlohmann::json row = nlohmann::json::array(), count = nlohmann::json::array();
    int64_t all = 0;
    double score = 0;
    for (size_t j = 0; j < entrants.size(); ++j) {
      const int64_t g = played.games[i][j];
      row.push_back(g > 0 ? nlohmann::json(played.score[i][j] / g) : nlohmann::json(nullptr));
      count.push_back(g);
      all += g;
      score += played.score[i][j];
    }
    payoff.push_back(row);
    games.push_back(count);
    described[i]["elo"] = elo[i];
    described[i]["games"] = all;
    described[i]["score"] = all > 0 ? score / all : 0.0;
  }
  nlohmann::json result = {{"scope", ratingScope(request)},
                           {"entrants", described},
                           {"payoff", payoff},
                           {"games", games},
                           {"excluded", excluded},
                           {"matches_per_side", request.matchesPerSide},
                           {"seed", request.seed},
                           {"arena", arenaConfig.toJson()},
                           {"matches", played.matches},
                           {"cross_play_steps", played.steps},
                           {"cross_play_seconds", played.seconds}};
  result["rating_id"] = leagues.addRating(ratingScope(request), result);
  return result;
}

}  // namespace palaestra::fight
