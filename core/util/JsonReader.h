#pragma once
// Reads one JSON object of a config with validation: each field is checked for
// type and range, and every error names the full field path, e.g.
// "eval.episodes must be an integer in [1, 1000], got \"ten\"". finish()
// rejects keys nobody asked for, so typos do not pass silently.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace palaestra {

/// nlohmann's message for people: without its "[json.exception.parse_error.101] " prefix.
std::string jsonErrorText(const nlohmann::json::exception& error);

class JsonReader {
 public:
  /// Reads `object` found at `path` ("" for the top level); throws ConfigError if it is not an object.
  JsonReader(const nlohmann::json& object, std::string path);

  /// A number in [low, high], or `fallback` when absent.
  double number(const std::string& key, double low, double high, double fallback);
  /// An integer in [low, high], or `fallback` when absent.
  int64_t integer(const std::string& key, int64_t low, int64_t high, int64_t fallback);
  /// An optional number in [low, high] (absent or null = nullopt).
  std::optional<double> optionalNumber(const std::string& key, double low, double high);
  /// An optional integer in [low, high] (absent or null = nullopt).
  std::optional<int64_t> optionalInteger(const std::string& key, int64_t low, int64_t high);
  /// A boolean, or `fallback` when absent.
  bool boolean(const std::string& key, bool fallback);
  /// A string, one of `allowed` when that is not empty, or `fallback` when absent.
  std::string string(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  /// A list of integers each in [low, high] with at least one element, or `fallback`.
  std::vector<int> integerList(const std::string& key, int low, int high,
                               const std::vector<int>& fallback);
  /// A pair [low, high] of finite numbers with low < high, or `fallback` when absent.
  std::pair<double, double> interval(const std::string& key, std::pair<double, double> fallback);
  /// A nested object (empty object when absent); throws if present and not an object.
  nlohmann::json object(const std::string& key);
  /// Throws ConfigError naming the first key that was never read.
  void finish() const;
  /// Full path of a key, e.g. "ppo.learning_rate".
  std::string pathOf(const std::string& key) const;

 private:
  const nlohmann::json* find(const std::string& key);
  [[noreturn]] void fail(const std::string& key, const std::string& expected,
                         const nlohmann::json& got) const;

  nlohmann::json object_;  // a copy: readers are often built from temporaries
  std::string path_;
  std::set<std::string> read_;
};

}  // namespace palaestra
