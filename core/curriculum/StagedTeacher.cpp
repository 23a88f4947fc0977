#include "curriculum/StagedTeacher.h"

#include <numeric>

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

StagedConfig StagedConfig::fromJson(const nlohmann::json& json, const TaskBox& box,
                                    const std::string& path) {
  if (!json.is_object()) throw ConfigError(path + " must be a JSON object");
  StagedConfig c;
  if (!json.contains("stages") || !json.at("stages").is_array() || json.at("stages").empty())
    throw ConfigError(path + ".stages must be a non-empty list of stages");
  nlohmann::json rest = json;
  rest.erase("stages");
  JsonReader restReader(rest, path);
  c.window = static_cast<int>(restReader.integer("window", 1, 100000, c.window));
  restReader.finish();
  const TaskSpace& space = box.space();
  for (size_t k = 0; k < json.at("stages").size(); ++k) {
    const std::string stagePath = path + ".stages[" + std::to_string(k) + "]";
    const nlohmann::json& s = json.at("stages")[k];
    JsonReader stage(s, stagePath);
    StagedConfig::Stage out;
    out.advanceAt = stage.number("advance_at", -1e12, 1e12, 0.0);
    const nlohmann::json bounds = stage.object("bounds");
    stage.finish();
    // Each stage is a box of its own over the same parameters, inside the task box.
    std::vector<TaskBox::Dimension> dims = box.dims();
    for (auto& d : dims) {
      const std::string& name = space.params()[static_cast<size_t>(d.param)].name;
      if (bounds.contains(name)) {
        const nlohmann::json& b = bounds.at(name);
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
          throw ConfigError(stagePath + ".bounds." + name + " must be [low, high]");
        const double low = b[0].get<double>(), high = b[1].get<double>();
        if (!(low <= high) || low < d.low || high > d.high)
          throw ConfigError(stagePath + ".bounds." + name + " must be [low, high] within the " +
                            "curriculum's bounds [" + std::to_string(d.low) + ", " +
                            std::to_string(d.high) + "]");
        d.low = low;
        d.high = high;
      }
    }
    for (const auto& [name, unused] : bounds.items()) {
      bool known = false;
      for (const auto& d : box.dims())
        known = known || space.params()[static_cast<size_t>(d.param)].name == name;
      if (!known)
        throw ConfigError(stagePath + ".bounds." + name +
                          " is not a parameter the curriculum chooses");
    }
    TaskValues lowTask = space.defaults(), highTask = space.defaults();
    for (const auto& d : dims) {
      lowTask[static_cast<size_t>(d.param)] = d.low;
      highTask[static_cast<size_t>(d.param)] = d.high;
    }
    out.low = box.toUnit(lowTask);
    out.high = box.toUnit(highTask);
    c.stages.push_back(std::move(out));
  }
  return c;
}

nlohmann::json StagedConfig::toJson(const TaskBox& box) const {
  nlohmann::json stagesJson = nlohmann::json::array();
  for (const Stage& s : stages) {
    const TaskValues low = box.toTask(s.low, box.space().defaults());
    const TaskValues high = box.toTask(s.high, box.space().defaults());
    nlohmann::json bounds = nlohmann::json::object();
    for (const auto& d : box.dims())
      bounds[box.space().params()[static_cast<size_t>(d.param)].name] = {
          low[static_cast<size_t>(d.param)], high[static_cast<size_t>(d.param)]};
    stagesJson.push_back({{"bounds", bounds}, {"advance_at", s.advanceAt}});
  }
  return {{"window", window}, {"stages", stagesJson}};
}

const std::vector<ConfigFieldDoc>& StagedConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"window", "Episodes whose mean return decides whether a stage is passed (default 20)."},
      {"stages",
       "[{\"bounds\": {name: [low, high]}, \"advance_at\": RETURN}, ...]: each stage's tasks are "
       "uniform in its bounds (parameters it omits span the curriculum's); the next stage starts "
       "once the mean return of the last window episodes reaches advance_at."},
  };
  return docs;
}

StagedTeacher::StagedTeacher(StagedConfig config, uint64_t seed)
    : config_(std::move(config)), rng_(seed) {
  if (config_.stages.empty()) throw ConfigError("a staged curriculum needs at least one stage");
}

std::vector<double> StagedTeacher::sample() {
  const StagedConfig::Stage& s = config_.stages[static_cast<size_t>(stage_)];
  return uniformPoint(s.low, s.high, rng_);
}

void StagedTeacher::observe(const std::vector<double>&, double episodeReturn) {
  recent_.push_back(episodeReturn);
  if (static_cast<int>(recent_.size()) > config_.window) recent_.pop_front();
  const bool last = stage_ + 1 == static_cast<int>(config_.stages.size());
  if (last || static_cast<int>(recent_.size()) < config_.window) return;
  const double mean = std::accumulate(recent_.begin(), recent_.end(), 0.0) / config_.window;
  if (mean >= config_.stages[static_cast<size_t>(stage_)].advanceAt) {
    ++stage_;
    recent_.clear();
  }
}

nlohmann::json StagedTeacher::model() const {
  const StagedConfig::Stage& s = config_.stages[static_cast<size_t>(stage_)];
  return {{"stage", stage_}, {"box", {{"low", s.low}, {"high", s.high}}}};
}

nlohmann::json StagedTeacher::state() const {
  return {{"kind", kind()},
          {"stages", config_.stages.size()},
          {"stage", stage_},
          {"recent", std::vector<double>(recent_.begin(), recent_.end())},
          {"rng", rngToJson(rng_)}};
}

void StagedTeacher::restore(const nlohmann::json& state) {
  const std::string what = "staged teacher state";
  try {
    if (state.at("kind") != kind() || state.at("stages").get<size_t>() != config_.stages.size())
      throw ConfigError(what + " is of another teacher or other stages");
    const int stage = state.at("stage").get<int>();
    if (stage < 0 || stage >= static_cast<int>(config_.stages.size()))
      throw ConfigError(what + " names stage " + std::to_string(stage) + " of " +
                        std::to_string(config_.stages.size()));
    auto recent = state.at("recent").get<std::vector<double>>();
    Rng rng = rngFromJson(state.at("rng"), what);
    stage_ = stage;
    recent_.assign(recent.begin(), recent.end());
    rng_ = rng;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + " is malformed: " + e.what());
  }
}

}  // namespace palaestra
