#pragma once
// Shared by the libFuzzer targets: how a target reports a broken invariant.

#include <cstdio>
#include <cstdlib>

namespace palaestra::fuzzing {

/// Reports a broken invariant and aborts, so libFuzzer keeps the input as a crash.
[[noreturn]] inline void finding(const char* what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

}  // namespace palaestra::fuzzing
