#pragma once
// The walker: Gymnasium's BipedalWalker-v3 (normal and hardcore terrain) and
// TeachMyAgent's Stump Tracks, on Box2D 2.4.1, with several embodiments.
// One agent, continuous actions in [-1, 1] (one per motor: sign = direction
// at full speed, magnitude = fraction of the maximum torque).
//
// Every episode gets a fresh b2World built from the reset seed (Box2D's
// contact caches cannot be saved), so a snapshot is seed + task + the action
// log, and restore re-simulates it. Box2D stays out of this header.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "env/Env.h"
#include "env/EnvRegistry.h"
#include "env/PhysicsOnlyStepping.h"
#include "walker/WalkerConfig.h"
#include "walker/WalkerEmbodiment.h"
#include "walker/WalkerTerrain.h"

namespace palaestra {

class WalkerEnv final : public Env, public PhysicsOnlyStepping {
 public:
  /// Number of lidar rays (Gymnasium: 10, fanned from straight down to 1.35 rad forward).
  static constexpr int kLidarRays = 10;
  /// Overlay layer of the lidar rays (declared in spec().overlayLayers).
  static constexpr SceneLayerId kLidarLayer = 1;
  /// Overlay layer of the ground contact points.
  static constexpr SceneLayerId kContactsLayer = 2;
  /// Overlay layer of the joint motors.
  static constexpr SceneLayerId kJointsLayer = 3;

  /// Builds a walker of that terrain and embodiment (call reset before stepping).
  explicit WalkerEnv(const WalkerConfig& config);
  ~WalkerEnv() override;
  WalkerEnv(const WalkerEnv&) = delete;
  WalkerEnv& operator=(const WalkerEnv&) = delete;

  /// Static description: spaces, the single "walker" policy slot, Stump Tracks task parameters.
  const EnvSpec& spec() const override { return spec_; }
  /// New episode: terrain and the hull's initial push derive from `seed`; runs Gymnasium's zero-action step.
  void reset(uint64_t seed, const TaskValues& task) override;
  /// Writes the observation (4 hull values, 5 per leg, 10 lidar fractions).
  void observe(float* out) const override;
  /// Applies one action (numMotors floats), steps the world 1/50 s and writes the reward.
  StepStatus step(const float* actions, float* rewards) override;
  /// Steps taken since the last reset.
  int episodeStep() const override { return steps_; }
  /// Config, seed, task and action log of the episode so far.
  std::vector<uint8_t> snapshot() const override;
  /// Re-simulates a snapshot; throws std::invalid_argument if it is malformed or of another config.
  void restore(std::span<const uint8_t> data) override;
  /// Hash of every dynamic body's pose and velocities, motors, contacts, step count and game-over flag.
  uint64_t stateHash() const override;
  /// Terrain, walker, joints, lidar rays and contact points; the camera follows the hull.
  void describe(Scene& scene) const override;
  /// Outcome ("running", "fell", "finished", "timeout") and distance, return, success, steps,
  /// physics_version.
  EpisodeInfo episodeInfo() const override;
  /// Names the physics version an episode was recorded with when it is not this env's.
  std::string replayProblem(const EpisodeInfo& recorded) const override;

  /// Name of the EpisodeInfo value holding the physics version (absent in v1-era episodes).
  static constexpr const char* kPhysicsVersionInfo = "physics_version";

  /// The same motor commands and world step as step(), without sensing, reward or termination
  /// (the baseline of the env-overhead benchmark; also counted and logged like step()).
  void stepPhysicsOnly(const float* actions) override;

  /// The config this env was built from.
  const WalkerConfig& config() const { return config_; }
  /// The body plan in use.
  const walker::WalkerEmbodiment& embodiment() const { return embodiment_; }
  /// The current episode's terrain.
  const walker::TerrainLayout& terrain() const { return terrain_; }
  /// Hull centre in metres.
  Vec2f hullPosition() const;
  /// Hull angle in radians.
  float hullAngle() const;
  /// Sum of the rewards of the episode so far.
  double episodeReturn() const { return return_; }

 private:
  struct Physics;
  enum class Outcome { Running, Fell, Finished, Timeout };

  void buildWorld(Rng& rng);
  void applyMotors(const float* actions);
  void advance(const float* actions);
  void sense();
  double shaping() const;

  WalkerConfig config_;
  walker::WalkerEmbodiment embodiment_;
  EnvSpec spec_;
  std::unique_ptr<Physics> physics_;
  walker::TerrainLayout terrain_;
  uint64_t seed_ = 0;
  TaskValues task_;
  bool hasEpisode_ = false;
  int steps_ = 0;
  double prevShaping_ = 0.0;
  double return_ = 0.0;
  Outcome outcome_ = Outcome::Running;
  std::vector<float> observation_;
  std::vector<float> actionLog_;
  std::array<float, kLidarRays> lidarFraction_{};
  std::array<Vec2f, kLidarRays> lidarEnd_{};
};

/// Registry entry of the walker simulation ("walker").
EnvInfo walkerEnvInfo();

}  // namespace palaestra
