// libFuzzer target: the policy deserializer (core/rl Policy::deserialize), which reads
// checkpoints from the run store. The first byte picks the shape of the input: even = the raw
// bytes; odd = the rest is a payload wrapped in a valid header (magic, version, size, checksum),
// so mutations reach the fields behind the checksum. A policy that deserializes must act, give
// values and serialize back to the same bytes. StoreError is the only acceptable outcome of bad
// input; anything else is a finding.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "FuzzSupport.h"
#include "rl/Policy.h"
#include "util/Errors.h"
#include "util/Hash.h"

using namespace palaestra;

namespace {

// The header serialize() writes (see Policy.cpp): magic, version, payload size, payload hash.
std::vector<uint8_t> withValidHeader(std::span<const uint8_t> payload) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  const std::vector<uint8_t> bytes =
      data[0] % 2 ? withValidHeader(rest) : std::vector<uint8_t>(rest.begin(), rest.end());
  try {
    const Policy policy = Policy::deserialize(bytes);
    if (policy.serialize() != bytes)
      fuzzing::finding("a deserialized policy serializes to other bytes");
    const int rows = 2;
    std::vector<float> obs(static_cast<size_t>(rows) * policy.obsDim(), 0.5f);
    std::vector<float> actions(static_cast<size_t>(rows) * policy.actionDim()), values(rows);
    Rng rng(7);
    policy.act(obs.data(), rows, true, rng, actions.data());
    policy.act(obs.data(), rows, false, rng, actions.data());
    policy.values(obs.data(), rows, values.data());
  } catch (const StoreError&) {
  }
  return 0;
}
