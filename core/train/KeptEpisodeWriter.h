#pragma once
// Carries an EpisodeKeeper's kept set into the run store as it forms: added
// episodes are queued at once (with a ticket), dropped ones retracted, at most
// once per kWriteIntervalSeconds so a provisional best or last that changes
// every iteration is not rewritten every iteration. At each checkpoint the
// interval's tickets go to RunStore::addCheckpoint, which links them to it in
// the same transaction as the checkpoint and its evaluation episodes.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "store/RunStore.h"
#include "train/EpisodeKeeper.h"

namespace palaestra {

class KeptEpisodeWriter {
 public:
  /// Shortest time between two writes of provisional changes.
  static constexpr double kWriteIntervalSeconds = 1.0;

  /// Writes into run `runId` of `store`; without a store (nullptr) it only drives the keeper.
  KeptEpisodeWriter(RunStore* store, int64_t runId);

  /// Writes the keeper's changes if the last write is kWriteIntervalSeconds old or there was none.
  void update(EpisodeKeeper& keeper);
  /// Ends the keeper's interval, writes its last changes and returns the tickets of the
  /// interval's kept episodes, for RunStore::addCheckpoint to link.
  std::vector<RunStore::EpisodeTicket> finishInterval(EpisodeKeeper& keeper);

 private:
  void write(EpisodeKeeper::Changes&& changes);

  RunStore* store_;
  int64_t runId_;
  std::map<uint64_t, RunStore::EpisodeTicket> tickets_;  // keeper serial -> store ticket
  std::optional<std::chrono::steady_clock::time_point> lastWrite_;
};

}  // namespace palaestra
