#include "replay/ReplayVerifier.h"

#include <sstream>

namespace palaestra {

ReplayCheck verifyReplay(Env& env, const EpisodeRecord& record) {
  ReplayCheck check;
  const EnvSpec& spec = env.spec();
  const int actionSize = spec.numAgents * spec.actionSpace.size();
  auto fail = [&](int step, uint64_t expected, uint64_t actual) {
    check.ok = false;
    check.firstMismatch = step;
    check.expectedHash = expected;
    check.actualHash = actual;
    std::ostringstream m;
    m << "replay diverges at step " << step << " (stored hash " << std::hex << expected
      << ", replayed " << actual << ")";
    check.message = m.str();
    return check;
  };
  if (record.actionSize != actionSize ||
      record.actions.size() != static_cast<size_t>(record.length) * actionSize ||
      record.hashes.size() != static_cast<size_t>(record.length) + 1) {
    check.message = "episode record is malformed (action log or hash count does not match length)";
    return check;
  }
  env.reset(record.seed, record.task);
  uint64_t h = env.stateHash();
  check.stepsChecked = 1;
  if (h != record.hashes[0]) return fail(0, record.hashes[0], h);
  std::vector<float> rewards(spec.numAgents);
  for (int t = 0; t < record.length; ++t) {
    env.step(record.actions.data() + static_cast<size_t>(t) * actionSize, rewards.data());
    for (int a = 0; a < spec.numAgents; ++a)
      if (spec.policySlotOfAgent[a] == 0)
        check.replayedReturn += rewards[a];
    h = env.stateHash();
    ++check.stepsChecked;
    if (h != record.hashes[t + 1]) return fail(t + 1, record.hashes[t + 1], h);
  }
  int slot0 = 0;
  for (int a = 0; a < spec.numAgents; ++a) slot0 += spec.policySlotOfAgent[a] == 0;
  if (slot0 > 1) check.replayedReturn /= slot0;
  check.ok = true;
  check.message = "replay matches all " + std::to_string(check.stepsChecked) + " stored hashes";
  return check;
}

}  // namespace palaestra
