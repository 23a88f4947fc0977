#include "curriculum/GmmTeacherConfig.h"

#include <tuple>

#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

GmmTeacherConfig GmmTeacherConfig::fromJson(const nlohmann::json& json, const std::string& path,
                                            const GmmTeacherConfig& defaults) {
  JsonReader reader(json, path);
  GmmTeacherConfig c = defaults;
  c.fitRate = static_cast<int>(reader.integer("fit_rate", 10, 100000, c.fitRate));
  c.kMin = static_cast<int>(reader.integer("k_min", 1, 50, c.kMin));
  c.kMax = static_cast<int>(reader.integer("k_max", 1, 50, c.kMax));
  if (c.kMin > c.kMax)
    throw ConfigError(reader.pathOf("k_min") + " " + std::to_string(c.kMin) + " is larger than " +
                      reader.pathOf("k_max") + " " + std::to_string(c.kMax));
  if (c.kMax > c.fitRate)
    throw ConfigError(reader.pathOf("k_max") + " " + std::to_string(c.kMax) +
                      " is larger than the " + std::to_string(c.fitRate) + " points fitted (" +
                      reader.pathOf("fit_rate") + ")");
  c.randomFraction = reader.number("random_fraction", 0.0, 1.0, c.randomFraction);
  std::tie(c.returnLow, c.returnHigh) =
      reader.interval("return_range", {c.returnLow, c.returnHigh});
  reader.finish();
  return c;
}

nlohmann::json GmmTeacherConfig::toJson() const {
  return {{"fit_rate", fitRate},
          {"k_min", kMin},
          {"k_max", kMax},
          {"random_fraction", randomFraction},
          {"return_range", {returnLow, returnHigh}}};
}

std::vector<ConfigFieldDoc> GmmTeacherConfig::docs(const GmmTeacherConfig& d) {
  const auto number = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  };
  return {
      {"fit_rate",
       "Episodes between two fits of the mixture, and the number of latest points "
       "fitted (default " +
           std::to_string(d.fitRate) + "; the first fit comes after as many uniform tasks)."},
      {"k_min", "Fewest mixture components tried (default " + std::to_string(d.kMin) + ")."},
      {"k_max", "Most mixture components tried (default " + std::to_string(d.kMax) +
                    "); the fit of lowest AIC is kept."},
      {"random_fraction", "Share of tasks drawn uniformly after the first fit (default " +
                              number(d.randomFraction) + ")."},
      {"return_range", "[low, high] mapped onto [0, 1] as competence (default [" +
                           number(d.returnLow) + ", " + number(d.returnHigh) + "], the walker's)."},
  };
}

}  // namespace palaestra
