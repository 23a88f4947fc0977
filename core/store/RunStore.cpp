#include "store/RunStore.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "store/Sqlite.h"
#include "store/StoreSchema.h"
#include "util/Compression.h"
#include "util/Errors.h"
#include "util/WallClock.h"

namespace palaestra {

namespace fs = std::filesystem;
using nlohmann::json;

// Action logs and hashes are stored as the raw in-memory bytes; the file
// format is defined as little-endian, which is every platform we build for.
static_assert(std::endian::native == std::endian::little,
              "the run store's blob format assumes a little-endian host");

namespace {

// Unsigned 64-bit values go into SQLite's signed INTEGER with the same bits.
int64_t toStored(uint64_t value) { return std::bit_cast<int64_t>(value); }
uint64_t fromStored(int64_t value) { return std::bit_cast<uint64_t>(value); }

// JSON has no NaN or infinity; store those as strings so they round-trip.
// Finite doubles round-trip exactly through nlohmann's shortest formatting.
json doubleToJson(double value) {
  if (std::isfinite(value)) return value;
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

double doubleFromJson(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument("expected a number, got " + value.dump());
}

json doublesToJson(const std::vector<double>& values) {
  json array = json::array();
  for (double v : values) array.push_back(doubleToJson(v));
  return array;
}

std::vector<double> doublesFromJson(const json& array) {
  if (!array.is_array()) throw std::invalid_argument("expected an array, got " + array.dump());
  std::vector<double> values;
  values.reserve(array.size());
  for (const auto& v : array) values.push_back(doubleFromJson(v));
  return values;
}

// Info values keep their order (and any duplicate names): an array of pairs.
json infoValuesToJson(const EpisodeInfo& info) {
  json array = json::array();
  for (const auto& [name, value] : info.values) array.push_back(json::array({name, doubleToJson(value)}));
  return array;
}

std::vector<std::pair<std::string, double>> infoValuesFromJson(const json& array) {
  if (!array.is_array()) throw std::invalid_argument("expected an array, got " + array.dump());
  std::vector<std::pair<std::string, double>> values;
  for (const auto& pair : array) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string()) {
      throw std::invalid_argument("expected [name, value], got " + pair.dump());
    }
    values.emplace_back(pair[0].get<std::string>(), doubleFromJson(pair[1]));
  }
  return values;
}

template <typename T>
std::span<const uint8_t> asBytes(const std::vector<T>& values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(T)};
}

template <typename T>
std::vector<T> fromBytes(const std::vector<uint8_t>& bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

void requireJson(const std::string& text, const std::string& what) {
  if (!json::accept(text)) throw ConfigError(what + " is not valid JSON: " + text.substr(0, 80));
}

void validateEpisode(const EpisodeRecord& r) {
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
    throw std::invalid_argument("episode record has " + std::to_string(r.hashes.size()) +
                                " state hashes, expected length + 1 = " +
                                std::to_string(r.length + 1));
  }
}

// An episode in its stored form: JSON texts and compressed blobs.
struct EncodedEpisode {
  int64_t runId = 0;
  std::optional<int64_t> checkpointId;
  EpisodeKind kind = EpisodeKind::Train;
  double createdAt = 0.0;
  const EpisodeRecord* record = nullptr;
  std::string taskJson, slotReturnsJson, infoJson;
  std::vector<uint8_t> actions, hashes;
};

EncodedEpisode encodeEpisode(int64_t runId, std::optional<int64_t> checkpointId,
                             EpisodeKind kind, double createdAt, const EpisodeRecord& r,
                             int level) {
  EncodedEpisode e;
  e.runId = runId;
  e.checkpointId = checkpointId;
  e.kind = kind;
  e.createdAt = createdAt;
  e.record = &r;
  e.taskJson = doublesToJson(r.task).dump();
  e.slotReturnsJson = doublesToJson(r.slotReturns).dump();
  e.infoJson = infoValuesToJson(r.info).dump();
  e.actions = compressBytes(asBytes(r.actions), level);
  e.hashes = compressBytes(asBytes(r.hashes), level);
  return e;
}

constexpr const char* kInsertEpisodeSql =
    "INSERT INTO episodes (run_id, checkpoint_id, kind, env_index, episode_index, task_json, seed,"
    " length, action_size, episode_return, slot_returns_json, outcome, info_json, terminated,"
    " truncated, actions, hashes, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

void insertEpisode(SqliteStatement& s, const EncodedEpisode& e) {
  const EpisodeRecord& r = *e.record;
  s.reset();
  s.bind(1, e.runId);
  s.bind(2, e.checkpointId);
  s.bind(3, episodeKindName(e.kind));
  s.bind(4, int64_t{r.envIndex});
  s.bind(5, toStored(r.episodeIndex));
  s.bind(6, e.taskJson);
  s.bind(7, toStored(r.seed));
  s.bind(8, int64_t{r.length});
  s.bind(9, int64_t{r.actionSize});
  s.bind(10, r.episodeReturn());
  s.bind(11, e.slotReturnsJson);
  s.bind(12, r.info.outcome);
  s.bind(13, e.infoJson);
  s.bind(14, int64_t{r.terminated ? 1 : 0});
  s.bind(15, int64_t{r.truncated ? 1 : 0});
  s.bind(16, std::span<const uint8_t>(e.actions));
  s.bind(17, std::span<const uint8_t>(e.hashes));
  s.bind(18, e.createdAt);
  s.run();
}

constexpr const char* kInsertMetricSql =
    "INSERT INTO metrics (run_id, step, wall_time, name, value) VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kRunColumns =
    "id, name, env, config_json, seed, code_version, created_at, started_at, ended_at, status,"
    " steps, notes, tags_json";

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
    throw StoreError("tags of run " + std::to_string(run.id) + " in " + path + " are corrupt: " +
                     error.what());
  }
  return run;
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

constexpr const char* kCheckpointColumns =
    "id, run_id, step, created_at, meta_json, length(policy), policy_size";

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

constexpr const char* kEpisodeSummaryColumns =
    "id, run_id, checkpoint_id, kind, env_index, episode_index, task_json, seed, length,"
    " episode_return, slot_returns_json, outcome, terminated, truncated, created_at";

}  // namespace

// ---------------------------------------------------------------------------

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
  struct QueuedMetric {
    int64_t runId;
    MetricPoint point;
  };
  struct QueuedEpisode {
    int64_t runId;
    std::optional<int64_t> checkpointId;
    EpisodeKind kind;
    double createdAt;
    EpisodeRecord record;
  };

  Impl(const std::string& path, OpenMode mode, const Options& options)
      : path_(path), options_(options) {
    open(mode);
  }

  ~Impl() {
    try {
      stopWriter();
    } catch (...) {
      // A destructor must not throw; a failed final flush stays visible to
      // anyone who called flush() before destruction.
    }
  }

  // ---- error messages naming the file ----

  [[noreturn]] void throwTranslated(const SqliteError& e, const std::string& doing) const {
    throw StoreError(describe(e, doing));
  }

  // One text column of a run: `sql` binds the run id as ?1 and the text as ?2.
  void setRunText(int64_t runId, const char* sql, const std::string& text, const std::string& doing) {
    throwIfWriterFailed();
    std::lock_guard lock(dbMutex_);
    try {
      SqliteStatement s(*db_, sql);
      s.bind(1, runId);
      s.bind(2, text);
      s.run();
      if (db_->changes() == 0)
        throw NotFoundError("no run with id " + std::to_string(runId) + " in " + path_);
    } catch (const SqliteError& e) {
      throwTranslated(e, doing + " " + std::to_string(runId));
    }
  }

  std::string describe(const SqliteError& e, const std::string& doing) const {
    switch (e.primaryCode()) {
      case SQLITE_FULL: {
        std::string why = "disk full";
        if (options_.maxSizeBytes > 0) {
          why += " (or its size limit of " + std::to_string(options_.maxSizeBytes) +
                 " bytes reached)";
        }
        return "run store " + path_ + ": " + why + " while " + doing +
               "; everything written before is kept";
      }
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return "run store " + path_ + " is locked by another writer (gave up after " +
               std::to_string(options_.busyTimeoutMs) + " ms while " + doing + ")";
      case SQLITE_IOERR:
        return "run store " + path_ + ": I/O error while " + doing + " (" + e.what() +
               "); everything written before is kept";
      case SQLITE_CORRUPT:
        return "run store " + path_ + " is corrupt (" + e.what() + ") while " + doing;
      case SQLITE_NOTADB:
        return "cannot open run store " + path_ + ": file is not a database";
      case SQLITE_READONLY:
        return "run store " + path_ + " is read-only (" + e.what() + ") while " + doing;
      case SQLITE_CANTOPEN:
        return "cannot open run store " + path_ + " (" + e.what() + ")";
      case SQLITE_CONSTRAINT:
        return "run store " + path_ + ": constraint failed while " + doing + " (" + e.what() +
               "; was the run deleted?)";
      default:
        return "run store " + path_ + ": error while " + doing + " (" + e.what() + ")";
    }
  }

  // ---- opening ----

  void open(OpenMode mode) {
    std::error_code ec;
    const fs::file_status status = fs::status(path_, ec);
    const bool exists = fs::exists(status);
    if (exists && fs::is_directory(status)) {
      throw StoreError("cannot open run store " + path_ + ": it is a directory");
    }
    if (!exists) {
      if (mode == OpenMode::OpenExisting) throw StoreError("no run store at " + path_);
      const fs::path parent = fs::path(path_).parent_path();
      if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (ec) {
          throw StoreError("cannot create directory " + parent.string() + " for run store " +
                           path_ + ": " + ec.message());
        }
      }
    }
    const int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;  // dbMutex_ serialises all use
    try {
      db_ = std::make_unique<SqliteConnection>(path_, flags);
      sqlite3_busy_timeout(db_->handle(), options_.busyTimeoutMs);
      checkAndPrepare(mode);
    } catch (const SqliteError& e) {
      db_.reset();
      throwTranslated(e, "opening it");
    } catch (...) {
      db_.reset();
      throw;
    }
  }

  // Refuses anything that is not a healthy Palaestra store before writing a
  // single byte, then sets the connection up and migrates the schema.
  void checkAndPrepare(OpenMode mode) {
    // Reading the schema reads page 1: "file is not a database" surfaces here.
    const int64_t objects = db_->queryInt("SELECT count(*) FROM sqlite_master");
    const int64_t applicationId = db_->queryInt("PRAGMA application_id");
    const int64_t version = db_->queryInt("PRAGMA user_version");
    const bool empty = objects == 0 && applicationId == 0 && version == 0;
    if (empty && mode == OpenMode::OpenExisting) {
      throw StoreError("no run store at " + path_ + " (the file is an empty database)");
    }
    if (!empty && applicationId != kRunStoreApplicationId) {
      std::string tables;
      SqliteStatement list(*db_,
                           "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                           " LIMIT 6");
      int count = 0;
      while (list.step()) {
        if (count++ == 5) {
          tables += ", ...";
          break;
        }
        tables += (tables.empty() ? "" : ", ") + list.columnText(0);
      }
      throw StoreError("cannot open run store " + path_ +
                       ": it is an SQLite database of another program (tables: " +
                       (tables.empty() ? std::string("none") : tables) +
                       "), not a Palaestra run store");
    }
    const int current = RunStore::currentSchemaVersion();
    if (version > current) {
      throw StoreError("run store " + path_ + ": store schema version " + std::to_string(version) +
                       " is newer than this Palaestra (" + std::to_string(current) +
                       "); upgrade Palaestra");
    }
    if (!empty) {
      const std::string problem = firstIntegrityProblem();
      if (!problem.empty()) {
        throw StoreError("cannot open run store " + path_ + ": the database is corrupt (" +
                         problem + ")");
      }
    }

    db_->exec("PRAGMA foreign_keys = ON");
    const bool readOnly = sqlite3_db_readonly(db_->handle(), "main") == 1;
    if (!readOnly) {
      SqliteStatement journal(*db_, "PRAGMA journal_mode = WAL");
      const std::string modeName = journal.step() ? journal.columnText(0) : "";
      if (modeName != "wal") {
        throw StoreError("cannot open run store " + path_ + ": cannot switch it to WAL mode (" +
                         modeName + ")");
      }
    }
    // In WAL mode NORMAL loses no committed data on an application crash and
    // never corrupts; only a power cut may drop the last commits.
    db_->exec("PRAGMA synchronous = NORMAL");
    // The WAL file keeps its high-water size; cap what stays on disk after a checkpoint.
    db_->queryInt("PRAGMA journal_size_limit = " + std::to_string(32 << 20));
    if (options_.maxSizeBytes > 0) {
      const int64_t pageSize = db_->queryInt("PRAGMA page_size");
      const int64_t pages = std::max<int64_t>(1, options_.maxSizeBytes / pageSize);
      db_->queryInt("PRAGMA max_page_count = " + std::to_string(pages));
    }
    // Writers take the write lock now, so "locked by another writer" shows at
    // open rather than at the first batch; readers only when a migration is due.
    if (mode == OpenMode::CreateOrOpen || version < current) migrate();
  }

  // First problem PRAGMA quick_check reports, as one line; "" if the file is sound.
  std::string firstIntegrityProblem() {
    SqliteStatement check(*db_, "PRAGMA quick_check");
    std::string first;
    int problems = 0;
    while (check.step()) {
      const std::string row = check.columnText(0);
      if (row == "ok") return {};
      // Rows may span lines and start with a "*** in database main ***" banner.
      size_t begin = 0;
      while (begin < row.size()) {
        size_t end = row.find('\n', begin);
        if (end == std::string::npos) end = row.size();
        const std::string line = row.substr(begin, end - begin);
        begin = end + 1;
        if (line.empty() || line.rfind("***", 0) == 0) continue;
        if (first.empty()) first = line;
        ++problems;
      }
    }
    if (first.empty()) return "quick_check gave no result";
    if (problems > 1) first += "; " + std::to_string(problems - 1) + " more problems";
    return first;
  }

  void migrate() {
    // Rebuilding a table (migration 3) drops it; with foreign keys on, that
    // would cascade-delete every row referring to it. The pragma is a no-op
    // inside a transaction, so it is switched off around it.
    db_->exec("PRAGMA foreign_keys = OFF");
    struct ForeignKeysBackOn {
      SqliteConnection& db;
      ~ForeignKeysBackOn() {
        try {
          db.exec("PRAGMA foreign_keys = ON");
        } catch (...) {
          // Only reachable if the connection is unusable; opening then fails anyway.
        }
      }
    } foreignKeysBackOn{*db_};
    SqliteTransaction transaction(*db_, "BEGIN IMMEDIATE");
    // Read again under the lock: another process may have migrated meanwhile.
    const int64_t version = db_->queryInt("PRAGMA user_version");
    const int current = RunStore::currentSchemaVersion();
    if (version > current) {
      throw StoreError("run store " + path_ + ": store schema version " + std::to_string(version) +
                       " is newer than this Palaestra (" + std::to_string(current) +
                       "); upgrade Palaestra");
    }
    for (const StoreMigration& step : storeMigrations()) {
      if (step.version <= version) continue;
      db_->exec(step.sql);
      db_->exec("PRAGMA user_version = " + std::to_string(step.version));
    }
    db_->exec("PRAGMA application_id = " + std::to_string(kRunStoreApplicationId));
    transaction.commit();
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
  void requireRow(int64_t id, std::set<int64_t>& known, const char* sql, const std::string& noun) const {
    {
      std::lock_guard cache(cacheMutex_);
      if (known.count(id)) return;
    }
    bool found = false;
    {
      std::lock_guard lock(dbMutex_);
      try {
        SqliteStatement s(*db_, sql);
        s.bind(1, id);
        found = s.step();
      } catch (const SqliteError& e) {
        throwTranslated(e, "reading " + noun + " " + std::to_string(id));
      }
    }
    if (!found)
      throw NotFoundError("no " + noun + " with id " + std::to_string(id) + " in " + path_);
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

  // ---- writer thread ----

  size_t queuedLocked() const { return metricQueue_.size() + episodeQueue_.size(); }

  void throwIfWriterFailedLocked() const {
    if (!writerError_.empty()) throw StoreError(writerError_);
  }

  void throwIfWriterFailed() const {
    std::lock_guard lock(queueMutex_);
    throwIfWriterFailedLocked();
  }

  // Called with queueMutex_ held: waits while the queue is full, starts the writer.
  void beforeEnqueueLocked(std::unique_lock<std::mutex>& lock) {
    throwIfWriterFailedLocked();
    if (queuedLocked() >= static_cast<size_t>(options_.maxQueuedItems)) {
      flushRequested_ = true;
      wakeWriter_.notify_one();
      batchDone_.wait(lock, [&] {
        return queuedLocked() < static_cast<size_t>(options_.maxQueuedItems) ||
               !writerError_.empty();
      });
      throwIfWriterFailedLocked();
    }
    if (!writer_.joinable()) writer_ = std::thread([this] { writerLoop(); });
  }

  void afterEnqueueLocked() {
    ++enqueued_;
    // The first queued item starts the writer's batch interval; a full batch cuts it short. Without
    // the first wake-up, a trickle of items (a checkpoint's eval episodes) waited for the next full
    // batch instead of being committed within batchIntervalMs.
    const size_t queued = queuedLocked();
    if (queued == 1 || queued >= static_cast<size_t>(options_.batchMaxItems)) wakeWriter_.notify_one();
  }

  void enqueueMetric(int64_t runId, MetricPoint point) {
    std::unique_lock lock(queueMutex_);
    beforeEnqueueLocked(lock);
    metricQueue_.push_back({runId, std::move(point)});
    afterEnqueueLocked();
  }

  void enqueueEpisode(QueuedEpisode episode) {
    std::unique_lock lock(queueMutex_);
    beforeEnqueueLocked(lock);
    episodeQueue_.push_back(std::move(episode));
    afterEnqueueLocked();
  }

  void flush() {
    std::unique_lock lock(queueMutex_);
    throwIfWriterFailedLocked();
    const uint64_t target = enqueued_;
    if (committed_ >= target) return;
    flushRequested_ = true;
    wakeWriter_.notify_one();
    batchDone_.wait(lock, [&] { return committed_ >= target || !writerError_.empty(); });
    throwIfWriterFailedLocked();
  }

  void stopWriter() {
    {
      std::lock_guard lock(queueMutex_);
      stopping_ = true;
      wakeWriter_.notify_one();
    }
    if (writer_.joinable()) writer_.join();
  }

  void writerLoop() {
    std::unique_lock lock(queueMutex_);
    for (;;) {
      wakeWriter_.wait(lock, [&] { return stopping_ || flushRequested_ || queuedLocked() > 0; });
      // Gather a batch: wait up to one interval unless asked to hurry.
      if (!stopping_ && !flushRequested_) {
        wakeWriter_.wait_for(lock, std::chrono::milliseconds(options_.batchIntervalMs), [&] {
          return stopping_ || flushRequested_ ||
                 queuedLocked() >= static_cast<size_t>(options_.batchMaxItems);
        });
      }
      flushRequested_ = false;
      if (queuedLocked() == 0) {
        batchDone_.notify_all();
        if (stopping_) return;
        continue;
      }
      std::vector<QueuedMetric> metrics;
      std::vector<QueuedEpisode> episodes;
      metrics.swap(metricQueue_);
      episodes.swap(episodeQueue_);
      const uint64_t upTo = enqueued_;
      lock.unlock();
      std::string error = commitBatch(metrics, episodes);
      lock.lock();
      if (!error.empty()) {
        // Stop for good: later batches could depend on this one (e.g. ordering
        // of a run's metrics), and the caller must learn of the loss.
        writerError_ = std::move(error);
        metricQueue_.clear();
        episodeQueue_.clear();
        batchDone_.notify_all();
        return;
      }
      committed_ = upTo;
      batchDone_.notify_all();
    }
  }

  // Writes one batch in one transaction; returns an error message, or "" on success.
  std::string commitBatch(const std::vector<QueuedMetric>& metrics,
                          const std::vector<QueuedEpisode>& episodes) {
    const std::string doing =
        metrics.empty() ? "writing episodes"
                        : (episodes.empty() ? "writing metrics" : "writing metrics and episodes");
    try {
      // Compress outside the database lock: readers need not wait for zstd.
      std::vector<EncodedEpisode> encoded;
      encoded.reserve(episodes.size());
      for (const QueuedEpisode& e : episodes) {
        encoded.push_back(encodeEpisode(e.runId, e.checkpointId, e.kind, e.createdAt, e.record,
                                        options_.compressionLevel));
      }
      std::lock_guard dbLock(dbMutex_);
      SqliteTransaction transaction(*db_, "BEGIN IMMEDIATE");
      if (!metrics.empty()) {
        SqliteStatement insert(*db_, kInsertMetricSql);
        for (const QueuedMetric& m : metrics) {
          insert.reset();
          insert.bind(1, m.runId);
          insert.bind(2, m.point.step);
          insert.bind(3, m.point.wallTime);
          insert.bind(4, m.point.name);
          insert.bind(5, m.point.value);
          insert.run();
        }
      }
      if (!encoded.empty()) {
        SqliteStatement insert(*db_, kInsertEpisodeSql);
        for (const EncodedEpisode& e : encoded) insertEpisode(insert, e);
      }
      transaction.commit();
      return {};
    } catch (const SqliteError& e) {
      return describe(e, doing);
    } catch (const std::exception& e) {
      return "run store " + path_ + ": error while " + doing + " (" + e.what() + ")";
    }
  }

  std::string path_;
  Options options_;

  mutable std::mutex dbMutex_;  // guards db_; taken before cacheMutex_ when both are needed
  std::unique_ptr<SqliteConnection> db_;
  mutable std::mutex cacheMutex_;  // guards the two id caches
  mutable std::set<int64_t> knownRuns_;
  mutable std::set<int64_t> knownCheckpoints_;

  mutable std::mutex queueMutex_;  // guards everything below
  std::condition_variable wakeWriter_;
  std::condition_variable batchDone_;
  std::vector<QueuedMetric> metricQueue_;
  std::vector<QueuedEpisode> episodeQueue_;
  uint64_t enqueued_ = 0;   // items ever enqueued
  uint64_t committed_ = 0;  // items ever committed (a prefix of the enqueued ones)
  bool flushRequested_ = false;
  bool stopping_ = false;
  std::string writerError_;
  std::thread writer_;
};

// ---------------------------------------------------------------------------

int RunStore::currentSchemaVersion() { return storeMigrations().back().version; }

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
      options.maxQueuedItems < options.batchMaxItems || options.maxSizeBytes < 0) {
    throw ConfigError("invalid run store options: timeouts and sizes must be non-negative and "
                      "maxQueuedItems >= batchMaxItems >= 1");
  }
  impl_ = std::make_unique<Impl>(path, mode, options);
}

RunStore::~RunStore() = default;

const std::string& RunStore::path() const { return impl_->path_; }

int64_t RunStore::storeSizeBytes() const {
  std::error_code ec;
  int64_t total = 0;
  for (const std::string& file : {impl_->path_, impl_->path_ + "-wal"}) {
    const auto size = fs::file_size(file, ec);
    if (!ec) total += static_cast<int64_t>(size);
  }
  return total;
}

void RunStore::saveCopyTo(const std::string& path) const {
  const std::string what = "cannot save a copy of run store " + impl_->path_ + " to " + path;
  if (path.empty()) throw StoreError(what + ": no file name given");
  // Everything queued belongs in the copy.
  impl_->flush();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec)))
    throw StoreError(what + ": a file of that name already exists (it is never overwritten)");
  if (fs::absolute(path, ec) == fs::absolute(impl_->path_, ec))
    throw StoreError(what + ": that is the store's own file");
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, "VACUUM INTO ?1");
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
}

bool RunStore::fileMoved() const {
  std::lock_guard lock(impl_->dbMutex_);
  int moved = 0;
  const int rc = sqlite3_file_control(impl_->db_->handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  if (rc != SQLITE_OK) {
    throw StoreError("run store " + impl_->path_ + ": cannot check whether its file moved (" +
                     sqlite3_errstr(rc) + ")");
  }
  return moved != 0;
}

// ---- runs ----

int64_t RunStore::createRun(const NewRun& run) {
  requireJson(run.configJson, "run config");
  impl_->throwIfWriterFailed();
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      "INSERT INTO runs (name, env, config_json, seed, code_version, created_at,"
                      " started_at, status, steps, notes)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)");
    s.bind(1, run.name);
    s.bind(2, run.env);
    s.bind(3, run.configJson);
    s.bind(4, toStored(run.seed));
    s.bind(5, run.codeVersion);
    const double now = nowSeconds();
    s.bind(6, now);
    // A queued run has not started: updateRun sets startedAt when it does.
    if (run.status == RunStatus::Queued) s.bindNull(7);
    else s.bind(7, now);
    s.bind(8, runStatusName(run.status));
    s.bind(9, run.notes);
    s.run();
    const int64_t id = impl_->db_->lastInsertId();
    impl_->rememberRun(id);
    return id;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "creating a run");
  }
}

std::vector<RunInfo> RunStore::listRuns() const {
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
    std::vector<RunInfo> runs;
    while (s.step()) runs.push_back(readRun(s, impl_->path_));
    return runs;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "listing runs");
  }
}

RunInfo RunStore::getRun(int64_t runId) const {
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1");
    s.bind(1, runId);
    if (!s.step()) {
      throw NotFoundError("no run with id " + std::to_string(runId) + " in " + impl_->path_);
    }
    return readRun(s, impl_->path_);
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading run " + std::to_string(runId));
  }
}

void RunStore::updateRun(int64_t runId, const RunUpdate& update) {
  impl_->throwIfWriterFailed();
  std::lock_guard lock(impl_->dbMutex_);
  try {
    // COALESCE keeps a column when its parameter is NULL (field not set).
    if (update.configJson) requireJson(*update.configJson, "run config");
    SqliteStatement s(*impl_->db_,
                      "UPDATE runs SET status = COALESCE(?2, status), steps = COALESCE(?3, steps),"
                      " started_at = COALESCE(?4, started_at),"
                      " ended_at = CASE WHEN ?6 THEN NULL ELSE COALESCE(?5, ended_at) END,"
                      " config_json = COALESCE(?7, config_json)"
                      " WHERE id = ?1");
    s.bind(1, runId);
    if (update.status) s.bind(2, runStatusName(*update.status));
    else s.bindNull(2);
    s.bind(3, update.steps);
    s.bind(4, update.startedAt);
    s.bind(5, update.endedAt);
    s.bind(6, static_cast<int64_t>(update.clearEndedAt ? 1 : 0));
    if (update.configJson)
      s.bind(7, *update.configJson);
    else
      s.bindNull(7);
    s.run();
    if (impl_->db_->changes() == 0) {
      throw NotFoundError("no run with id " + std::to_string(runId) + " in " + impl_->path_);
    }
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "updating run " + std::to_string(runId));
  }
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
  impl_->flush();
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteTransaction transaction(*impl_->db_, "BEGIN IMMEDIATE");
    SqliteStatement s(*impl_->db_, "DELETE FROM runs WHERE id = ?1");
    s.bind(1, runId);
    s.run();
    if (impl_->db_->changes() == 0) {
      throw NotFoundError("no run with id " + std::to_string(runId) + " in " + impl_->path_);
    }
    transaction.commit();
    impl_->forgetRun(runId);
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "deleting run " + std::to_string(runId));
  }
}

// ---- metrics ----

void RunStore::logMetric(int64_t runId, int64_t step, const std::string& name, double value) {
  logMetric(runId, MetricPoint{step, nowSeconds(), name, value});
}

void RunStore::logMetric(int64_t runId, const MetricPoint& point) {
  impl_->requireRun(runId);
  impl_->enqueueMetric(runId, point);
}

std::vector<std::string> RunStore::metricNames(int64_t runId) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      "SELECT DISTINCT name FROM metrics WHERE run_id = ?1 ORDER BY name");
    s.bind(1, runId);
    std::vector<std::string> names;
    while (s.step()) names.push_back(s.columnText(0));
    return names;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading metric names");
  }
}

std::vector<MetricPoint> RunStore::metrics(int64_t runId,
                                           const std::optional<std::string>& name) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      name ? "SELECT step, wall_time, name, value FROM metrics"
                             " WHERE run_id = ?1 AND name = ?2 ORDER BY step, rowid"
                           : "SELECT step, wall_time, name, value FROM metrics"
                             " WHERE run_id = ?1 ORDER BY name, step, rowid");
    s.bind(1, runId);
    if (name) s.bind(2, *name);
    std::vector<MetricPoint> points;
    while (s.step()) {
      points.push_back({s.columnInt(0), s.columnDouble(1), s.columnText(2), s.columnDouble(3)});
    }
    return points;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading metrics");
  }
}

std::vector<MetricPoint> RunStore::metricsAfterStep(int64_t runId, const std::string& name,
                                                    int64_t afterStep) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      "SELECT step, wall_time, name, value FROM metrics"
                      " WHERE run_id = ?1 AND name = ?2 AND step > ?3 ORDER BY step, rowid");
    s.bind(1, runId);
    s.bind(2, name);
    s.bind(3, afterStep);
    std::vector<MetricPoint> points;
    while (s.step()) {
      points.push_back({s.columnInt(0), s.columnDouble(1), s.columnText(2), s.columnDouble(3)});
    }
    return points;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading metrics");
  }
}

// ---- checkpoints ----

int64_t RunStore::addCheckpoint(int64_t runId, int64_t step, std::span<const uint8_t> policy,
                                const std::string& metaJson) {
  requireJson(metaJson, "checkpoint meta");
  impl_->throwIfWriterFailed();
  impl_->requireRun(runId);
  const std::vector<uint8_t> compressed = compressBytes(policy, impl_->options_.compressionLevel);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      "INSERT INTO checkpoints (run_id, step, created_at, policy, policy_size,"
                      " meta_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, runId);
    s.bind(2, step);
    s.bind(3, nowSeconds());
    s.bind(4, std::span<const uint8_t>(compressed));
    s.bind(5, static_cast<int64_t>(policy.size()));
    s.bind(6, metaJson);
    s.run();
    const int64_t id = impl_->db_->lastInsertId();
    impl_->rememberCheckpoint(id);
    return id;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "writing a checkpoint");
  }
}

std::vector<CheckpointInfo> RunStore::checkpoints(int64_t runId) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, std::string("SELECT ") + kCheckpointColumns +
                                        " FROM checkpoints WHERE run_id = ?1 ORDER BY step, id");
    s.bind(1, runId);
    std::vector<CheckpointInfo> result;
    while (s.step()) result.push_back(readCheckpoint(s));
    return result;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading checkpoints");
  }
}

void RunStore::updateCheckpointMeta(int64_t checkpointId, const std::string& metaJson) {
  requireJson(metaJson, "checkpoint meta");
  impl_->throwIfWriterFailed();
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, "UPDATE checkpoints SET meta_json = ?2 WHERE id = ?1");
    s.bind(1, checkpointId);
    s.bind(2, metaJson);
    s.run();
    if (impl_->db_->changes() == 0)
      throw NotFoundError("no checkpoint with id " + std::to_string(checkpointId) + " in " +
                          impl_->path_);
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "updating checkpoint " + std::to_string(checkpointId));
  }
}

void RunStore::saveResumeState(int64_t runId, int64_t checkpointId,
                               std::span<const uint8_t> state) {
  impl_->throwIfWriterFailed();
  impl_->requireRun(runId);
  const std::vector<uint8_t> compressed = compressBytes(state, impl_->options_.compressionLevel);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    {
      SqliteStatement owner(*impl_->db_, "SELECT run_id FROM checkpoints WHERE id = ?1");
      owner.bind(1, checkpointId);
      if (!owner.step())
        throw NotFoundError("no checkpoint with id " + std::to_string(checkpointId) + " in " +
                            impl_->path_);
      if (owner.columnInt(0) != runId)
        throw ConfigError("checkpoint " + std::to_string(checkpointId) + " belongs to run " +
                          std::to_string(owner.columnInt(0)) + ", not run " +
                          std::to_string(runId));
    }
    SqliteStatement s(*impl_->db_,
                      "INSERT OR REPLACE INTO resume_states (run_id, checkpoint_id, created_at,"
                      " state, state_size) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, runId);
    s.bind(2, checkpointId);
    s.bind(3, nowSeconds());
    s.bind(4, std::span<const uint8_t>(compressed));
    s.bind(5, static_cast<int64_t>(state.size()));
    s.run();
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "writing the resume state of run " + std::to_string(runId));
  }
}

std::optional<ResumeState> RunStore::resumeState(int64_t runId) const {
  impl_->requireRun(runId);
  ResumeState result;
  std::vector<uint8_t> compressed;
  int64_t size = 0;
  {
    std::lock_guard lock(impl_->dbMutex_);
    try {
      SqliteStatement s(*impl_->db_,
                        "SELECT checkpoint_id, created_at, state, state_size FROM resume_states"
                        " WHERE run_id = ?1");
      s.bind(1, runId);
      if (!s.step()) return std::nullopt;
      result.runId = runId;
      result.checkpointId = s.columnInt(0);
      result.createdAt = s.columnDouble(1);
      compressed = s.columnBlob(2);
      size = s.columnInt(3);
    } catch (const SqliteError& e) {
      impl_->throwTranslated(e, "reading the resume state of run " + std::to_string(runId));
    }
  }
  result.state = decompressStored(
      compressed, size, "the resume state of run " + std::to_string(runId) + " in " + impl_->path_);
  return result;
}

std::optional<CheckpointInfo> RunStore::latestCheckpoint(int64_t runId) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      std::string("SELECT ") + kCheckpointColumns +
                          " FROM checkpoints WHERE run_id = ?1 ORDER BY step DESC, id DESC LIMIT 1");
    s.bind(1, runId);
    if (!s.step()) return std::nullopt;
    return readCheckpoint(s);
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading checkpoints");
  }
}

Checkpoint RunStore::loadCheckpoint(int64_t checkpointId) const {
  std::vector<uint8_t> compressed;
  Checkpoint checkpoint;
  {
    std::lock_guard lock(impl_->dbMutex_);
    try {
      SqliteStatement s(*impl_->db_, std::string("SELECT ") + kCheckpointColumns +
                                          ", policy FROM checkpoints WHERE id = ?1");
      s.bind(1, checkpointId);
      if (!s.step()) {
        throw NotFoundError("no checkpoint with id " + std::to_string(checkpointId) + " in " +
                            impl_->path_);
      }
      checkpoint.info = readCheckpoint(s);
      compressed = s.columnBlob(7);
    } catch (const SqliteError& e) {
      impl_->throwTranslated(e, "reading checkpoint " + std::to_string(checkpointId));
    }
  }
  checkpoint.policy =
      decompressStored(compressed, checkpoint.info.policyBytes,
                       "checkpoint " + std::to_string(checkpointId) + " in " + impl_->path_);
  return checkpoint;
}


// ---- episodes ----

void RunStore::addEpisode(int64_t runId, std::optional<int64_t> checkpointId, EpisodeKind kind,
                          const EpisodeRecord& record) {
  validateEpisode(record);
  impl_->requireRun(runId);
  if (checkpointId) impl_->requireCheckpoint(*checkpointId);
  impl_->enqueueEpisode({runId, checkpointId, kind, nowSeconds(), record});
}

int64_t RunStore::addEpisodeNow(int64_t runId, std::optional<int64_t> checkpointId,
                                EpisodeKind kind, const EpisodeRecord& record) {
  validateEpisode(record);
  impl_->flush();
  impl_->requireRun(runId);
  if (checkpointId) impl_->requireCheckpoint(*checkpointId);
  const EncodedEpisode encoded = encodeEpisode(runId, checkpointId, kind, nowSeconds(), record,
                                               impl_->options_.compressionLevel);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, kInsertEpisodeSql);
    insertEpisode(s, encoded);
    return impl_->db_->lastInsertId();
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "writing an episode");
  }
}

namespace {

EpisodeSummary readEpisodeSummary(const SqliteStatement& s, const std::string& path) {
  EpisodeSummary e;
  e.id = s.columnInt(0);
  e.runId = s.columnInt(1);
  e.checkpointId = s.columnOptionalInt(2);
  e.kind = episodeKindFromName(s.columnText(3));
  e.envIndex = static_cast<int>(s.columnInt(4));
  e.episodeIndex = fromStored(s.columnInt(5));
  try {
    e.task = doublesFromJson(json::parse(s.columnText(6)));
    e.slotReturns = doublesFromJson(json::parse(s.columnText(10)));
  } catch (const std::exception& error) {
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
  return e;
}

}  // namespace

std::vector<EpisodeSummary> RunStore::episodes(int64_t runId,
                                               std::optional<EpisodeKind> kind) const {
  impl_->requireRun(runId);
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_,
                      std::string("SELECT ") + kEpisodeSummaryColumns +
                          " FROM episodes WHERE run_id = ?1 AND (?2 IS NULL OR kind = ?2)"
                          " ORDER BY id");
    s.bind(1, runId);
    if (kind) s.bind(2, episodeKindName(*kind));
    else s.bindNull(2);
    std::vector<EpisodeSummary> result;
    while (s.step()) result.push_back(readEpisodeSummary(s, impl_->path_));
    return result;
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading episodes");
  }
}

EpisodeSummary RunStore::episodeSummary(int64_t episodeId) const {
  std::lock_guard lock(impl_->dbMutex_);
  try {
    SqliteStatement s(*impl_->db_, std::string("SELECT ") + kEpisodeSummaryColumns +
                                        " FROM episodes WHERE id = ?1");
    s.bind(1, episodeId);
    if (!s.step()) {
      throw NotFoundError("no episode with id " + std::to_string(episodeId) + " in " +
                          impl_->path_);
    }
    return readEpisodeSummary(s, impl_->path_);
  } catch (const SqliteError& e) {
    impl_->throwTranslated(e, "reading episode " + std::to_string(episodeId));
  }
}

StoredEpisode RunStore::loadEpisode(int64_t episodeId) const {
  StoredEpisode stored;
  std::string taskJson, slotReturnsJson, infoJson;
  std::vector<uint8_t> actions, hashes;
  {
    std::lock_guard lock(impl_->dbMutex_);
    try {
      SqliteStatement s(*impl_->db_,
                        "SELECT id, run_id, checkpoint_id, kind, created_at, seed, task_json,"
                        " env_index, episode_index, length, action_size, slot_returns_json,"
                        " terminated, truncated, outcome, info_json, actions, hashes"
                        " FROM episodes WHERE id = ?1");
      s.bind(1, episodeId);
      if (!s.step()) {
        throw NotFoundError("no episode with id " + std::to_string(episodeId) + " in " +
                            impl_->path_);
      }
      stored.id = s.columnInt(0);
      stored.runId = s.columnInt(1);
      stored.checkpointId = s.columnOptionalInt(2);
      stored.kind = episodeKindFromName(s.columnText(3));
      stored.createdAt = s.columnDouble(4);
      EpisodeRecord& r = stored.record;
      r.seed = fromStored(s.columnInt(5));
      taskJson = s.columnText(6);
      r.envIndex = static_cast<int>(s.columnInt(7));
      r.episodeIndex = fromStored(s.columnInt(8));
      r.length = static_cast<int>(s.columnInt(9));
      r.actionSize = static_cast<int>(s.columnInt(10));
      slotReturnsJson = s.columnText(11);
      r.terminated = s.columnInt(12) != 0;
      r.truncated = s.columnInt(13) != 0;
      r.info.outcome = s.columnText(14);
      infoJson = s.columnText(15);
      actions = s.columnBlob(16);
      hashes = s.columnBlob(17);
    } catch (const SqliteError& e) {
      impl_->throwTranslated(e, "reading episode " + std::to_string(episodeId));
    }
  }
  // Decoding happens outside the database lock.
  EpisodeRecord& r = stored.record;
  const std::string where = "episode " + std::to_string(episodeId) + " in " + impl_->path_;
  try {
    r.task = doublesFromJson(json::parse(taskJson));
    r.slotReturns = doublesFromJson(json::parse(slotReturnsJson));
    r.info.values = infoValuesFromJson(json::parse(infoJson));
    const size_t maxActionBytes = static_cast<size_t>(std::max(r.length, 0)) *
                                  static_cast<size_t>(std::max(r.actionSize, 0)) * sizeof(float);
    r.actions = fromBytes<float>(decompressBytes(actions, maxActionBytes));
    r.hashes = fromBytes<uint64_t>(
        decompressBytes(hashes, (static_cast<size_t>(std::max(r.length, 0)) + 1) * 8));
  } catch (const std::exception& e) {
    throw StoreError(where + " is corrupt: " + e.what());
  }
  try {
    validateEpisode(r);
  } catch (const std::invalid_argument& e) {
    throw StoreError(where + " is corrupt: " + e.what());
  }
  return stored;
}

void RunStore::flush() { impl_->flush(); }

}  // namespace palaestra
