#include "curriculum/RandomTeacher.h"

#include <bit>

#include "util/Errors.h"

namespace palaestra {

RandomTeacher::RandomTeacher(int dims, uint64_t seed) : dims_(dims), rng_(seed) {}

std::vector<double> RandomTeacher::sample() {
  std::vector<double> unit(static_cast<size_t>(dims_));
  for (double& u : unit) u = rng_.uniform();
  return unit;
}

nlohmann::json RandomTeacher::state() const {
  return {{"rng", rngToJson(rng_)}};
}

void RandomTeacher::restore(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("rng"))
    throw ConfigError("random teacher state lacks its random stream");
  rng_ = rngFromJson(state.at("rng"), "random teacher state");
}

nlohmann::json rngToJson(const Rng& rng) {
  const Rng::State s = rng.state();
  // The spare normal as its bit pattern: exact, and valid JSON whatever its value.
  return {
      s.words[0],      s.words[1], s.words[2], s.words[3], std::bit_cast<uint64_t>(s.spareNormal),
      s.hasSpareNormal};
}

Rng rngFromJson(const nlohmann::json& json, const std::string& what) {
  if (!json.is_array() || json.size() != 6)
    throw ConfigError(what + ": the random stream must be 6 unsigned integers");
  for (const nlohmann::json& w : json)
    if (!w.is_number_unsigned() && !(w.is_number_integer() && w.get<int64_t>() >= 0))
      throw ConfigError(what + ": the random stream must be 6 unsigned integers");
  Rng::State s{};
  for (int i = 0; i < 4; ++i) s.words[i] = json[static_cast<size_t>(i)].get<uint64_t>();
  s.spareNormal = std::bit_cast<double>(json[4].get<uint64_t>());
  s.hasSpareNormal = json[5].get<uint64_t>();
  Rng rng;
  rng.setState(s);
  return rng;
}

}  // namespace palaestra
