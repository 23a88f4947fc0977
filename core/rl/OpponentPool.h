#pragma once
// One policy slot driven by opponents drawn episode by episode from a weighted pool (self play,
// fictitious self play, leagues): each member is a frozen policy, or nothing (the env drives the
// slot through the member's task, e.g. the fight's CPU), or the learner itself. The draw of env
// e's episode k depends only on the pool's seed, e and k, so a run is reproducible whatever the
// thread count, and a resumed run replays the same opponents. Frozen members act
// deterministically with their own normalisers, batched over every env that plays them; the slot
// is never learned. Each finished episode's score (win 1, draw 1/2, loss 0 from the learner's
// side) is tallied per member: the league's payoff estimates.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "env/Env.h"
#include "rl/Policy.h"
#include "util/Rng.h"

namespace palaestra {

struct OpponentMember {
  std::string name;
  std::shared_ptr<const Policy> policy;  // null: the env drives the slot through `task`
  std::map<std::string, double> task;    // overrides of its episodes' task (over the pool's)
  double weight = 1.0;
  int64_t checkpointId = 0;  // the stored policy's checkpoint (0: none)
};

/// Games and summed score of the learner against one opponent.
struct OpponentTally {
  int64_t games = 0;
  double score = 0.0;  // win 1, draw 1/2, loss 0
};

class OpponentPool {
 public:
  /// Member index meaning the learner's own current policy.
  static constexpr int kSelf = -1;

  /// The pool driving slot `slot` of `spec` in `numEnvs` envs; throws ConfigError naming the
  /// member whose spaces or task names do not fit, or when no opponent has weight.
  OpponentPool(const EnvSpec& spec, int slot, std::vector<OpponentMember> members,
               double selfWeight, std::map<std::string, double> task, uint64_t seed, int numEnvs);
  /// Lets stored members sample their actions, each env's episode from its own stream (seeded
  /// with the draw), instead of acting deterministically.
  void setSampleActions(bool on) { sampleActions_ = on; }

  /// The slot the pool drives.
  int slot() const { return slot_; }
  /// Whether agent `agent` of an env belongs to the pool's slot.
  bool isOpponentAgent(int agent) const;
  /// Draws the opponent of episode `episode` of env `env` and returns `task` with its overrides.
  TaskValues beginEpisode(int env, uint64_t episode, TaskValues task);
  /// The opponent of env `env`'s current episode (a member index or kSelf).
  int current(int env) const { return current_[static_cast<size_t>(env)]; }
  /// Overwrites the actions of the slot's agents of every env playing a frozen member (rows
  /// agent-major within an env, raw observations `rawObs`), one batch per member. Call it from
  /// one thread: sampling advances the envs' streams.
  void act(const float* rawObs, int envs, float* actions);
  /// Tallies a finished episode of env `env` against its current opponent (`score` in [0, 1]).
  void recordScore(int env, double score);
  /// Per member, then the learner itself last: the games and score tallied so far.
  std::vector<OpponentTally> tallies() const;
  /// The members.
  const std::vector<OpponentMember>& members() const { return members_; }
  /// The weight of self play.
  double selfWeight() const { return selfWeight_; }

 private:
  std::vector<OpponentMember> members_;
  std::vector<std::vector<std::pair<int, double>>> memberTasks_;  // per member: (param, value)
  std::vector<std::pair<int, double>> poolTask_;
  double selfWeight_ = 0.0, totalWeight_ = 0.0;
  int slot_ = 0;
  uint64_t seed_ = 0;
  std::vector<int> slotOfAgent_;
  Space actionSpace_;
  int obsDim_ = 0, actDim_ = 0;
  std::vector<int> current_;  // per env
  bool sampleActions_ = false;
  std::vector<Rng> streams_;  // per env: the sampling stream of its episode
  mutable std::mutex tallyMutex_;
  std::vector<OpponentTally> tallies_;  // members, then self
};

/// The learner's score of a finished episode from its EpisodeInfo: 1 for "win", 0 for "loss",
/// 1/2 otherwise (draw, timeout).
double episodeScore(const EpisodeInfo& info);

}  // namespace palaestra
