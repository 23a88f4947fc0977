#pragma once
// Encoding of env snapshots: trivially copyable values appended in host byte
// order (a snapshot serves this machine's replays and scrubbing, never another
// machine) and read back with bounds checks.

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace palaestra {

/// Appends one trivially copyable value's bytes.
template <typename T>
void snapshotPut(std::vector<uint8_t>& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

/// Appends a length-prefixed (uint64) block of bytes.
inline void snapshotPutBytes(std::vector<uint8_t>& out, const void* data, size_t size) {
  snapshotPut(out, static_cast<uint64_t>(size));
  const size_t at = out.size();
  out.resize(at + size);
  if (size) std::memcpy(out.data() + at, data, size);
}

/// Reads a snapshot front to back; a read past the end throws std::invalid_argument("<what> is
/// truncated").
class SnapshotReader {
 public:
  /// Reads `data`; `what` names it in errors, e.g. "walker snapshot".
  SnapshotReader(std::span<const uint8_t> data, std::string what)
      : data_(data), what_(std::move(what)) {}

  /// The next value.
  template <typename T>
  T take() {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    T value;
    std::memcpy(&value, data_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  /// The next block written by snapshotPutBytes (a view into the data).
  std::span<const uint8_t> takeBytes() {
    const auto size = take<uint64_t>();
    need(size);
    const auto bytes = data_.subspan(at_, static_cast<size_t>(size));
    at_ += static_cast<size_t>(size);
    return bytes;
  }
  /// The bytes not read yet.
  std::span<const uint8_t> rest() const { return data_.subspan(at_); }

 private:
  void need(uint64_t size) const {
    if (size > data_.size() - at_) throw std::invalid_argument(what_ + " is truncated");
  }

  std::span<const uint8_t> data_;
  std::string what_;
  size_t at_ = 0;
};

}  // namespace palaestra
