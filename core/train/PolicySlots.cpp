#include "train/PolicySlots.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "train/CheckpointMeta.h"
#include "train/OpponentsSection.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

std::string slotList(const EnvSpec& spec) {
  std::string list;
  for (const std::string& s : spec.policySlots) list += (list.empty() ? "" : ", ") + s;
  return list;
}

}  // namespace

int slotIndex(const EnvSpec& spec, const std::string& name, const std::string& field) {
  for (size_t i = 0; i < spec.policySlots.size(); ++i)
    if (spec.policySlots[i] == name) {
      if (std::find(spec.policySlotOfAgent.begin(), spec.policySlotOfAgent.end(),
                    static_cast<int>(i)) == spec.policySlotOfAgent.end())
        throw ConfigError(field + ": no agent of " + spec.name + " is driven by slot \"" + name +
                          "\" with this env_config (its agents' slots are shared)");
      return static_cast<int>(i);
    }
  throw ConfigError(field + ": " + spec.name + " has no policy slot \"" + name +
                    "\" (its slots: " + slotList(spec) + ")");
}

int learnerSlotOf(const TrainConfig& config, const EnvSpec& spec) {
  if (config.frozenSlots.empty() && config.opponents.is_null()) return 0;
  std::vector<bool> frozen(spec.policySlots.size(), false);
  for (const auto& [name, unused] : config.frozenSlots)
    frozen[static_cast<size_t>(slotIndex(spec, name, "frozen_slots." + name))] = true;
  if (!config.opponents.is_null()) {
    const std::string name = config.opponents.at("slot").get<std::string>();
    const int slot = slotIndex(spec, name, "opponents.slot");
    if (frozen[static_cast<size_t>(slot)])
      throw ConfigError("opponents.slot \"" + name + "\" is also in frozen_slots");
    frozen[static_cast<size_t>(slot)] = true;
  }
  int learner = -1;
  if (!config.learnSlot.empty()) {
    learner = slotIndex(spec, config.learnSlot, "learn_slot");
    if (frozen[static_cast<size_t>(learner)])
      throw ConfigError("learn_slot \"" + config.learnSlot +
                        "\" is driven by the opponents: a slot is learned or played against");
  } else {
    for (int slot : spec.policySlotOfAgent)
      if (!frozen[static_cast<size_t>(slot)]) {
        learner = slot;
        break;
      }
    if (learner < 0)
      throw ConfigError("frozen_slots and opponents: every slot of " + spec.name +
                        " that drives agents is frozen, so nothing is left to learn");
  }
  for (int slot : spec.policySlotOfAgent)
    if (!frozen[static_cast<size_t>(slot)] && slot != learner)
      throw ConfigError("slot \"" + spec.policySlots[static_cast<size_t>(slot)] +
                        "\" drives agents but is neither in frozen_slots, the opponents' slot "
                        "nor the learn_slot \"" +
                        spec.policySlots[static_cast<size_t>(learner)] + "\"");
  return learner;
}

namespace {

// The checkpoint `f` names, loaded from `store`; throws ConfigError naming `field`.
std::shared_ptr<const Policy> loadStoredPolicy(const RunStore& store, const std::string& field,
                                               const FrozenSlotConfig& f) {
  try {
    store.getRun(f.run);
  } catch (const NotFoundError&) {
    throw ConfigError(field + ".run: there is no run " + std::to_string(f.run) + " in the store");
  }
  int64_t id = 0;
  if (f.checkpoint == "best" || f.checkpoint == "latest") {
    const std::vector<CheckpointInfo> all = store.checkpoints(f.run);
    if (all.empty())
      throw ConfigError(field + ".checkpoint: run " + std::to_string(f.run) +
                        " has no checkpoint yet");
    const RunCheckpointSummary summary = summarizeCheckpoints(all);
    id = f.checkpoint == "best" && summary.best ? summary.best->id : all.back().id;
  } else {
    id = std::stoll(f.checkpoint);
  }
  Checkpoint checkpoint;
  try {
    checkpoint = store.loadCheckpoint(id);
  } catch (const NotFoundError&) {
    throw ConfigError(field + ".checkpoint: there is no checkpoint " + std::to_string(id));
  }
  if (checkpoint.info.runId != f.run)
    throw ConfigError(field + ".checkpoint: checkpoint " + std::to_string(id) + " belongs to run " +
                      std::to_string(checkpoint.info.runId) + ", not run " + std::to_string(f.run));
  try {
    return std::make_shared<const Policy>(Policy::deserialize(checkpoint.policy));
  } catch (const StoreError& e) {
    throw ConfigError(field + ": checkpoint " + std::to_string(id) +
                      " cannot be read: " + e.what());
  }
}

}  // namespace

FrozenSlots loadFrozenSlots(const TrainConfig& config, const EnvSpec& spec, const RunStore& store) {
  if (config.frozenSlots.empty()) return {};
  std::vector<std::shared_ptr<const Policy>> policies(spec.policySlots.size());
  for (const auto& [name, f] : config.frozenSlots)
    policies[static_cast<size_t>(slotIndex(spec, name, "frozen_slots." + name))] =
        loadStoredPolicy(store, "frozen_slots." + name, f);
  return FrozenSlots(spec, std::move(policies));
}

}  // namespace palaestra

namespace palaestra {

std::shared_ptr<OpponentPool> loadOpponentPool(const TrainConfig& config, const EnvSpec& spec,
                                               const RunStore* store, int numEnvs) {
  if (config.opponents.is_null()) return nullptr;
  const OpponentsSection section = OpponentsSection::fromJson(config.opponents);
  std::vector<OpponentMember> members;
  for (size_t i = 0; i < section.members.size(); ++i) {
    const OpponentMemberConfig& m = section.members[i];
    OpponentMember member{m.name, nullptr, m.task, m.weight, m.checkpoint};
    if (m.run > 0) {
      const std::string field = "opponents.members[" + std::to_string(i) + "]";
      if (!store) throw ConfigError(field + ": stored opponents need a run store");
      member.policy =
          loadStoredPolicy(*store, field, FrozenSlotConfig{m.run, std::to_string(m.checkpoint)});
    }
    members.push_back(std::move(member));
  }
  auto pool = std::make_shared<OpponentPool>(spec, slotIndex(spec, section.slot, "opponents.slot"),
                                             std::move(members), section.selfWeight, section.task,
                                             config.seed, numEnvs);
  pool->setSampleActions(section.sampleActions);
  return pool;
}

}  // namespace palaestra
