#pragma once
// Wall-clock time as stored in the run store: seconds since the Unix epoch.

#include <chrono>

namespace palaestra {

/// Seconds since the Unix epoch, with sub-second precision.
inline double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace palaestra
