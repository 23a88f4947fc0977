#include "util/Compression.h"

#include <zstd.h>

#include <memory>
#include <utility>
#include <string>

#include "util/Errors.h"

namespace palaestra {

std::vector<uint8_t> compressBytes(std::span<const uint8_t> data, int level) {
  // One context per call keeps this thread-safe; creating it costs microseconds.
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!context) throw StoreError("zstd compression failed: out of memory");
  // The content size lets decompressBytes size and check its output; the
  // checksum makes flipped bits in a stored blob an error instead of wrong data.
  for (const auto& [parameter, value] : {std::pair{ZSTD_c_compressionLevel, level},
                                          std::pair{ZSTD_c_contentSizeFlag, 1},
                                          std::pair{ZSTD_c_checksumFlag, 1}}) {
    const size_t rc = ZSTD_CCtx_setParameter(context.get(), parameter, value);
    if (ZSTD_isError(rc)) {
      throw StoreError(std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
    }
  }
  std::vector<uint8_t> out(ZSTD_compressBound(data.size()));
  const size_t written =
      ZSTD_compress2(context.get(), out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(written)) {
    throw StoreError(std::string("zstd compression failed: ") + ZSTD_getErrorName(written));
  }
  out.resize(written);
  return out;
}

std::vector<uint8_t> decompressBytes(std::span<const uint8_t> frame, size_t maxSize) {
  const unsigned long long contentSize = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (contentSize == ZSTD_CONTENTSIZE_ERROR) {
    throw StoreError("corrupt compressed data: not a zstd frame (" +
                     std::to_string(frame.size()) + " bytes)");
  }
  if (contentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
    throw StoreError("corrupt compressed data: zstd frame does not record its content size");
  }
  if (contentSize > maxSize) {
    throw StoreError("corrupt compressed data: frame claims " + std::to_string(contentSize) +
                     " bytes, more than the limit of " + std::to_string(maxSize));
  }
  std::vector<uint8_t> out(static_cast<size_t>(contentSize));
  const size_t got = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(got)) {
    throw StoreError(std::string("corrupt compressed data: ") + ZSTD_getErrorName(got));
  }
  if (got != out.size()) {
    throw StoreError("corrupt compressed data: decoded " + std::to_string(got) +
                     " bytes, frame header says " + std::to_string(out.size()));
  }
  return out;
}

}  // namespace palaestra
