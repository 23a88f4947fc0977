#include "OptionChecks.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace palaestra::cli {

namespace {

std::string shortNumber(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

std::string shown(const std::string& text) {
  return "\"" + (text.size() > 40 ? text.substr(0, 37) + "..." : text) + "\"";
}

}  // namespace

CLI::Validator wholeNumberIn(int64_t low, int64_t high) {
  const std::string range = high == INT64_MAX
                                ? ">= " + std::to_string(low)
                                : "in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        const std::string expectation = "must be a whole number " + range + ", got " + shown(text);
        const char* begin = text.data();
        const char* end = begin + text.size();
        if (begin != end && *begin == '+') ++begin;
        int64_t value = 0;
        const auto [stop, error] = std::from_chars(begin, end, value);
        if (begin == end || error != std::errc() || stop != end || value < low || value > high)
          return expectation;
        return {};
      },
      "INT " + range);
}

CLI::Validator finiteNumberIn(double low, double high) {
  const std::string range = "in [" + shortNumber(low) + ", " + shortNumber(high) + "]";
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        char* stop = nullptr;
        const double value = std::strtod(text.c_str(), &stop);
        if (text.empty() || stop != text.c_str() + text.size() || !std::isfinite(value) ||
            value < low || value > high)
          return "must be a number " + range + ", got " + shown(text);
        return {};
      },
      "NUMBER " + range);
}

}  // namespace palaestra::cli
