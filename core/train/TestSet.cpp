#include "train/TestSet.h"

#include <cmath>

#include "train/Evaluator.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

nlohmann::json TestSetResult::toJson() const {
  return {{"scores", scores},
          {"mastered", mastered},
          {"mastered_fraction", masteredFraction},
          {"mean_score", meanScore}};
}

TestSet TestSet::fromJson(const nlohmann::json& section, const TaskSpace& space,
                          const TaskValues& base, const std::string& path) {
  JsonReader reader(section, path);
  TestSet set;
  const nlohmann::json grid = reader.object("grid");
  if (grid.empty())
    throw ConfigError(path +
                      ".grid must name at least one task parameter: {name: [low, high, "
                      "count]}");
  // The grid's axes, each a list of values; then every combination, the first axis fastest.
  std::vector<std::pair<int, std::vector<double>>> axes;
  int64_t cells = 1;
  nlohmann::json canonicalGrid = nlohmann::json::object();
  for (const auto& [name, range] : grid.items()) {
    const std::string field = path + ".grid." + name;
    const int index = space.indexOf(name);
    if (index < 0)
      throw ConfigError(field + ": '" + name + "' is not a task parameter of this env");
    const TaskParam& p = space.params()[static_cast<size_t>(index)];
    if (!range.is_array() || range.size() != 3 || !range[0].is_number() || !range[1].is_number() ||
        !range[2].is_number_integer())
      throw ConfigError(field + " must be [low, high, count]");
    const double low = range[0].get<double>(), high = range[1].get<double>();
    const int64_t count = range[2].get<int64_t>();
    if (!std::isfinite(low) || !std::isfinite(high) || low > high || low < p.low || high > p.high)
      throw ConfigError(field + " [" + std::to_string(low) + ", " + std::to_string(high) +
                        "] must lie within the parameter's range [" + std::to_string(p.low) + ", " +
                        std::to_string(p.high) + "] with low <= high");
    if (count < 1 || count > kMaxCells || (count > 1 && low == high))
      throw ConfigError(field + ": count must be 1.." + std::to_string(kMaxCells) +
                        " (and 1 when low = high)");
    std::vector<double> values;
    for (int64_t i = 0; i < count; ++i) {
      double v = count == 1 ? low : low + (high - low) * static_cast<double>(i) / (count - 1);
      if (p.integer) v = std::round(v);
      values.push_back(v);
    }
    cells *= count;
    if (cells > kMaxCells)
      throw ConfigError(path + ".grid has more than " + std::to_string(kMaxCells) + " cells");
    axes.emplace_back(index, std::move(values));
    set.params_.push_back(name);
    canonicalGrid[name] = {low, high, count};
  }
  set.episodes_ = static_cast<int>(reader.integer("episodes", 1, 1000, 1));
  JsonReader mastered(reader.object("mastered"), path + ".mastered");
  const auto byReturn = mastered.optionalNumber("return", -1e12, 1e12);
  const auto byWinRate = mastered.optionalNumber("win_rate", 0.0, 1.0);
  mastered.finish();
  if (byReturn.has_value() == byWinRate.has_value())
    throw ConfigError(path +
                      ".mastered must give one of return (mean return above it) or "
                      "win_rate (win rate at least it)");
  set.byWinRate_ = byWinRate.has_value();
  set.threshold_ = set.byWinRate_ ? *byWinRate : *byReturn;
  reader.finish();
  for (int64_t cell = 0; cell < cells; ++cell) {
    TaskValues task = base;
    int64_t rest = cell;
    for (const auto& [index, values] : axes) {
      task[static_cast<size_t>(index)] = values[static_cast<size_t>(rest % values.size())];
      rest /= static_cast<int64_t>(values.size());
    }
    set.tasks_.push_back(std::move(task));
  }
  set.canonical_ = {{"grid", canonicalGrid},
                    {"episodes", set.episodes_},
                    {"mastered", {{set.byWinRate_ ? "win_rate" : "return", set.threshold_}}}};
  return set;
}

TestSetResult TestSet::score(const std::vector<double>& returns,
                             const std::vector<double>& wins) const {
  TestSetResult r;
  const size_t n = static_cast<size_t>(episodes_);
  for (size_t cell = 0; cell < tasks_.size(); ++cell) {
    double sum = 0.0;
    for (size_t k = 0; k < n; ++k) sum += (byWinRate_ ? wins : returns).at(cell * n + k);
    const double s = sum / static_cast<double>(n);
    r.scores.push_back(s);
    r.mastered.push_back(byWinRate_ ? s >= threshold_ : s > threshold_);
    r.meanScore += s / static_cast<double>(tasks_.size());
    r.masteredFraction += r.mastered.back() ? 1.0 / static_cast<double>(tasks_.size()) : 0.0;
  }
  return r;
}

TestSetResult TestSet::evaluate(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                                uint64_t runSeed, ThreadPool& pool, const FrozenSlots& frozen,
                                int learnerSlot) const {
  const EvalResult eval =
      evaluatePolicyOnTasks(makeEnv, policy, tasks_, episodes_, runSeed, pool, frozen, learnerSlot);
  std::vector<double> returns, wins;
  for (const EpisodeRecord& e : eval.episodes) {
    returns.push_back(episodeSlotReturn(e, learnerSlot));
    wins.push_back(episodeSucceeded(e, eval.successReturn, learnerSlot) ? 1.0 : 0.0);
  }
  return score(returns, wins);
}

const std::vector<ConfigFieldDoc>& TestSet::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"grid",
       "{name: [low, high, count]}: count values of each parameter from low to high, every "
       "combination a test task (in the checkpoint meta's scores the parameter first by name "
       "varies fastest); the other parameters keep the run's task."},
      {"episodes", "Deterministic episodes per test task (default 1)."},
      {"mastered.return", "A test task is mastered when its mean return is above this."},
      {"mastered.win_rate", "Or: when its win rate (the env's success) is at least this."},
  };
  return docs;
}

}  // namespace palaestra
