#pragma once
// A teacher chooses each episode's task and watches how the episode went (automatic curriculum
// learning). Teachers work in the unit cube of their TaskBox and are deterministic: the same seed
// and the same observed returns give the same tasks. Their whole state is JSON (doubles round-trip
// exactly), so a resumed training continues the same curriculum.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace palaestra {

class Teacher {
 public:
  virtual ~Teacher() = default;

  /// The teacher's kind as its config names it ("random", "alp_gmm", ...).
  virtual std::string kind() const = 0;
  /// The next task, a point of the unit cube [0, 1]^d.
  virtual std::vector<double> sample() = 0;
  /// What an episode on task `unit` (as sample() gave it) returned, undiscounted.
  virtual void observe(const std::vector<double>& unit, double episodeReturn) = 0;
  /// Whether the teacher learns from wins (observeWin) instead of returns (observe).
  virtual bool learnsFromWins() const { return false; }
  /// Records whether an episode on `unit` was won (1) or not (0); for learnsFromWins() teachers.
  virtual void observeWin(const std::vector<double>& unit, double won) {
    (void)unit;
    (void)won;
  }
  /// The whole state: restore() of it continues exactly here.
  virtual nlohmann::json state() const = 0;
  /// Continues from a state() of a teacher of the same kind and config; throws ConfigError when
  /// the state is not one.
  virtual void restore(const nlohmann::json& state) = 0;
  /// What the teacher has learnt, in the unit cube, for display and the store:
  /// {"gmm": [{weight, mean, covariance, progress}]}, {"regions": [{low, high, progress}]},
  /// {"box": {low, high}} or {"stage": i}; {} for a teacher without a model.
  virtual nlohmann::json model() const { return nlohmann::json::object(); }
  /// Counts the changes of model() so far (refits, splits, box moves, stages); 0 without a model.
  virtual int modelVersion() const { return 0; }
};

using TeacherPtr = std::unique_ptr<Teacher>;

}  // namespace palaestra
