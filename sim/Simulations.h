#pragma once

namespace palaestra {

/// Registers every built-in simulation with EnvRegistry::instance() (idempotent).
void registerBuiltinSimulations();

}  // namespace palaestra
