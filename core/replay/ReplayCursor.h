#pragma once
// A second copy of a replayed episode's env that can be put at any frame, for what the stored
// scenes of a ReplayTimeline do not hold: picking an agent, drawing its neighbours, reading its
// observation. Stepping forward replays one recorded action; going back restores the nearest
// snapshot taken on the way (one every kSnapshotEvery frames) and replays from there, so any
// seek costs at most kSnapshotEvery steps once the frames before it have been visited.

#include <cstdint>
#include <memory>
#include <vector>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"

namespace palaestra {

class ReplayCursor {
 public:
  /// Frames between two kept snapshots.
  static constexpr int kSnapshotEvery = 32;

  /// Takes `env` (a fresh env of the episode's config) and `record`; throws ConfigError when the
  /// record does not fit the env. The env is reset to frame 0.
  ReplayCursor(EnvPtr env, std::shared_ptr<const EpisodeRecord> record);
  ReplayCursor(const ReplayCursor&) = delete;
  ReplayCursor& operator=(const ReplayCursor&) = delete;

  /// Puts the env at frame `frame` (0 = after reset, t = after step t), clamped to the episode;
  /// returns the frame reached. Stops early if the env ends the episode before the record does.
  int seek(int frame);
  /// The frame the env is at.
  int frame() const { return frame_; }
  /// The env, at frame().
  const Env& env() const { return *env_; }
  /// Steps simulated since construction (what seeks cost; for tests and benchmarks).
  int64_t stepsSimulated() const { return stepsSimulated_; }

 private:
  EnvPtr env_;
  std::shared_ptr<const EpisodeRecord> record_;
  std::vector<float> rewards_;                   // step() output, not kept
  std::vector<std::vector<uint8_t>> snapshots_;  // snapshots_[k]: frame k * kSnapshotEvery
  int frame_ = 0;
  bool ended_ = false;  // the env ended the episode at frame_
  int64_t stepsSimulated_ = 0;
};

}  // namespace palaestra
