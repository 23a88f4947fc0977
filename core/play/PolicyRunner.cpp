#include "play/PolicyRunner.h"

#include <algorithm>
#include <string>
#include <utility>

#include "train/Evaluator.h"
#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra {

PolicyRunner::PolicyRunner(EnvPtr env, uint64_t seed, TaskValues task)
    : env_(std::move(env)), seed_(seed), task_(std::move(task)) {
  if (!env_) throw ConfigError("PolicyRunner needs an env, got none");
  const EnvSpec& spec = env_->spec();
  env_->spec().tasks.validate(task_);
  slotZeroAgents_ = static_cast<int>(
      std::count(spec.policySlotOfAgent.begin(), spec.policySlotOfAgent.end(), 0));
  observations_.assign(static_cast<size_t>(spec.numAgents) * spec.observationSpace.size(), 0.0f);
  actions_.assign(static_cast<size_t>(spec.numAgents) * spec.actionSpace.size(), 0.0f);
  rewards_.assign(static_cast<size_t>(spec.numAgents), 0.0f);
  startEpisode();
}

namespace {
void checkFits(const Policy* policy, const EnvSpec& spec) {
  if (policy) {
    if (policy->obsDim() != spec.observationSpace.size() ||
        policy->actionDim() != spec.actionSpace.size()) {
      throw ConfigError("the policy takes " + std::to_string(policy->obsDim()) +
                        " observations and gives " + std::to_string(policy->actionDim()) +
                        " actions, but env '" + spec.name + "' has " +
                        std::to_string(spec.observationSpace.size()) + " observations and " +
                        std::to_string(spec.actionSpace.size()) + " actions");
    }
  }
}
}  // namespace

void PolicyRunner::setPolicy(std::shared_ptr<const Policy> policy) {
  checkFits(policy.get(), env_->spec());
  policy_ = std::move(policy);
}

void PolicyRunner::setSlotPolicy(int slot, std::shared_ptr<const Policy> policy) {
  const EnvSpec& spec = env_->spec();
  if (slot < 0 || static_cast<size_t>(slot) >= spec.policySlots.size())
    throw ConfigError("env '" + spec.name + "' has no policy slot " + std::to_string(slot));
  checkFits(policy.get(), spec);
  slotPolicies_.resize(spec.policySlots.size());
  slotPolicies_[static_cast<size_t>(slot)] = std::move(policy);
}

std::shared_ptr<const Policy> PolicyRunner::slotPolicy(int slot) const {
  return slot >= 0 && static_cast<size_t>(slot) < slotPolicies_.size()
             ? slotPolicies_[static_cast<size_t>(slot)]
             : nullptr;
}

void PolicyRunner::setTask(TaskValues task) {
  env_->spec().tasks.validate(task);
  task_ = std::move(task);
}

void PolicyRunner::restartEpisode() { startEpisode(); }

void PolicyRunner::startEpisode() {
  episodeSeed_ = evalEpisodeSeed(seed_, episodesFinished_);
  env_->reset(episodeSeed_, task_);
  sampling_.reseed(episodeSeed_ ^ 0x77617463684d6174ULL);
  slotZeroSum_ = 0.0;
  lastReward_ = 0.0;
  lastStepEnded_ = false;
}

double PolicyRunner::episodeReturn() const {
  return slotZeroAgents_ > 0 ? slotZeroSum_ / slotZeroAgents_ : 0.0;
}

void PolicyRunner::step() {
  const EnvSpec& spec = env_->spec();
  lastStepEnded_ = false;
  bool anySlotPolicy = false;
  for (const auto& p : slotPolicies_) anySlotPolicy = anySlotPolicy || p != nullptr;
  if (!anySlotPolicy && !sampleActions_) {
    if (policy_) {
      env_->observe(observations_.data());
      // Deterministic acting draws nothing from the generator.
      Rng unused(episodeSeed_);
      policy_->act(observations_.data(), spec.numAgents, true, unused, actions_.data());
      spec.actionSpace.quantize(actions_);
    } else {
      std::fill(actions_.begin(), actions_.end(), 0.0f);
    }
  } else {
    // Agent by agent, each with its slot's policy (the main one where the slot has none).
    env_->observe(observations_.data());
    const int obsDim = spec.observationSpace.size(), actDim = spec.actionSpace.size();
    agentActions_.resize(static_cast<size_t>(actDim));
    for (int a = 0; a < spec.numAgents; ++a) {
      const std::shared_ptr<const Policy> slot = slotPolicy(spec.policySlotOfAgent[static_cast<size_t>(a)]);
      const Policy* policy = slot ? slot.get() : policy_.get();
      float* out = actions_.data() + static_cast<size_t>(a) * actDim;
      if (!policy) {
        std::fill(out, out + actDim, 0.0f);
        continue;
      }
      policy->act(observations_.data() + static_cast<size_t>(a) * obsDim, 1, !sampleActions_,
                  sampling_, out);
    }
    spec.actionSpace.quantize(actions_);
  }
  const StepStatus status = env_->step(actions_.data(), rewards_.data());
  // Same arithmetic as the evaluator's slot return (every slot-0 reward summed,
  // divided by the number of slot-0 agents at the end) so returns compare bit-exactly.
  double stepSum = 0.0;
  for (int a = 0; a < spec.numAgents; ++a) {
    if (spec.policySlotOfAgent[static_cast<size_t>(a)] != 0) continue;
    slotZeroSum_ += rewards_[static_cast<size_t>(a)];
    stepSum += rewards_[static_cast<size_t>(a)];
  }
  lastReward_ = slotZeroAgents_ > 0 ? stepSum / slotZeroAgents_ : 0.0;
  if (status.terminated || status.truncated) {
    lastEpisodeReturn_ = episodeReturn();
    ++episodesFinished_;
    const double reward = lastReward_;
    startEpisode();
    lastReward_ = reward;
    lastStepEnded_ = true;
  }
}

}  // namespace palaestra
