// palaestra-cli characters: lists the fighting game's roster (the built-in
// characters plus $PALAESTRA_CHARACTERS_DIR), or checks character files a user
// is writing, printing each file's verdict and the loader's error line.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "fight/CharacterLoader.h"
#include "util/Errors.h"

namespace palaestra::cli {

namespace {

nlohmann::json describe(const fight::CharacterDef& c) {
  return {{"id", c.id},         {"name", c.displayName}, {"ladder", c.ladder},
          {"health", c.health}, {"style", c.style},      {"moves", c.moves.size()}};
}

int checkFiles(const CommonOptions& common, const std::vector<std::string>& files) {
  nlohmann::json results = nlohmann::json::array();
  std::string firstError;
  int bad = 0;
  for (const std::string& file : files) {
    try {
      const fight::CharacterDef c = fight::loadCharacterFile(file);
      std::cout << file << ": ok, " << c.id << " (" << c.displayName << "), " << c.moves.size()
                << " moves\n";
      nlohmann::json entry = describe(c);
      entry["file"] = file;
      entry["error"] = nullptr;
      results.push_back(entry);
    } catch (const fight::CharacterFileError& e) {
      std::cout << e.what() << "\n";
      if (bad++ == 0) firstError = e.what();
      results.push_back({{"file", file}, {"error", e.what()}});
    }
  }
  if (common.json) printJsonLine({{"files", results}, {"invalid", bad}});
  if (bad > 0)
    throw ConfigError(std::to_string(bad) + " of " + std::to_string(files.size()) +
                      " character files " + (bad == 1 ? "is" : "are") +
                      " invalid; the first: " + firstError);
  return 0;
}

}  // namespace

int characters(const CommonOptions& common, const CharactersOptions& options) {
  if (!options.files.empty()) return checkFiles(common, options.files);
  const fight::Roster* roster = nullptr;
  try {
    roster = &fight::Roster::builtin();
  } catch (const fight::CharacterFileError& e) {
    throw ConfigError(e.what());
  }
  std::cout << "characters from";
  for (const auto& folder : fight::Roster::defaultFolders()) std::cout << " " << folder.string();
  std::cout << "\n";
  std::vector<std::vector<std::string>> rows;
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < roster->size(); ++i) {
    const fight::CharacterDef& c = roster->at(i);
    rows.push_back({c.ladder > 0 ? std::to_string(c.ladder) : "-", c.id, c.displayName,
                    std::to_string(c.health), c.style});
    list.push_back(describe(c));
  }
  printTable({"ladder", "id", "name", "health", "style"}, rows);
  if (common.json) printJsonLine({{"characters", list}});
  return 0;
}

}  // namespace palaestra::cli
