#pragma once
// The baseline teacher: every task uniform over the box, whatever the returns.

#include "curriculum/Teacher.h"
#include "util/Rng.h"

namespace palaestra {

class RandomTeacher final : public Teacher {
 public:
  /// A teacher over a `dims`-dimensional box drawing from `seed`.
  RandomTeacher(int dims, uint64_t seed);

  /// "random".
  std::string kind() const override { return "random"; }
  /// A uniform point of the unit cube.
  std::vector<double> sample() override;
  /// Ignored: the random teacher does not adapt.
  void observe(const std::vector<double>&, double) override {}
  /// The random stream's state.
  nlohmann::json state() const override;
  /// Continues the random stream of a state().
  void restore(const nlohmann::json& state) override;

 private:
  int dims_;
  Rng rng_;
};

}  // namespace palaestra
