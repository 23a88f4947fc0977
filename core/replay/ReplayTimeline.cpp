#include "replay/ReplayTimeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "util/Rng.h"

namespace palaestra {
namespace {

bool same(const Vec2f& a, const Vec2f& b) { return a.x == b.x && a.y == b.y; }
bool same(const Rgba& a, const Rgba& b) {
  return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}
bool same(const std::vector<Vec2f>& a, const std::vector<Vec2f>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const Vec2f& p, const Vec2f& q) { return same(p, q); });
}
bool same(const ScenePolygon& a, const ScenePolygon& b) {
  return a.layer == b.layer && same(a.fill, b.fill) && same(a.outline, b.outline) &&
         same(a.points, b.points);
}
bool same(const SceneLine& a, const SceneLine& b) {
  return a.layer == b.layer && a.width == b.width && same(a.color, b.color) &&
         same(a.points, b.points);
}
bool same(const SceneCircle& a, const SceneCircle& b) {
  return a.layer == b.layer && a.radius == b.radius && same(a.center, b.center) &&
         same(a.fill, b.fill) && same(a.outline, b.outline);
}
bool same(const SceneParticles& a, const SceneParticles& b) {
  return a.size == b.size && same(a.color, b.color) && a.xyAngle == b.xyAngle &&
         std::equal(a.colors.begin(), a.colors.end(), b.colors.begin(), b.colors.end(),
                    [](const Rgba& p, const Rgba& q) { return same(p, q); });
}
bool same(const SceneLabel& a, const SceneLabel& b) {
  return a.screenSpace == b.screenSpace && same(a.position, b.position) && a.text == b.text &&
         same(a.color, b.color);
}

// Number of leading elements of `list` equal to those of `base`.
template <class T>
uint32_t sharedPrefix(const std::vector<T>& base, const std::vector<T>& list) {
  const size_t n = std::min(base.size(), list.size());
  size_t i = 0;
  while (i < n && same(base[i], list[i])) ++i;
  return static_cast<uint32_t>(i);
}

// Copies what follows the shared prefix; the copy's capacity is exact.
template <class T>
void copyTail(const std::vector<T>& list, uint32_t prefix, std::vector<T>& out) {
  out = std::vector<T>(list.begin() + prefix, list.end());
}

// Turns `cache` (whose first `cachePrefix` elements are base's) into base's first `prefix`
// elements followed by `own`, copying only what changes.
template <class T>
void rebuild(std::vector<T>& cache, uint32_t& cachePrefix, const std::vector<T>& base,
             uint32_t prefix, const std::vector<T>& own) {
  const uint32_t keep = std::min(cachePrefix, prefix);
  cache.erase(cache.begin() + keep, cache.end());
  cache.insert(cache.end(), base.begin() + keep, base.begin() + prefix);
  cache.insert(cache.end(), own.begin(), own.end());
  cachePrefix = prefix;
}

size_t heapBytes(const std::vector<Vec2f>& v) { return v.capacity() * sizeof(Vec2f); }
size_t heapBytes(const ScenePolygon& p) { return heapBytes(p.points); }
size_t heapBytes(const SceneLine& l) { return heapBytes(l.points); }
size_t heapBytes(const SceneCircle&) { return 0; }
size_t heapBytes(const SceneParticles& p) {
  return p.xyAngle.capacity() * sizeof(float) + p.colors.capacity() * sizeof(Rgba);
}
size_t heapBytes(const SceneLabel& l) {
  return l.text.capacity() > 15 ? l.text.capacity() + 1 : 0;  // beyond the small-string buffer
}
template <class T>
size_t heapBytes(const std::vector<T>& list) {
  size_t bytes = list.capacity() * sizeof(T);
  for (const T& item : list) bytes += heapBytes(item);
  return bytes;
}
size_t heapBytes(const Scene& s) {
  return heapBytes(s.polygons) + heapBytes(s.lines) + heapBytes(s.circles) +
         heapBytes(s.particles) + heapBytes(s.labels);
}

}  // namespace

ReplayTimeline::ReplayTimeline(Env& env, EpisodeRecord record)
    : env_(env), record_(std::move(record)), checker_(env, record_) {
  if (!checker_.problem().empty()) complete_ = true;
  liveMetricNames_ = env_.spec().liveMetrics;
  liveMetrics_.resize(liveMetricNames_.size());
}

std::span<const double> ReplayTimeline::liveMetricValues(size_t metric) const {
  if (metric >= liveMetrics_.size())
    throw std::out_of_range("live metric " + std::to_string(metric) +
                            " does not exist (the env has " + std::to_string(liveMetrics_.size()) +
                            ")");
  return liveMetrics_[metric];
}

void ReplayTimeline::addFrame() {
  scratch_.clear();
  env_.describe(scratch_);
  Frame f;
  if (frames_.empty()) {
    base_ = scratch_;
    f.sharedPrefix[0] = static_cast<uint32_t>(base_.polygons.size());
    f.sharedPrefix[1] = static_cast<uint32_t>(base_.lines.size());
    f.sharedPrefix[2] = static_cast<uint32_t>(base_.circles.size());
    f.sharedPrefix[3] = static_cast<uint32_t>(base_.particles.size());
    f.sharedPrefix[4] = static_cast<uint32_t>(base_.labels.size());
  } else {
    f.sharedPrefix[0] = sharedPrefix(base_.polygons, scratch_.polygons);
    f.sharedPrefix[1] = sharedPrefix(base_.lines, scratch_.lines);
    f.sharedPrefix[2] = sharedPrefix(base_.circles, scratch_.circles);
    f.sharedPrefix[3] = sharedPrefix(base_.particles, scratch_.particles);
    f.sharedPrefix[4] = sharedPrefix(base_.labels, scratch_.labels);
    copyTail(scratch_.polygons, f.sharedPrefix[0], f.own.polygons);
    copyTail(scratch_.lines, f.sharedPrefix[1], f.own.lines);
    copyTail(scratch_.circles, f.sharedPrefix[2], f.own.circles);
    copyTail(scratch_.particles, f.sharedPrefix[3], f.own.particles);
    copyTail(scratch_.labels, f.sharedPrefix[4], f.own.labels);
  }
  f.own.focus = scratch_.focus;
  f.own.viewWidth = scratch_.viewWidth;
  f.own.viewHeight = scratch_.viewHeight;
  f.own.background = scratch_.background;
  frames_.push_back(std::move(f));
  // Envs without live metrics (the walker, the fight) skip episodeInfo here altogether.
  if (!liveMetricNames_.empty()) {
    const EpisodeInfo info = env_.episodeInfo();
    for (size_t m = 0; m < liveMetricNames_.size(); ++m) {
      double value = std::numeric_limits<double>::quiet_NaN();
      for (const auto& [name, v] : info.values)
        if (name == liveMetricNames_[m]) value = v;
      liveMetrics_[m].push_back(value);
    }
  }
}

bool ReplayTimeline::buildSome(int maxSteps) {
  if (complete_) return true;
  if (frames_.empty()) {
    const size_t frames = static_cast<size_t>(record_.length) + 1;
    frames_.reserve(frames);
    rewards_.reserve(frames - 1);
    cumulative_.reserve(frames);
    matches_.reserve(frames);
    for (auto& series : liveMetrics_) series.reserve(frames);
    matches_.push_back(checker_.begin(env_));
    cumulative_.push_back(0.0);
    addFrame();
  }
  for (int n = 0; n < maxSteps && !checker_.finished(); ++n) {
    const ReplayHashChecker::Step step = checker_.advance(env_);
    rewards_.push_back(step.reward);
    cumulative_.push_back(cumulative_.back() + step.reward);
    matches_.push_back(step.hashMatches);
    addFrame();
    if ((step.status.terminated || step.status.truncated) && !checker_.finished()) {
      endedEarly_ = true;  // a diverging replay can end before the recorded steps run out
      break;
    }
  }
  if (checker_.finished() || endedEarly_) {
    complete_ = true;
    info_ = env_.episodeInfo();
  }
  return complete_;
}

const Scene& ReplayTimeline::frame(int index) const {
  if (index < 0 || index >= frameCount())
    throw std::out_of_range("replay frame " + std::to_string(index) + " is not built (" +
                            std::to_string(frameCount()) + " frames available)");
  if (index == cacheIndex_) return cache_;
  const Frame& f = frames_[static_cast<size_t>(index)];
  rebuild(cache_.polygons, cachePrefix_[0], base_.polygons, f.sharedPrefix[0], f.own.polygons);
  rebuild(cache_.lines, cachePrefix_[1], base_.lines, f.sharedPrefix[1], f.own.lines);
  rebuild(cache_.circles, cachePrefix_[2], base_.circles, f.sharedPrefix[2], f.own.circles);
  rebuild(cache_.particles, cachePrefix_[3], base_.particles, f.sharedPrefix[3], f.own.particles);
  rebuild(cache_.labels, cachePrefix_[4], base_.labels, f.sharedPrefix[4], f.own.labels);
  cache_.focus = f.own.focus;
  cache_.viewWidth = f.own.viewWidth;
  cache_.viewHeight = f.own.viewHeight;
  cache_.background = f.own.background;
  cacheIndex_ = index;
  return cache_;
}

double ReplayTimeline::returnUpTo(int index) const {
  if (index < 0 || index >= static_cast<int>(cumulative_.size()))
    throw std::out_of_range("replay frame " + std::to_string(index) + " is not built (" +
                            std::to_string(cumulative_.size()) + " frames available)");
  return cumulative_[static_cast<size_t>(index)];
}

bool ReplayTimeline::hashMatches(int index) const {
  if (index < 0 || index >= static_cast<int>(matches_.size()))
    throw std::out_of_range("replay frame " + std::to_string(index) + " is not built (" +
                            std::to_string(matches_.size()) + " frames available)");
  return matches_[static_cast<size_t>(index)] != 0;
}

ReplayCheck ReplayTimeline::check() const {
  ReplayCheck c = checker_.result();
  if (endedEarly_) {
    c.ok = false;
    c.message += "; the re-simulated episode ended after " + std::to_string(checker_.stepsDone()) +
                 " of " + std::to_string(record_.length) + " recorded steps";
  }
  return c;
}

double ReplayTimeline::bytesPerFrame() const {
  if (frames_.empty()) return 0.0;
  size_t bytes = heapBytes(base_) + frames_.capacity() * sizeof(Frame) +
                 rewards_.capacity() * sizeof(float) + cumulative_.capacity() * sizeof(double) +
                 matches_.capacity();
  for (const auto& series : liveMetrics_) bytes += series.capacity() * sizeof(double);
  for (const Frame& f : frames_) bytes += heapBytes(f.own);
  return static_cast<double>(bytes) / static_cast<double>(frames_.size());
}

namespace {
// Written after each timed seek so the compiler cannot drop the seek.
volatile size_t seekSink = 0;
}  // namespace

SeekTimings measureSeeks(const ReplayTimeline& timeline, int seeks, uint64_t seed) {
  if (seeks <= 0) throw std::invalid_argument("measureSeeks needs a positive number of seeks");
  if (timeline.frameCount() == 0)
    throw std::invalid_argument("measureSeeks needs a timeline with at least one built frame");
  Rng rng(seed);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(seeks));
  for (int i = 0; i < seeks; ++i) {
    const int index = static_cast<int>(rng.below(static_cast<uint64_t>(timeline.frameCount())));
    const auto t0 = std::chrono::steady_clock::now();
    const Scene& scene = timeline.frame(index);
    seekSink = scene.polygons.size();
    const auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  SeekTimings t;
  t.seeks = seeks;
  std::sort(ms.begin(), ms.end());
  t.maxMs = ms.back();
  t.medianMs = ms[ms.size() / 2];
  t.p95Ms = ms[static_cast<size_t>(std::ceil(0.95 * static_cast<double>(ms.size()))) - 1];
  double sum = 0;
  for (double v : ms) sum += v;
  t.meanMs = sum / static_cast<double>(ms.size());
  return t;
}

}  // namespace palaestra
