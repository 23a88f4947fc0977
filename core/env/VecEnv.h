#pragma once
// A batch of envs stepped in parallel on a thread pool, with their
// observations in one contiguous row-major matrix (one row per agent).
// Finished episodes restart at once (the next observation is the new
// episode's first); their records are collected for the store.
//
// Tasks are drawn in env order on the calling thread, after every finished
// episode of the step was shown to the episode-end hook (also in env order):
// a stateful task source (a curriculum's teacher) sees the same sequence of
// returns and draws whatever the thread count, so runs stay deterministic.

#include <cstdint>
#include <functional>
#include <vector>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"
#include "util/ThreadPool.h"

namespace palaestra {

class VecEnv {
 public:
  /// Picks the task of episode `episodeIndex` of env `envIndex` (called on the stepping thread).
  using TaskSource = std::function<TaskValues(int envIndex, uint64_t episodeIndex)>;
  /// Sees each finished episode, in env order, before the next tasks are drawn.
  using EpisodeEndHook = std::function<void(const EpisodeRecord&)>;

  /// Takes ownership of `envs` (all of one kind and config); `pool` may be shared and outlives this.
  VecEnv(std::vector<EnvPtr> envs, ThreadPool& pool, uint64_t runSeed);

  /// Number of envs in the batch.
  int numEnvs() const { return static_cast<int>(envs_.size()); }
  /// Agents per env.
  int agentsPerEnv() const { return spec().numAgents; }
  /// Total rows of the observation matrix (envs x agents).
  int numRows() const { return numEnvs() * agentsPerEnv(); }
  /// Floats per observation row.
  int obsDim() const { return obsDim_; }
  /// Floats per action row.
  int actDim() const { return actDim_; }
  /// The spec shared by every env of the batch.
  const EnvSpec& spec() const { return envs_.front()->spec(); }
  /// Env i of the batch.
  Env& env(int i) { return *envs_[i]; }

  /// Sets where each new episode's task comes from (default: the env's default task).
  void setTaskSource(TaskSource source) { taskSource_ = std::move(source); }
  /// Sets what sees each finished episode before new tasks are drawn (default: nothing).
  void setEpisodeEndHook(EpisodeEndHook hook) { episodeEndHook_ = std::move(hook); }
  /// Whether to keep action logs and per-step hashes of every episode (for replays).
  void setRecording(bool on) { recording_ = on; }

  /// Starts episode 0 of every env.
  void resetAll();
  /// Per env: the index of the episode in progress (what restartEpisodes takes back).
  std::vector<uint64_t> episodeIndices() const;
  /// Starts episode `indices[i]` of env i afresh (resuming a run: the episodes that were in
  /// progress play again from their start, on the same seeds) and sets the step count; throws
  /// std::invalid_argument if there is not one index per env.
  void restartEpisodes(const std::vector<uint64_t>& indices, uint64_t totalSteps);
  /// Steps every env with numRows x actDim actions; restarts finished episodes.
  void step(const float* actions);

  /// numRows x obsDim observations, row-major.
  const float* observations() const { return obs_.data(); }
  /// numRows rewards of the last step.
  const float* rewards() const { return rewards_.data(); }
  /// Per env: 1 if the last step ended its episode by termination.
  const std::vector<uint8_t>& terminated() const { return terminated_; }
  /// Per env: 1 if the last step ended its episode by truncation.
  const std::vector<uint8_t>& truncated() const { return truncated_; }
  /// Episodes finished since the last call, in env order per step (deterministic).
  std::vector<EpisodeRecord> takeFinishedEpisodes();
  /// Total env steps taken (steps of the batch x numEnvs).
  uint64_t totalSteps() const { return totalSteps_; }

 private:
  struct Slot {
    uint64_t episodeIndex = 0;
    TaskValues nextTask;   // drawn before the episode starts
    bool restart = false;  // the last step finished the episode: start the next one
    EpisodeRecord current;
    std::vector<double> slotSums;
  };
  void drawTask(int i);  // sequential: the task of env i's episode slots_[i].episodeIndex
  void startEpisode(int i);
  void finishEpisode(int i, StepStatus status, std::vector<EpisodeRecord>& out);

  std::vector<EnvPtr> envs_;
  ThreadPool& pool_;
  uint64_t runSeed_;
  int obsDim_ = 0, actDim_ = 0;
  TaskSource taskSource_;
  EpisodeEndHook episodeEndHook_;
  bool recording_ = false;
  std::vector<Slot> slots_;
  std::vector<float> obs_, rewards_;
  std::vector<uint8_t> terminated_, truncated_;
  std::vector<std::vector<EpisodeRecord>> finishedPerEnv_;
  std::vector<EpisodeRecord> finished_;
  std::vector<int> agentsPerSlot_;
  uint64_t totalSteps_ = 0;
};

}  // namespace palaestra
