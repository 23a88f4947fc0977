#pragma once
// Shared by the libFuzzer targets (and the tests of what they found): how a target reports a
// broken invariant, and how crafted policy bytes get a valid header.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "rl/Policy.h"
#include "util/Hash.h"

namespace palaestra::fuzzing {

/// Reports a broken invariant and aborts, so libFuzzer keeps the input as a crash.
[[noreturn]] inline void finding(const char* what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

/// `payload` behind the header Policy::serialize() writes (magic, version, payload size, payload
/// checksum), so crafted or mutated payloads get past the checksum to the fields behind it.
inline std::vector<uint8_t> policyWithValidHeader(std::span<const uint8_t> payload) {
  std::vector<uint8_t> bytes(28 + payload.size());
  std::memcpy(bytes.data(), "PALPOLCY", 8);
  const uint32_t version = Policy::kFormatVersion;
  const uint64_t size = payload.size();
  StateHasher hash;
  hash.addBytes(payload.data(), payload.size());
  const uint64_t checksum = hash.value();
  std::memcpy(bytes.data() + 8, &version, 4);
  std::memcpy(bytes.data() + 12, &size, 8);
  std::memcpy(bytes.data() + 20, &checksum, 8);
  if (!payload.empty()) std::memcpy(bytes.data() + 28, payload.data(), payload.size());
  return bytes;
}

}  // namespace palaestra::fuzzing
