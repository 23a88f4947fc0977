// palaestra-cli tournament: a round robin between CPU controllers, printed as a
// win-rate matrix (row against column; a draw counts half) plus each entrant's
// score over all its matches.
#include <iostream>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "fight/ArcadeLadder.h"
#include "fight/Tournament.h"
#include "util/Errors.h"

namespace palaestra::cli {

namespace {

std::vector<fight::TournamentEntrant> parseEntrants(const TournamentOptions& options,
                                                    const fight::Roster& roster) {
  std::vector<fight::TournamentEntrant> entrants;
  if (options.controllers.empty()) {
    for (const fight::CharacterDef* c : fight::arcadeLadder(roster))
      entrants.push_back({c->id, options.cpuLevel});
    return entrants;
  }
  std::stringstream list(options.controllers);
  std::string spec;
  while (std::getline(list, spec, ',')) {
    try {
      entrants.push_back(fight::parseEntrant(spec, options.cpuLevel, roster));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("--controllers: ") + e.what());
    }
  }
  if (!options.controllers.empty() && options.controllers.back() == ',')
    throw ConfigError("--controllers: an empty controller after the last ','");
  if (entrants.size() < 2)
    throw ConfigError("--controllers: a tournament needs at least 2 controllers, got " +
                      std::to_string(entrants.size()));
  return entrants;
}

std::string percent(double rate) {
  return rate < 0 ? "-" : fixed(100 * rate, 0);
}

}  // namespace

int tournament(const CommonOptions& common, const TournamentOptions& options) {
  const fight::Roster* roster = nullptr;
  try {
    roster = &fight::Roster::builtin();
  } catch (const fight::CharacterFileError& e) {
    throw ConfigError(e.what());
  }
  const std::vector<fight::TournamentEntrant> entrants = parseEntrants(options, *roster);
  const fight::TournamentResult result =
      fight::runRoundRobin(entrants, *roster, options.matches, options.seed, options.threads);

  const size_t n = result.names.size();
  std::cout << "round robin of " << n << " controllers, " << 2 * options.matches
            << " matches per pair (each side " << options.matches << "x as P1), seed "
            << options.seed << "\nwin rate %, row vs column (a draw counts half):\n";
  std::vector<std::string> header{"#", "controller"};
  for (size_t c = 0; c < n; ++c) header.push_back(std::to_string(c + 1));
  header.push_back("overall");
  std::vector<std::vector<std::string>> rows;
  for (size_t r = 0; r < n; ++r) {
    std::vector<std::string> row{std::to_string(r + 1), result.names[r]};
    for (size_t c = 0; c < n; ++c) row.push_back(percent(result.winRate[r][c]));
    row.push_back(percent(result.overall[r]));
    rows.push_back(row);
  }
  printTable(header, rows);

  if (common.json) {
    nlohmann::json matrix = nlohmann::json::array();
    for (size_t r = 0; r < n; ++r) {
      nlohmann::json row = nlohmann::json::array();
      for (size_t c = 0; c < n; ++c)
        row.push_back(r == c ? nlohmann::json(nullptr) : nlohmann::json(result.winRate[r][c]));
      matrix.push_back(row);
    }
    printJsonLine({{"controllers", result.names},
                   {"win_rate", matrix},
                   {"overall", result.overall},
                   {"matches_per_side", options.matches},
                   {"seed", options.seed},
                   {"frames", result.frames}});
  }
  return 0;
}

}  // namespace palaestra::cli
