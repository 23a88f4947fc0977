#pragma once
// Step-by-step re-simulation of a recorded episode with a hash check after
// reset and after every step. verifyReplay runs it to the end in one go; a
// replay timeline drives it a few steps at a time and keeps what it sees.

#include <cstdint>
#include <string>
#include <vector>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"
#include "replay/ReplayVerifier.h"

namespace palaestra {

class ReplayHashChecker {
 public:
  /// What one replayed step gave.
  struct Step {
    StepStatus status;         // what the env reported
    float reward = 0.0f;       // reward of policy slot 0 (mean over its agents)
    bool hashMatches = false;  // the state hash after the step equals the stored one
  };

  /// Checks that `record` fits `env` (its spec, and Env::replayProblem); `record` must outlive
  /// the checker.
  ReplayHashChecker(const Env& env, const EpisodeRecord& record);

  /// Empty when the record can be replayed on an env of this spec, otherwise why not.
  const std::string& problem() const { return problem_; }
  /// Resets `env` to the episode start; returns whether the hash after reset matches.
  bool begin(Env& env);
  /// Applies the next recorded action to `env` (call begin() first, and only while !finished()).
  Step advance(Env& env);
  /// Recorded steps replayed so far.
  int stepsDone() const { return stepsDone_; }
  /// Whether every recorded step has been replayed.
  bool finished() const { return started_ && stepsDone_ == record_.length; }
  /// Whether some hash differed (the first difference is kept in result()).
  bool diverged() const { return check_.firstMismatch >= 0; }
  /// The verdict so far: ok only once finished without a mismatch.
  ReplayCheck result() const;

 private:
  ReplayHashChecker(const EnvSpec& spec, const EpisodeRecord& record);
  void compare(int step, uint64_t actual);

  const EpisodeRecord& record_;
  int numAgents_ = 0;
  int actionSize_ = 0;
  std::vector<int> slotOfAgent_;
  int slot0Agents_ = 0;
  std::vector<float> rewards_;
  std::string problem_;
  bool started_ = false;
  int stepsDone_ = 0;
  ReplayCheck check_;  // firstMismatch, hashes, stepsChecked and the slot-0 reward sum
};

}  // namespace palaestra
