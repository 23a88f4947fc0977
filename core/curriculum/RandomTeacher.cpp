#include "curriculum/RandomTeacher.h"

#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"

namespace palaestra {

RandomTeacher::RandomTeacher(int dims, uint64_t seed) : dims_(dims), rng_(seed) {}

std::vector<double> RandomTeacher::sample() {
  return uniformPoint(std::vector<double>(static_cast<size_t>(dims_), 0.0),
                      std::vector<double>(static_cast<size_t>(dims_), 1.0), rng_);
}

nlohmann::json RandomTeacher::state() const {
  return {{"rng", rngToJson(rng_)}};
}

void RandomTeacher::restore(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("rng"))
    throw ConfigError("random teacher state lacks its random stream");
  rng_ = rngFromJson(state.at("rng"), "random teacher state");
}

}  // namespace palaestra
