#pragma once
// The run store: one SQLite file (WAL mode) holding everything a training run
// produces: runs, metric time series, checkpoints and replayable episodes.
//
// Writes of the hot path (logMetric, addEpisode) only enqueue and return; a
// writer thread commits them in batched transactions (every batchIntervalMs or
// batchMaxItems items). flush() blocks until all queued items are committed.
// Everything else (createRun, addCheckpoint, updateRun, ...) is synchronous.
//
// If the writer fails (disk full, I/O error, locked by another writer), it
// stops and keeps the error; the next call to any write method or flush()
// throws StoreError with that message. The failed batch is rolled back;
// everything committed before stays in the file.
//
// Reads see what is committed: call flush() first to read your own queued
// writes. All methods are thread-safe.
//
// Crash consistency: a store records itself (host, pid, process start) as the
// owner of every run it creates or sets queued/running, and a heartbeat thread
// refreshes those runs' heartbeat_at every heartbeatIntervalMs until they end.
// Every open looks for queued or running runs whose owner is dead (same host:
// the process is gone or its pid was reused; another host: the heartbeat is
// older than foreignHeartbeatTimeoutSeconds) and marks them crashed;
// crashedRunsFound() tells the caller, which says so. A file that cannot be
// written (read-only) is reported on, not written.
//
// Errors: StoreError for the file (missing, not a database, corrupt, foreign,
// newer schema, locked, disk full), NotFoundError for unknown ids, ConfigError
// for invalid arguments (e.g. config that is not JSON).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/RunRecords.h"

namespace palaestra {

class StoreDatabase;

/// `tags` trimmed, duplicates dropped (first kept); throws ConfigError for an empty tag or one
/// containing a comma. What setTags stores; editors use it to validate before saving.
std::vector<std::string> normalizedTags(const std::vector<std::string>& tags);

class RunStore {
 public:
  /// How to open the file.
  enum class OpenMode {
    CreateOrOpen,  // training: creates the file (and its directory) if missing
    OpenExisting,  // read commands: a missing file is a StoreError "no run store at PATH"
  };

  /// Tunables; the defaults suit training. Tests shorten the timeouts.
  struct Options {
    int busyTimeoutMs = 5000;     // how long to wait for another writer before "locked"
    int batchIntervalMs = 100;    // the writer commits at least this often while items are queued
    int batchMaxItems = 2000;     // ... or as soon as this many items are queued
    int maxQueuedItems = 200000;  // enqueueing blocks beyond this (the disk cannot keep up)
    int64_t maxSizeBytes =
        0;  // quota on the main file (0 = none); writes beyond fail as "disk full"
            // (PRAGMA max_page_count; tests use it to simulate a full disk)
    int compressionLevel = 3;        // zstd level for policies and episode logs
    int heartbeatIntervalMs = 5000;  // how often the owner of a run refreshes its heartbeat
    double foreignHeartbeatTimeoutSeconds =
        600;  // a run owned on another host (or by an old
              // Palaestra) is crashed once its heartbeat is this old
  };

  /// Names an episode added with addTrainingEpisode until addCheckpoint links it.
  using EpisodeTicket = uint64_t;

  /// What addCheckpoint stores with the checkpoint, in the same transaction.
  struct CheckpointEpisodes {
    std::vector<EpisodeRecord> eval;   // evaluation episodes played by the checkpoint
    std::vector<EpisodeTicket> train;  // kept training episodes of its interval, to link to it
    std::vector<uint8_t> resumeState;  // the training state to continue from it (empty: none);
                                       // replaces the run's earlier one
  };

  /// Highest schema version this code knows (PRAGMA user_version of a current store).
  static int currentSchemaVersion();
  /// $XDG_DATA_HOME/palaestra/runs.sqlite, else ~/.local/share/palaestra/runs.sqlite.
  static std::string defaultPath();

  /// Opens (or creates) the store at `path`, checks it and migrates its schema; throws StoreError.
  explicit RunStore(const std::string& path, OpenMode mode = OpenMode::CreateOrOpen);
  /// As above, with explicit options.
  RunStore(const std::string& path, OpenMode mode, const Options& options);
  /// Flushes queued writes (errors are swallowed: call flush() to see them), joins the writer,
  /// closes.
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// The file this store was opened from.
  const std::string& path() const;
  /// Bytes on disk: the main file plus its write-ahead log.
  int64_t storeSizeBytes() const;

  /// Writes a compacted copy of the whole store to a new file at `path` (flushing the queue
  /// first, then SQLite's VACUUM INTO): works even when this store's own file was deleted while
  /// open. Throws StoreError with the reason if it fails; never overwrites an existing file.
  void saveCopyTo(const std::string& path) const;
  /// True if the file this store was opened from was deleted or renamed since (SQLite keeps
  /// using the open file, so nothing written goes to `path()` any more); throws StoreError.
  bool fileMoved() const;
  /// Runs this open found dead (see above), marked crashed unless the file is not writable.
  const std::vector<CrashedRun>& crashedRunsFound() const;

  // ---- runs (synchronous) ----

  /// Creates a run with `run.status`, created now and started now unless queued; returns its id.
  /// A queued or running run is owned (and heartbeated) by this store's process.
  int64_t createRun(const NewRun& run);
  /// All runs, oldest first.
  std::vector<RunInfo> listRuns() const;
  /// One run; throws NotFoundError "no run with id N in PATH".
  RunInfo getRun(int64_t runId) const;
  /// Changes the set fields of `update`; throws NotFoundError for an unknown run. Setting the
  /// status queued or running makes this process the run's owner; any other status ends its
  /// heartbeat. Works after the writer failed, so a run can still be marked failed.
  void updateRun(int64_t runId, const RunUpdate& update);
  /// Renames a run; throws NotFoundError for an unknown run.
  void renameRun(int64_t runId, const std::string& name);
  /// Replaces a run's notes; throws NotFoundError for an unknown run.
  void setNotes(int64_t runId, const std::string& notes);
  /// Replaces a run's tags: each is trimmed, duplicates dropped, order kept; throws ConfigError
  /// for an empty tag or one containing a comma, NotFoundError for an unknown run.
  void setTags(int64_t runId, const std::vector<std::string>& tags);
  /// Deletes a run with its metrics, checkpoints and episodes (after flushing the queue).
  void deleteRun(int64_t runId);

  // ---- metrics (queued) ----

  /// Enqueues one metric point stamped with the current wall time; returns at once.
  /// Throws NotFoundError for an unknown run (checked once per run, then cached).
  void logMetric(int64_t runId, int64_t step, const std::string& name, double value);
  /// Enqueues one metric point as given; returns at once.
  void logMetric(int64_t runId, const MetricPoint& point);
  /// Names of a run's metrics, sorted; throws NotFoundError for an unknown run.
  std::vector<std::string> metricNames(int64_t runId) const;
  /// A run's metric points (one name, or all when unset), ordered by name then step; throws
  /// NotFoundError for an unknown run.
  std::vector<MetricPoint> metrics(int64_t runId,
                                   const std::optional<std::string>& name = std::nullopt) const;
  /// Points of one metric with step > afterStep, ordered by step: lets a live chart read only
  /// what arrived since its last read. Throws NotFoundError for an unknown run.
  std::vector<MetricPoint> metricsAfterStep(int64_t runId, const std::string& name,
                                            int64_t afterStep) const;

  // ---- checkpoints (synchronous: the id is needed by the episodes that follow) ----

  /// Stores policy bytes (zstd-compressed) with small JSON meta; returns the checkpoint id.
  int64_t addCheckpoint(int64_t runId, int64_t step, std::span<const uint8_t> policy,
                        const std::string& metaJson = "{}");
  /// As above, and in the same transaction (after flushing the queue) stores its evaluation
  /// episodes and links the kept training episodes to it: a crash leaves all of it or none.
  /// Throws std::invalid_argument for a ticket not issued, already linked or retracted.
  int64_t addCheckpoint(int64_t runId, int64_t step, std::span<const uint8_t> policy,
                        const std::string& metaJson, const CheckpointEpisodes& episodes);
  /// A run's checkpoints, by step; throws NotFoundError for an unknown run.
  std::vector<CheckpointInfo> checkpoints(int64_t runId) const;
  /// The checkpoint with the highest step (latest id on ties), or nullopt if the run has none;
  /// throws NotFoundError for an unknown run.
  std::optional<CheckpointInfo> latestCheckpoint(int64_t runId) const;
  /// A checkpoint with decompressed policy bytes; throws NotFoundError for an unknown id.
  Checkpoint loadCheckpoint(int64_t checkpointId) const;
  /// Replaces a checkpoint's meta JSON; throws ConfigError if it is not JSON, NotFoundError for
  /// an unknown id.
  void updateCheckpointMeta(int64_t checkpointId, const std::string& metaJson);

  // ---- resume states (synchronous) ----

  /// The run's resume point, or nullopt when it has none (runs stored before resume states);
  /// throws NotFoundError for an unknown run, StoreError if the stored bytes are corrupt.
  std::optional<ResumeState> resumeState(int64_t runId) const;

  // ---- curriculum events ----

  /// Enqueues one curriculum event (stamped now when its wall time is 0); returns at once. Throws
  /// ConfigError when its data is not a JSON object, NotFoundError for an unknown run.
  void addCurriculumEvent(int64_t runId, CurriculumEvent event);
  /// A run's curriculum events with id > afterId, in order: a live view reads only what is new.
  /// Throws NotFoundError for an unknown run.
  std::vector<CurriculumEvent> curriculumEvents(int64_t runId, int64_t afterId = 0) const;

  // ---- episodes ----

  /// Enqueues an episode (compressed on the writer thread); returns at once.
  void addEpisode(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                  const EpisodeRecord& record);
  /// Enqueues a kept training episode without a checkpoint yet and returns its ticket, which
  /// retractEpisode or addCheckpoint take. Lets a run's kept episodes reach the file as they form.
  EpisodeTicket addTrainingEpisode(int64_t runId, const EpisodeRecord& record);
  /// Enqueues the removal of an episode added with addTrainingEpisode that is no longer kept
  /// (a provisional best or last superseded); one still queued is never written. Throws
  /// std::invalid_argument for a ticket not issued, already linked or retracted.
  void retractEpisode(EpisodeTicket ticket);
  /// Writes an episode now (after flushing the queue) and returns its id, e.g. for `eval` to print.
  int64_t addEpisodeNow(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                        const EpisodeRecord& record);
  /// A run's episodes without action logs, oldest first (optionally of one kind).
  std::vector<EpisodeSummary> episodes(int64_t runId,
                                       std::optional<EpisodeKind> kind = std::nullopt) const;
  /// Summary of one episode; throws NotFoundError "no episode with id N in PATH".
  EpisodeSummary episodeSummary(int64_t episodeId) const;
  /// One episode with everything needed to replay it, bit-exact; throws NotFoundError.
  StoredEpisode loadEpisode(int64_t episodeId) const;

  // ---- queue ----

  /// Blocks until everything queued so far is committed; throws StoreError if the writer failed.
  void flush();

 private:
  friend class LeagueStore;  // its tables share this store's connection
  /// The connection (for LeagueStore).
  const StoreDatabase& database() const;
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace palaestra
