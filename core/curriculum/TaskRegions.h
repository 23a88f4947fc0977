#pragma once
// Regions a person painted into or out of a curriculum's task box: a task is allowed when it lies
// in no "out" region and, if there are "in" regions, in at least one of them. Each region is a
// box over some of the curriculum's parameters (the others span the task box). The curriculum
// draws again when its teacher proposes a task the regions do not allow.
//   "regions": [{"mode": "out", "bounds": {"stump_height": [2, 3]}}, ...]

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/TaskBox.h"

namespace palaestra {

class TaskRegions {
 public:
  /// One painted region.
  struct Region {
    bool include = false;                  // "in" (true) or "out"
    std::vector<TaskBox::Dimension> dims;  // the parameters it bounds, each [low, high]
  };

  TaskRegions() = default;
  /// Reads a list of regions over `box`'s parameters (at `path`); throws ConfigError naming the
  /// field for an unknown parameter or mode, an empty region (low >= high), a region outside the
  /// box, or regions that leave no task of the box allowed.
  static TaskRegions fromJson(const TaskBox& box, const nlohmann::json& json,
                              const std::string& path);
  /// The list as fromJson reads it.
  nlohmann::json toJson(const TaskSpace& space) const;

  /// Whether there are no regions (every task allowed).
  bool empty() const { return regions_.empty(); }
  /// Whether `task` (a full task of the space) is allowed.
  bool allows(const TaskValues& task) const;

 private:
  std::vector<Region> regions_;
};

}  // namespace palaestra
