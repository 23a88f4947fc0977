#pragma once
// The episode codec: an EpisodeRecord to and from the form the run store keeps
// (scalar columns, JSON texts for the task, slot returns and info values, and
// zstd blobs for the action log and the state hashes). No SQLite here.
//
// decodeEpisode is the one place stored bytes become a record, so it trusts
// nothing: every malformed input (bad JSON, JSON nested deeper than the format,
// a corrupt or oversized zstd frame, sizes that disagree, negative or absurd
// counts) is an EpisodeDecodeError saying what is wrong, never a crash or a
// silently wrong record.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "replay/EpisodeRecord.h"
#include "util/Errors.h"

namespace palaestra {

/// A stored episode that cannot be decoded; the message names the column and the problem.
class EpisodeDecodeError : public StoreError {
 public:
  using StoreError::StoreError;
};

/// Largest action log or hash blob a stored episode may decode to (256 MiB): a bound on what
/// a damaged length field can make the decoder allocate.
inline constexpr size_t kMaxEpisodeBlobBytes = size_t{256} << 20;

/// An episode in its stored form. The integers are as wide as SQLite's, so a damaged column
/// is caught by the range checks instead of being truncated.
struct EncodedEpisode {
  uint64_t seed = 0;
  int64_t envIndex = 0;
  uint64_t episodeIndex = 0;
  int64_t length = 0;
  int64_t actionSize = 0;
  bool terminated = false;
  bool truncated = false;
  std::string outcome;
  std::string taskJson;          // JSON array of numbers ("nan", "inf", "-inf" as strings)
  std::string slotReturnsJson;   // the same
  std::string infoJson;          // JSON array of [name, number] pairs, in order
  std::vector<uint8_t> actions;  // the action log, in one of two forms (decodeEpisode reads both):
                                 // written now: the 4 bytes 89 'P' 'L' '4', then a zstd frame of
                                 // the floats' byte planes (byte 0 of every float, then byte 1, ..);
                                 // stored before: a zstd frame of length x actionSize
                                 // little-endian floats
  std::vector<uint8_t> hashes;   // zstd frame: length + 1 little-endian uint64 hashes
};

/// Throws std::invalid_argument unless `record` holds length x actionSize actions and
/// length + 1 hashes (what the store accepts and what a decoded record always satisfies).
void validateEpisodeRecord(const EpisodeRecord& record);

/// The stored form of an action log: marker, then the byte planes of the floats as one zstd frame
/// at `level` (quantised or discrete actions shrink to a fraction of a byte per value).
std::vector<uint8_t> encodeActionLog(std::span<const float> actions, int level);

/// The `count` floats of a stored action log in either form; throws EpisodeDecodeError
/// ("actions: ...") if it is malformed or does not hold exactly `count` floats.
std::vector<float> decodeActionLog(const std::vector<uint8_t>& blob, size_t count);

/// Whether a stored action blob is in the byte-plane form (else it is a plain zstd frame).
bool isByteShuffledActionLog(std::span<const uint8_t> blob);

/// Encodes a (valid) record, compressing the blobs at zstd `level`; bit-exact on decode.
EncodedEpisode encodeEpisode(const EpisodeRecord& record, int level);

/// Decodes stored columns to the record that was encoded; throws EpisodeDecodeError on any
/// malformed input.
EpisodeRecord decodeEpisode(const EncodedEpisode& stored);

/// Encodes a list of doubles as the task and slot-return columns store it.
std::string encodeDoubleList(const std::vector<double>& values);

/// Decodes a task or slot-return column; throws EpisodeDecodeError naming `column`.
std::vector<double> decodeDoubleList(const std::string& json, const char* column);

}  // namespace palaestra
