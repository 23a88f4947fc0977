#pragma once
// Which policy drives which slot of a run: the slot PPO learns, and the slots frozen_slots hands
// to stored checkpoints. Training and every later evaluation of the run resolve them the same way,
// so an evaluation faces the opponents (a frozen swarm, a fight opponent) the run trained against.

#include <string>

#include "env/Env.h"
#include "rl/FrozenSlots.h"
#include "rl/OpponentPool.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"

namespace palaestra {

/// Index of slot `name` of `spec` that drives at least one agent; throws ConfigError naming
/// `field` otherwise.
int slotIndex(const EnvSpec& spec, const std::string& name, const std::string& field);

/// The slot PPO learns, after checking frozen_slots' and learn_slot's names against `spec`: every
/// slot that drives agents is frozen or learned. Throws ConfigError naming the field.
int learnerSlotOf(const TrainConfig& config, const EnvSpec& spec);

/// The frozen policies of `config`'s frozen_slots, loaded from `store`'s checkpoints (none when
/// there are no frozen slots); throws ConfigError naming the field that points nowhere.
FrozenSlots loadFrozenSlots(const TrainConfig& config, const EnvSpec& spec, const RunStore& store);

/// The opponent pool of `config`'s opponents section for `numEnvs` envs, its stored members loaded
/// from `store` (null without the section); throws ConfigError naming the field.
std::shared_ptr<OpponentPool> loadOpponentPool(const TrainConfig& config, const EnvSpec& spec,
                                               const RunStore* store, int numEnvs);

}  // namespace palaestra
