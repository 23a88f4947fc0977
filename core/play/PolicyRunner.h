#pragma once
// One env driven by a policy for watching (the live viewer, "watch this
// checkpoint"): steps on demand, resets itself when an episode ends, and keeps
// the running return. Episode k is played on the seed evaluation episode k of
// the same run seed uses (evalEpisodeSeed), with deterministic actions, so what
// the user watches is exactly the episode an evaluation records and replays.
// Single-threaded: call everything from one thread (the GUI thread).

#include <cstdint>
#include <memory>
#include <vector>

#include "env/Env.h"
#include "rl/Policy.h"
#include "util/Rng.h"

namespace palaestra {

class PolicyRunner {
 public:
  /// Takes the env and starts episode 0 on `task`; throws ConfigError for a null env
  /// and std::invalid_argument (naming the parameter) for a task the env rejects.
  PolicyRunner(EnvPtr env, uint64_t seed, TaskValues task);

  /// The policy acting from the next step on (nullptr: all-zero actions); throws
  /// ConfigError naming both sizes if its observation or action size does not fit the env.
  void setPolicy(std::shared_ptr<const Policy> policy);
  /// The policy acting now (may be nullptr).
  const std::shared_ptr<const Policy>& policy() const { return policy_; }
  /// Another policy for the agents of policy slot `slot` (e.g. a second league member on the
  /// fight's P2); nullptr gives them back to policy(). Throws ConfigError like setPolicy, or for
  /// a slot the env does not have.
  void setSlotPolicy(int slot, std::shared_ptr<const Policy> policy);
  /// The policy of slot `slot`'s agents set by setSlotPolicy, or nullptr.
  std::shared_ptr<const Policy> slotPolicy(int slot) const;
  /// Whether the policies sample their actions (each episode from a stream seeded by its seed:
  /// two deterministic fighters would play every match alike) instead of acting
  /// deterministically (the default, as evaluations do).
  void setSampleActions(bool on) { sampleActions_ = on; }
  /// The task of the episodes started from now on (the running one keeps its task);
  /// throws std::invalid_argument naming the parameter if the env rejects it.
  void setTask(TaskValues task);
  /// The task of the next episode.
  const TaskValues& task() const { return task_; }
  /// Starts the current episode again from its reset (same seed, current task).
  void restartEpisode();

  /// Simulates one step; when it ends the episode, records the return and resets
  /// with the next episode's seed.
  void step();
  /// Whether the last step() ended an episode (the env now shows the next one's start).
  bool lastStepEndedEpisode() const { return lastStepEnded_; }

  /// Steps taken in the current episode.
  int episodeStep() const { return env_->episodeStep(); }
  /// Return of the current episode so far (policy slot 0, averaged over its agents).
  double episodeReturn() const;
  /// Reward of the last step (policy slot 0, averaged over its agents); 0 before the first.
  double lastReward() const { return lastReward_; }
  /// Episodes finished since construction.
  int episodesFinished() const { return episodesFinished_; }
  /// Return of the last finished episode; 0 before the first.
  double lastEpisodeReturn() const { return lastEpisodeReturn_; }
  /// Seed of the current episode (evalEpisodeSeed(seed, episodesFinished())).
  uint64_t episodeSeed() const { return episodeSeed_; }
  /// The run seed episode seeds derive from.
  uint64_t seed() const { return seed_; }

  /// Appends what to draw for the current state to `scene`.
  void describe(Scene& scene) const { env_->describe(scene); }
  /// The env being watched.
  const Env& env() const { return *env_; }

 private:
  void startEpisode();

  EnvPtr env_;
  uint64_t seed_;
  TaskValues task_;
  std::shared_ptr<const Policy> policy_;
  std::vector<std::shared_ptr<const Policy>> slotPolicies_;  // per slot, null: policy_
  bool sampleActions_ = false;
  Rng sampling_;
  std::vector<float> agentActions_;
  uint64_t episodeSeed_ = 0;
  int episodesFinished_ = 0;
  double slotZeroSum_ = 0.0;  // summed over steps and slot-0 agents, divided on read like the evaluator
  double lastReward_ = 0.0;
  double lastEpisodeReturn_ = 0.0;
  bool lastStepEnded_ = false;
  int slotZeroAgents_ = 0;
  std::vector<float> observations_;
  std::vector<float> actions_;
  std::vector<float> rewards_;
};

}  // namespace palaestra
