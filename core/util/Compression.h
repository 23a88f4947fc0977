#pragma once
// zstd compression of byte vectors (policy weights, episode action logs and
// hashes in the run store). Every frame records its content size and a
// checksum, so a decompressed blob is checked for length and content.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace palaestra {

/// Compresses `data` into one zstd frame at `level` (1 fast .. 19 small).
std::vector<uint8_t> compressBytes(std::span<const uint8_t> data, int level = 3);

/// Decompresses one zstd frame; throws StoreError if it is corrupt, lacks a content size,
/// decodes to a different size than recorded, or would exceed `maxSize` bytes.
std::vector<uint8_t> decompressBytes(std::span<const uint8_t> frame,
                                     size_t maxSize = size_t{1} << 31);

}  // namespace palaestra
