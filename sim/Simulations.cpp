#include "Simulations.h"

#include <mutex>

#include "env/EnvRegistry.h"
#include "fight/FightEnv.h"
#include "swarm/SwarmEnv.h"
#include "walker/WalkerEnv.h"

namespace palaestra {

void registerBuiltinSimulations() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto& registry = EnvRegistry::instance();
    // One line per simulation.
    registry.add(walkerEnvInfo());
    registry.add(fight::fightEnvInfo());
    registry.add(swarm::swarmEnvInfo());
  });
}

}  // namespace palaestra
