#include "league/LeagueRunner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "train/TrainingSession.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

// Pseudo-games at probability 1/2 behind every payoff estimate: an opponent not yet played
// counts as an even match, and a few games do not swing it to 0 or 1.
constexpr double kPriorGames = 2.0;
// Weight of a round's games per round of age: recent games say more about the learner now.
constexpr double kRoundDecay = 0.5;

// The learner's estimated probability of beating each member (by member id) and each of the
// env's opponents (by name), from its games (recent rounds weigh more).
struct WinProbabilities {
  std::map<int64_t, double> ofMember;
  std::map<std::string, double> ofEnvOpponent;
};

WinProbabilities winProbabilities(int64_t learnerRunId, const std::vector<LeagueMember>& members,
                                  const std::vector<OpponentMemberConfig>& envMembers,
                                  const std::vector<LeagueGames>& games) {
  int latestRound = 0;
  for (const LeagueGames& g : games) latestRound = std::max(latestRound, g.round);
  std::map<int64_t, std::pair<double, double>> sums;  // member -> (weighted score, games)
  std::map<std::string, std::pair<double, double>> envSums;
  for (const LeagueGames& g : games) {
    if (g.learnerRunId != learnerRunId) continue;
    const double w = std::pow(kRoundDecay, latestRound - g.round);
    auto& [score, played] = g.opponentMemberId ? sums[*g.opponentMemberId] : envSums[g.opponent];
    score += w * g.score;
    played += w * static_cast<double>(g.games);
  }
  auto estimate = [](const std::pair<double, double>& s) {
    return (s.first + 0.5 * kPriorGames) / (s.second + kPriorGames);
  };
  WinProbabilities p;
  for (const LeagueMember& m : members) p.ofMember[m.id] = estimate(sums[m.id]);
  for (const OpponentMemberConfig& m : envMembers) p.ofEnvOpponent[m.name] = estimate(envSums[m.name]);
  return p;
}

nlohmann::json memberEntry(const LeagueMember& m, double weight) {
  return {{"name", m.role + " r" + std::to_string(m.round + 1) + " (run " +
                       std::to_string(m.runId) + ")"},
          {"run", m.runId},
          {"checkpoint", m.checkpointId},
          {"weight", weight}};
}

// Adds `members` to `out` with weights proportional to `raw` (summing to `share`).
void addWeighted(nlohmann::json& out, const std::vector<const LeagueMember*>& members,
                 const std::vector<double>& raw, double share) {
  double total = 0;
  for (double w : raw) total += w;
  for (size_t i = 0; i < members.size(); ++i) {
    const double w = total > 0 ? share * raw[i] / total : share / members.size();
    out["members"].push_back(memberEntry(*members[i], w));
  }
}

}  // namespace

double pfspWeight(double p, bool variance) {
  return variance ? p * (1.0 - p) : (1.0 - p) * (1.0 - p);
}

nlohmann::json leagueOpponents(const LeagueConfig& config, const std::string& role,
                               int64_t learnerRunId, const std::vector<LeagueMember>& members,
                               const std::vector<LeagueGames>& games) {
  nlohmann::json section = {{"slot", config.opponentSlot},
                            {"task", config.opponentTask},
                            {"members", nlohmann::json::array()},
                            {"sample_actions", config.sampleActions},
                            {"self_weight", 0.0}};
  const WinProbabilities won = winProbabilities(learnerRunId, members, config.envMembers, games);
  const std::map<int64_t, double>& p = won.ofMember;
  std::vector<const LeagueMember*> all, mains;
  for (const LeagueMember& m : members) {
    all.push_back(&m);
    if (m.role == "main") mains.push_back(&m);
  }
  auto hard = [&](const std::vector<const LeagueMember*>& list, bool variance) {
    std::vector<double> w;
    for (const LeagueMember* m : list) w.push_back(pfspWeight(p.at(m->id), variance));
    return w;
  };
  if (role == "main") {
    double self = config.selfWeight;
    const double env = config.envWeight;
    const double rest = std::max(0.0, 1.0 - self - env);
    if (config.kind == "self_play" || all.empty()) {
      self += rest;
    } else if (config.kind == "fictitious_self_play") {
      addWeighted(section, all, std::vector<double>(all.size(), 1.0), rest);
    } else {
      addWeighted(section, all, hard(all, false), rest);
    }
    section["self_weight"] = self;
    // The env's opponents (the CPU ladder): by their weights, or by PFSP over them too.
    auto envWeight = [&](const OpponentMemberConfig& m) {
      if (config.envWeighting == "uniform") return m.weight;
      return m.weight *
             pfspWeight(won.ofEnvOpponent.at(m.name), config.envWeighting == "variance");
    };
    double total = 0;
    for (const OpponentMemberConfig& m : config.envMembers) total += envWeight(m);
    for (const OpponentMemberConfig& m : config.envMembers) {
      const double hard = envWeight(m);
      section["members"].push_back(
          {{"name", m.name},
           {"weight", total > 0 ? env * hard / total : env / config.envMembers.size()},
           {"task", m.task}});
    }
  } else if (role == "main_exploiter") {
    if (mains.empty()) {
      section["self_weight"] = 1.0;
    } else {
      const std::vector<const LeagueMember*> latest = {mains.back()};
      std::vector<const LeagueMember*> older(mains.begin(), mains.end() - 1);
      addWeighted(section, latest, {1.0}, older.empty() ? 1.0 : 0.5);
      if (!older.empty()) addWeighted(section, older, hard(older, true), 0.5);
    }
  } else if (role == "league_exploiter") {
    if (all.empty())
      section["self_weight"] = 1.0;
    else
      addWeighted(section, all, hard(all, false), 1.0);
  } else {
    throw ConfigError("unknown league role \"" + role + "\"");
  }
  // Drop members the weighting left at 0 (a sure win): they would never be drawn.
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& m : section["members"])
    if (m["weight"].get<double>() > 0) kept.push_back(m);
  section["members"] = kept;
  return section;
}

void LeagueRunner::check(const LeagueConfig& config) {
  // The base must make a valid learner facing these opponents (env members included).
  nlohmann::json probe = config.base;
  probe["budget"] = {{"steps", config.roundSteps}};
  probe["learn_slot"] = config.learnSlot;
  probe["opponents"] = leagueOpponents(config, "main", 0, {}, {});
  for (const OpponentMemberConfig& m : config.envMembers)  // every env member's task, drawn or not
    probe["opponents"]["members"].push_back({{"name", m.name}, {"weight", 1.0}, {"task", m.task}});
  try {
    TrainingSession::check(TrainConfig::fromJson(probe));
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("base: ") + e.what());
  }
}

LeagueRunner::LeagueRunner(LeagueConfig config, RunStore& store, const std::string& name)
    : config_(std::move(config)), store_(store), leagues_(store), name_(name) {
  check(config_);
  leagueId_ = leagues_.createLeague(name_, config_.kind, config_.toJson());
}

LeagueResult LeagueRunner::run(const std::atomic<bool>& stop,
                               const std::function<void(const LeagueProgress&)>& onRound) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  LeagueResult result;
  result.leagueId = leagueId_;
  std::map<std::string, int64_t> runOf, trainedSteps;
  std::map<std::string, int> generation;
  try {
    for (int round = 0; round < config_.rounds; ++round) {
      for (size_t r = 0; r < config_.roles.size(); ++r) {
        const auto& [role, share] = config_.roles[r];
        if (stop.load()) {
          result.interrupted = true;
          break;
        }
        const int64_t steps = std::max<int64_t>(1, std::llround(share * config_.roundSteps));
        const std::vector<LeagueMember> members = leagues_.members(leagueId_);
        const nlohmann::json opponents =
            leagueOpponents(config_, role, runOf[role], members, leagues_.games(leagueId_));
        std::unique_ptr<TrainingSession> session;
        if (runOf[role] == 0) {
          nlohmann::json json = config_.base;
          json["budget"] = {{"steps", steps}};
          json["seed"] = config_.seed + 1000 * r + 100 * static_cast<uint64_t>(generation[role]);
          json["threads"] = config_.threads;
          json["learn_slot"] = config_.learnSlot;
          json["opponents"] = opponents;
          std::string runName = name_ + ": " + role;
          if (generation[role] > 0) runName += " #" + std::to_string(generation[role] + 1);
          session = std::make_unique<TrainingSession>(TrainConfig::fromJson(json), &store_, runName);
          runOf[role] = session->runId();
          trainedSteps[role] = 0;
        } else {
          ResumeRequest request;
          request.steps = static_cast<uint64_t>(trainedSteps[role] + steps);
          request.opponents = opponents;
          session = std::make_unique<TrainingSession>(store_, runOf[role], request);
        }
        const TrainingResult trained = session->run(stop);
        const int64_t stepsBefore = trainedSteps[role];
        trainedSteps[role] = static_cast<int64_t>(trained.steps);
        if (trained.status == RunStatus::Interrupted) {
          result.interrupted = true;
          break;
        }
        // The league's steps grow by what this session trained (a reset exploiter's steps stay).
        result.leagueSteps += trainedSteps[role] - stepsBefore;
        // The round's games against each opponent, then the new member.
        std::map<int64_t, int64_t> memberOfCheckpoint;
        for (const LeagueMember& m : members) memberOfCheckpoint[m.checkpointId] = m.id;
        const std::vector<OpponentTally> tallies = session->opponentTallies();
        const auto& drawn = opponents["members"];
        std::vector<LeagueGames> games;
        double score = 0, played = 0;
        for (size_t i = 0; i < tallies.size(); ++i) {
          if (tallies[i].games == 0) continue;
          LeagueGames g;
          g.round = round;
          g.learnerRunId = runOf[role];
          g.games = tallies[i].games;
          g.score = tallies[i].score;
          if (i < drawn.size()) {
            g.opponent = drawn[i]["name"].get<std::string>();
            if (drawn[i].contains("checkpoint"))
              g.opponentMemberId = memberOfCheckpoint[drawn[i]["checkpoint"].get<int64_t>()];
          } else {
            g.opponent = "self";
          }
          score += g.score;
          played += static_cast<double>(g.games);
          games.push_back(std::move(g));
        }
        leagues_.addGames(leagueId_, games);
        LeagueMember member;
        member.leagueId = leagueId_;
        member.role = role;
        member.runId = runOf[role];
        member.checkpointId = trained.finalCheckpointId;
        member.round = round;
        member.step = static_cast<int64_t>(trained.steps);
        LeagueProgress progress;
        progress.round = round;
        progress.role = role;
        progress.runId = runOf[role];
        progress.roundScore = played > 0 ? score / played : 0.0;
        progress.evalWinRate = trained.evalSuccessRate;
        member.leagueSteps = result.leagueSteps;
        progress.memberId = leagues_.addMember(member);
        progress.leagueSteps = result.leagueSteps;
        progress.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (onRound) onRound(progress);
        // An exploiter that beats its targets starts afresh next round.
        const bool hadOpponents = !drawn.empty();
        if (role != "main" && hadOpponents && progress.roundScore > config_.exploiterResetScore) {
          runOf[role] = 0;
          trainedSteps[role] = 0;
          generation[role]++;
        }
      }
      if (result.interrupted) break;
      result.roundsDone = round + 1;
    }
  } catch (...) {
    try {
      leagues_.setLeagueStatus(leagueId_, "failed");
    } catch (...) {
    }
    throw;
  }
  leagues_.setLeagueStatus(leagueId_, result.interrupted ? "interrupted" : "finished");
  result.members = leagues_.members(leagueId_);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace palaestra
