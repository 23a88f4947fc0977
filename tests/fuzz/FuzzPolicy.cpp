// libFuzzer target: the policy deserializer (core/rl Policy::deserialize), which reads
// checkpoints from the run store. The first byte picks the shape of the input: even = the raw
// bytes; odd = the rest is a payload wrapped in a valid header (magic, version, size, checksum),
// so mutations reach the fields behind the checksum. A policy that deserializes must act, give
// values and serialize back to the same bytes. StoreError is the only acceptable outcome of bad
// input; anything else is a finding.
#include <cstdint>
#include <span>
#include <vector>

#include "FuzzSupport.h"
#include "rl/Policy.h"
#include "util/Errors.h"

using namespace palaestra;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  const std::vector<uint8_t> bytes = data[0] % 2 ? fuzzing::policyWithValidHeader(rest)
                                                 : std::vector<uint8_t>(rest.begin(), rest.end());
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
