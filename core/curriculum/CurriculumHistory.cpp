#include "curriculum/CurriculumHistory.h"

#include <algorithm>

#include "util/Errors.h"

namespace palaestra {

namespace {

// The last change at or before `eventId`, or `none`.
nlohmann::json changeAt(const std::vector<CurriculumHistory::Change>& changes, int64_t eventId,
                        nlohmann::json none) {
  const auto after = std::upper_bound(
      changes.begin(), changes.end(), eventId,
      [](int64_t id, const CurriculumHistory::Change& c) { return id < c.eventId; });
  return after == changes.begin() ? none : std::prev(after)->value;
}

}  // namespace

void CurriculumHistory::append(const std::vector<CurriculumEvent>& events) {
  for (const CurriculumEvent& e : events) {
    if (e.id <= lastEventId_) continue;  // already added
    const std::string what =
        "curriculum event " + std::to_string(e.id) + " (" + curriculumEventKindName(e.kind) + ")";
    try {
      const nlohmann::json data = nlohmann::json::parse(e.dataJson);
      switch (e.kind) {
        case CurriculumEventKind::Start:
        case CurriculumEventKind::Edit:
          sections_.push_back({e.id, e.step, data.at("section")});
          if (data.contains("model")) models_.push_back({e.id, e.step, data.at("model")});
          break;
        case CurriculumEventKind::Refit:
          models_.push_back({e.id, e.step, data.at("model")});
          break;
        case CurriculumEventKind::Outcome:
          outcomes_.push_back({e.id, e.step, data.at("task").get<TaskValues>(),
                               data.at("return").get<double>(),
                               data.value("success", std::numeric_limits<double>::quiet_NaN())});
          break;
        case CurriculumEventKind::RefusedEdit:
          refusals_.push_back({e.id, e.step, data.at("error")});
          break;
        case CurriculumEventKind::Sample:
          break;  // the outcome repeats the task; a sample alone is an episode in progress
      }
    } catch (const nlohmann::json::exception& ex) {
      throw ConfigError(what + " is malformed: " + ex.what());
    }
    lastEventId_ = e.id;
    timeline_.emplace_back(e.id, e.step);
  }
}

size_t CurriculumHistory::outcomesUpTo(int64_t eventId) const {
  return static_cast<size_t>(
      std::upper_bound(outcomes_.begin(), outcomes_.end(), eventId,
                       [](int64_t id, const Outcome& o) { return id < o.eventId; }) -
      outcomes_.begin());
}

nlohmann::json CurriculumHistory::sectionAt(int64_t eventId) const {
  return changeAt(sections_, eventId, nullptr);
}

nlohmann::json CurriculumHistory::modelAt(int64_t eventId) const {
  return changeAt(models_, eventId, nlohmann::json::object());
}

}  // namespace palaestra
