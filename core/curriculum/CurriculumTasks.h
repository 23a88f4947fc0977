#pragma once
// A curriculum driving a batch of envs (VecEnv's task source and episode-end hook): each env's
// episode gets the teacher's next task, drawn once per (env, episode) so that restarting the
// episodes in progress (a resumed run) plays them on the same tasks, and every finished episode's
// return (of the learner's policy slot) goes back to the teacher. Its state (the curriculum's,
// and the task of each env's episode in progress) is what a resume point keeps.
//
// Everything it does goes to an event sink as it happens (the training stores the events): each
// task drawn, each outcome, each change of the teacher's model and each edit. A person may edit
// the curriculum from another thread while the envs step (edit()); the change applies at once, and
// an edit that is not valid is refused, the curriculum going on unchanged. Events of the tasks
// drawn before the training starts are held until start() (a resume's restore() drops them: the
// restored episodes replay on the tasks they had).

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/Curriculum.h"
#include "replay/EpisodeRecord.h"
#include "store/RunRecords.h"

namespace palaestra {

class CurriculumTasks {
 public:
  /// Receives each event (kind, env, episode and data set; step and wall time left to it).
  using EventSink = std::function<void(CurriculumEvent)>;

  /// Drives `envs` envs by `curriculum`, feeding back the returns of policy slot `learnerSlot`.
  CurriculumTasks(Curriculum curriculum, int envs, int learnerSlot);

  /// Sends the start event (the section and the teacher's model; `resumed`: a resumed training)
  /// to `sink`, then the events held since construction, then every later one as it happens. A
  /// null sink drops them.
  void start(EventSink sink, bool resumed);

  /// The task of episode `episode` of env `env`: drawn from the teacher the first time it is asked.
  TaskValues taskFor(int env, uint64_t episode);
  /// Gives the teacher a finished episode's task and return.
  void episodeEnded(const EpisodeRecord& record);

  /// Replaces the curriculum by `section` (thread-safe) and returns its canonical form; throws
  /// ConfigError naming the field, the curriculum unchanged, when it is not valid. Either way the
  /// edit is an event.
  nlohmann::json edit(const nlohmann::json& section);
  /// The section in force (thread-safe).
  nlohmann::json section() const;

  /// The curriculum's state and each env's current task, as JSON.
  nlohmann::json state() const;
  /// Continues from a state(); throws ConfigError when it does not fit this curriculum.
  void restore(const nlohmann::json& state);

 private:
  struct Current {
    bool drawn = false;
    uint64_t episode = 0;
    TaskValues task;
  };
  void emit(CurriculumEventKind kind, int env, int64_t episode, const nlohmann::json& data);
  void emitModelIfChanged();

  mutable std::mutex mutex_;  // edits come from another thread than the stepping
  Curriculum curriculum_;
  int learnerSlot_;
  std::vector<Current> current_;
  EventSink sink_;
  bool started_ = false;
  std::vector<CurriculumEvent> held_;  // events before start() (the first episodes' tasks)
  int modelVersion_ = 0;               // the teacher's model version last sent
};

}  // namespace palaestra
