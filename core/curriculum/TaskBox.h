#pragma once
// The part of an env's task space a teacher chooses in: some of its parameters, each within
// bounds inside the parameter's own range. Teachers work in the unit cube [0, 1]^d over those
// parameters; the box maps their points to tasks (the other parameters keep a base task's values,
// integer parameters are rounded) and tasks back to points.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/TaskSpace.h"

namespace palaestra {

class TaskBox {
 public:
  /// One chosen parameter: its index in the task space and the bounds the teacher samples in.
  struct Dimension {
    int param = 0;
    double low = 0.0;
    double high = 1.0;
  };

  TaskBox() = default;
  /// A box over `space`; throws ConfigError naming `path` when a dimension is not a parameter of
  /// the space, repeats one, or has bounds outside its range or low > high.
  TaskBox(const TaskSpace& space, std::vector<Dimension> dims, const std::string& path);

  /// Reads {"params": [...], "bounds": {name: [low, high]}} (bounds default to each parameter's
  /// range; params default to every parameter); throws ConfigError naming `path`'s fields.
  static TaskBox fromJson(const TaskSpace& space, const nlohmann::json& json,
                          const std::string& path);
  /// The box as fromJson reads it.
  nlohmann::json toJson() const;

  /// Number of chosen parameters d.
  int size() const { return static_cast<int>(dims_.size()); }
  /// The env's task space the box lies in.
  const TaskSpace& space() const { return space_; }
  /// The chosen parameters.
  const std::vector<Dimension>& dims() const { return dims_; }
  /// The task of unit-cube point `unit` (clamped into the box) over `base` (a full task).
  TaskValues toTask(const std::vector<double>& unit, const TaskValues& base) const;
  /// Whether `task`'s chosen parameters all lie within the box's bounds.
  bool contains(const TaskValues& task) const;
  /// The unit-cube point of `task` (its chosen parameters' values; 0.5 on a dimension of zero
  /// width).
  std::vector<double> toUnit(const TaskValues& task) const;

 private:
  TaskSpace space_;
  std::vector<Dimension> dims_;
};

}  // namespace palaestra
