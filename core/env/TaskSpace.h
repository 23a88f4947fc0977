#pragma once
// Task parameters: the named, bounded knobs of an environment that a curriculum
// samples and a user edits (e.g. stump height, opponent level).

#include <map>
#include <string>
#include <vector>

namespace palaestra {

struct TaskParam {
  std::string name;
  double low = 0.0;
  double high = 1.0;
  double defaultValue = 0.0;
  bool integer = false;  // discrete parameter: whole values in [low, high]
  std::string description;
};

/// A task: one value per parameter of the env's task space, in declaration order.
using TaskValues = std::vector<double>;

class TaskSpace {
 public:
  TaskSpace() = default;
  explicit TaskSpace(std::vector<TaskParam> params) : params_(std::move(params)) {}

  /// The declared parameters.
  const std::vector<TaskParam>& params() const { return params_; }
  /// Number of parameters.
  int size() const { return static_cast<int>(params_.size()); }
  /// Index of a parameter by name, or -1.
  int indexOf(const std::string& name) const;
  /// The default task (every parameter at its default).
  TaskValues defaults() const;
  /// Throws std::invalid_argument naming the parameter if a value is out of range or malformed.
  void validate(const TaskValues& task) const;
  /// Parses "name=value,name=value" over `base` (the defaults if empty); throws std::invalid_argument.
  TaskValues parse(const std::string& text, const TaskValues& base = {}) const;
  /// Task as {name: value}, for JSON and display.
  std::map<std::string, double> toMap(const TaskValues& task) const;
  /// Task from {name: value} over the defaults; throws on unknown names or bad values.
  TaskValues fromMap(const std::map<std::string, double>& values) const;

 private:
  std::vector<TaskParam> params_;
};

}  // namespace palaestra
