#include "train/OpponentsSection.h"

#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

namespace {

std::map<std::string, double> taskOverrides(const nlohmann::json& object, const std::string& path) {
  std::map<std::string, double> task;
  for (const auto& [name, value] : object.items()) {
    if (!value.is_number())
      throw ConfigError(path + "." + name + " must be a number, got " + value.dump());
    task[name] = value.get<double>();
  }
  return task;
}

}  // namespace

OpponentsSection OpponentsSection::fromJson(const nlohmann::json& section) {
  nlohmann::json withoutMembers = section;  // members is a list: read on its own below
  if (withoutMembers.is_object()) withoutMembers.erase("members");
  JsonReader top(withoutMembers, "opponents");
  OpponentsSection s;
  s.slot = top.string("slot", {}, "");
  if (s.slot.empty()) throw ConfigError("opponents.slot must name the policy slot they drive");
  s.selfWeight = top.number("self_weight", 0.0, 1e9, 0.0);
  s.sampleActions = top.boolean("sample_actions", false);
  s.task = taskOverrides(top.object("task"), "opponents.task");
  double total = s.selfWeight;
  if (const auto it = section.find("members"); it != section.end()) {
    if (!it->is_array())
      throw ConfigError("opponents.members must be a list, got " + it->dump());
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string path = "opponents.members[" + std::to_string(i) + "]";
      JsonReader entry((*it)[i], path);
      OpponentMemberConfig m;
      m.name = entry.string("name", {}, "");
      m.run = entry.integer("run", 0, int64_t(1) << 53, 0);
      m.checkpoint = entry.integer("checkpoint", 0, int64_t(1) << 53, 0);
      m.weight = entry.number("weight", 0.0, 1e9, 1.0);
      m.task = taskOverrides(entry.object("task"), path + ".task");
      entry.finish();
      if ((m.run > 0) != (m.checkpoint > 0))
        throw ConfigError(path + ": a stored opponent needs both run and checkpoint");
      if (m.run == 0 && m.task.empty())
        throw ConfigError(path + ": an opponent without a checkpoint needs a task that makes the "
                                 "env drive the slot (e.g. {\"cpu_level\": 8})");
      if (m.name.empty())
        m.name = m.run > 0 ? "checkpoint " + std::to_string(m.checkpoint) : "member " + std::to_string(i);
      total += m.weight;
      s.members.push_back(std::move(m));
    }
  }
  top.finish();
  if (!(total > 0))
    throw ConfigError("opponents: no opponent can be drawn (self_weight and every member's "
                      "weight are 0)");
  return s;
}

nlohmann::json OpponentsSection::toJson() const {
  nlohmann::json j = {{"slot", slot}, {"self_weight", selfWeight}, {"sample_actions", sampleActions},
                      {"task", task},
                      {"members", nlohmann::json::array()}};
  for (const OpponentMemberConfig& m : members) {
    nlohmann::json e = {{"name", m.name}, {"weight", m.weight}, {"task", m.task}};
    if (m.run > 0) {
      e["run"] = m.run;
      e["checkpoint"] = m.checkpoint;
    }
    j["members"].push_back(std::move(e));
  }
  return j;
}

const std::vector<ConfigFieldDoc>& OpponentsSection::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"slot", "The policy slot the opponents drive (e.g. \"p2\"); PPO never learns it."},
      {"self_weight",
       "Relative chance that an episode's opponent is the learner's own current policy (self "
       "play; it samples its actions but learns only from the learned slot)."},
      {"sample_actions",
       "Stored members sample their actions from their policy (each env's episode from its own "
       "stream) instead of taking the most likely one: deterministic opponents in a deterministic "
       "game would play every match the same way."},
      {"task", "Task overrides of every opponent episode (e.g. {\"cpu_level\": 0})."},
      {"members",
       "The pool: [{\"name\", \"run\", \"checkpoint\", \"weight\", \"task\"}]. A member with run "
       "and checkpoint plays that stored policy (deterministically, with its own normaliser); one "
       "without plays through its task (e.g. the fight's CPU: {\"opponent\": 2, \"cpu_level\": "
       "8}). Each episode draws one opponent by weight, from the run seed, the env and the "
       "episode, so runs stay reproducible."},
  };
  return docs;
}

}  // namespace palaestra
