#pragma once
// Reads characters from JSON files and validates every field. Errors name the
// file, the field path and the problem, e.g.
//   "kestrel.json: moves[3].startup must be an integer in [1, 120], got 0".
// The roster is every *.json in resources/fight/characters/ plus the user's
// own folder, so a user adds a character by dropping in a file.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fight/CharacterDef.h"

namespace palaestra::fight {

/// A character file that cannot be used; what() is "<file>: <field>: <problem>"-style.
class CharacterFileError : public std::runtime_error {
 public:
  CharacterFileError(std::string file, std::string field, std::string problem);
  /// The file's name.
  const std::string& file() const { return file_; }
  /// Path of the offending field, e.g. "moves[3].startup" ("" for the whole file).
  const std::string& field() const { return field_; }
  /// What is wrong.
  const std::string& problem() const { return problem_; }

 private:
  std::string file_, field_, problem_;
};

/// Character files larger than this are refused (the built-in ones are about 14 KiB).
inline constexpr size_t kMaxCharacterFileBytes = size_t{1} << 20;

/// Parses one character from JSON; `fileName` is used in errors and `id` defaults to its stem.
CharacterDef parseCharacter(const nlohmann::json& json, const std::string& fileName);
/// Parses the text of a character file named `fileName` (its stem is the default id); throws
/// CharacterFileError.
CharacterDef parseCharacterText(std::string_view text, const std::string& fileName);
/// Reads and parses one character file (at most kMaxCharacterFileBytes, nesting bounded by
/// kMaxJsonDepth; a device or pipe is never read past the limit); throws CharacterFileError.
CharacterDef loadCharacterFile(const std::filesystem::path& path);

/// The characters available to matches, in a stable order (built-ins by arcade order, then others
/// by id).
class Roster {
 public:
  /// Loads every *.json in each folder (missing folders are skipped); throws CharacterFileError on
  /// the first bad file or a duplicate id.
  static Roster load(const std::vector<std::filesystem::path>& folders);
  /// The built-in folder (resources/fight/characters) plus $PALAESTRA_CHARACTERS_DIR when set
  /// (throws CharacterFileError if that is not a folder).
  static std::vector<std::filesystem::path> defaultFolders();
  /// The roster from defaultFolders(), loaded once per process (throws like load()).
  static const Roster& builtin();

  /// Number of characters.
  int size() const { return static_cast<int>(characters_.size()); }
  /// Character i.
  const CharacterDef& at(int i) const { return *characters_.at(static_cast<size_t>(i)); }
  /// Index of a character id, or -1.
  int indexOf(const std::string& id) const;
  /// The character of that id; throws std::invalid_argument listing the known ids.
  const CharacterDef& get(const std::string& id) const;
  /// Ids in roster order.
  std::vector<std::string> ids() const;

 private:
  std::vector<std::shared_ptr<const CharacterDef>> characters_;
};

}  // namespace palaestra::fight
