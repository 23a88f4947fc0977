#pragma once
// A recorded episode re-simulated once and kept frame by frame, so that a
// replay player can seek to any frame without simulating again (Box2D worlds
// cannot be snapshotted cheaply; restoring one means re-simulating from the
// start). Frame 0 is the state after reset, frame t the state after step t.
//
// Frames are stored compactly: the leading primitives a frame shares with
// frame 0 (the terrain, which never moves) are stored once, and each frame
// keeps only the primitives that differ. frame() rebuilds the requested scene
// in a cache by swapping in that frame's own primitives.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "env/Env.h"
#include "replay/EpisodeRecord.h"
#include "replay/ReplayHashChecker.h"
#include "replay/ReplayVerifier.h"

namespace palaestra {

class ReplayTimeline {
 public:
  /// Prepares to re-simulate `record` on `env`; `env` must outlive the timeline.
  ReplayTimeline(Env& env, EpisodeRecord record);
  ReplayTimeline(const ReplayTimeline&) = delete;
  ReplayTimeline& operator=(const ReplayTimeline&) = delete;

  /// Simulates up to `maxSteps` more steps (frame 0 comes with the first call); returns complete().
  bool buildSome(int maxSteps);
  /// Whether every frame there will be has been built.
  bool complete() const { return complete_; }
  /// Recorded steps of the episode (a complete, matching timeline has length() + 1 frames).
  int length() const { return record_.length; }
  /// Frames built so far.
  int frameCount() const { return static_cast<int>(frames_.size()); }
  /// Scene of frame `index` (0 = after reset); throws std::out_of_range if not built.
  /// The reference stays valid until the next frame() call; not thread-safe.
  const Scene& frame(int index) const;
  /// Reward of each step built so far (slot 0): rewards()[t - 1] led to frame t.
  std::span<const float> rewards() const { return rewards_; }
  /// Return accumulated from reset up to frame `index`; throws std::out_of_range if not built.
  double returnUpTo(int index) const;
  /// Whether the state hash at frame `index` equals the stored one; throws if not built.
  bool hashMatches(int index) const;
  /// Hash verdict so far: ok once complete with every hash matching, else the first divergence.
  ReplayCheck check() const;
  /// The env's live metrics (EnvSpec::liveMetrics), whose values are kept for every frame.
  const std::vector<std::string>& liveMetricNames() const { return liveMetricNames_; }
  /// Live metric `metric`'s value at each built frame (NaN where episodeInfo did not report it);
  /// throws std::out_of_range for a metric index beyond liveMetricNames().
  std::span<const double> liveMetricValues(size_t metric) const;
  /// Episode metrics the env reported after the last built frame (set once complete).
  const EpisodeInfo& info() const { return info_; }
  /// Approximate heap bytes held per built frame (frame 0's shared primitives counted once).
  double bytesPerFrame() const;
  /// The episode record being replayed.
  const EpisodeRecord& record() const { return record_; }

 private:
  static constexpr int kLists = 5;  // polygons, lines, circles, particles, labels
  struct Frame {
    uint32_t sharedPrefix[kLists] = {};  // leading primitives equal to frame 0's
    Scene own;                           // the rest, plus focus, viewWidth, viewHeight, background
  };
  void addFrame();

  Env& env_;
  EpisodeRecord record_;
  ReplayHashChecker checker_;
  bool complete_ = false;
  bool endedEarly_ = false;  // the env ended the episode before the recorded steps ran out
  Scene base_;     // frame 0 in full
  Scene scratch_;  // describe() target, reused so its capacity is kept
  std::vector<Frame> frames_;
  std::vector<float> rewards_;
  std::vector<double> cumulative_;  // per frame
  std::vector<uint8_t> matches_;    // per frame
  std::vector<std::string> liveMetricNames_;
  std::vector<std::vector<double>> liveMetrics_;  // per live metric, per frame
  EpisodeInfo info_;

  mutable Scene cache_;
  mutable int cacheIndex_ = -1;
  mutable uint32_t cachePrefix_[kLists] = {};  // leading primitives of cache_ equal to base_'s
};

/// Seek times of random frames of a complete timeline, in milliseconds.
struct SeekTimings {
  int seeks = 0;
  double maxMs = 0, medianMs = 0, p95Ms = 0, meanMs = 0;
};

/// Seeks `seeks` uniformly random frames (stream from `seed`) and times each frame() call.
SeekTimings measureSeeks(const ReplayTimeline& timeline, int seeks, uint64_t seed);

}  // namespace palaestra
