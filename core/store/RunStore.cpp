// The run store's API. The parts it is built from: StoreDatabase (the
// connection, its lock and error messages), StoreSchema (checks and
// migrations), StoreWriter (the batched writer thread), StoreRows (rows <->
// records), EpisodeCodec (an episode's stored form), RunHeartbeat and
// CrashedRuns (run owners' liveness).
#include "store/RunStore.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "store/CrashedRuns.h"
#include "store/RunHeartbeat.h"
#include "store/StoreDatabase.h"
#include "store/StoreRows.h"
#include "store/StoreSchema.h"
#include "store/StoreWriter.h"
#include "util/Compression.h"
#include "util/Errors.h"
#include "util/ProcessIdentity.h"
#include "util/WallClock.h"

namespace palaestra {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void requireJson(const std::string& text, const std::string& what) {
  if (!json::accept(text)) throw ConfigError(what + " is not valid JSON: " + text.substr(0, 80));
}

std::string runNotFound(int64_t runId, const std::string& path) {
  return "no run with id " + std::to_string(runId) + " in " + path;
}

bool isLive(RunStatus status) {
  return status == RunStatus::Queued || status == RunStatus::Running;
}

// Decompresses a stored blob (a policy, a resume state) of `size` bytes; `what` names it in the
// StoreError that a corrupt or wrongly sized blob raises.
std::vector<uint8_t> decompressStored(std::span<const uint8_t> compressed, int64_t size,
                                      const std::string& what) {
  std::vector<uint8_t> bytes;
  try {
    bytes = decompressBytes(compressed);
  } catch (const StoreError& e) {
    throw StoreError(what + " is corrupt: " + e.what());
  }
  if (static_cast<int64_t>(bytes.size()) != size)
    throw StoreError(what + " is corrupt: " + std::to_string(bytes.size()) + " bytes, expected " +
                     std::to_string(size));
  return bytes;
}

}  // namespace

std::vector<std::string> normalizedTags(const std::vector<std::string>& tags) {
  std::vector<std::string> result;
  for (const std::string& tag : tags) {
    const size_t first = tag.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
      throw ConfigError("a tag is empty (tags must have at least one visible character)");
    }
    const size_t last = tag.find_last_not_of(" \t\r\n");
    std::string trimmed = tag.substr(first, last - first + 1);
    // Commas separate tags wherever they are edited or shown as one text.
    if (trimmed.find(',') != std::string::npos) {
      throw ConfigError("tag '" + trimmed + "' contains a comma (commas separate tags)");
    }
    if (std::find(result.begin(), result.end(), trimmed) == result.end()) {
      result.push_back(std::move(trimmed));
    }
  }
  return result;
}

class RunStore::Impl {
 public:
  Impl(const std::string& path, OpenMode mode, const Options& options)
      : db(path, mode, options), writer(db), heartbeat(db) {
    crashedRuns = findCrashedRuns(db, thisProcess(), nowSeconds());
    markCrashedRuns(db, crashedRuns);
  }

  const std::string& path() const { return db.path(); }

  // One text column of a run: `sql` binds the run id as ?1 and the text as ?2.
  void setRunText(int64_t runId, const char* sql, const std::string& text,
                  const std::string& doing) {
    writer.throwIfFailed();
    db.run(doing + " " + std::to_string(runId), [&](SqliteConnection& c) {
      SqliteStatement s(c, sql);
      s.bind(1, runId);
      s.bind(2, text);
      s.run();
      if (c.changes() == 0) throw NotFoundError(runNotFound(runId, path()));
    });
  }

  // ---- existence checks (cached: hot-path enqueues must not wait for a commit) ----

  void requireRun(int64_t runId) const {
    requireRow(runId, knownRuns_, "SELECT 1 FROM runs WHERE id = ?1", "run");
  }

  // An episode may be played by another run's checkpoint (league opponents), so
  // only existence is checked.
  void requireCheckpoint(int64_t checkpointId) const {
    requireRow(checkpointId, knownCheckpoints_, "SELECT 1 FROM checkpoints WHERE id = ?1",
               "checkpoint");
  }

  // Throws NotFoundError unless `sql` (binding the id as ?1) finds a row; found ids are cached.
  void requireRow(int64_t id, std::set<int64_t>& known, const char* sql,
                  const std::string& noun) const {
    {
      std::lock_guard cache(cacheMutex_);
      if (known.count(id)) return;
    }
    const bool found =
        db.run("reading " + noun + " " + std::to_string(id), [&](SqliteConnection& c) {
          SqliteStatement s(c, sql);
          s.bind(1, id);
          return s.step();
        });
    if (!found)
      throw NotFoundError("no " + noun + " with id " + std::to_string(id) + " in " + path());
    std::lock_guard cache(cacheMutex_);
    known.insert(id);
  }

  void rememberRun(int64_t runId) const {
    std::lock_guard cache(cacheMutex_);
    knownRuns_.insert(runId);
  }

  void rememberCheckpoint(int64_t checkpointId) const {
    std::lock_guard cache(cacheMutex_);
    knownCheckpoints_.insert(checkpointId);
  }

  void forgetRun(int64_t runId) const {
    std::lock_guard cache(cacheMutex_);
    knownRuns_.erase(runId);
    // Its checkpoints are gone too; forget them all rather than track owners.
    knownCheckpoints_.clear();
  }

  StoreDatabase db;
  StoreWriter writer;                   // declared after db: destroyed (and flushed) before it
  RunHeartbeat heartbeat;               // stopped first
  std::vector<CrashedRun> crashedRuns;  // found at open

 private:
  mutable std::mutex cacheMutex_;  // guards the two id caches; never held while taking db's lock
  mutable std::set<int64_t> knownRuns_;
  mutable std::set<int64_t> knownCheckpoints_;
};

// ---------------------------------------------------------------------------

int RunStore::currentSchemaVersion() {
  return currentStoreSchemaVersion();
}

std::string RunStore::defaultPath() {
  // The XDG spec says relative values are invalid and must be ignored.
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) {
    return (fs::path(xdg) / "palaestra" / "runs.sqlite").string();
  }
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    throw StoreError("cannot place the run store: neither XDG_DATA_HOME nor HOME is set");
  }
  return (fs::path(home) / ".local" / "share" / "palaestra" / "runs.sqlite").string();
}

RunStore::RunStore(const std::string& path, OpenMode mode) : RunStore(path, mode, Options{}) {}

RunStore::RunStore(const std::string& path, OpenMode mode, const Options& options) {
  if (options.busyTimeoutMs < 0 || options.batchIntervalMs < 0 || options.batchMaxItems < 1 ||
      options.maxQueuedItems < options.batchMaxItems || options.maxSizeBytes < 0 ||
      options.heartbeatIntervalMs < 1 || !(options.foreignHeartbeatTimeoutSeconds > 0)) {
    throw ConfigError(
        "invalid run store options: timeouts and sizes must be non-negative, the heartbeat "
        "interval and foreign timeout positive, and maxQueuedItems >= batchMaxItems >= 1");
  }
  impl_ = std::make_unique<Impl>(path, mode, options);
}

// The writer commits what is queued as it stops; a failure there stays visible
// to anyone who called flush() before destruction.
RunStore::~RunStore() = default;

const std::string& RunStore::path() const {
  return impl_->path();
}

int64_t RunStore::storeSizeBytes() const {
  std::error_code ec;
  int64_t total = 0;
  for (const std::string& file : {impl_->path(), impl_->path() + "-wal"}) {
    const auto size = fs::file_size(file, ec);
    if (!ec) total += static_cast<int64_t>(size);
  }
  return total;
}

void RunStore::saveCopyTo(const std::string& path) const {
  const std::string what = "cannot save a copy of run store " + impl_->path() + " to " + path;
  if (path.empty()) throw StoreError(what + ": no file name given");
  // Everything queued belongs in the copy.
  impl_->writer.flush();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec)))
    throw StoreError(what + ": a file of that name already exists (it is never overwritten)");
  if (fs::absolute(path, ec) == fs::absolute(impl_->path(), ec))
    throw StoreError(what + ": that is the store's own file");
  // VACUUM INTO's errors are about the copy, not the store: they get their own messages.
  impl_->db.run("saving a copy", [&](SqliteConnection& c) {
    try {
      SqliteStatement s(c, "VACUUM INTO ?1");
      s.bind(1, path);
      s.run();
    } catch (const SqliteError& e) {
      std::string reason = e.what();
      if (e.primaryCode() == SQLITE_CANTOPEN) {
        const fs::path parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::is_directory(parent, ec))
          reason = "directory " + parent.string() + " does not exist";
        else
          reason = "the file cannot be created (" + reason + ")";
      } else if (e.primaryCode() == SQLITE_FULL || e.primaryCode() == SQLITE_IOERR) {
        if (e.primaryCode() == SQLITE_FULL) reason = "disk full";
        // The copy was created above and is only partly written: useless, and it
        // would block the next attempt. (Other failures may not have created it.)
        fs::remove(path, ec);
      }
      throw StoreError(what + ": " + reason);
    }
  });
}

const std::vector<CrashedRun>& RunStore::crashedRunsFound() const {
  return impl_->crashedRuns;
}

bool RunStore::fileMoved() const {
  return impl_->db.run("checking its file", [&](SqliteConnection& c) {
    int moved = 0;
    const int rc = sqlite3_file_control(c.handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
    if (rc != SQLITE_OK) {
      throw StoreError("run store " + impl_->path() + ": cannot check whether its file moved (" +
                       sqlite3_errstr(rc) + ")");
    }
    return moved != 0;
  });
}

// ---- runs ----

int64_t RunStore::createRun(const NewRun& run) {
  requireJson(run.configJson, "run config");
  impl_->writer.throwIfFailed();
  const int64_t id = impl_->db.run("creating a run", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO runs (name, env, config_json, seed, code_version, created_at,"
                      " started_at, status, steps, notes, owner_host, owner_pid, owner_started,"
                      " heartbeat_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?11,"
                      " ?12, ?13)");
    s.bind(1, run.name);
    s.bind(2, run.env);
    s.bind(3, run.configJson);
    s.bind(4, toStored(run.seed));
    s.bind(5, run.codeVersion);
    const double now = nowSeconds();
    s.bind(6, now);
    // A queued run has not started: updateRun sets startedAt when it does.
    if (run.status == RunStatus::Queued)
      s.bindNull(7);
    else
      s.bind(7, now);
    s.bind(8, runStatusName(run.status));
    s.bind(9, run.notes);
    // A queued or running run is this process's to heartbeat until it ends.
    if (isLive(run.status)) {
      const ProcessIdentity& self = thisProcess();
      s.bind(10, self.host);
      s.bind(11, self.pid);
      s.bind(12, self.started);
      s.bind(13, now);
    }
    s.run();
    return c.lastInsertId();
  });
  impl_->rememberRun(id);
  if (isLive(run.status)) impl_->heartbeat.own(id);
  return id;
}

std::vector<RunInfo> RunStore::listRuns() const {
  return impl_->db.run("listing runs", [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
    std::vector<RunInfo> runs;
    while (s.step()) runs.push_back(readRun(s, impl_->path()));
    return runs;
  });
}

RunInfo RunStore::getRun(int64_t runId) const {
  return impl_->db.run("reading run " + std::to_string(runId), [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1");
    s.bind(1, runId);
    if (!s.step()) throw NotFoundError(runNotFound(runId, impl_->path()));
    return readRun(s, impl_->path());
  });
}

void RunStore::updateRun(int64_t runId, const RunUpdate& update) {
  // No check of the writer's health here: a run whose data could not be
  // written (disk full) must still be marked failed.
  if (update.configJson) requireJson(*update.configJson, "run config");
  const bool takesOwnership = update.status && isLive(*update.status);
  impl_->db.run("updating run " + std::to_string(runId), [&](SqliteConnection& c) {
    // COALESCE keeps a column when its parameter is NULL (field not set); the
    // owner columns change only when ?6 (the run becomes queued or running) is 1.
    SqliteStatement s(c,
                      "UPDATE runs SET status = COALESCE(?2, status), steps = COALESCE(?3, steps),"
                      " started_at = COALESCE(?4, started_at),"
                      " ended_at = CASE WHEN ?11 THEN NULL ELSE COALESCE(?5, ended_at) END,"
                      " config_json = COALESCE(?12, config_json),"
                      " owner_host = IIF(?6, ?7, owner_host), owner_pid = IIF(?6, ?8, owner_pid),"
                      " owner_started = IIF(?6, ?9, owner_started),"
                      " heartbeat_at = IIF(?6, ?10, heartbeat_at) WHERE id = ?1");
    s.bind(1, runId);
    if (update.status)
      s.bind(2, runStatusName(*update.status));
    else
      s.bindNull(2);
    s.bind(3, update.steps);
    s.bind(4, update.startedAt);
    s.bind(5, update.endedAt);
    const ProcessIdentity& self = thisProcess();
    s.bind(6, int64_t{takesOwnership ? 1 : 0});
    s.bind(7, self.host);
    s.bind(8, self.pid);
    s.bind(9, self.started);
    s.bind(10, nowSeconds());
    s.bind(11, int64_t{update.clearEndedAt ? 1 : 0});
    if (update.configJson)
      s.bind(12, *update.configJson);
    else
      s.bindNull(12);
    s.run();
    if (c.changes() == 0) throw NotFoundError(runNotFound(runId, impl_->path()));
  });
  if (takesOwnership)
    impl_->heartbeat.own(runId);
  else if (update.status)
    impl_->heartbeat.release(runId);
}

void RunStore::renameRun(int64_t runId, const std::string& name) {
  impl_->setRunText(runId, "UPDATE runs SET name = ?2 WHERE id = ?1", name, "renaming run");
}

void RunStore::setNotes(int64_t runId, const std::string& notes) {
  impl_->setRunText(runId, "UPDATE runs SET notes = ?2 WHERE id = ?1", notes,
                    "writing notes of run");
}

void RunStore::setTags(int64_t runId, const std::vector<std::string>& tags) {
  impl_->setRunText(runId, "UPDATE runs SET tags_json = ?2 WHERE id = ?1",
                    json(normalizedTags(tags)).dump(), "writing tags of run");
}

void RunStore::deleteRun(int64_t runId) {
  // Queued rows of this run would violate their foreign key after the delete.
  impl_->writer.flush();
  impl_->db.transact("deleting run " + std::to_string(runId), [&](SqliteConnection& c) {
    SqliteStatement s(c, "DELETE FROM runs WHERE id = ?1");
    s.bind(1, runId);
    s.run();
    if (c.changes() == 0) throw NotFoundError(runNotFound(runId, impl_->path()));
  });
  impl_->heartbeat.release(runId);
  impl_->forgetRun(runId);
}

// ---- metrics ----

void RunStore::logMetric(int64_t runId, int64_t step, const std::string& name, double value) {
  logMetric(runId, MetricPoint{step, nowSeconds(), name, value});
}

void RunStore::logMetric(int64_t runId, const MetricPoint& point) {
  impl_->requireRun(runId);
  impl_->writer.enqueueMetric(runId, point);
}

std::vector<std::string> RunStore::metricNames(int64_t runId) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading metric names", [&](SqliteConnection& c) {
    SqliteStatement s(c, "SELECT DISTINCT name FROM metrics WHERE run_id = ?1 ORDER BY name");
    s.bind(1, runId);
    std::vector<std::string> names;
    while (s.step()) names.push_back(s.columnText(0));
    return names;
  });
}

namespace {

std::vector<MetricPoint> readMetricPoints(SqliteStatement& s) {
  std::vector<MetricPoint> points;
  while (s.step()) {
    points.push_back({s.columnInt(0), s.columnDouble(1), s.columnText(2), s.columnDouble(3)});
  }
  return points;
}

}  // namespace

std::vector<MetricPoint> RunStore::metrics(int64_t runId,
                                           const std::optional<std::string>& name) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading metrics", [&](SqliteConnection& c) {
    SqliteStatement s(c, name ? "SELECT step, wall_time, name, value FROM metrics"
                                " WHERE run_id = ?1 AND name = ?2 ORDER BY step, rowid"
                              : "SELECT step, wall_time, name, value FROM metrics"
                                " WHERE run_id = ?1 ORDER BY name, step, rowid");
    s.bind(1, runId);
    if (name) s.bind(2, *name);
    return readMetricPoints(s);
  });
}

std::vector<MetricPoint> RunStore::metricsAfterStep(int64_t runId, const std::string& name,
                                                    int64_t afterStep) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading metrics", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "SELECT step, wall_time, name, value FROM metrics"
                      " WHERE run_id = ?1 AND name = ?2 AND step > ?3 ORDER BY step, rowid");
    s.bind(1, runId);
    s.bind(2, name);
    s.bind(3, afterStep);
    return readMetricPoints(s);
  });
}

// ---- checkpoints ----

int64_t RunStore::addCheckpoint(int64_t runId, int64_t step, std::span<const uint8_t> policy,
                                const std::string& metaJson) {
  return addCheckpoint(runId, step, policy, metaJson, CheckpointEpisodes{});
}

int64_t RunStore::addCheckpoint(int64_t runId, int64_t step, std::span<const uint8_t> policy,
                                const std::string& metaJson, const CheckpointEpisodes& episodes) {
  requireJson(metaJson, "checkpoint meta");
  for (const EpisodeRecord& e : episodes.eval) validateEpisodeRecord(e);
  impl_->writer.throwIfFailed();
  impl_->requireRun(runId);
  // The training episodes to link must be committed, so their row ids are known.
  if (!episodes.train.empty()) impl_->writer.flush();
  const std::vector<int64_t> trainIds = impl_->writer.takeRowIds(episodes.train);
  const int level = impl_->db.options().compressionLevel;
  const std::vector<uint8_t> compressed = compressBytes(policy, level);
  const std::vector<uint8_t> resumeState =
      episodes.resumeState.empty() ? std::vector<uint8_t>{} : compressBytes(episodes.resumeState, level);
  const double now = nowSeconds();
  std::vector<EpisodeRow> evalRows;
  for (const EpisodeRecord& e : episodes.eval)
    evalRows.push_back(makeEpisodeRow(runId, std::nullopt, EpisodeKind::Eval, now, e, level));
  const int64_t id = impl_->db.transact("writing a checkpoint", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO checkpoints (run_id, step, created_at, policy, policy_size,"
                      " meta_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, runId);
    s.bind(2, step);
    s.bind(3, now);
    s.bind(4, std::span<const uint8_t>(compressed));
    s.bind(5, static_cast<int64_t>(policy.size()));
    s.bind(6, metaJson);
    s.run();
    const int64_t checkpointId = c.lastInsertId();
    if (!evalRows.empty()) {
      SqliteStatement insert(c, kInsertEpisodeSql);
      for (EpisodeRow& row : evalRows) {
        row.checkpointId = checkpointId;
        insertEpisode(insert, row);
      }
    }
    if (!trainIds.empty()) {
      SqliteStatement link(c, "UPDATE episodes SET checkpoint_id = ?1 WHERE id = ?2");
      for (int64_t episodeId : trainIds) {
        link.reset();
        link.bind(1, checkpointId);
        link.bind(2, episodeId);
        link.run();
      }
    }
    if (!episodes.resumeState.empty()) {
      SqliteStatement save(c,
                           "INSERT OR REPLACE INTO resume_states (run_id, checkpoint_id, created_at,"
                           " state, state_size) VALUES (?1, ?2, ?3, ?4, ?5)");
      save.bind(1, runId);
      save.bind(2, checkpointId);
      save.bind(3, now);
      save.bind(4, std::span<const uint8_t>(resumeState));
      save.bind(5, static_cast<int64_t>(episodes.resumeState.size()));
      save.run();
    }
    return checkpointId;
  });
  impl_->rememberCheckpoint(id);
  return id;
}

const StoreDatabase& RunStore::database() const {
  return impl_->db;
}

std::vector<CheckpointInfo> RunStore::checkpoints(int64_t runId) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading checkpoints", [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kCheckpointColumns +
                             " FROM checkpoints WHERE run_id = ?1 ORDER BY step, id");
    s.bind(1, runId);
    std::vector<CheckpointInfo> result;
    while (s.step()) result.push_back(readCheckpoint(s));
    return result;
  });
}

void RunStore::updateCheckpointMeta(int64_t checkpointId, const std::string& metaJson) {
  requireJson(metaJson, "checkpoint meta");
  impl_->writer.throwIfFailed();
  impl_->db.run("updating checkpoint " + std::to_string(checkpointId), [&](SqliteConnection& c) {
    SqliteStatement s(c, "UPDATE checkpoints SET meta_json = ?2 WHERE id = ?1");
    s.bind(1, checkpointId);
    s.bind(2, metaJson);
    s.run();
    if (c.changes() == 0)
      throw NotFoundError("no checkpoint with id " + std::to_string(checkpointId) + " in " +
                          impl_->path());
  });
}

std::optional<ResumeState> RunStore::resumeState(int64_t runId) const {
  impl_->requireRun(runId);
  ResumeState result;
  std::vector<uint8_t> compressed;
  int64_t size = 0;
  const bool found = impl_->db.run(
      "reading the resume state of run " + std::to_string(runId), [&](SqliteConnection& c) {
        SqliteStatement s(c,
                          "SELECT checkpoint_id, created_at, state, state_size FROM resume_states"
                          " WHERE run_id = ?1");
        s.bind(1, runId);
        if (!s.step()) return false;
        result.runId = runId;
        result.checkpointId = s.columnInt(0);
        result.createdAt = s.columnDouble(1);
        compressed = s.columnBlob(2);
        size = s.columnInt(3);
        return true;
      });
  if (!found) return std::nullopt;
  result.state = decompressStored(
      compressed, size, "the resume state of run " + std::to_string(runId) + " in " + impl_->path());
  return result;
}

std::optional<CheckpointInfo> RunStore::latestCheckpoint(int64_t runId) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading checkpoints",
                       [&](SqliteConnection& c) -> std::optional<CheckpointInfo> {
                         SqliteStatement s(c, std::string("SELECT ") + kCheckpointColumns +
                                                  " FROM checkpoints WHERE run_id = ?1"
                                                  " ORDER BY step DESC, id DESC LIMIT 1");
                         s.bind(1, runId);
                         if (!s.step()) return std::nullopt;
                         return readCheckpoint(s);
                       });
}

Checkpoint RunStore::loadCheckpoint(int64_t checkpointId) const {
  Checkpoint checkpoint;
  const std::vector<uint8_t> compressed =
      impl_->db.run("reading checkpoint " + std::to_string(checkpointId), [&](SqliteConnection& c) {
        SqliteStatement s(c, std::string("SELECT ") + kCheckpointColumns +
                                 ", policy FROM checkpoints WHERE id = ?1");
        s.bind(1, checkpointId);
        if (!s.step()) {
          throw NotFoundError("no checkpoint with id " + std::to_string(checkpointId) + " in " +
                              impl_->path());
        }
        checkpoint.info = readCheckpoint(s);
        return s.columnBlob(7);
      });
  // Decompressing happens outside the database lock.
  checkpoint.policy =
      decompressStored(compressed, checkpoint.info.policyBytes,
                       "checkpoint " + std::to_string(checkpointId) + " in " + impl_->path());
  return checkpoint;
}

// ---- curriculum events ----

void RunStore::addCurriculumEvent(int64_t runId, CurriculumEvent event) {
  const nlohmann::json data = nlohmann::json::parse(event.dataJson, nullptr, false);
  if (!data.is_object())
    throw ConfigError("a curriculum event's data must be a JSON object, not: " +
                      event.dataJson.substr(0, 80));
  impl_->requireRun(runId);
  if (event.wallTime == 0.0) event.wallTime = nowSeconds();
  impl_->writer.enqueueCurriculumEvent(runId, std::move(event));
}

std::vector<CurriculumEvent> RunStore::curriculumEvents(int64_t runId, int64_t afterId) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading curriculum events", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "SELECT id, step, wall_time, kind, env_index, episode_index, data_json"
                      " FROM curriculum_events WHERE run_id = ?1 AND id > ?2 ORDER BY id");
    s.bind(1, runId);
    s.bind(2, afterId);
    std::vector<CurriculumEvent> events;
    while (s.step()) {
      events.push_back({s.columnInt(0), s.columnInt(1), s.columnDouble(2),
                        curriculumEventKindFromName(s.columnText(3)),
                        static_cast<int>(s.columnInt(4)), s.columnInt(5), s.columnText(6)});
    }
    return events;
  });
}

// ---- episodes ----

void RunStore::addEpisode(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                          const EpisodeRecord& record) {
  validateEpisodeRecord(record);
  impl_->requireRun(runId);
  if (checkpointId) impl_->requireCheckpoint(*checkpointId);
  impl_->writer.enqueueEpisode({runId, checkpointId, kind, nowSeconds(), record});
}

RunStore::EpisodeTicket RunStore::addTrainingEpisode(int64_t runId, const EpisodeRecord& record) {
  validateEpisodeRecord(record);
  impl_->requireRun(runId);
  return impl_->writer.enqueueTicketedEpisode(
      {runId, std::nullopt, EpisodeKind::Train, nowSeconds(), record});
}

void RunStore::retractEpisode(EpisodeTicket ticket) {
  impl_->writer.retract(ticket);
}

int64_t RunStore::addEpisodeNow(int64_t runId, std::optional<int64_t> checkpointId,
                                EpisodeKind kind, const EpisodeRecord& record) {
  validateEpisodeRecord(record);
  impl_->writer.flush();
  impl_->requireRun(runId);
  if (checkpointId) impl_->requireCheckpoint(*checkpointId);
  const EpisodeRow row = makeEpisodeRow(runId, checkpointId, kind, nowSeconds(), record,
                                        impl_->db.options().compressionLevel);
  return impl_->db.run("writing an episode", [&](SqliteConnection& c) {
    SqliteStatement s(c, kInsertEpisodeSql);
    insertEpisode(s, row);
    return c.lastInsertId();
  });
}

std::vector<EpisodeSummary> RunStore::episodes(int64_t runId,
                                               std::optional<EpisodeKind> kind) const {
  impl_->requireRun(runId);
  return impl_->db.run("reading episodes", [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kEpisodeSummaryColumns +
                             " FROM episodes WHERE run_id = ?1 AND (?2 IS NULL OR kind = ?2)"
                             " ORDER BY id");
    s.bind(1, runId);
    if (kind)
      s.bind(2, episodeKindName(*kind));
    else
      s.bindNull(2);
    std::vector<EpisodeSummary> result;
    while (s.step()) result.push_back(readEpisodeSummary(s, impl_->path()));
    return result;
  });
}

EpisodeSummary RunStore::episodeSummary(int64_t episodeId) const {
  return impl_->db.run("reading episode " + std::to_string(episodeId), [&](SqliteConnection& c) {
    SqliteStatement s(
        c, std::string("SELECT ") + kEpisodeSummaryColumns + " FROM episodes WHERE id = ?1");
    s.bind(1, episodeId);
    if (!s.step()) {
      throw NotFoundError("no episode with id " + std::to_string(episodeId) + " in " +
                          impl_->path());
    }
    return readEpisodeSummary(s, impl_->path());
  });
}

StoredEpisode RunStore::loadEpisode(int64_t episodeId) const {
  auto [stored, encoded] =
      impl_->db.run("reading episode " + std::to_string(episodeId), [&](SqliteConnection& c) {
        SqliteStatement s(
            c, std::string("SELECT ") + kStoredEpisodeColumns + " FROM episodes WHERE id = ?1");
        s.bind(1, episodeId);
        if (!s.step()) {
          throw NotFoundError("no episode with id " + std::to_string(episodeId) + " in " +
                              impl_->path());
        }
        return readStoredEpisode(s, impl_->path());
      });
  // Decoding happens outside the database lock.
  try {
    stored.record = decodeEpisode(encoded);
  } catch (const EpisodeDecodeError& e) {
    throw StoreError("episode " + std::to_string(episodeId) + " in " + impl_->path() +
                     " is corrupt: " + e.what());
  }
  return stored;
}

void RunStore::flush() {
  impl_->writer.flush();
}

}  // namespace palaestra
