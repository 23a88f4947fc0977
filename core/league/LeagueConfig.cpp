#include "league/LeagueConfig.h"

#include <algorithm>
#include <cmath>

#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

const std::vector<std::string>& leagueRoleNames() {
  static const std::vector<std::string> names = {"main", "main_exploiter", "league_exploiter"};
  return names;
}

LeagueConfig LeagueConfig::fromJson(const nlohmann::json& json) {
  nlohmann::json withoutMembers = json;  // env_members is a list: read on its own below
  if (withoutMembers.is_object()) withoutMembers.erase("env_members");
  JsonReader top(withoutMembers, "");
  LeagueConfig c;
  c.kind = top.string("kind", {"league", "self_play", "fictitious_self_play"}, "league");
  c.base = top.object("base");
  if (c.base.empty()) throw ConfigError("base must be the learners' training config");
  if (c.base.contains("budget"))
    throw ConfigError("base.budget: a league's budget is rounds x round_steps");
  c.learnSlot = top.string("learn_slot", {}, "p1");
  c.opponentSlot = top.string("opponent_slot", {}, "p2");
  if (c.learnSlot == c.opponentSlot)
    throw ConfigError("learn_slot and opponent_slot must differ, both are \"" + c.learnSlot + "\"");
  c.rounds = static_cast<int>(top.integer("rounds", 1, 10000, 10));
  c.roundSteps = top.integer("round_steps", 1, int64_t(1) << 40, 300000);
  const nlohmann::json roles = top.object("roles");
  if (c.kind == "league") {
    JsonReader r(roles, "roles");
    for (const std::string& name : leagueRoleNames()) {
      const double share = r.number(name, 0.0, 100.0, name == "main" ? 0.5 : 0.25);
      if (share > 0) c.roles.emplace_back(name, share);
    }
    r.finish();
    if (c.roles.empty() || c.roles.front().first != "main")
      throw ConfigError("roles.main must be above 0: the league trains its main agent");
  } else {
    if (!roles.empty())
      throw ConfigError("roles: " + c.kind + " trains the main agent only (roles are for kind "
                        "\"league\")");
    c.roles = {{"main", 1.0}};
  }
  c.selfWeight = top.number("self_weight", 0.0, 1.0, c.kind == "self_play" ? 1.0 : 0.35);
  c.envWeight = top.number("env_weight", 0.0, 1.0, c.kind == "league" ? 0.15 : 0.0);
  if (c.selfWeight + c.envWeight > 1.0 + 1e-12)
    throw ConfigError("self_weight + env_weight must be at most 1 (the rest is the league's "
                      "members), got " + std::to_string(c.selfWeight + c.envWeight));
  if (c.kind == "self_play" && c.selfWeight + c.envWeight <= 0)
    throw ConfigError("self_weight: self_play needs self play");
  if (const auto it = json.find("env_members"); it != json.end()) {
    nlohmann::json section = {{"slot", c.opponentSlot}, {"members", *it}};
    for (auto& m : section["members"])
      if (m.is_object() && !m.contains("weight")) m["weight"] = 1.0;
    try {
      c.envMembers = OpponentsSection::fromJson(section).members;
    } catch (const ConfigError& e) {
      std::string text = e.what();
      if (text.rfind("opponents.members", 0) == 0) text = "env_members" + text.substr(17);
      throw ConfigError(text);
    }
  }
  for (const OpponentMemberConfig& m : c.envMembers)
    if (m.run > 0)
      throw ConfigError("env_members: \"" + m.name + "\" names a checkpoint; env members are "
                        "played through their task only");
  if (c.envWeight > 0 && c.envMembers.empty())
    throw ConfigError("env_weight is above 0 but env_members is empty");
  c.envWeighting = top.string("env_weighting", {"uniform", "hard", "variance"}, "uniform");
  const nlohmann::json opponentTask = top.object("opponent_task");
  for (const auto& [name, value] : opponentTask.items()) {
    if (!value.is_number())
      throw ConfigError("opponent_task." + name + " must be a number, got " + value.dump());
    c.opponentTask[name] = value.get<double>();
  }
  c.sampleActions = top.boolean("sample_actions", true);
  c.exploiterResetScore = top.number("exploiter_reset_score", 0.0, 1.0, 0.7);
  c.seed = static_cast<uint64_t>(top.integer("seed", 0, int64_t(1) << 53, 1));
  c.threads = static_cast<int>(top.integer("threads", 0, 256, 0));
  top.finish();
  return c;
}

nlohmann::json LeagueConfig::toJson() const {
  nlohmann::json roleShares = nlohmann::json::object();
  if (kind == "league")
    for (const auto& [name, share] : roles) roleShares[name] = share;
  nlohmann::json members = nlohmann::json::array();
  for (const OpponentMemberConfig& m : envMembers)
    members.push_back({{"name", m.name}, {"weight", m.weight}, {"task", m.task}});
  return {{"kind", kind},
          {"base", base},
          {"learn_slot", learnSlot},
          {"opponent_slot", opponentSlot},
          {"rounds", rounds},
          {"round_steps", roundSteps},
          {"roles", roleShares},
          {"self_weight", selfWeight},
          {"env_weight", envWeight},
          {"env_members", members},
          {"env_weighting", envWeighting},
          {"opponent_task", opponentTask},
          {"sample_actions", sampleActions},
          {"exploiter_reset_score", exploiterResetScore},
          {"seed", seed},
          {"threads", threads}};
}

int64_t LeagueConfig::stepsPerRound() const {
  int64_t total = 0;
  for (const auto& [name, share] : roles)
    total += std::max<int64_t>(1, std::llround(share * static_cast<double>(roundSteps)));
  return total;
}

}  // namespace palaestra
