#pragma once
// A run's curriculum events (RunStore::curriculumEvents) read into what a view of the curriculum
// over time needs: the tasks drawn and their outcomes, the section in force, the teacher's model
// and the refused edits, each with its event id and step, so the state at any event can be found.
// Appending only what is new keeps a live view cheap.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/TaskSpace.h"
#include "store/RunRecords.h"

namespace palaestra {

class CurriculumHistory {
 public:
  /// A finished episode: its task, return and (where the env says) success.
  struct Outcome {
    int64_t eventId = 0;
    int64_t step = 0;
    TaskValues task;
    double episodeReturn = 0.0;
    double success = std::numeric_limits<double>::quiet_NaN();
  };
  /// A JSON payload in force from an event on: a section (start or edit) or a teacher's model.
  struct Change {
    int64_t eventId = 0;
    int64_t step = 0;
    nlohmann::json value;
  };

  /// Adds events that follow those already added (ids increasing); throws ConfigError naming the
  /// event when its data is not what its kind needs.
  void append(const std::vector<CurriculumEvent>& events);

  /// Id of the last event added (0 before any).
  int64_t lastEventId() const { return lastEventId_; }
  /// Ids and steps of every event added, in order (the timeline's positions).
  const std::vector<std::pair<int64_t, int64_t>>& timeline() const { return timeline_; }
  /// Every outcome, in order.
  const std::vector<Outcome>& outcomes() const { return outcomes_; }
  /// Number of outcomes with an event id <= `eventId`.
  size_t outcomesUpTo(int64_t eventId) const;
  /// The section in force at event `eventId` (null before the first start).
  nlohmann::json sectionAt(int64_t eventId) const;
  /// The teacher's model at event `eventId` (empty object before any).
  nlohmann::json modelAt(int64_t eventId) const;
  /// Sections as they changed (starts and edits), in order.
  const std::vector<Change>& sections() const { return sections_; }
  /// Refused edits' errors, in order.
  const std::vector<Change>& refusals() const { return refusals_; }

 private:
  int64_t lastEventId_ = 0;
  std::vector<std::pair<int64_t, int64_t>> timeline_;
  std::vector<Outcome> outcomes_;
  std::vector<Change> sections_, models_, refusals_;
};

}  // namespace palaestra
