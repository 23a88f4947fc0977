#include "curriculum/TaskBox.h"

#include <algorithm>
#include <cmath>

#include "util/Errors.h"

namespace palaestra {

TaskBox::TaskBox(const TaskSpace& space, std::vector<Dimension> dims, const std::string& path)
    : space_(space), dims_(std::move(dims)) {
  if (space.size() == 0)
    throw ConfigError(path + ": this env has no task parameters for a teacher to choose");
  if (dims_.empty()) throw ConfigError(path + ".params names no task parameter");
  std::vector<bool> seen(static_cast<size_t>(space.size()), false);
  for (const Dimension& d : dims_) {
    if (d.param < 0 || d.param >= space.size())
      throw ConfigError(path + ".params: parameter index " + std::to_string(d.param) +
                        " is not in the env's task space");
    const TaskParam& p = space.params()[static_cast<size_t>(d.param)];
    if (seen[static_cast<size_t>(d.param)])
      throw ConfigError(path + ".params names '" + p.name + "' twice");
    seen[static_cast<size_t>(d.param)] = true;
    if (!std::isfinite(d.low) || !std::isfinite(d.high) || d.low > d.high)
      throw ConfigError(path + ".bounds." + p.name + " must be [low, high] with low <= high");
    if (d.low < p.low || d.high > p.high) {
      std::string message = path + ".bounds." + p.name + " [" + std::to_string(d.low) + ", " +
                            std::to_string(d.high) + "] is outside the parameter's range [" +
                            std::to_string(p.low) + ", " + std::to_string(p.high) + "]";
      throw ConfigError(message);
    }
    if (p.integer && std::ceil(d.low) > std::floor(d.high))
      throw ConfigError(path + ".bounds." + p.name +
                        " holds no whole value (the parameter is an integer)");
  }
}

TaskBox TaskBox::fromJson(const TaskSpace& space, const nlohmann::json& json,
                          const std::string& path) {
  if (!json.is_object()) throw ConfigError(path + " must be an object");
  std::vector<std::string> names;
  if (json.contains("params")) {
    const nlohmann::json& list = json.at("params");
    if (!list.is_array() || list.empty())
      throw ConfigError(path + ".params must be a non-empty list of task parameter names");
    for (const nlohmann::json& name : list) {
      if (!name.is_string())
        throw ConfigError(path + ".params must be a list of task parameter names");
      names.push_back(name.get<std::string>());
    }
  } else {
    for (const TaskParam& p : space.params()) names.push_back(p.name);
  }
  const nlohmann::json bounds = json.value("bounds", nlohmann::json::object());
  if (!bounds.is_object())
    throw ConfigError(path + ".bounds must be an object {name: [low, high]}");
  std::vector<Dimension> dims;
  for (const std::string& name : names) {
    const int index = space.indexOf(name);
    if (index < 0) {
      std::string known;
      for (const TaskParam& p : space.params()) known += (known.empty() ? "" : ", ") + p.name;
      throw ConfigError(path + ".params: '" + name + "' is not a task parameter of this env (" +
                        (known.empty() ? "it has none" : "it has " + known) + ")");
    }
    const TaskParam& p = space.params()[static_cast<size_t>(index)];
    Dimension d{index, p.low, p.high};
    if (bounds.contains(name)) {
      const nlohmann::json& b = bounds.at(name);
      if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
        throw ConfigError(path + ".bounds." + name + " must be [low, high]");
      d.low = b[0].get<double>();
      d.high = b[1].get<double>();
    }
    dims.push_back(d);
  }
  for (const auto& [name, value] : bounds.items()) {
    (void)value;
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw ConfigError(path + ".bounds." + name + " bounds a parameter not in " + path +
                        ".params");
  }
  return TaskBox(space, std::move(dims), path);
}

nlohmann::json TaskBox::toJson() const {
  nlohmann::json params = nlohmann::json::array(), bounds = nlohmann::json::object();
  for (const Dimension& d : dims_) {
    const std::string& name = space_.params()[static_cast<size_t>(d.param)].name;
    params.push_back(name);
    bounds[name] = {d.low, d.high};
  }
  return {{"params", params}, {"bounds", bounds}};
}

TaskValues TaskBox::toTask(const std::vector<double>& unit, const TaskValues& base) const {
  TaskValues task = base;
  for (size_t i = 0; i < dims_.size(); ++i) {
    const Dimension& d = dims_[i];
    const double u = std::clamp(i < unit.size() ? unit[i] : 0.5, 0.0, 1.0);
    double v = d.low + u * (d.high - d.low);
    if (space_.params()[static_cast<size_t>(d.param)].integer)
      v = std::clamp(std::round(v), std::ceil(d.low), std::floor(d.high));
    task[static_cast<size_t>(d.param)] = v;
  }
  return task;
}

bool TaskBox::contains(const TaskValues& task) const {
  for (const Dimension& d : dims_) {
    const double v = task.at(static_cast<size_t>(d.param));
    if (v < d.low || v > d.high) return false;
  }
  return true;
}

std::vector<double> TaskBox::toUnit(const TaskValues& task) const {
  std::vector<double> unit(dims_.size(), 0.5);
  for (size_t i = 0; i < dims_.size(); ++i) {
    const Dimension& d = dims_[i];
    if (d.high > d.low)
      unit[i] =
          std::clamp((task[static_cast<size_t>(d.param)] - d.low) / (d.high - d.low), 0.0, 1.0);
  }
  return unit;
}

}  // namespace palaestra
