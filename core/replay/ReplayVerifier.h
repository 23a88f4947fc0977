#pragma once
// Re-simulates a recorded episode and checks every stored state hash.

#include <cstdint>
#include <string>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"

namespace palaestra {

struct ReplayCheck {
  bool ok = false;
  int stepsChecked = 0;     // hashes compared
  int firstMismatch = -1;   // step index of the first diverging hash (0 = right after reset)
  uint64_t expectedHash = 0;
  uint64_t actualHash = 0;
  double replayedReturn = 0.0;
  std::string message;      // one line for the user
};

/// Re-runs `record` on `env` (reset with its seed and task, then its actions) and compares hashes.
ReplayCheck verifyReplay(Env& env, const EpisodeRecord& record);

}  // namespace palaestra
