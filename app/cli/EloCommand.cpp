// palaestra-cli elo and exploit: ratings of stored fight agents (fight/FightRatings.h) and their
// approximate exploitability (fight/FightExploitability.h).
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "Simulations.h"
#include "fight/FightExploitability.h"
#include "fight/FightRatings.h"
#include "util/Errors.h"

namespace palaestra::cli {

namespace {

// "1-8", "8", "1,4,8" or "none".
std::vector<int> parseLevels(const std::string& text) {
  if (text == "none") return {};
  std::vector<int> levels;
  std::stringstream list(text);
  std::string item;
  auto number = [&](const std::string& s) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty() || v < 1 || v > 8)
      throw ConfigError("--cpu-levels: \"" + s + "\" is not a CPU level 1..8 (e.g. 1-8, 8, 1,4,8 "
                        "or none)");
    return v;
  };
  while (std::getline(list, item, ',')) {
    const size_t dash = item.find('-');
    if (dash == std::string::npos) {
      levels.push_back(number(item));
    } else {
      const int a = number(item.substr(0, dash)), b = number(item.substr(dash + 1));
      if (a > b) throw ConfigError("--cpu-levels: " + item + " runs backwards");
      for (int l = a; l <= b; ++l) levels.push_back(l);
    }
  }
  if (levels.empty()) throw ConfigError("--cpu-levels: no level given");
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  return levels;
}

}  // namespace

int elo(const CommonOptions& common, const EloOptions& options) {
  registerBuiltinSimulations();
  fight::FightRatingRequest request;
  request.leagueId = options.leagueId;
  request.runs = options.runs;
  request.cpuLevels = parseLevels(options.cpuLevels);
  request.matchesPerSide = options.matches;
  request.seed = options.seed;
  request.threads = options.threads;
  auto store = openStoreForWriting(common);
  const nlohmann::json result =
      fight::rateFightAgents(*store, request, [](const std::string& line) { std::cerr << line << "\n"; });
  // Checkpoints by Elo, then the CPU's levels (mean over characters).
  std::vector<nlohmann::json> checkpoints;
  std::map<int, std::pair<double, int>> levels;
  for (const auto& e : result["entrants"]) {
    if (e["kind"] == "checkpoint") checkpoints.push_back(e);
    else {
      auto& [sum, count] = levels[e["level"].get<int>()];
      sum += e["elo"].get<double>();
      count++;
    }
  }
  std::sort(checkpoints.begin(), checkpoints.end(),
            [](const nlohmann::json& a, const nlohmann::json& b) { return a["elo"].get<double>() > b["elo"].get<double>(); });
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : checkpoints)
    rows.push_back({e["name"].get<std::string>(), std::to_string(e["checkpoint_id"].get<int64_t>()),
                    std::to_string(e["step"].get<int64_t>()), fixed(e["elo"].get<double>(), 0),
                    std::to_string(e["games"].get<int64_t>()),
                    fixed(100 * e["score"].get<double>(), 1)});
  for (const auto& [level, sum] : levels)
    rows.push_back({"CPU level " + std::to_string(level) + " (mean of " +
                        std::to_string(sum.second) + ")",
                    "-", "-", fixed(sum.first / sum.second, 0), "-", "-"});
  printTable({"entrant", "checkpoint", "step", "elo", "games", "score%"}, rows);
  for (const auto& x : result["excluded"])
    std::cout << "left out checkpoint " << x["checkpoint_id"] << ": "
              << x["reason"].get<std::string>() << "\n";
  std::cout << "rating " << result["rating_id"] << " (" << result["scope"].get<std::string>()
            << "): " << result["matches"] << " matches, cross-play "
            << fixed(result["cross_play_seconds"].get<double>(), 1) << " s\n";
  if (common.json) printJsonLine(result);
  return 0;
}

int exploit(const CommonOptions& common, const ExploitOptions& options) {
  registerBuiltinSimulations();
  fight::ExploitabilityRequest request;
  request.checkpointId = options.checkpointId;
  request.steps = options.steps;
  request.seeds = options.seeds;
  request.threads = options.threads;
  auto store = openStoreForWriting(common);
  const std::atomic<bool>& stop = catchStopSignals();
  fight::ExploitabilityResult result;
  try {
    result = fight::measureExploitability(*store, request, stop,
                                          [](const std::string& line) { std::cerr << line << "\n"; });
  } catch (...) {
    releaseStopSignals();
    throw;
  }
  releaseStopSignals();
  std::cout << "checkpoint " << result.checkpointId << " (run " << result.runId
            << "): best responses of " << options.steps << " steps win "
            << fixed(100 * result.meanWinRate, 1) << "% +- " << fixed(100 * result.stdWinRate, 1)
            << "% (" << result.seeds.size() << " seeds:";
  for (const auto& s : result.seeds) std::cout << " " << fixed(100 * s.winRate, 1) << "%";
  std::cout << ")\n";
  if (common.json) printJsonLine(result.toJson());
  return result.interrupted ? stoppedExitCode() : 0;
}

}  // namespace palaestra::cli
