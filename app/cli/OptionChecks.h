#pragma once
// Checks of numeric command-line values, applied to the text before CLI11
// converts it: a negative seed would otherwise wrap around to 2^64 - 1, "nan"
// would pass every range check, and CLI11's own range message prints the
// 309 digits of DBL_MAX. Errors read "--steps: must be a whole number in
// [1, 1125899906842624], got 0".

#include <cstdint>

#include <CLI/CLI.hpp>

namespace palaestra::cli {

/// Seeds stay exact as JSON numbers (doubles) in stored configs: at most 2^53.
inline constexpr int64_t kMaxSeed = int64_t(1) << 53;
/// Run, episode and checkpoint ids are SQLite rowids: 1 and up.
inline constexpr int64_t kMaxId = INT64_MAX;

/// Accepts only a whole number written in digits, in [low, high].
CLI::Validator wholeNumberIn(int64_t low, int64_t high);
/// Accepts only a finite number in [low, high] (NaN and infinities are refused).
CLI::Validator finiteNumberIn(double low, double high);

}  // namespace palaestra::cli
