#include "env/VecEnv.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "util/Rng.h"

namespace palaestra {

VecEnv::VecEnv(std::vector<EnvPtr> envs, ThreadPool& pool, uint64_t runSeed)
    : envs_(std::move(envs)), pool_(pool), runSeed_(runSeed) {
  if (envs_.empty()) throw std::invalid_argument("VecEnv needs at least one env");
  const EnvSpec& s = spec();
  obsDim_ = s.observationSpace.size();
  actDim_ = s.actionSpace.size();
  slots_.resize(envs_.size());
  obs_.assign(static_cast<size_t>(numRows()) * obsDim_, 0.0f);
  rewards_.assign(numRows(), 0.0f);
  terminated_.assign(envs_.size(), 0);
  truncated_.assign(envs_.size(), 0);
  finishedPerEnv_.resize(envs_.size());
  agentsPerSlot_.assign(s.policySlots.size(), 0);
  for (int slot : s.policySlotOfAgent) agentsPerSlot_.at(slot)++;
}

void VecEnv::drawTask(int i) {
  Slot& slot = slots_[i];
  slot.nextTask =
      taskSource_ ? taskSource_(i, slot.episodeIndex) : envs_[i]->spec().tasks.defaults();
}

void VecEnv::startEpisode(int i) {
  Slot& slot = slots_[i];
  Env& e = *envs_[i];
  const uint64_t seed = deriveSeed(runSeed_, static_cast<uint64_t>(i), slot.episodeIndex);
  TaskValues task = std::move(slot.nextTask);
  e.reset(seed, task);
  EpisodeRecord& r = slot.current;
  r = EpisodeRecord{};
  r.seed = seed;
  r.task = std::move(task);
  r.envIndex = i;
  r.episodeIndex = slot.episodeIndex;
  r.actionSize = agentsPerEnv() * actDim_;
  if (recording_) r.hashes.push_back(e.stateHash());
  slot.slotSums.assign(agentsPerSlot_.size(), 0.0);
  e.observe(obs_.data() + static_cast<size_t>(i) * agentsPerEnv() * obsDim_);
}

void VecEnv::resetAll() {
  for (int i = 0; i < numEnvs(); ++i) {
    slots_[i].episodeIndex = 0;
    drawTask(i);
  }
  pool_.parallelFor(numEnvs(), [&](int begin, int end) {
    for (int i = begin; i < end; ++i) startEpisode(i);
  });
}

std::vector<uint64_t> VecEnv::episodeIndices() const {
  std::vector<uint64_t> indices;
  for (const Slot& slot : slots_) indices.push_back(slot.episodeIndex);
  return indices;
}

void VecEnv::restartEpisodes(const std::vector<uint64_t>& indices, uint64_t totalSteps) {
  if (indices.size() != slots_.size())
    throw std::invalid_argument("restartEpisodes: " + std::to_string(indices.size()) +
                                " episode indices for " + std::to_string(slots_.size()) + " envs");
  for (int i = 0; i < numEnvs(); ++i) {
    slots_[i].episodeIndex = indices[static_cast<size_t>(i)];
    slots_[i].restart = false;
    finishedPerEnv_[i].clear();
    drawTask(i);
  }
  pool_.parallelFor(numEnvs(), [&](int begin, int end) {
    for (int i = begin; i < end; ++i) startEpisode(i);
  });
  finished_.clear();
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  totalSteps_ = totalSteps;
}

void VecEnv::finishEpisode(int i, StepStatus status, std::vector<EpisodeRecord>& out) {
  Slot& slot = slots_[i];
  EpisodeRecord& r = slot.current;
  r.terminated = status.terminated;
  r.truncated = status.truncated;
  r.info = envs_[i]->episodeInfo();
  r.slotReturns.resize(agentsPerSlot_.size());
  for (size_t s = 0; s < agentsPerSlot_.size(); ++s)
    r.slotReturns[s] = agentsPerSlot_[s] ? slot.slotSums[s] / agentsPerSlot_[s] : 0.0;
  out.push_back(std::move(r));
  slot.episodeIndex++;
  slot.restart = true;  // started by step() once the next task is drawn
}

void VecEnv::step(const float* actions) {
  const int agents = agentsPerEnv();
  const auto& slotOf = spec().policySlotOfAgent;
  pool_.parallelFor(numEnvs(), [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      Env& e = *envs_[i];
      Slot& slot = slots_[i];
      const float* a = actions + static_cast<size_t>(i) * agents * actDim_;
      float* rw = rewards_.data() + static_cast<size_t>(i) * agents;
      const StepStatus status = e.step(a, rw);
      EpisodeRecord& r = slot.current;
      r.length++;
      if (recording_) {
        r.actions.insert(r.actions.end(), a, a + static_cast<size_t>(agents) * actDim_);
        r.hashes.push_back(e.stateHash());
      }
      for (int k = 0; k < agents; ++k) slot.slotSums[slotOf[k]] += rw[k];
      terminated_[i] = status.terminated;
      truncated_[i] = status.truncated;
      if (status.terminated || status.truncated) {
        finishEpisode(i, status, finishedPerEnv_[i]);
      } else {
        e.observe(obs_.data() + static_cast<size_t>(i) * agents * obsDim_);
      }
    }
  });
  totalSteps_ += numEnvs();
  // Finished episodes: the hook sees them, then their envs' next tasks are drawn, both in env order
  // on this thread; then the new episodes start in parallel.
  bool anyRestart = false;
  for (int i = 0; i < numEnvs(); ++i) {
    if (!slots_[i].restart) continue;
    anyRestart = true;
    if (episodeEndHook_)
      for (const EpisodeRecord& r : finishedPerEnv_[i]) episodeEndHook_(r);
  }
  if (anyRestart) {
    for (int i = 0; i < numEnvs(); ++i)
      if (slots_[i].restart) drawTask(i);
    pool_.parallelFor(numEnvs(), [&](int begin, int end) {
      for (int i = begin; i < end; ++i)
        if (slots_[i].restart) {
          slots_[i].restart = false;
          startEpisode(i);
        }
    });
  }
  for (auto& list : finishedPerEnv_) {
    for (auto& r : list) finished_.push_back(std::move(r));
    list.clear();
  }
}

std::vector<EpisodeRecord> VecEnv::takeFinishedEpisodes() {
  std::vector<EpisodeRecord> out;
  out.swap(finished_);
  return out;
}

}  // namespace palaestra
