#pragma once
// The fighting game as a Palaestra env (registered as "fight").
//
// Single mode: one agent plays P1 against a CpuController on P2. Two mode:
// both fighters are agents (agent 0 = P1, agent 1 = P2), for self-play and
// leagues. Task parameters: "character" (the agent's / P1's character, an
// index into Roster::builtin()), "opponent" (the CPU's / P2's) and "cpu_level"
// (single mode 1..8; two mode 0..8, where 0 means P2 is the second agent and
// 1..8 put the CPU on P2, ignoring agent 1's actions, so that a self-play or
// league agent is evaluated against the CPU in the env it trains in). An
// episode is one match (best of 3); it terminates when the match is over.
//
// Actions (see FightConfig): with "actions" control each agent picks one of
// FightActionSet's choices; a decision lasts max(action_repeat, macro length)
// frames. In two mode the decisions of the two agents can end on different
// frames: a step runs until at least one agent's decision is over (or the
// match ends), and an agent still busy with a macro ignores the action given
// for it in that step. With "pad" control an action is a pad code and one
// step is one frame.
//
// Observations: FightObservation from each agent's own side (mirrored), as
// of observation_delay frames ago. Rewards: see FightConfig.
//
// A snapshot holds the match bytes, the CPU's snapshot, the decoders, the
// delay buffer and the episode's counters; stateHash covers all of them.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "env/Env.h"
#include "env/EnvRegistry.h"
#include "env/PhysicsOnlyStepping.h"
#include "fight/CharacterLoader.h"
#include "fight/FightActionSet.h"
#include "fight/FightConfig.h"
#include "fight/FightController.h"
#include "fight/FightMatch.h"
#include "fight/FightObservation.h"

namespace palaestra::fight {

class FightEnv final : public Env, public PhysicsOnlyStepping {
 public:
  /// Builds the env over `roster` (which must outlive it; default Roster::builtin()); throws
  /// ConfigError if the roster is empty.
  explicit FightEnv(const FightConfig& config, const Roster* roster = nullptr);
  ~FightEnv() override;
  FightEnv(const FightEnv&) = delete;
  FightEnv& operator=(const FightEnv&) = delete;

  /// Spaces, agents, slots and the character / opponent / cpu_level task parameters.
  const EnvSpec& spec() const override { return spec_; }
  /// Starts a match between the task's characters (and CPU level); the seed goes to the match and
  /// the CPU.
  void reset(uint64_t seed, const TaskValues& task) override;
  /// Writes each agent's (possibly delayed) FightObservation.
  void observe(float* out) const override;
  /// Applies each agent's action for one decision (see the header comment) and writes the rewards.
  StepStatus step(const float* actions, float* rewards) override;
  /// Steps taken since the last reset.
  int episodeStep() const override { return steps_; }
  /// The same frames as step() (CPU, decoders, match), without rewards or observations (bench).
  void stepPhysicsOnly(const float* actions) override;
  /// Config, task, match bytes, CPU, decoders, delay buffer and counters.
  std::vector<uint8_t> snapshot() const override;
  /// Restores snapshot(); throws std::invalid_argument if malformed or of another config.
  void restore(std::span<const uint8_t> data) override;
  /// Hash of the match state and everything else restore() brings back.
  uint64_t stateHash() const override;
  /// Draws the match with FightScene.
  void describe(Scene& scene) const override;
  /// Outcome from P1's (the agent's) view: "running", "win", "loss", "draw" or "timeout", with
  /// win, rounds_won, rounds_lost, damage_dealt, damage_taken, frames, perfect, return, success,
  /// steps.
  EpisodeInfo episodeInfo() const override;

  /// The config.
  const FightConfig& config() const { return config_; }
  /// The current match (after reset).
  const FightMatch& match() const { return *match_; }
  /// The pads of the last frame played (P1, P2), screen terms.
  const std::array<PadState, 2>& lastPads() const { return lastPads_; }
  /// The CPU opponent (single mode, after reset), else nullptr.
  const FightController* cpu() const { return cpu_.get(); }

 private:
  /// Validates the agents' actions and hands them to the pads / decoders.
  void takeActions(const float* actions);
  /// Plays the frames of one step; rewards (and the observation delay) only when `reward` is set.
  void playDecision(std::array<double, 2>* reward);
  void playFrame(std::array<double, 2>* reward);
  void addRoundEndReward(int winner, std::array<double, 2>& reward) const;

  FightConfig config_;
  const Roster* roster_;
  EnvSpec spec_;
  int agents_ = 1;
  std::unique_ptr<FightMatch> match_;
  std::unique_ptr<FightController> cpu_;
  std::array<FightActionSet, 2> decoders_;
  FightObservationDelay delay_;
  std::array<PadState, 2> lastPads_{};
  std::array<PadState, 2> padActions_{};  // pad control: this step's pads
  uint64_t seed_ = 0;
  TaskValues task_;
  bool hasEpisode_ = false;
  int steps_ = 0;
  std::array<int64_t, 2> damageTaken_{};  // health points lost by P1, P2 over the match
  std::array<double, 2> return_{};
};

/// Registry entry of the fighting game ("fight").
EnvInfo fightEnvInfo();

}  // namespace palaestra::fight
