#pragma once
// Incremental 64-bit state hashing (FNV-1a over the raw bytes). Bit patterns are
// hashed, not values, so -0.0 and 0.0 differ: a replay must match bit for bit.

#include <cstdint>
#include <cstring>
#include <span>

namespace palaestra {

class StateHasher {
 public:
  /// Mixes raw bytes into the hash.
  void addBytes(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < size; ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  /// Mixes one trivially copyable value into the hash.
  template <typename T>
  void add(const T& value) {
    addBytes(&value, sizeof(T));
  }
  /// The hash so far.
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace palaestra
