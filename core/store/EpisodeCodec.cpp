#include "store/EpisodeCodec.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>

#include "util/Compression.h"
#include "util/JsonText.h"

namespace palaestra {

using nlohmann::json;

// Action logs and hashes are stored as the raw in-memory bytes; the file
// format is defined as little-endian, which is every platform we build for.
static_assert(std::endian::native == std::endian::little,
              "the run store's blob format assumes a little-endian host");

namespace {

// The deepest JSON any column holds: info values are an array of [name, value] pairs.
constexpr int kColumnJsonDepth = 2;

// A short excerpt of a JSON value for an error message (values come from the
// file, so they may be huge).
std::string excerpt(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// Parses one JSON column, refusing nesting deeper than the format has before it
// is built (deep nesting is what makes nlohmann's recursive copies overflow).
json parseColumn(const std::string& text, const char* column) {
  try {
    return parseJsonText(text, kColumnJsonDepth);
  } catch (const JsonTextError& e) {
    const std::string& field = e.field();
    throw EpisodeDecodeError(std::string(column) + (field.empty() || field[0] == '[' ? "" : ".") +
                             field + " " + e.problem());
  }
}

// JSON has no NaN or infinity; store those as strings so they round-trip.
// Finite doubles round-trip exactly through nlohmann's shortest formatting.
json doubleToJson(double value) {
  if (std::isfinite(value)) return value;
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

double doubleFromJson(const json& value, const char* column) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw EpisodeDecodeError(std::string(column) + ": expected a number, got " + excerpt(value));
}

const json& requireArray(const json& value, const char* column) {
  if (!value.is_array())
    throw EpisodeDecodeError(std::string(column) + ": expected an array, got " + excerpt(value));
  return value;
}

// Info values keep their order (and any duplicate names): an array of pairs.
json infoValuesToJson(const EpisodeInfo& info) {
  json array = json::array();
  for (const auto& [name, value] : info.values)
    array.push_back(json::array({name, doubleToJson(value)}));
  return array;
}

std::vector<std::pair<std::string, double>> infoValuesFromJson(const std::string& text) {
  const char* column = "info_json";
  const json array = parseColumn(text, column);
  std::vector<std::pair<std::string, double>> values;
  for (const auto& pair : requireArray(array, column)) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string()) {
      throw EpisodeDecodeError(std::string(column) + ": expected [name, value], got " +
                               excerpt(pair));
    }
    values.emplace_back(pair[0].get<std::string>(), doubleFromJson(pair[1], column));
  }
  return values;
}

template <typename T>
std::span<const uint8_t> asBytes(const std::vector<T>& values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(T)};
}

// Decompresses a blob that must hold exactly `count` values of T.
template <typename T>
std::vector<T> decodeBlob(const std::vector<uint8_t>& frame, size_t count, const char* column) {
  const size_t expectedBytes = count * sizeof(T);
  std::vector<uint8_t> bytes;
  try {
    bytes = decompressBytes(frame, expectedBytes);
  } catch (const StoreError& e) {
    throw EpisodeDecodeError(std::string(column) + ": " + e.what());
  }
  if (bytes.size() != expectedBytes) {
    throw EpisodeDecodeError(std::string(column) + " holds " + std::to_string(bytes.size()) +
                             " bytes, expected " + std::to_string(expectedBytes));
  }
  std::vector<T> values(count);
  if (count > 0) std::memcpy(values.data(), bytes.data(), expectedBytes);
  return values;
}

// Marks an action log stored as byte planes (see kShuffledActionsMarker in the header). Neither
// a zstd frame (28 b5 2f fd) nor a zstd skippable frame (5x 2a 4d 18) starts like this, so every
// blob stored before the planes existed still reads as the plain frame it is.
constexpr uint8_t kPlanesMarker[4] = {0x89, 'P', 'L', '4'};

bool hasPlanesMarker(std::span<const uint8_t> blob) {
  return blob.size() >= sizeof(kPlanesMarker) &&
         std::memcmp(blob.data(), kPlanesMarker, sizeof(kPlanesMarker)) == 0;
}

// Byte i of float k goes to plane i at position k (Blosc's shuffle): the sign/exponent bytes of
// a few distinct values form long runs zstd compresses to almost nothing.
std::vector<uint8_t> toBytePlanes(std::span<const uint8_t> bytes) {
  const size_t n = bytes.size() / 4;
  std::vector<uint8_t> planes(bytes.size());
  for (size_t k = 0; k < n; ++k)
    for (size_t i = 0; i < 4; ++i) planes[i * n + k] = bytes[k * 4 + i];
  return planes;
}

std::vector<uint8_t> fromBytePlanes(const std::vector<uint8_t>& planes) {
  const size_t n = planes.size() / 4;
  std::vector<uint8_t> bytes(planes.size());
  for (size_t k = 0; k < n; ++k)
    for (size_t i = 0; i < 4; ++i) bytes[k * 4 + i] = planes[i * n + k];
  return bytes;
}

}  // namespace

std::vector<uint8_t> encodeActionLog(std::span<const float> actions, int level) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(actions.data()),
                                       actions.size() * sizeof(float));
  std::vector<uint8_t> blob(std::begin(kPlanesMarker), std::end(kPlanesMarker));
  const std::vector<uint8_t> frame = compressBytes(toBytePlanes(bytes), level);
  blob.insert(blob.end(), frame.begin(), frame.end());
  return blob;
}

bool isByteShuffledActionLog(std::span<const uint8_t> blob) { return hasPlanesMarker(blob); }

std::vector<float> decodeActionLog(const std::vector<uint8_t>& blob, size_t count) {
  if (count > kMaxEpisodeBlobBytes / sizeof(float))
    throw EpisodeDecodeError("actions: " + std::to_string(count) + " floats exceed the " +
                             std::to_string(kMaxEpisodeBlobBytes >> 20) + " MiB blob limit");
  if (!hasPlanesMarker(blob)) return decodeBlob<float>(blob, count, "actions");
  // The planes hold the same bytes, transposed: the frame's own size and checksum checks apply.
  const std::vector<uint8_t> frame(blob.begin() + sizeof(kPlanesMarker), blob.end());
  const std::vector<uint8_t> bytes =
      fromBytePlanes(decodeBlob<uint8_t>(frame, count * sizeof(float), "actions"));
  std::vector<float> actions(count);
  if (count > 0) std::memcpy(actions.data(), bytes.data(), bytes.size());
  return actions;
}

void validateEpisodeRecord(const EpisodeRecord& r) {
  if (r.length < 0 || r.actionSize < 0) {
    throw std::invalid_argument("episode record has negative length or action size");
  }
  const size_t expectedActions = static_cast<size_t>(r.length) * static_cast<size_t>(r.actionSize);
  if (r.actions.size() != expectedActions) {
    throw std::invalid_argument("episode record has " + std::to_string(r.actions.size()) +
                                " action floats, expected length " + std::to_string(r.length) +
                                " x action size " + std::to_string(r.actionSize));
  }
  if (r.hashes.size() != static_cast<size_t>(r.length) + 1) {
    throw std::invalid_argument(
        "episode record has " + std::to_string(r.hashes.size()) +
        " state hashes, expected length + 1 = " + std::to_string(r.length + 1));
  }
}

std::string encodeDoubleList(const std::vector<double>& values) {
  json array = json::array();
  for (double v : values) array.push_back(doubleToJson(v));
  return array.dump();
}

std::vector<double> decodeDoubleList(const std::string& text, const char* column) {
  const json array = parseColumn(text, column);
  std::vector<double> values;
  values.reserve(requireArray(array, column).size());
  for (const auto& v : array) values.push_back(doubleFromJson(v, column));
  return values;
}

EncodedEpisode encodeEpisode(const EpisodeRecord& r, int level) {
  EncodedEpisode e;
  e.seed = r.seed;
  e.envIndex = r.envIndex;
  e.episodeIndex = r.episodeIndex;
  e.length = r.length;
  e.actionSize = r.actionSize;
  e.terminated = r.terminated;
  e.truncated = r.truncated;
  e.outcome = r.info.outcome;
  e.taskJson = encodeDoubleList(r.task);
  e.slotReturnsJson = encodeDoubleList(r.slotReturns);
  e.infoJson = infoValuesToJson(r.info).dump();
  e.actions = encodeActionLog(r.actions, level);
  e.hashes = compressBytes(asBytes(r.hashes), level);
  return e;
}

EpisodeRecord decodeEpisode(const EncodedEpisode& stored) {
  constexpr int64_t kIntMax = std::numeric_limits<int>::max();
  if (stored.length < 0 || stored.length >= kIntMax) {
    throw EpisodeDecodeError("length " + std::to_string(stored.length) + " is out of range");
  }
  if (stored.actionSize < 0 || stored.actionSize > kIntMax) {
    throw EpisodeDecodeError("action size " + std::to_string(stored.actionSize) +
                             " is out of range");
  }
  if (stored.envIndex < 0 || stored.envIndex > kIntMax) {
    throw EpisodeDecodeError("env index " + std::to_string(stored.envIndex) + " is out of range");
  }
  // Both factors are below 2^31, so the product cannot overflow 64 bits.
  const uint64_t actionCount =
      static_cast<uint64_t>(stored.length) * static_cast<uint64_t>(stored.actionSize);
  const uint64_t hashCount = static_cast<uint64_t>(stored.length) + 1;
  if (actionCount > kMaxEpisodeBlobBytes / sizeof(float) ||
      hashCount > kMaxEpisodeBlobBytes / sizeof(uint64_t)) {
    throw EpisodeDecodeError("length " + std::to_string(stored.length) + " x action size " +
                             std::to_string(stored.actionSize) + " exceeds the " +
                             std::to_string(kMaxEpisodeBlobBytes >> 20) + " MiB blob limit");
  }
  EpisodeRecord r;
  r.seed = stored.seed;
  r.envIndex = static_cast<int>(stored.envIndex);
  r.episodeIndex = stored.episodeIndex;
  r.length = static_cast<int>(stored.length);
  r.actionSize = static_cast<int>(stored.actionSize);
  r.terminated = stored.terminated;
  r.truncated = stored.truncated;
  r.info.outcome = stored.outcome;
  r.task = decodeDoubleList(stored.taskJson, "task_json");
  r.slotReturns = decodeDoubleList(stored.slotReturnsJson, "slot_returns_json");
  r.info.values = infoValuesFromJson(stored.infoJson);
  r.actions = decodeActionLog(stored.actions, static_cast<size_t>(actionCount));
  r.hashes = decodeBlob<uint64_t>(stored.hashes, static_cast<size_t>(hashCount), "hashes");
  return r;
}

}  // namespace palaestra
