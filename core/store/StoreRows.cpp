#include "store/StoreRows.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/Errors.h"

namespace palaestra {

using nlohmann::json;

namespace {

std::vector<std::string> tagsFromJson(const std::string& text) {
  const json array = json::parse(text);
  if (!array.is_array()) throw std::invalid_argument("expected an array, got " + array.dump());
  std::vector<std::string> tags;
  for (const auto& tag : array) {
    if (!tag.is_string()) throw std::invalid_argument("expected a string, got " + tag.dump());
    tags.push_back(tag.get<std::string>());
  }
  return tags;
}

// A kind the CHECK constraint should have kept out: the row is damaged.
EpisodeKind storedKind(const std::string& text, int64_t episodeId, const std::string& path) {
  try {
    return episodeKindFromName(text);
  } catch (const ConfigError& e) {
    throw StoreError("episode " + std::to_string(episodeId) + " in " + path +
                     " is corrupt: " + e.what());
  }
}

}  // namespace

RunInfo readRun(const SqliteStatement& s, const std::string& path) {
  RunInfo run;
  run.id = s.columnInt(0);
  run.name = s.columnText(1);
  run.env = s.columnText(2);
  run.configJson = s.columnText(3);
  run.seed = fromStored(s.columnInt(4));
  run.codeVersion = s.columnText(5);
  run.createdAt = s.columnDouble(6);
  run.startedAt = s.columnOptionalDouble(7);
  run.endedAt = s.columnOptionalDouble(8);
  run.status = runStatusFromName(s.columnText(9));
  run.steps = s.columnInt(10);
  run.notes = s.columnText(11);
  try {
    run.tags = tagsFromJson(s.columnText(12));
  } catch (const std::exception& error) {
    throw StoreError("tags of run " + std::to_string(run.id) + " in " + path +
                     " are corrupt: " + error.what());
  }
  return run;
}

CheckpointInfo readCheckpoint(const SqliteStatement& s) {
  CheckpointInfo c;
  c.id = s.columnInt(0);
  c.runId = s.columnInt(1);
  c.step = s.columnInt(2);
  c.createdAt = s.columnDouble(3);
  c.metaJson = s.columnText(4);
  c.storedBytes = s.columnInt(5);
  c.policyBytes = s.columnInt(6);
  return c;
}

EpisodeSummary readEpisodeSummary(const SqliteStatement& s, const std::string& path) {
  EpisodeSummary e;
  e.id = s.columnInt(0);
  e.runId = s.columnInt(1);
  e.checkpointId = s.columnOptionalInt(2);
  e.kind = storedKind(s.columnText(3), e.id, path);
  e.envIndex = static_cast<int>(s.columnInt(4));
  e.episodeIndex = fromStored(s.columnInt(5));
  try {
    e.task = decodeDoubleList(s.columnText(6), "task_json");
    e.slotReturns = decodeDoubleList(s.columnText(10), "slot_returns_json");
  } catch (const EpisodeDecodeError& error) {
    throw StoreError("episode " + std::to_string(e.id) + " in " + path +
                     " is corrupt: " + error.what());
  }
  e.seed = fromStored(s.columnInt(7));
  e.length = static_cast<int>(s.columnInt(8));
  e.episodeReturn = s.columnDouble(9);
  e.outcome = s.columnText(11);
  e.terminated = s.columnInt(12) != 0;
  e.truncated = s.columnInt(13) != 0;
  e.createdAt = s.columnDouble(14);
  e.actionSize = static_cast<int>(s.columnInt(15));
  e.actionBytes = s.columnInt(16);
  return e;
}

std::pair<StoredEpisode, EncodedEpisode> readStoredEpisode(const SqliteStatement& s,
                                                           const std::string& path) {
  StoredEpisode stored;
  EncodedEpisode encoded;
  stored.id = s.columnInt(0);
  stored.runId = s.columnInt(1);
  stored.checkpointId = s.columnOptionalInt(2);
  stored.kind = storedKind(s.columnText(3), stored.id, path);
  stored.createdAt = s.columnDouble(4);
  encoded.seed = fromStored(s.columnInt(5));
  encoded.taskJson = s.columnText(6);
  encoded.envIndex = s.columnInt(7);
  encoded.episodeIndex = fromStored(s.columnInt(8));
  encoded.length = s.columnInt(9);
  encoded.actionSize = s.columnInt(10);
  encoded.slotReturnsJson = s.columnText(11);
  encoded.terminated = s.columnInt(12) != 0;
  encoded.truncated = s.columnInt(13) != 0;
  encoded.outcome = s.columnText(14);
  encoded.infoJson = s.columnText(15);
  encoded.actions = s.columnBlob(16);
  encoded.hashes = s.columnBlob(17);
  return {std::move(stored), std::move(encoded)};
}

EpisodeRow makeEpisodeRow(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                          double createdAt, const EpisodeRecord& record, int level) {
  return {runId,     checkpointId,           kind,
          createdAt, record.episodeReturn(), encodeEpisode(record, level)};
}

void insertEpisode(SqliteStatement& s, const EpisodeRow& row) {
  const EncodedEpisode& e = row.encoded;
  s.reset();
  s.bind(1, row.runId);
  s.bind(2, row.checkpointId);
  s.bind(3, episodeKindName(row.kind));
  s.bind(4, e.envIndex);
  s.bind(5, toStored(e.episodeIndex));
  s.bind(6, e.taskJson);
  s.bind(7, toStored(e.seed));
  s.bind(8, e.length);
  s.bind(9, e.actionSize);
  s.bind(10, row.episodeReturn);
  s.bind(11, e.slotReturnsJson);
  s.bind(12, e.outcome);
  s.bind(13, e.infoJson);
  s.bind(14, int64_t{e.terminated ? 1 : 0});
  s.bind(15, int64_t{e.truncated ? 1 : 0});
  s.bind(16, std::span<const uint8_t>(e.actions));
  s.bind(17, std::span<const uint8_t>(e.hashes));
  s.bind(18, row.createdAt);
  s.run();
}

}  // namespace palaestra
