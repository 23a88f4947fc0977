#pragma once
// A run's curriculum as its config section describes it:
//   "curriculum": {"teacher": "alp_gmm", "params": ["stump_height", "obstacle_spacing"],
//                  "bounds": {"stump_height": [0, 3]}, "alp_gmm": {"fit_rate": 250}}
// builds the TaskBox and the teacher, and turns the teacher's unit-cube points into full tasks.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/TaskBox.h"
#include "curriculum/Teacher.h"
#include "env/TaskSpace.h"
#include "util/ConfigFieldDoc.h"

namespace palaestra {

class Curriculum {
 public:
  /// Builds the box and the teacher of `section` (at `path`) over `space`; parameters the box does
  /// not choose keep `base`'s values. Throws ConfigError naming the field.
  Curriculum(const nlohmann::json& section, const TaskSpace& space, TaskValues base, uint64_t seed,
             const std::string& path = "curriculum");

  /// The teacher's next task as a full task of the env.
  TaskValues nextTask();
  /// Tells the teacher what an episode on `task` (as nextTask gave it) returned.
  void observe(const TaskValues& task, double episodeReturn);

  /// The teacher.
  Teacher& teacher() { return *teacher_; }
  /// The teacher.
  const Teacher& teacher() const { return *teacher_; }
  /// The box it chooses in.
  const TaskBox& box() const { return box_; }
  /// The section with every default written out.
  const nlohmann::json& canonical() const { return canonical_; }

  /// Names of the teachers a section may give.
  static std::vector<std::string> teacherNames();
  /// The meaning of each field of the section (teachers' own fields under their name).
  static const std::vector<ConfigFieldDoc>& docs();

 private:
  TaskBox box_;
  TaskValues base_;
  TeacherPtr teacher_;
  nlohmann::json canonical_;
};

}  // namespace palaestra
