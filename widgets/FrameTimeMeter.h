#pragma once
// Keeps the last N frame times and paint durations of a view and reports
// their percentiles: the built-in readout behind "p95 frame time <= 20 ms".
// Pure C++ (no Qt), so the statistics are tested without a display.

#include <cstddef>
#include <vector>

namespace palaestra {

class FrameTimeMeter {
 public:
  /// Keeps the most recent `capacity` frames (at least 1).
  explicit FrameTimeMeter(size_t capacity = 240);

  /// Records one frame: `frameMs` from when the frame became due (the previous
  /// frame, or the first redraw request after an idle view) until it was painted;
  /// `paintMs` the time spent painting it. Negative or non-finite values are ignored.
  void recordFrame(double frameMs, double paintMs);
  /// Forgets every recorded frame.
  void clear();

  /// Frames currently kept (at most the capacity).
  size_t sampleCount() const { return frameMs_.size(); }
  /// Frames recorded since construction or clear(), including those no longer kept.
  size_t totalFrames() const { return total_; }
  /// Median frame time of the kept frames in ms; 0 when none.
  double p50Milliseconds() const;
  /// 95th percentile frame time of the kept frames in ms; 0 when none.
  double p95Milliseconds() const;
  /// Median paint duration in ms; 0 when none.
  double paintP50Milliseconds() const;
  /// 95th percentile paint duration in ms; 0 when none.
  double paintP95Milliseconds() const;

  /// The q-quantile (0..1, nearest rank) of `values`; 0 for an empty list.
  static double percentile(std::vector<double> values, double q);

 private:
  size_t capacity_;
  size_t next_ = 0;  // ring position of the next write once full
  size_t total_ = 0;
  std::vector<double> frameMs_;
  std::vector<double> paintMs_;
};

}  // namespace palaestra
