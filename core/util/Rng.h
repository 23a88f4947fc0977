#pragma once
// A small, portable random number generator (xoshiro256** seeded by SplitMix64).
// std::*_distribution differ between standard libraries, so every draw that
// affects a simulation goes through this class to keep replays bit-exact.

#include <cmath>
#include <cstdint>

namespace palaestra {

/// SplitMix64 step: a good 64-bit mixer for deriving seeds.
inline uint64_t splitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Seed of one episode of one env of a run: distinct, stable streams per (run, env, episode).
inline uint64_t deriveSeed(uint64_t runSeed, uint64_t envIndex, uint64_t episodeIndex) {
  uint64_t s = runSeed;
  uint64_t a = splitMix64(s);
  s = a ^ (envIndex * 0xd1b54a32d192ed03ULL);
  uint64_t b = splitMix64(s);
  s = b ^ (episodeIndex * 0x8cb92ba72f3d8dd7ULL);
  return splitMix64(s);
}

class Rng {
 public:
  /// The whole state of a stream (no padding, so equal states are equal bytes).
  struct State {
    uint64_t words[4];
    double spareNormal;
    uint64_t hasSpareNormal;
  };

  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  /// The stream's state: an Rng given it by setState continues exactly where this one is.
  State state() const {
    return {{s_[0], s_[1], s_[2], s_[3]}, spareNormal_, hasSpareNormal_ ? 1u : 0u};
  }
  /// Continues the stream a state() was taken from.
  void setState(const State& state) {
    for (int i = 0; i < 4; ++i) s_[i] = state.words[i];
    spareNormal_ = state.spareNormal;
    hasSpareNormal_ = state.hasSpareNormal != 0;
  }

  /// Restarts the stream from a seed.
  void reseed(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : s_) w = splitMix64(s);
    hasSpareNormal_ = false;
  }
  /// Next raw 64 random bits.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform double in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n).
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  /// Uniform integer in [lo, hi] inclusive.
  int64_t integer(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  /// Standard normal draw (Box-Muller, caching the second value).
  double normal() {
    if (hasSpareNormal_) {
      hasSpareNormal_ = false;
      return spareNormal_;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 6.283185307179586 * u2;
    spareNormal_ = r * std::sin(theta);
    hasSpareNormal_ = true;
    return r * std::cos(theta);
  }
  /// Normal draw with a mean and standard deviation.
  double normal(double mean, double stddev) { return mean + stddev * normal(); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4]{};
  double spareNormal_ = 0;
  bool hasSpareNormal_ = false;
};

}  // namespace palaestra
