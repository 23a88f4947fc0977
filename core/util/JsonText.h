#pragma once
// Parses JSON text from outside the program (config files, character files,
// JSON typed into a form) so that no input can crash or mislead: nesting is
// limited (deep nesting overflows the stack in nlohmann's recursive copy and
// dump), a key given twice in one object is an error (nlohmann would keep the
// last silently), and a number too large for a double (1e400) is named by
// its field. Every error says where: the field path or the line and column.

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace palaestra {

/// Arrays and objects nested deeper than this are refused (configs use 4, characters 5).
inline constexpr int kMaxJsonDepth = 64;

/// JSON text that cannot be used. what() is "<field> <problem>" (or the problem alone when it
/// concerns no single field, e.g. a syntax error).
class JsonTextError : public std::runtime_error {
 public:
  JsonTextError(std::string field, std::string problem);
  /// Path of the offending value, e.g. "ppo.learning_rate" or "moves[3].startup" ("" for none).
  const std::string& field() const { return field_; }
  /// What is wrong, e.g. "is given twice in the same object" or
  /// "is not valid JSON at line 3, column 7: ...".
  const std::string& problem() const { return problem_; }

 private:
  std::string field_, problem_;
};

/// Parses `text`, refusing nesting deeper than `maxDepth`, duplicate keys and numbers out of the
/// range of a double; throws JsonTextError.
nlohmann::json parseJsonText(std::string_view text, int maxDepth = kMaxJsonDepth);

}  // namespace palaestra
