#include "rl/FrozenSlots.h"

#include <algorithm>
#include <cstring>

#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra {

bool sameSpace(const Space& a, const Space& b) {
  auto sameFloats = [](const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() &&
           (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  };
  return a.kind == b.kind && sameFloats(a.low, b.low) && sameFloats(a.high, b.high) &&
         a.counts == b.counts && a.quantum == b.quantum;
}

FrozenSlots::FrozenSlots(const EnvSpec& spec, std::vector<std::shared_ptr<const Policy>> policies)
    : policies_(std::move(policies)),
      slotOfAgent_(spec.policySlotOfAgent),
      actionSpace_(spec.actionSpace),
      obsDim_(spec.observationSpace.size()),
      actDim_(spec.actionSpace.size()) {
  if (policies_.size() != spec.policySlots.size())
    throw ConfigError("frozen slots: " + std::to_string(policies_.size()) + " entries for " +
                      std::to_string(spec.policySlots.size()) + " policy slots");
  for (size_t s = 0; s < policies_.size(); ++s) {
    const Policy* p = policies_[s].get();
    if (!p) continue;
    if (!sameSpace(p->observationSpace(), spec.observationSpace) ||
        !sameSpace(p->actionSpace(), spec.actionSpace))
      throw ConfigError("frozen_slots." + spec.policySlots[s] + ": the policy observes " +
                        p->observationSpace().describe() + " and acts in " +
                        p->actionSpace().describe() + ", but " + spec.name + " observes " +
                        spec.observationSpace.describe() + " and acts in " +
                        spec.actionSpace.describe());
  }
  for (int slot : slotOfAgent_)
    if (policyOfSlot(slot)) ++frozenAgents_;
}

bool FrozenSlots::isFrozenAgent(int agent) const {
  return !policies_.empty() && policyOfSlot(slotOfAgent_[static_cast<size_t>(agent)]) != nullptr;
}

const Policy* FrozenSlots::policyOfSlot(int slot) const {
  return slot >= 0 && static_cast<size_t>(slot) < policies_.size() ? policies_[slot].get()
                                                                   : nullptr;
}

void FrozenSlots::act(const float* rawObs, int envs, float* actions) const {
  if (!any()) return;
  const int agents = static_cast<int>(slotOfAgent_.size());
  // Per-thread gather buffers: a rollout step allocates nothing once warm, and evaluations on the
  // thread pool share one const FrozenSlots.
  thread_local std::vector<float> obs, out;
  thread_local std::vector<size_t> rows;
  Rng unused(0);  // deterministic acting draws nothing
  for (size_t s = 0; s < policies_.size(); ++s) {
    const Policy* policy = policies_[s].get();
    if (!policy) continue;
    // One batch per slot: its agents' rows of every env, in row order.
    rows.clear();
    for (int e = 0; e < envs; ++e)
      for (int a = 0; a < agents; ++a)
        if (slotOfAgent_[static_cast<size_t>(a)] == static_cast<int>(s))
          rows.push_back(static_cast<size_t>(e) * agents + a);
    if (rows.empty()) continue;
    obs.resize(rows.size() * obsDim_);
    out.resize(rows.size() * actDim_);
    for (size_t k = 0; k < rows.size(); ++k)
      std::copy_n(rawObs + rows[k] * obsDim_, obsDim_, obs.data() + k * obsDim_);
    policy->act(obs.data(), static_cast<int>(rows.size()), true, unused, out.data());
    actionSpace_.quantize(out);
    for (size_t k = 0; k < rows.size(); ++k)
      std::copy_n(out.data() + k * actDim_, actDim_, actions + rows[k] * actDim_);
  }
}

}  // namespace palaestra
