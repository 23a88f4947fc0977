#pragma once
// A run's curriculum as its config section describes it:
//   "curriculum": {"teacher": "alp_gmm", "params": ["stump_height", "obstacle_spacing"],
//                  "bounds": {"stump_height": [0, 3]}, "alp_gmm": {"fit_rate": 250},
//                  "regions": [{"mode": "out", "bounds": {"stump_height": [2.5, 3]}}]}
// builds the TaskBox, the painted TaskRegions and the teacher, and turns the teacher's unit-cube
// points into full tasks. A person may edit it while it runs (edit(): a whole new section); a
// section that is not valid changes nothing.

#include <deque>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/TaskBox.h"
#include "curriculum/TaskRegions.h"
#include "curriculum/Teacher.h"
#include "env/TaskSpace.h"
#include "util/ConfigFieldDoc.h"
#include "util/Rng.h"

namespace palaestra {

class Curriculum {
 public:
  /// Observations an edit replays into a new teacher (the latest ones).
  static constexpr size_t kHistoryKept = 1000;
  /// Teacher proposals tried before a task outside the painted-out regions is drawn uniformly.
  static constexpr int kTeacherDraws = 32;

  /// Builds the box and the teacher of `section` (at `path`) over `space`; parameters the box does
  /// not choose keep `base`'s values. Throws ConfigError naming the field.
  Curriculum(const nlohmann::json& section, const TaskSpace& space, TaskValues base, uint64_t seed,
             const std::string& path = "curriculum");

  /// The teacher's next task as a full task of the env, one the regions allow.
  TaskValues nextTask();
  /// Tells the teacher what an episode on `task` (as nextTask gave it) returned and whether it
  /// was won (`success` 1 or 0; NaN when the env does not say: a positive return counts as a
  /// win); a task outside the box (drawn before an edit moved it) is only kept in the history.
  void observe(const TaskValues& task, double episodeReturn,
               double success = std::numeric_limits<double>::quiet_NaN());

  /// Replaces the curriculum by `section` (a whole section, as the config gives it); throws
  /// ConfigError naming the field, changing nothing, when it is not valid. Returns what changed:
  /// "regions" (the teacher goes on), "curriculum" (a new box or teacher, which is given the
  /// latest kHistoryKept episodes inside its box) or "nothing".
  std::string edit(const nlohmann::json& section);

  /// The teacher.
  Teacher& teacher() { return *teacher_; }
  /// The teacher.
  const Teacher& teacher() const { return *teacher_; }
  /// The box it chooses in.
  const TaskBox& box() const { return box_; }
  /// The section with every default written out (the edited one after an edit).
  const nlohmann::json& canonical() const { return canonical_; }

  /// Section, teacher, history and edits as JSON: restore() of it continues exactly here.
  nlohmann::json state() const;
  /// Continues from a state(), rebuilding an edited section first; throws ConfigError when the
  /// state does not fit this env.
  void restore(const nlohmann::json& state);

  /// Names of the teachers a section may give.
  static std::vector<std::string> teacherNames();
  /// The meaning of each field of the section (teachers' own fields under their name).
  static const std::vector<ConfigFieldDoc>& docs();

 private:
  void replayHistory();

  TaskBox box_;
  TaskRegions regions_;
  TaskValues base_;
  uint64_t seed_;  // the run's curriculum seed; an edit's teacher draws from one derived from it
  TeacherPtr teacher_;
  nlohmann::json canonical_;
  Rng redraws_;  // uniform draws when the teacher keeps proposing excluded tasks
  struct Observed {
    TaskValues task;
    double episodeReturn;
    double success;
  };
  void teach(const Observed& o);

  std::deque<Observed> history_;  // the latest episodes observed
  int edits_ = 0;
};

}  // namespace palaestra
