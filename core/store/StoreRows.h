#pragma once
// How the run store's records map to table rows: the column lists its queries
// select, the episode insert shared by the writer thread and the synchronous
// calls, and the readers that turn a result row back into a record.

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "store/EpisodeCodec.h"
#include "store/RunRecords.h"
#include "store/Sqlite.h"

namespace palaestra {

/// Unsigned 64-bit values (seeds, episode indexes) go into SQLite's signed INTEGER with the
/// same bits.
inline int64_t toStored(uint64_t value) {
  return std::bit_cast<int64_t>(value);
}
/// The unsigned value a stored INTEGER holds.
inline uint64_t fromStored(int64_t value) {
  return std::bit_cast<uint64_t>(value);
}

/// Columns readRun expects, in order.
inline constexpr const char* kRunColumns =
    "id, name, env, config_json, seed, code_version, created_at, started_at, ended_at, status,"
    " steps, notes, tags_json";
/// A run from a row selected with kRunColumns; throws StoreError naming `path` if it is corrupt.
RunInfo readRun(const SqliteStatement& row, const std::string& path);

/// Columns readCheckpoint expects, in order.
inline constexpr const char* kCheckpointColumns =
    "id, run_id, step, created_at, meta_json, length(policy), policy_size";
/// A checkpoint's description from a row selected with kCheckpointColumns.
CheckpointInfo readCheckpoint(const SqliteStatement& row);

/// Columns readEpisodeSummary expects, in order.
inline constexpr const char* kEpisodeSummaryColumns =
    "id, run_id, checkpoint_id, kind, env_index, episode_index, task_json, seed, length,"
    " episode_return, slot_returns_json, outcome, terminated, truncated, created_at,"
    " action_size, length(actions)";
/// An episode summary from a row selected with kEpisodeSummaryColumns; throws StoreError naming
/// `path` if it is corrupt.
EpisodeSummary readEpisodeSummary(const SqliteStatement& row, const std::string& path);

/// Columns readStoredEpisode expects, in order.
inline constexpr const char* kStoredEpisodeColumns =
    "id, run_id, checkpoint_id, kind, created_at, seed, task_json, env_index, episode_index,"
    " length, action_size, slot_returns_json, terminated, truncated, outcome, info_json,"
    " actions, hashes";
/// Where a stored episode belongs (its record left empty) and its still-encoded columns, from a
/// row selected with kStoredEpisodeColumns; the caller decodes outside the database lock.
/// Throws StoreError naming `path` for a corrupt kind.
std::pair<StoredEpisode, EncodedEpisode> readStoredEpisode(const SqliteStatement& row,
                                                           const std::string& path);

/// One episode row ready to insert: where it belongs plus its encoded record.
struct EpisodeRow {
  int64_t runId = 0;
  std::optional<int64_t> checkpointId;
  EpisodeKind kind = EpisodeKind::Train;
  double createdAt = 0.0;
  double episodeReturn = 0.0;
  EncodedEpisode encoded;
};

/// Encodes `record` (zstd at `level`) into a row of run `runId`.
EpisodeRow makeEpisodeRow(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                          double createdAt, const EpisodeRecord& record, int level);

/// The INSERT statement insertEpisode runs.
inline constexpr const char* kInsertEpisodeSql =
    "INSERT INTO episodes (run_id, checkpoint_id, kind, env_index, episode_index, task_json, seed,"
    " length, action_size, episode_return, slot_returns_json, outcome, info_json, terminated,"
    " truncated, actions, hashes, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

/// Inserts `row` with `insert` (prepared from kInsertEpisodeSql, reused across rows).
void insertEpisode(SqliteStatement& insert, const EpisodeRow& row);

}  // namespace palaestra
