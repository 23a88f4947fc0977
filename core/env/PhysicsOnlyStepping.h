#pragma once
// Optional interface of envs built on an engine (Box2D for the walker, the
// fight engine with its CPU for the fight): advance the engine exactly as step()
// does, without observations, rewards or termination. `palaestra-cli bench`
// compares the two on the same episodes (raw_engine_steps_per_s, overhead_ratio)
// to show what the env adds over its engine.

namespace palaestra {

class PhysicsOnlyStepping {
 public:
  virtual ~PhysicsOnlyStepping() = default;
  /// Applies the actions and advances the engine one step, nothing else.
  virtual void stepPhysicsOnly(const float* actions) = 0;
};

}  // namespace palaestra
