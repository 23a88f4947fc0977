#pragma once
// What a training run will hold in memory, estimated before anything is
// allocated, so that an absurd config (num_envs 65536: 6 GiB of buffers) is
// refused with the figure instead of exhausting the machine or crashing
// under a memory limit. The estimate follows the allocations of VecEnv,
// PpoTrainer, the evaluator and the episode records.

#include <string>

#include "env/Env.h"
#include "train/TrainConfig.h"

namespace palaestra {

struct TrainingMemoryEstimate {
  // Allocated when the session is built:
  double envBytes = 0;      // num_envs envs (EnvSpec::memoryBytes each)
  double rolloutBytes = 0;  // PPO rollout buffers and the batched forward pass
  double networkBytes = 0;  // weights, gradient, Adam moments, per-shard gradients, policy copies
  // Allocated while training:
  double updateBytes = 0;     // minibatch shards and their activations during an update
  double recordingBytes = 0;  // episodes being recorded, finished in one rollout, of an evaluation
  /// What exists once a session is built.
  double built() const { return envBytes + rolloutBytes + networkBytes; }
  /// Everything, at the peak of training.
  double total() const { return built() + updateBytes + recordingBytes; }
};

/// The memory a run of `config` on envs described by `spec` needs (about; within a factor of 2).
TrainingMemoryEstimate estimateTrainingMemory(const TrainConfig& config, const EnvSpec& spec);

/// Throws ConfigError when the estimate exceeds the memory this process may use, e.g.
/// "ppo.num_envs 65536 needs about 6.1 GiB (envs 1.2 GiB + rollout buffers 4.7 GiB + ...);
/// this machine has 20.1 GiB available (of 23.4 GiB)".
void checkTrainingMemory(const TrainConfig& config, const EnvSpec& spec);

}  // namespace palaestra
