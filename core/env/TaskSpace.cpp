#include "env/TaskSpace.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace palaestra {

int TaskSpace::indexOf(const std::string& name) const {
  for (size_t i = 0; i < params_.size(); ++i)
    if (params_[i].name == name) return static_cast<int>(i);
  return -1;
}

TaskValues TaskSpace::defaults() const {
  TaskValues t;
  for (const auto& p : params_) t.push_back(p.defaultValue);
  return t;
}

void TaskSpace::validate(const TaskValues& task) const {
  if (task.size() != params_.size()) {
    std::ostringstream m;
    m << "task has " << task.size() << " values but the env declares " << params_.size()
      << " task parameters";
    throw std::invalid_argument(m.str());
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    const double v = task[i];
    std::ostringstream m;
    if (!std::isfinite(v)) {
      m << "task parameter '" << p.name << "' is not a finite number";
      throw std::invalid_argument(m.str());
    }
    if (v < p.low || v > p.high) {
      m << "task parameter '" << p.name << "' = " << v << " is outside [" << p.low << ", "
        << p.high << "]";
      throw std::invalid_argument(m.str());
    }
    if (p.integer && v != std::floor(v)) {
      m << "task parameter '" << p.name << "' = " << v << " must be a whole number";
      throw std::invalid_argument(m.str());
    }
  }
}

TaskValues TaskSpace::parse(const std::string& text, const TaskValues& base) const {
  TaskValues task = base.empty() ? defaults() : base;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument("task entry '" + item + "' is not of the form name=value");
    const std::string name = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    const int idx = indexOf(name);
    if (idx < 0) {
      std::string known;
      for (const auto& p : params_) known += (known.empty() ? "" : ", ") + p.name;
      throw std::invalid_argument("unknown task parameter '" + name + "' (known: " +
                                  (known.empty() ? "none" : known) + ")");
    }
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(value, &used);
    } catch (const std::out_of_range&) {
      throw std::invalid_argument("task parameter '" + name + "' = " + value +
                                  " is out of the range of a number");
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size())
      throw std::invalid_argument("task parameter '" + name + "' has non-numeric value '" +
                                  value + "'");
    task[idx] = v;
  }
  validate(task);
  return task;
}

std::map<std::string, double> TaskSpace::toMap(const TaskValues& task) const {
  std::map<std::string, double> m;
  for (size_t i = 0; i < params_.size() && i < task.size(); ++i) m[params_[i].name] = task[i];
  return m;
}

TaskValues TaskSpace::fromMap(const std::map<std::string, double>& values) const {
  TaskValues task = defaults();
  for (const auto& [name, v] : values) {
    const int idx = indexOf(name);
    if (idx < 0) throw std::invalid_argument("unknown task parameter '" + name + "'");
    task[idx] = v;
  }
  validate(task);
  return task;
}

}  // namespace palaestra
