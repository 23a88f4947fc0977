#pragma once
// Optional interface of envs built on a physics engine: advance the engine
// exactly as step() does, without observations, rewards or termination. The
// benchmark compares the two to show what the env adds over raw physics.

namespace palaestra {

class PhysicsOnlyStepping {
 public:
  virtual ~PhysicsOnlyStepping() = default;
  /// Applies the actions and advances the physics one step, nothing else.
  virtual void stepPhysicsOnly(const float* actions) = 0;
};

}  // namespace palaestra
