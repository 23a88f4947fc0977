#include "store/StoreSchema.h"

#include "store/Sqlite.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

// Runs one statement when it goes out of scope, however the scope is left: a
// pragma switched back after a migration step.
class ExecOnExit {
 public:
  ExecOnExit(SqliteConnection& db, const char* sql) : db_(db), sql_(sql) {}
  ~ExecOnExit() {
    try {
      db_.exec(sql_);
    } catch (...) {
      // Only reachable if the connection is unusable; opening then fails anyway.
    }
  }
  ExecOnExit(const ExecOnExit&) = delete;
  ExecOnExit& operator=(const ExecOnExit&) = delete;

 private:
  SqliteConnection& db_;
  const char* sql_;
};

// Version 1: the initial schema. Times are wall-clock seconds since the Unix
// epoch (REAL). 64-bit unsigned values (seeds, episode indexes) are stored as
// the signed integer with the same bits. Blobs are zstd frames.
constexpr const char* kInitialSchema = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  env TEXT NOT NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  code_version TEXT NOT NULL,
  created_at REAL NOT NULL,
  started_at REAL,
  ended_at REAL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
  steps INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  wall_time REAL NOT NULL,
  name TEXT NOT NULL,
  value REAL
);
CREATE INDEX metrics_by_run_name_step ON metrics (run_id, name, step);
CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  created_at REAL NOT NULL,
  policy BLOB NOT NULL,
  policy_size INTEGER NOT NULL,
  meta_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX checkpoints_by_run_step ON checkpoints (run_id, step);
CREATE TABLE episodes (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('train', 'eval')),
  env_index INTEGER NOT NULL,
  episode_index INTEGER NOT NULL,
  task_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  length INTEGER NOT NULL,
  action_size INTEGER NOT NULL,
  episode_return REAL,
  slot_returns_json TEXT NOT NULL,
  outcome TEXT NOT NULL,
  info_json TEXT NOT NULL,
  terminated INTEGER NOT NULL,
  truncated INTEGER NOT NULL,
  actions BLOB NOT NULL,
  hashes BLOB NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX episodes_by_run_kind ON episodes (run_id, kind);
)sql";

// Version 2: free-text notes on runs, and an index on episodes.checkpoint_id.
// Without that index, deleting a checkpoint (e.g. by deleting its run) scans
// every episode to apply ON DELETE SET NULL: quadratic for large runs.
constexpr const char* kNotesAndCheckpointIndex = R"sql(
ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE INDEX episodes_by_checkpoint ON episodes (checkpoint_id);
)sql";

// Version 3: the status 'queued' (a run waiting for free cores) and tags on
// runs (a JSON array of strings). SQLite cannot alter a CHECK constraint, so
// the runs table is rebuilt under a new name and renamed back, keeping every
// id and row. The migration runs with foreign keys off (see
// migrateStoreSchema): with them on, dropping runs would cascade-delete every metric,
// checkpoint and episode.
constexpr const char* kQueuedStatusAndTags = R"sql(
CREATE TABLE runs_v3 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  env TEXT NOT NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  code_version TEXT NOT NULL,
  created_at REAL NOT NULL,
  started_at REAL,
  ended_at REAL,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'finished', 'interrupted', 'failed')),
  steps INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO runs_v3 (id, name, env, config_json, seed, code_version, created_at, started_at,
                     ended_at, status, steps, notes)
  SELECT id, name, env, config_json, seed, code_version, created_at, started_at, ended_at,
         status, steps, notes FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
)sql";

// Version 4: crash consistency. Each queued or running run records its owning
// process (host, pid, start token; see util/ProcessIdentity) and a heartbeat
// the owner refreshes, so a later open can tell a live run from one whose
// process died and mark it 'crashed' (widenStatusForCrashed adds the status).
// Runs an older Palaestra left queued or running have no owner: their last
// sign of life is their latest metric, and a stale heartbeat marks them crashed.
constexpr const char* kRunOwnerAndHeartbeat = R"sql(
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN owner_started TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at REAL;
UPDATE runs SET heartbeat_at = COALESCE(
    (SELECT max(wall_time) FROM metrics WHERE metrics.run_id = runs.id), started_at, created_at)
  WHERE status IN ('queued', 'running');
)sql";

// Adds 'crashed' to the runs.status CHECK. SQLite cannot alter a CHECK; instead
// of rebuilding the table (which would have to list every column, and drop any
// a later migration adds), the table's definition is edited in place, the
// procedure SQLite documents for loosening constraints (lang_altertable.html,
// "Making Other Kinds Of Table Schema Changes"): no stored row changes meaning.
// The schema version is bumped so every connection, this one included,
// re-reads the definition before anything else alters the table.
void widenStatusForCrashed(SqliteConnection& db) {
  std::string sql;
  {
    SqliteStatement read(db,
                         "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'");
    if (read.step()) sql = read.columnText(0);
  }
  if (sql.find("'crashed'") != std::string::npos) return;
  const std::string last = "'failed')";
  const size_t at = sql.find(last);
  if (at == std::string::npos || sql.find(last, at + 1) != std::string::npos) {
    throw StoreError("cannot migrate the run store: unexpected definition of table runs (" +
                     sql.substr(0, 120) + ")");
  }
  sql.replace(at, last.size(), "'failed', 'crashed')");
  const int64_t schemaVersion = db.queryInt("PRAGMA schema_version");
  db.exec("PRAGMA writable_schema = ON");
  const ExecOnExit writableSchemaOff(db, "PRAGMA writable_schema = OFF");
  SqliteStatement write(db,
                        "UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = 'runs'");
  write.bind(1, sql);
  write.run();
  db.exec("PRAGMA schema_version = " + std::to_string(schemaVersion + 1));
}

// Version 5: walker physics versions. Every walker run stored before them was simulated
// without hip reference angles (physics v1), while a walker config without "physics_version"
// now means v2; so the version those runs were recorded with is written into their stored
// config (env_config.physics_version = 1), and they keep replaying bit-exactly. A missing or
// null env_config becomes {"physics_version": 1}; configs that are not valid JSON are left as
// they are (reading them fails with its own error). Self-contained and idempotent: it touches
// only walker runs without a version.
constexpr const char* kWalkerPhysicsVersion = R"sql(
UPDATE runs SET config_json = json_set(config_json, '$.env_config', json_object('physics_version', 1))
  WHERE env = 'walker' AND json_valid(config_json) AND json_type(config_json) = 'object'
    AND coalesce(json_type(config_json, '$.env_config'), 'null') = 'null';
UPDATE runs SET config_json = json_set(config_json, '$.env_config.physics_version', 1)
  WHERE env = 'walker' AND json_valid(config_json) AND json_type(config_json) = 'object'
    AND json_type(config_json, '$.env_config') = 'object'
    AND json_type(config_json, '$.env_config.physics_version') IS NULL;
)sql";

// Version 6: resume states. One row per run: the opaque training state (optimiser moments and
// step, normaliser statistics, random streams, counters; zstd) saved with the run's latest
// checkpoint, from which `train --resume` continues. Older checkpoints keep only their policy.
constexpr const char* kResumeStates = R"sql(
CREATE TABLE resume_states (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
  created_at REAL NOT NULL,
  state BLOB NOT NULL,
  state_size INTEGER NOT NULL
);
CREATE INDEX resume_states_by_checkpoint ON resume_states (checkpoint_id);
)sql";

// Version 7: people's matches get their own episode kind, 'play' (they were
// stored as 'eval'). The episodes table is rebuilt for the new CHECK the same
// way version 3 rebuilt runs, every id and row kept. Matches stored before
// (the episodes of the app's "Play: ..." fight runs tagged play) become 'play',
// and their outcome is said from the match's view: P1's win/loss become
// "p1 won"/"p2 won", and a match that was quit ("running") becomes "quit".
constexpr const char* kPlayEpisodes = R"sql(
CREATE TABLE episodes_v7 (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('train', 'eval', 'play')),
  env_index INTEGER NOT NULL,
  episode_index INTEGER NOT NULL,
  task_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  length INTEGER NOT NULL,
  action_size INTEGER NOT NULL,
  episode_return REAL,
  slot_returns_json TEXT NOT NULL,
  outcome TEXT NOT NULL,
  info_json TEXT NOT NULL,
  terminated INTEGER NOT NULL,
  truncated INTEGER NOT NULL,
  actions BLOB NOT NULL,
  hashes BLOB NOT NULL,
  created_at REAL NOT NULL
);
INSERT INTO episodes_v7 SELECT id, run_id, checkpoint_id, kind, env_index, episode_index, task_json,
  seed, length, action_size, episode_return, slot_returns_json, outcome, info_json, terminated,
  truncated, actions, hashes, created_at FROM episodes;
DROP TABLE episodes;
ALTER TABLE episodes_v7 RENAME TO episodes;
CREATE INDEX episodes_by_run_kind ON episodes (run_id, kind);
CREATE INDEX episodes_by_checkpoint ON episodes (checkpoint_id);
UPDATE episodes
  SET kind = 'play',
      outcome = CASE outcome WHEN 'running' THEN 'quit' WHEN 'win' THEN 'p1 won'
                             WHEN 'loss' THEN 'p2 won' ELSE outcome END
  WHERE run_id IN (SELECT id FROM runs WHERE env = 'fight' AND name LIKE 'Play: %'
                   AND EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE value = 'play'));
)sql";

// Version 8: curriculum events. Everything a run's curriculum did, in order (id): the section it
// started with, every task sampled and each episode's outcome, each change of the teacher's model
// and every edit a person made (or that was refused), so the curriculum can be replayed over time.
// data_json is the kind's payload (see CurriculumEvent).
constexpr const char* kCurriculumEvents = R"sql(
CREATE TABLE curriculum_events (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  wall_time REAL NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind IN ('start', 'sample', 'outcome', 'refit', 'edit', 'refused_edit')),
  env_index INTEGER NOT NULL,
  episode_index INTEGER NOT NULL,
  data_json TEXT NOT NULL
);
CREATE INDEX curriculum_events_by_run ON curriculum_events (run_id, id);
)sql";

// Version 9: fight leagues (self play, fictitious self play, AlphaStar-style leagues). A league
// names its learners' runs; each member is a stored checkpoint of one of them, added at a round;
// league_games tallies each learner's training games per round against each opponent (the payoff
// estimates its matchmaking used). ratings keeps each cross-play rating (Elo and the payoff
// matrix of every entrant, palaestra-cli elo) as one JSON document.
constexpr const char* kLeagues = R"sql(
CREATE TABLE leagues (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('self_play', 'fictitious_self_play', 'league')),
  config_json TEXT NOT NULL,
  created_at REAL NOT NULL,
  status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'finished', 'interrupted', 'failed'))
);
CREATE TABLE league_members (
  id INTEGER PRIMARY KEY,
  league_id INTEGER NOT NULL REFERENCES leagues(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
  round INTEGER NOT NULL,
  step INTEGER NOT NULL,
  league_steps INTEGER NOT NULL,
  added_at REAL NOT NULL
);
CREATE INDEX league_members_by_league ON league_members (league_id, id);
CREATE TABLE league_games (
  id INTEGER PRIMARY KEY,
  league_id INTEGER NOT NULL REFERENCES leagues(id) ON DELETE CASCADE,
  round INTEGER NOT NULL,
  learner_run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  opponent TEXT NOT NULL,
  opponent_member_id INTEGER REFERENCES league_members(id) ON DELETE SET NULL,
  games INTEGER NOT NULL,
  score REAL NOT NULL
);
CREATE INDEX league_games_by_league ON league_games (league_id, round);
CREATE TABLE ratings (
  id INTEGER PRIMARY KEY,
  created_at REAL NOT NULL,
  scope TEXT NOT NULL,
  result_json TEXT NOT NULL
);
)sql";

}  // namespace

const std::vector<StoreMigration>& storeMigrations() {
  static const std::vector<StoreMigration> migrations = {
      {1, "initial schema: runs, metrics, checkpoints, episodes", kInitialSchema},
      {2, "runs.notes; index episodes by checkpoint", kNotesAndCheckpointIndex},
      {3, "runs.status may be 'queued'; runs.tags_json", kQueuedStatusAndTags},
      {4, "runs.status may be 'crashed'; runs' owner process and heartbeat", kRunOwnerAndHeartbeat,
       widenStatusForCrashed},
      {5, "walker runs stored before physics versions: env_config.physics_version = 1",
       kWalkerPhysicsVersion},
      {6, "resume_states: the training state saved with each run's latest checkpoint",
       kResumeStates},
      {7, "episodes.kind may be 'play' (people's matches)", kPlayEpisodes},
      {8,
       "curriculum_events: what each run's curriculum sampled, observed, refitted and was edited",
       kCurriculumEvents},
      {9, "leagues, league_members, league_games and ratings: fight self play and leagues",
       kLeagues},
  };
  return migrations;
}

int currentStoreSchemaVersion() {
  return storeMigrations().back().version;
}

namespace {

std::string newerSchemaMessage(const std::string& path, int64_t version) {
  return "run store " + path + ": store schema version " + std::to_string(version) +
         " is newer than this Palaestra (" + std::to_string(currentStoreSchemaVersion()) +
         "); upgrade Palaestra";
}

// First problem PRAGMA quick_check reports, as one line; "" if the file is sound.
std::string firstIntegrityProblem(SqliteConnection& db) {
  SqliteStatement check(db, "PRAGMA quick_check");
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

}  // namespace

StoreFileCheck checkStoreFile(SqliteConnection& db, const std::string& path, bool mayBeEmpty) {
  // Reading the schema reads page 1: "file is not a database" surfaces here.
  const int64_t objects = db.queryInt("SELECT count(*) FROM sqlite_master");
  const int64_t applicationId = db.queryInt("PRAGMA application_id");
  StoreFileCheck result;
  result.version = db.queryInt("PRAGMA user_version");
  result.empty = objects == 0 && applicationId == 0 && result.version == 0;
  if (result.empty && !mayBeEmpty) {
    throw StoreError("no run store at " + path + " (the file is an empty database)");
  }
  if (!result.empty && applicationId != kRunStoreApplicationId) {
    std::string tables;
    SqliteStatement list(db,
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
    throw StoreError("cannot open run store " + path +
                     ": it is an SQLite database of another program (tables: " +
                     (tables.empty() ? std::string("none") : tables) +
                     "), not a Palaestra run store");
  }
  if (result.version > currentStoreSchemaVersion()) {
    throw StoreError(newerSchemaMessage(path, result.version));
  }
  if (!result.empty) {
    const std::string problem = firstIntegrityProblem(db);
    if (!problem.empty()) {
      throw StoreError("cannot open run store " + path + ": the database is corrupt (" + problem +
                       ")");
    }
  }
  return result;
}

void migrateStoreSchema(SqliteConnection& db, const std::string& path) {
  // Rebuilding a table (migration 3) drops it; with foreign keys on, that
  // would cascade-delete every row referring to it. The pragma is a no-op
  // inside a transaction, so it is switched off around it.
  db.exec("PRAGMA foreign_keys = OFF");
  const ExecOnExit foreignKeysBackOn(db, "PRAGMA foreign_keys = ON");
  SqliteTransaction transaction(db, "BEGIN IMMEDIATE");
  // Read again under the lock: another process may have migrated meanwhile.
  const int64_t version = db.queryInt("PRAGMA user_version");
  if (version > currentStoreSchemaVersion()) throw StoreError(newerSchemaMessage(path, version));
  for (const StoreMigration& step : storeMigrations()) {
    if (step.version <= version) continue;
    db.exec(step.sql);
    if (step.apply) step.apply(db);
    db.exec("PRAGMA user_version = " + std::to_string(step.version));
  }
  db.exec("PRAGMA application_id = " + std::to_string(kRunStoreApplicationId));
  transaction.commit();
}

}  // namespace palaestra
