#pragma once
// Shared by the libFuzzer targets (and the tests of what they found): how a target reports a
// broken invariant, how crafted policy bytes get a valid header, and the byte layout the episode
// target reads a stored episode from.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "rl/Policy.h"
#include "store/EpisodeCodec.h"
#include "util/Compression.h"
#include "util/Hash.h"

namespace palaestra::fuzzing {

/// Reports a broken invariant and aborts, so libFuzzer keeps the input as a crash.
[[noreturn]] inline void finding(const char* what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

/// `payload` behind the header Policy::serialize() writes (magic, version, payload size, payload
/// checksum), so crafted or mutated payloads get past the checksum to the fields behind it.
inline std::vector<uint8_t> policyWithValidHeader(std::span<const uint8_t> payload) {
  std::vector<uint8_t> bytes(28 + payload.size());
  std::memcpy(bytes.data(), "PALPOLCY", 8);
  // Version 1: the payload layout of every policy without quantised spaces (the seeds, the tests).
  const uint32_t version = 1;
  const uint64_t size = payload.size();
  StateHasher hash;
  hash.addBytes(payload.data(), payload.size());
  const uint64_t checksum = hash.value();
  std::memcpy(bytes.data() + 8, &version, 4);
  std::memcpy(bytes.data() + 12, &size, 8);
  std::memcpy(bytes.data() + 20, &checksum, 8);
  if (!payload.empty()) std::memcpy(bytes.data() + 28, payload.data(), payload.size());
  return bytes;
}

/// The episode target's input: a flags byte (bit 0: the actions blob is given uncompressed and the
/// target compresses it, bit 1: the same for the hashes, bit 2: terminated, bit 3: truncated),
/// five little-endian 64-bit integers (seed, env index, episode index, length, action size), then
/// six fields each behind a 32-bit length (cut at the end of the input): outcome, task JSON, slot
/// returns JSON, info JSON, actions, hashes. Raw blobs let mutations reach the size checks behind
/// zstd's own checksums.
class EpisodeInput {
 public:
  /// Reads `data` in that layout (any bytes are a valid input).
  static EncodedEpisode read(const uint8_t* data, size_t size) {
    EpisodeInput in{data, size};
    EncodedEpisode e;
    const uint8_t flags = in.byte();
    e.terminated = flags & 4;
    e.truncated = flags & 8;
    e.seed = in.u64();
    e.envIndex = static_cast<int64_t>(in.u64());
    e.episodeIndex = in.u64();
    e.length = static_cast<int64_t>(in.u64());
    e.actionSize = static_cast<int64_t>(in.u64());
    e.outcome = in.text();
    e.taskJson = in.text();
    e.slotReturnsJson = in.text();
    e.infoJson = in.text();
    e.actions = in.blob();
    e.hashes = in.blob();
    if (flags & 1) e.actions = compressBytes(e.actions, 1);
    if (flags & 2) e.hashes = compressBytes(e.hashes, 1);
    return e;
  }

  /// `e` in that layout; `rawBlobs` decompresses the blobs and sets flag bits 0 and 1.
  static std::vector<uint8_t> write(const EncodedEpisode& e, bool rawBlobs) {
    std::vector<uint8_t> out;
    auto put = [&](const void* p, size_t n) {
      const size_t at = out.size();
      out.resize(at + n);
      if (n) std::memcpy(out.data() + at, p, n);
    };
    const uint8_t flags = (rawBlobs ? 3 : 0) | (e.terminated ? 4 : 0) | (e.truncated ? 8 : 0);
    put(&flags, 1);
    for (uint64_t v : {e.seed, static_cast<uint64_t>(e.envIndex), e.episodeIndex,
                       static_cast<uint64_t>(e.length), static_cast<uint64_t>(e.actionSize)})
      put(&v, 8);
    auto field = [&](const void* p, size_t n) {
      const uint32_t n32 = static_cast<uint32_t>(n);
      put(&n32, 4);
      put(p, n);
    };
    for (const std::string* t : {&e.outcome, &e.taskJson, &e.slotReturnsJson, &e.infoJson})
      field(t->data(), t->size());
    for (const std::vector<uint8_t>* b : {&e.actions, &e.hashes}) {
      std::vector<uint8_t> bytes = rawBlobs ? std::vector<uint8_t>{} : *b;
      if (rawBlobs && b == &e.actions && isByteShuffledActionLog(*b)) {
        // Raw means the floats themselves, whichever form the log was stored in.
        const std::vector<float> actions = decodeEpisode(e).actions;
        const auto* p = reinterpret_cast<const uint8_t*>(actions.data());
        bytes.assign(p, p + actions.size() * sizeof(float));
      } else if (rawBlobs) {
        bytes = decompressBytes(*b);
      }
      field(bytes.data(), bytes.size());
    }
    return out;
  }

 private:
  EpisodeInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t take(size_t n) {
    const size_t at = pos_;
    pos_ += std::min(n, size_ - pos_);
    return at;
  }
  uint8_t byte() { return pos_ < size_ ? data_[take(1)] : 0; }
  uint64_t u64() {
    uint64_t v = 0;
    const size_t n = std::min<size_t>(8, size_ - pos_);
    std::memcpy(&v, data_ + take(n), n);
    return v;
  }
  std::string text() {
    const size_t n = std::min<size_t>(static_cast<uint32_t>(u32()), size_ - pos_);
    return std::string(reinterpret_cast<const char*>(data_) + take(n), n);
  }
  std::vector<uint8_t> blob() {
    const size_t n = std::min<size_t>(static_cast<uint32_t>(u32()), size_ - pos_);
    const size_t at = take(n);
    return std::vector<uint8_t>(data_ + at, data_ + at + n);
  }
  uint32_t u32() {
    uint32_t v = 0;
    const size_t n = std::min<size_t>(4, size_ - pos_);
    std::memcpy(&v, data_ + take(n), n);
    return v;
  }

  const uint8_t* data_;
  size_t size_, pos_ = 0;
};

}  // namespace palaestra::fuzzing
