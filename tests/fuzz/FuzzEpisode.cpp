// libFuzzer target: the episode decoder (core/store/EpisodeCodec decodeEpisode), the one place
// stored episode bytes become a record that replays re-simulate. The input is an EncodedEpisode
// in the layout of fuzzing::EpisodeInput (scalar columns, JSON texts, blobs given compressed or
// raw). A decoded record must be well formed (validateEpisodeRecord) and must encode and decode
// back to itself bit for bit. EpisodeDecodeError is the only acceptable outcome of bad input;
// anything else is a finding.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "FuzzSupport.h"
#include "store/EpisodeCodec.h"

using namespace palaestra;

namespace {

// Equal, or both NaN (a stored NaN reads back as the quiet NaN).
bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const EncodedEpisode stored = fuzzing::EpisodeInput::read(data, size);
  EpisodeRecord record;
  try {
    record = decodeEpisode(stored);
  } catch (const EpisodeDecodeError&) {
    return 0;
  }
  try {
    validateEpisodeRecord(record);
  } catch (const std::invalid_argument&) {
    fuzzing::finding("a decoded episode record is malformed");
  }
  const EpisodeRecord again = decodeEpisode(encodeEpisode(record, 1));
  bool equal = again.seed == record.seed && again.envIndex == record.envIndex &&
               again.episodeIndex == record.episodeIndex && again.length == record.length &&
               again.actionSize == record.actionSize && again.terminated == record.terminated &&
               again.truncated == record.truncated && again.info.outcome == record.info.outcome &&
               same(again.task, record.task) && same(again.slotReturns, record.slotReturns) &&
               again.hashes == record.hashes &&
               again.info.values.size() == record.info.values.size() &&
               again.actions.size() == record.actions.size() &&
               (record.actions.empty() || std::memcmp(again.actions.data(), record.actions.data(),
                                                      record.actions.size() * sizeof(float)) == 0);
  for (size_t i = 0; equal && i < record.info.values.size(); ++i)
    equal = again.info.values[i].first == record.info.values[i].first &&
            same(again.info.values[i].second, record.info.values[i].second);
  if (!equal) fuzzing::finding("a decoded episode does not encode and decode back to itself");
  return 0;
}
