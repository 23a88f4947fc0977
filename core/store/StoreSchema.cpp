#include "store/StoreSchema.h"

namespace palaestra {

namespace {

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
// id and row. The migration runs with foreign keys off (see RunStore's
// migrate): with them on, dropping runs would cascade-delete every metric,
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

// Version 4: walker physics versions. Every walker run stored before them was simulated
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

// Version 5: resume states. One row per run: the opaque training state (optimiser moments and
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

}  // namespace

const std::vector<StoreMigration>& storeMigrations() {
  static const std::vector<StoreMigration> migrations = {
      {1, "initial schema: runs, metrics, checkpoints, episodes", kInitialSchema},
      {2, "runs.notes; index episodes by checkpoint", kNotesAndCheckpointIndex},
      {3, "runs.status may be 'queued'; runs.tags_json", kQueuedStatusAndTags},
      {4, "walker runs stored before physics versions: env_config.physics_version = 1",
       kWalkerPhysicsVersion},
      {5, "resume_states: the training state saved with each run's latest checkpoint",
       kResumeStates},
  };
  return migrations;
}

}  // namespace palaestra
