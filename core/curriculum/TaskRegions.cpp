#include "curriculum/TaskRegions.h"

#include <cmath>

#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra {

TaskRegions TaskRegions::fromJson(const TaskBox& box, const nlohmann::json& json,
                                  const std::string& path) {
  if (!json.is_array())
    throw ConfigError(path + " must be a list of {\"mode\": \"in\" | \"out\", \"bounds\": {...}}");
  TaskRegions result;
  const TaskSpace& space = box.space();
  for (size_t i = 0; i < json.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const nlohmann::json& r = json[i];
    if (!r.is_object()) throw ConfigError(at + " must be an object");
    for (const auto& [key, value] : r.items()) {
      (void)value;
      if (key != "mode" && key != "bounds")
        throw ConfigError(at + "." + key + " is not a field of a region (mode, bounds)");
    }
    Region region;
    const nlohmann::json mode = r.value("mode", nlohmann::json(nullptr));
    if (mode != "in" && mode != "out") throw ConfigError(at + ".mode must be \"in\" or \"out\"");
    region.include = mode == "in";
    const nlohmann::json bounds = r.value("bounds", nlohmann::json(nullptr));
    if (!bounds.is_object() || bounds.empty())
      throw ConfigError(at +
                        ".bounds must be {name: [low, high], ...} over the curriculum's params");
    for (const auto& [name, b] : bounds.items()) {
      const std::string field = at + ".bounds." + name;
      const TaskBox::Dimension* dim = nullptr;
      for (const TaskBox::Dimension& d : box.dims())
        if (space.params()[static_cast<size_t>(d.param)].name == name) dim = &d;
      if (!dim)
        throw ConfigError(field + ": '" + name + "' is not a parameter the curriculum chooses");
      if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
        throw ConfigError(field + " must be [low, high]");
      const double low = b[0].get<double>(), high = b[1].get<double>();
      if (!std::isfinite(low) || !std::isfinite(high) || low >= high)
        throw ConfigError(field + " is an empty region: [low, high] needs low < high");
      if (high <= dim->low || low >= dim->high)
        throw ConfigError(field + " [" + std::to_string(low) + ", " + std::to_string(high) +
                          "] lies outside the curriculum's bounds [" + std::to_string(dim->low) +
                          ", " + std::to_string(dim->high) + "]");
      region.dims.push_back({dim->param, low, high});
    }
    result.regions_.push_back(std::move(region));
  }
  // Regions that exclude everything would leave the teacher nothing to draw: refused. Checked on
  // the box's centre and a fixed sample of it (the same answer every time).
  if (!result.regions_.empty()) {
    Rng rng(0x7265676973746572ULL);
    const TaskValues base = space.defaults();
    bool any = false;
    for (int tries = 0; tries < 20000 && !any; ++tries) {
      std::vector<double> unit(static_cast<size_t>(box.size()));
      for (double& u : unit) u = tries == 0 ? 0.5 : rng.uniform();
      any = result.allows(box.toTask(unit, base));
    }
    if (!any) throw ConfigError(path + " leave no task of the curriculum's box to sample");
  }
  return result;
}

nlohmann::json TaskRegions::toJson(const TaskSpace& space) const {
  nlohmann::json list = nlohmann::json::array();
  for (const Region& r : regions_) {
    nlohmann::json bounds = nlohmann::json::object();
    for (const TaskBox::Dimension& d : r.dims)
      bounds[space.params()[static_cast<size_t>(d.param)].name] = {d.low, d.high};
    list.push_back({{"mode", r.include ? "in" : "out"}, {"bounds", bounds}});
  }
  return list;
}

bool TaskRegions::allows(const TaskValues& task) const {
  bool anyInclude = false, inInclude = false;
  for (const Region& r : regions_) {
    bool inside = true;
    for (const TaskBox::Dimension& d : r.dims) {
      const double v = task[static_cast<size_t>(d.param)];
      inside = inside && v >= d.low && v <= d.high;
    }
    if (!r.include && inside) return false;
    anyInclude = anyInclude || r.include;
    inInclude = inInclude || (r.include && inside);
  }
  return !anyInclude || inInclude;
}

}  // namespace palaestra
