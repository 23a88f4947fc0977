#include "curriculum/CurriculumTasks.h"

#include <cmath>
#include <limits>

#include "util/Errors.h"

namespace palaestra {

CurriculumTasks::CurriculumTasks(Curriculum curriculum, int envs, int learnerSlot)
    : curriculum_(std::move(curriculum)),
      learnerSlot_(learnerSlot),
      current_(static_cast<size_t>(envs)),
      modelVersion_(curriculum_.teacher().modelVersion()) {}

void CurriculumTasks::emit(CurriculumEventKind kind, int env, int64_t episode,
                           const nlohmann::json& data) {
  if (started_ && !sink_) return;
  CurriculumEvent event;
  event.kind = kind;
  event.env = env;
  event.episode = episode;
  event.dataJson = data.dump();
  if (started_)
    sink_(std::move(event));
  else
    held_.push_back(std::move(event));
}

void CurriculumTasks::emitModelIfChanged() {
  const int version = curriculum_.teacher().modelVersion();
  if (version == modelVersion_) return;
  modelVersion_ = version;
  emit(CurriculumEventKind::Refit, -1, -1,
       {{"version", version}, {"model", curriculum_.teacher().model()}});
}

void CurriculumTasks::start(EventSink sink, bool resumed) {
  std::lock_guard lock(mutex_);
  sink_ = std::move(sink);
  started_ = true;
  modelVersion_ = curriculum_.teacher().modelVersion();
  emit(CurriculumEventKind::Start, -1, -1,
       {{"section", curriculum_.canonical()},
        {"resumed", resumed},
        {"version", modelVersion_},
        {"model", curriculum_.teacher().model()}});
  if (sink_)
    for (CurriculumEvent& event : held_) sink_(std::move(event));
  held_.clear();
}

TaskValues CurriculumTasks::taskFor(int env, uint64_t episode) {
  std::lock_guard lock(mutex_);
  Current& c = current_.at(static_cast<size_t>(env));
  if (!c.drawn || c.episode != episode) {
    c.task = curriculum_.nextTask();
    c.episode = episode;
    c.drawn = true;
    emit(CurriculumEventKind::Sample, env, static_cast<int64_t>(episode), {{"task", c.task}});
  }
  return c.task;
}

void CurriculumTasks::episodeEnded(const EpisodeRecord& record) {
  std::lock_guard lock(mutex_);
  const auto slot = static_cast<size_t>(learnerSlot_);
  const double episodeReturn = slot < record.slotReturns.size() ? record.slotReturns[slot] : 0.0;
  double success = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [name, value] : record.info.values)
    if (name == "success") success = value;
  curriculum_.observe(record.task, episodeReturn, success);
  nlohmann::json outcome = {{"task", record.task}, {"return", episodeReturn}};
  if (!std::isnan(success)) outcome["success"] = success;
  emit(CurriculumEventKind::Outcome, record.envIndex, static_cast<int64_t>(record.episodeIndex),
       outcome);
  emitModelIfChanged();
}

nlohmann::json CurriculumTasks::edit(const nlohmann::json& section) {
  std::lock_guard lock(mutex_);
  try {
    const std::string changed = curriculum_.edit(section);
    emit(CurriculumEventKind::Edit, -1, -1,
         {{"section", curriculum_.canonical()}, {"changed", changed}});
    if (changed == "curriculum") {
      // A new teacher: its model (after the replayed history) is the one shown from now on.
      modelVersion_ = curriculum_.teacher().modelVersion();
      emit(CurriculumEventKind::Refit, -1, -1,
           {{"version", modelVersion_}, {"model", curriculum_.teacher().model()}});
    }
    return curriculum_.canonical();
  } catch (const ConfigError& e) {
    emit(CurriculumEventKind::RefusedEdit, -1, -1, {{"section", section}, {"error", e.what()}});
    throw;
  }
}

nlohmann::json CurriculumTasks::section() const {
  std::lock_guard lock(mutex_);
  return curriculum_.canonical();
}

nlohmann::json CurriculumTasks::state() const {
  std::lock_guard lock(mutex_);
  nlohmann::json envs = nlohmann::json::array();
  for (const Current& c : current_)
    envs.push_back({{"drawn", c.drawn}, {"episode", c.episode}, {"task", c.task}});
  return {{"curriculum", curriculum_.state()}, {"envs", envs}};
}

void CurriculumTasks::restore(const nlohmann::json& state) {
  std::lock_guard lock(mutex_);
  try {
    const nlohmann::json& envs = state.at("envs");
    if (!envs.is_array() || envs.size() != current_.size())
      throw ConfigError("the curriculum state holds " + std::to_string(envs.size()) +
                        " envs; this training has " + std::to_string(current_.size()));
    std::vector<Current> current;
    for (const nlohmann::json& e : envs)
      current.push_back({e.at("drawn").get<bool>(), e.at("episode").get<uint64_t>(),
                         e.at("task").get<TaskValues>()});
    // Throws before anything changes. States written before edits existed hold only the teacher.
    if (state.contains("curriculum"))
      curriculum_.restore(state.at("curriculum"));
    else
      curriculum_.teacher().restore(state.at("teacher"));
    current_ = std::move(current);
    held_.clear();  // the fresh draws restore() replaces
    modelVersion_ = curriculum_.teacher().modelVersion();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("the curriculum state is malformed: ") + e.what());
  }
}

}  // namespace palaestra
