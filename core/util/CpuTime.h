#pragma once
// CPU time of the calling thread, for benchmarks on shared machines: time the
// thread spent waiting for a core (other processes) does not count.

#include <time.h>

namespace palaestra {

/// Seconds of CPU time the calling thread has used.
inline double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace palaestra
