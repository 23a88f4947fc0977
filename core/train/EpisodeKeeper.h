#pragma once
// Chooses which training episodes of a checkpoint interval go to the store:
// the best and the last of the interval and a deterministic sample of the
// rest (every episode is recorded; most are dropped at once).
//
// The kept set is reported as it forms, so it can reach the store before the
// interval ends (a process killed mid-interval keeps what it finished): each
// takeChanges() says which episodes joined the set since the last call and
// which that joined earlier have left it (a provisional best or last that was
// superseded without being sampled). After endInterval(), the episodes added
// and not dropped are exactly the interval's best, sampled and last ones.

#include <cstdint>
#include <optional>
#include <vector>

#include "replay/EpisodeRecord.h"
#include "train/TrainConfig.h"
#include "util/Rng.h"

namespace palaestra {

class EpisodeKeeper {
 public:
  /// An episode that joined the kept set, numbered in the order episodes were offered.
  struct Kept {
    uint64_t serial = 0;
    EpisodeRecord episode;
  };
  /// What changed in the kept set.
  struct Changes {
    std::vector<Kept> added;        // joined (copies of the provisional best and last)
    std::vector<uint64_t> dropped;  // serials of earlier-added episodes that left it
    bool empty() const { return added.empty() && dropped.empty(); }
  };

  /// A keeper following `config`, sampling with a stream derived from `seed`; the best episode is
  /// the one with the highest return of policy slot `returnSlot` (the learner's).
  EpisodeKeeper(const EpisodeKeepConfig& config, uint64_t seed, int returnSlot = 0);
  /// Considers one finished training episode of the current interval.
  void offer(EpisodeRecord&& episode);
  /// The changes since the last call; the interval goes on (its best and last are provisional).
  Changes takeChanges();
  /// Ends the interval: its last changes, after which the kept set is final; starts a new one.
  Changes endInterval();
  /// The sampling stream's state (saved with a run's resume state, at an interval's start).
  Rng::State samplingState() const { return rng_.state(); }
  /// Continues the sampling stream of a saved state.
  void setSamplingState(const Rng::State& state) { rng_.setState(state); }

 private:
  struct Held {
    uint64_t serial = 0;
    EpisodeRecord episode;
    bool sampled = false;
    bool added = false;  // reported in a takeChanges() already
  };
  /// An episode leaving its place as best or last: kept only if it was sampled.
  void release(std::optional<Held>& held);
  /// The return that ranks `e`: its returnSlot_'s.
  double returnOf(const EpisodeRecord& e) const;

  EpisodeKeepConfig config_;
  Rng rng_;
  int returnSlot_ = 0;
  uint64_t nextSerial_ = 0;
  std::optional<Held> best_, last_;
  Changes pending_;
};

}  // namespace palaestra
