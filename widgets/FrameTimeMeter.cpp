#include "FrameTimeMeter.h"

#include <algorithm>
#include <cmath>

namespace palaestra {

FrameTimeMeter::FrameTimeMeter(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {
  frameMs_.reserve(capacity_);
  paintMs_.reserve(capacity_);
}

void FrameTimeMeter::recordFrame(double frameMs, double paintMs) {
  if (!std::isfinite(frameMs) || !std::isfinite(paintMs) || frameMs < 0 || paintMs < 0) return;
  if (frameMs_.size() < capacity_) {
    frameMs_.push_back(frameMs);
    paintMs_.push_back(paintMs);
  } else {
    frameMs_[next_] = frameMs;
    paintMs_[next_] = paintMs;
    next_ = (next_ + 1) % capacity_;
  }
  ++total_;
}

void FrameTimeMeter::clear() {
  frameMs_.clear();
  paintMs_.clear();
  next_ = 0;
  total_ = 0;
}

double FrameTimeMeter::percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  const size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

double FrameTimeMeter::p50Milliseconds() const { return percentile(frameMs_, 0.5); }
double FrameTimeMeter::p95Milliseconds() const { return percentile(frameMs_, 0.95); }
double FrameTimeMeter::paintP50Milliseconds() const { return percentile(paintMs_, 0.5); }
double FrameTimeMeter::paintP95Milliseconds() const { return percentile(paintMs_, 0.95); }

}  // namespace palaestra
