#include "curriculum/CurriculumTasks.h"

#include "util/Errors.h"

namespace palaestra {

CurriculumTasks::CurriculumTasks(Curriculum curriculum, int envs, int learnerSlot)
    : curriculum_(std::move(curriculum)),
      learnerSlot_(learnerSlot),
      current_(static_cast<size_t>(envs)) {}

TaskValues CurriculumTasks::taskFor(int env, uint64_t episode) {
  Current& c = current_.at(static_cast<size_t>(env));
  if (!c.drawn || c.episode != episode) {
    c.task = curriculum_.nextTask();
    c.episode = episode;
    c.drawn = true;
  }
  return c.task;
}

void CurriculumTasks::episodeEnded(const EpisodeRecord& record) {
  const auto slot = static_cast<size_t>(learnerSlot_);
  curriculum_.observe(record.task,
                      slot < record.slotReturns.size() ? record.slotReturns[slot] : 0.0);
}

nlohmann::json CurriculumTasks::state() const {
  nlohmann::json envs = nlohmann::json::array();
  for (const Current& c : current_)
    envs.push_back({{"drawn", c.drawn}, {"episode", c.episode}, {"task", c.task}});
  return {{"teacher", curriculum_.teacher().state()}, {"envs", envs}};
}

void CurriculumTasks::restore(const nlohmann::json& state) {
  try {
    const nlohmann::json& envs = state.at("envs");
    if (!envs.is_array() || envs.size() != current_.size())
      throw ConfigError("the curriculum state holds " + std::to_string(envs.size()) +
                        " envs; this training has " + std::to_string(current_.size()));
    std::vector<Current> current;
    for (const nlohmann::json& e : envs)
      current.push_back({e.at("drawn").get<bool>(), e.at("episode").get<uint64_t>(),
                         e.at("task").get<TaskValues>()});
    curriculum_.teacher().restore(state.at("teacher"));  // throws before anything changes
    current_ = std::move(current);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("the curriculum state is malformed: ") + e.what());
  }
}

}  // namespace palaestra
