#pragma once
// A curriculum driving a batch of envs (VecEnv's task source and episode-end hook): each env's
// episode gets the teacher's next task, drawn once per (env, episode) so that restarting the
// episodes in progress (a resumed run) plays them on the same tasks, and every finished episode's
// return (of the learner's policy slot) goes back to the teacher. Its state (the teacher's, and
// the task of each env's episode in progress) is what a resume point keeps.

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/Curriculum.h"
#include "replay/EpisodeRecord.h"

namespace palaestra {

class CurriculumTasks {
 public:
  /// Drives `envs` envs by `curriculum`, feeding back the returns of policy slot `learnerSlot`.
  CurriculumTasks(Curriculum curriculum, int envs, int learnerSlot);

  /// The task of episode `episode` of env `env`: drawn from the teacher the first time it is asked.
  TaskValues taskFor(int env, uint64_t episode);
  /// Gives the teacher a finished episode's task and return.
  void episodeEnded(const EpisodeRecord& record);

  /// The teacher's state and each env's current task, as JSON.
  nlohmann::json state() const;
  /// Continues from a state(); throws ConfigError when it does not fit this curriculum.
  void restore(const nlohmann::json& state);

 private:
  struct Current {
    bool drawn = false;
    uint64_t episode = 0;
    TaskValues task;
  };
  Curriculum curriculum_;
  int learnerSlot_;
  std::vector<Current> current_;
};

}  // namespace palaestra
