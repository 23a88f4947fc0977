#pragma once
// Chooses which training episodes of a checkpoint interval go to the store:
// the best and the last of the interval and a deterministic sample of the
// rest (every episode is recorded; most are dropped at once).

#include <cstdint>
#include <optional>
#include <vector>

#include "replay/EpisodeRecord.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"

namespace palaestra {

class EpisodeKeeper {
 public:
  /// A keeper following `config`, sampling with a stream derived from `seed`.
  EpisodeKeeper(const EpisodeKeepConfig& config, uint64_t seed);
  /// Considers one finished training episode of the current interval.
  void offer(EpisodeRecord&& episode);
  /// The kept episodes of the interval (best, sampled, last; no duplicates); starts a new interval.
  std::vector<EpisodeRecord> takeInterval();
  /// The sampling stream's state (saved with a run's resume state, at an interval's start).
  Rng::State samplingState() const { return rng_.state(); }
  /// Continues the sampling stream of a saved state.
  void setSamplingState(const Rng::State& state) { rng_.setState(state); }

 private:
  struct Held {
    EpisodeRecord episode;
    bool sampled = false;
  };
  /// An episode leaving its place as best or last: kept only if it was sampled.
  void release(std::optional<Held>& held);

  EpisodeKeepConfig config_;
  Rng rng_;
  std::optional<Held> best_, last_;
  std::vector<EpisodeRecord> sampled_;
};

}  // namespace palaestra
