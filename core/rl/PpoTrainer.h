#pragma once
// PPO with the semantics of CleanRL's ppo_continuous_action.py (extended to
// discrete and multi-discrete heads and to envs with many agents): rollout of
// num_steps batch steps, GAE(lambda), update_epochs passes over shuffled
// minibatches with the clipped surrogate, (clipped) value loss and entropy
// bonus, global gradient clipping, Adam, linear learning-rate annealing and
// optional target-KL early stop. Observation and reward normalisation follow
// gym's NormalizeObservation / NormalizeReward wrappers with clipping, but
// with one set of statistics shared by every row of the batch.
//
// Every row of the VecEnv (env x agent) is one sample stream of the single
// learned policy; an env's done flag applies to all its agents. With frozen
// slots (FrozenSlots), the rows of their agents act with the frozen policies
// and are left out of everything learned: the observation and reward
// statistics, the advantages' minibatches and the loss. So are the rows of an
// OpponentPool's slot, whose actions come from the opponent each env's episode
// drew (a frozen member's, or the learner's own sampled ones in self play).
//
// Deterministic: the same seed, config and envs give bit-identical policies,
// whatever the number of threads (work is split into chunks whose layout
// depends only on the batch sizes, and partial gradients are summed in chunk
// order).

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "env/VecEnv.h"
#include "nn/Adam.h"
#include "nn/RunningMeanStd.h"
#include "rl/FrozenSlots.h"
#include "rl/OpponentPool.h"
#include "rl/Policy.h"
#include "rl/PpoConfig.h"
#include "rl/PpoIterationStats.h"
#include "rl/PpoLoss.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

namespace palaestra {

class PpoTrainer {
 public:
  /// Builds the policy for `envs`' spaces and resets every env; throws ConfigError if cfg does not fit the envs
  /// or every agent is frozen. Agents of `frozen` slots act with their frozen policies, those of
  /// `opponents`' slot with the opponent of their env's episode.
  PpoTrainer(VecEnv& envs, const PpoConfig& cfg, uint64_t seed, ThreadPool& pool,
             FrozenSlots frozen = {}, std::shared_ptr<OpponentPool> opponents = nullptr);

  /// One rollout (num_steps x all rows) and one update. If shouldStop() turns true during the rollout, returns
  /// at once with stats.interrupted set and no update (the next call starts a fresh rollout).
  PpoIterationStats iterate(const std::function<bool()>& shouldStop = {});

  /// The current policy, observation statistics included (ready to serialise or copy).
  const Policy& policy() const { return policy_; }
  /// Env steps taken so far (numEnvs per batch step, as CleanRL's global_step).
  uint64_t globalStep() const { return globalStep_; }
  /// Completed (not interrupted) iterations.
  int64_t iterationsDone() const { return iterationsDone_; }
  /// The config in use.
  const PpoConfig& config() const { return cfg_; }
  /// Learning rate the next update will use (annealed if anneal_lr).
  double currentLearningRate() const;
  /// Sets the share of the budget spent, for budgets in wall-clock time; annealing then follows it
  /// instead of CleanRL's iteration count over total_timesteps.
  void setAnnealFraction(double fraction) { annealFraction_ = fraction; }

  /// Everything the learner needs to continue besides the policy (which a checkpoint holds):
  /// Adam's moments and step, the reward normaliser, both random streams, the step and iteration
  /// counters, the annealing fraction and the envs' episode indices. Take it between iterations.
  std::vector<uint8_t> saveState() const;
  /// Continues from a checkpointed `policy` and a saveState() of a trainer with the same config
  /// and envs: afterwards saveState() returns `state` again and the policy is `policy`, bit for
  /// bit; the episodes that were in progress start again from their beginning. Throws
  /// std::invalid_argument naming the mismatch if either does not fit this trainer.
  void restoreState(const Policy& policy, std::span<const uint8_t> state);
  /// Adam's state (for tests and diagnostics).
  const Adam& optimizer() const { return adam_; }

 private:
  struct Shard {
    PpoLossScratch<float> scratch;
    std::vector<float> grad, obs, actions, oldLogProb, advantages, returns, oldValues;
    PpoLossSums sums;
  };

  void readObservations(bool updateStatistics = true);
  void forwardBatch(const float* obs, bool sampleActions, float* rawActions, float* logProbs, float* values);
  bool collectRollout(const std::function<bool()>& shouldStop);
  void update(PpoIterationStats& stats, double learningRate);

  // Gathers the learner's rows of a rows_-row vector (all rows without frozen slots).
  template <typename T>
  const T* learnerRowsOf(const T* values, int width, std::vector<T>& scratch) const;

  VecEnv& envs_;
  PpoConfig cfg_;
  FrozenSlots frozen_;
  std::shared_ptr<OpponentPool> opponents_;
  std::vector<int> learnerRows_;     // rows the learner drives, ascending
  std::vector<int> learnerSamples_;  // rollout indices t * rows + r of those rows, ascending
  std::vector<float> gatherScratch_;
  std::vector<double> learnerReturns_;
  ThreadPool& pool_;
  Policy policy_;
  Adam adam_;
  Rng actionRng_, shuffleRng_;
  RunningMeanStd returnStats_;
  std::vector<double> discountedReturns_;

  int rows_ = 0, obsDim_ = 0, actDim_ = 0, agents_ = 1;
  // Rollout storage, step-major (index t * rows + r).
  std::vector<float> obs_, actions_, logProbs_, values_, rewards_, dones_, advantages_, returns_;
  std::vector<float> nextObs_, nextDones_, nextValues_, envActions_;
  std::vector<ActorCritic::Workspace> forwardWorkspaces_;
  // Update scratch.
  std::vector<int> indices_;
  std::vector<float> minibatchAdvantages_, grad_;
  std::vector<Shard> shards_;

  uint64_t globalStep_ = 0;
  int64_t iterationsDone_ = 0;
  std::optional<double> annealFraction_;
};

}  // namespace palaestra
