#include "replay/ReplayHashChecker.h"

#include <sstream>

namespace palaestra {

ReplayHashChecker::ReplayHashChecker(const Env& env, const EpisodeRecord& record)
    : ReplayHashChecker(env.spec(), record) {
  if (problem_.empty()) problem_ = env.replayProblem(record.info);
}

ReplayHashChecker::ReplayHashChecker(const EnvSpec& spec, const EpisodeRecord& record)
    : record_(record),
      numAgents_(spec.numAgents),
      actionSize_(spec.numAgents * spec.actionSpace.size()),
      slotOfAgent_(spec.policySlotOfAgent),
      rewards_(static_cast<size_t>(spec.numAgents)) {
  for (int a = 0; a < numAgents_; ++a) slot0Agents_ += slotOfAgent_[a] == 0;
  if (record.length < 0 || record.actionSize != actionSize_ ||
      record.actions.size() != static_cast<size_t>(record.length) * actionSize_ ||
      record.hashes.size() != static_cast<size_t>(record.length) + 1)
    problem_ = "episode record is malformed (action log or hash count does not match length)";
}

void ReplayHashChecker::compare(int step, uint64_t actual) {
  ++check_.stepsChecked;
  const uint64_t expected = record_.hashes[step];
  if (actual == expected || diverged()) return;
  check_.firstMismatch = step;
  check_.expectedHash = expected;
  check_.actualHash = actual;
}

bool ReplayHashChecker::begin(Env& env) {
  env.reset(record_.seed, record_.task);
  started_ = true;
  stepsDone_ = 0;
  check_ = ReplayCheck{};
  const uint64_t h = env.stateHash();
  compare(0, h);
  return h == record_.hashes[0];
}

ReplayHashChecker::Step ReplayHashChecker::advance(Env& env) {
  Step step;
  step.status = env.step(record_.actions.data() + static_cast<size_t>(stepsDone_) * actionSize_,
                         rewards_.data());
  double sum = 0.0;
  for (int a = 0; a < numAgents_; ++a)
    if (slotOfAgent_[a] == 0) sum += rewards_[a];
  check_.replayedReturn += sum;
  step.reward = static_cast<float>(slot0Agents_ > 1 ? sum / slot0Agents_ : sum);
  ++stepsDone_;
  const uint64_t h = env.stateHash();
  compare(stepsDone_, h);
  step.hashMatches = h == record_.hashes[stepsDone_];
  return step;
}

ReplayCheck ReplayHashChecker::result() const {
  ReplayCheck check = check_;
  if (slot0Agents_ > 1) check.replayedReturn /= slot0Agents_;
  if (!problem_.empty()) {
    check.message = problem_;
  } else if (diverged()) {
    std::ostringstream m;
    m << "replay diverges at step " << check.firstMismatch << " (stored hash " << std::hex
      << check.expectedHash << ", replayed " << check.actualHash << ")";
    check.message = m.str();
  } else if (finished()) {
    check.ok = true;
    check.message = "replay matches all " + std::to_string(check.stepsChecked) + " stored hashes";
  } else {
    check.message = "replay checked " + std::to_string(check.stepsChecked) + " of " +
                    std::to_string(record_.length + 1) + " stored hashes so far";
  }
  return check;
}

}  // namespace palaestra
