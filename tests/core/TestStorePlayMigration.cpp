// People's matches in the run store: schema 7 gives them their own episode
// kind ("play"). A hand-made version-3 store (frozen here as Palaestra wrote
// it) with an old play run of the app (stored as "eval" episodes, outcome
// "running" for a quit match, a PPO-shaped config with ppo.total_timesteps)
// migrates keeping every id and row: the old matches become "play" with
// "quit" / "p1 won" / "p2 won" outcomes, other runs' episodes stay as they
// were, and the old match still replays bit-exactly from its stored config.
// A play run's new config (the match description) reads back through
// StoredRunConfig, and new "play" episodes store and list by kind.
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "Simulations.h"
#include "conformance/EpisodeRecording.h"
#include "conformance/TinyTraining.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "store/Sqlite.h"
#include "train/StoredRunConfig.h"
#include "train/TrainConfig.h"
#include "util/Compression.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

// The version-3 schema exactly as Palaestra wrote it (frozen here on purpose).
constexpr const char* kVersion3Schema = R"sql(
  PRAGMA journal_mode = WAL;
  BEGIN;
  CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, env TEXT NOT NULL,
    config_json TEXT NOT NULL, seed INTEGER NOT NULL, code_version TEXT NOT NULL,
    created_at REAL NOT NULL, started_at REAL, ended_at REAL,
    status TEXT NOT NULL
      CHECK (status IN ('queued', 'running', 'finished', 'interrupted', 'failed')),
    steps INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT '',
    tags_json TEXT NOT NULL DEFAULT '[]');
  CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL, wall_time REAL NOT NULL, name TEXT NOT NULL, value REAL);
  CREATE INDEX metrics_by_run_name_step ON metrics (run_id, name, step);
  CREATE TABLE checkpoints (id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL, created_at REAL NOT NULL, policy BLOB NOT NULL,
    policy_size INTEGER NOT NULL, meta_json TEXT NOT NULL DEFAULT '{}');
  CREATE INDEX checkpoints_by_run_step ON checkpoints (run_id, step);
  CREATE TABLE episodes (id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('train', 'eval')), env_index INTEGER NOT NULL,
    episode_index INTEGER NOT NULL, task_json TEXT NOT NULL, seed INTEGER NOT NULL,
    length INTEGER NOT NULL, action_size INTEGER NOT NULL, episode_return REAL,
    slot_returns_json TEXT NOT NULL, outcome TEXT NOT NULL, info_json TEXT NOT NULL,
    terminated INTEGER NOT NULL, truncated INTEGER NOT NULL, actions BLOB NOT NULL,
    hashes BLOB NOT NULL, created_at REAL NOT NULL);
  CREATE INDEX episodes_by_run_kind ON episodes (run_id, kind);
  CREATE INDEX episodes_by_checkpoint ON episodes (checkpoint_id);
  PRAGMA user_version = 3;
  PRAGMA application_id = 1346456641;
  COMMIT;
)sql";

// The config the app stored for a person's match before schema 7: a training config (PPO
// defaults, a one-match budget) around the fight's pad env.
const char* kOldPlayConfig =
    R"({"budget":{"minutes":null,"steps":6000},"env":"fight",)"
    R"("env_config":{"control":"pad","mode":"two","round_break_frames":90},)"
    R"("eval":{"episodes":10,"every_steps":250000,"final_episodes":20},)"
    R"("keep_episodes":{"best_and_last":true,"eval":true,"sample_rate":0.002},)"
    R"("ppo":{"learning_rate":0.0003,"num_envs":1,"total_timesteps":1000000},)"
    R"("seed":5,"task":{"character":2,"opponent":3},"threads":0})";

void insertRun(SqliteConnection& db, int64_t id, const std::string& name, const std::string& env,
               const std::string& config, const std::string& tags) {
  SqliteStatement s(
      db,
      "INSERT INTO runs VALUES (?1, ?2, ?3, ?4, 5, 'v0.3', 1700000000.0, 1700000000.0,"
      " 1700000100.0, 'finished', 100, '', ?5)");
  s.bind(1, id);
  s.bind(2, name);
  s.bind(3, env);
  s.bind(4, config);
  s.bind(5, tags);
  s.run();
}

void insertEpisode(SqliteConnection& db, int64_t id, int64_t runId, const std::string& kind,
                   const std::string& outcome, const EpisodeRecord& r) {
  const auto actions = compressBytes(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(r.actions.data()), r.actions.size() * sizeof(float)));
  const auto hashes = compressBytes(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(r.hashes.data()), r.hashes.size() * sizeof(uint64_t)));
  SqliteStatement s(
      db,
      "INSERT INTO episodes VALUES (?1, ?2, NULL, ?3, 0, 0, ?4, ?5, ?6, ?7, 0.0, '[0.0]',"
      " ?8, '[]', ?9, 0, ?10, ?11, 1700000050.0)");
  s.bind(1, id);
  s.bind(2, runId);
  s.bind(3, kind);
  s.bind(4, nlohmann::json(r.task).dump());
  s.bind(5, static_cast<int64_t>(r.seed));
  s.bind(6, static_cast<int64_t>(r.length));
  s.bind(7, static_cast<int64_t>(r.actionSize));
  s.bind(8, outcome);
  s.bind(9, static_cast<int64_t>(r.terminated ? 1 : 0));
  s.bind(10, std::span<const uint8_t>(actions));
  s.bind(11, std::span<const uint8_t>(hashes));
  s.run();
}

int64_t countRows(const std::string& path, const std::string& sql) {
  SqliteConnection db(path, SQLITE_OPEN_READONLY);
  return db.queryInt(sql);
}

}  // namespace

class TestStorePlayMigration : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    registerBuiltinSimulations();
  }

  void oldPlayRunsBecomePlayEpisodesAndStillReplay() {
    const std::string path = dir_.filePath("v3.sqlite").toStdString();
    // A real quit match of the old play env: both players mash a few pads for 240 frames.
    const StoredRunConfig old = StoredRunConfig::parse(kOldPlayConfig);
    QVERIFY(!old.isPlay());  // an old play run reads as the training config it was
    const EnvPtr env = EnvRegistry::instance().get(old.env).create(old.envConfig);
    const TaskValues task = env->spec().tasks.fromMap({{"character", 2}, {"opponent", 3}});
    const EpisodeRecord quit = testing::recordEpisode(
        *env, 5, task,
        [](int step, float* action) {
          action[0] = static_cast<float>((step * 7) % 576);
          action[1] = static_cast<float>((step * 13) % 576);
        },
        240);
    QCOMPARE(quit.length, 240);
    {
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec(kVersion3Schema);
      insertRun(raw, 1, "walker-default", "walker", "{}", "[]");
      insertRun(raw, 4, "Play: kestrel vs sable CPU L1", "fight", kOldPlayConfig, "[\"play\"]");
      insertRun(raw, 6, "fight-default", "fight", "{}", "[\"baseline\"]");
      insertEpisode(raw, 2, 1, "eval", "fell", quit);
      insertEpisode(raw, 10, 4, "eval", "running", quit);
      insertEpisode(raw, 11, 4, "eval", "win", quit);
      insertEpisode(raw, 12, 4, "eval", "loss", quit);
      insertEpisode(raw, 13, 4, "eval", "draw", quit);
      insertEpisode(raw, 20, 6, "eval", "win", quit);
      insertEpisode(raw, 21, 6, "train", "loss", quit);
    }

    RunStore store(path, RunStore::OpenMode::OpenExisting, testing::fastStoreOptions());
    QCOMPARE(countRows(path, "PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});
    QCOMPARE(countRows(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'episodes_v%'"),
             int64_t{0});
    QCOMPARE(countRows(path,
                       "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                       "('episodes_by_run_kind', 'episodes_by_checkpoint')"),
             int64_t{2});
    QCOMPARE(countRows(path, "SELECT count(*) FROM episodes"), int64_t{7});

    // The old matches are people's matches now, with outcomes said from the match's view.
    const std::vector<EpisodeSummary> matches = store.episodes(4);
    QCOMPARE(matches.size(), size_t{4});
    const std::vector<std::pair<int64_t, std::string>> expected = {
        {10, "quit"}, {11, "p1 won"}, {12, "p2 won"}, {13, "draw"}};
    for (size_t i = 0; i < matches.size(); ++i) {
      QCOMPARE(matches[i].id, expected[i].first);
      QCOMPARE(matches[i].kind, EpisodeKind::Play);
      QCOMPARE(store.loadEpisode(matches[i].id).record.info.outcome, expected[i].second);
    }
    QCOMPARE(store.episodes(4, EpisodeKind::Play).size(), size_t{4});
    QVERIFY(store.episodes(4, EpisodeKind::Eval).empty());
    // Episodes of other runs keep their kind and outcome, a fight training run's included.
    QCOMPARE(store.loadEpisode(2).kind, EpisodeKind::Eval);
    QCOMPARE(store.loadEpisode(2).record.info.outcome, std::string("fell"));
    QCOMPARE(store.loadEpisode(20).kind, EpisodeKind::Eval);
    QCOMPARE(store.loadEpisode(20).record.info.outcome, std::string("win"));
    QCOMPARE(store.loadEpisode(21).kind, EpisodeKind::Train);

    // The old match still replays from its stored (training-shaped) config.
    const StoredRunConfig config = StoredRunConfig::parse(store.getRun(4).configJson);
    const EnvPtr replayEnv = EnvRegistry::instance().get(config.env).create(config.envConfig);
    const ReplayCheck check = verifyReplay(*replayEnv, store.loadEpisode(10).record);
    QVERIFY2(check.ok, check.message.c_str());
    QCOMPARE(check.stepsChecked, quit.length + 1);

    // New matches store as "play"; the rebuilt table still cascades when a run goes.
    const int64_t added = store.addEpisodeNow(4, std::nullopt, EpisodeKind::Play, quit);
    QCOMPARE(added, int64_t{22});
    QCOMPARE(store.loadEpisode(added).kind, EpisodeKind::Play);
    store.deleteRun(4);
    QCOMPARE(countRows(path, "SELECT count(*) FROM episodes WHERE run_id = 4"), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM episodes"), int64_t{3});
  }

  void playConfigReadsBackAndNeedsItsFields() {
    const nlohmann::json match = {
        {"p1", {{"character", "kestrel"}, {"control", "keyboard"}}},
        {"p2", {{"character", "sable"}, {"control", "cpu"}, {"cpu_level", 3}}}};
    const nlohmann::json config =
        StoredRunConfig::playConfig("fight", {{"mode", "two"}, {"control", "pad"}},
                                    {{"character", 0}, {"opponent", 4}}, 77, match);
    const StoredRunConfig read = StoredRunConfig::parse(config.dump());
    QVERIFY(read.isPlay());
    QCOMPARE(read.env, std::string("fight"));
    QCOMPARE(read.seed, uint64_t{77});
    QCOMPARE(read.task["opponent"].get<int>(), 4);
    QCOMPARE(read.envConfig["control"].get<std::string>(), std::string("pad"));
    QCOMPARE(read.match["p2"]["cpu_level"].get<int>(), 3);
    QVERIFY(!config.contains("ppo"));

    auto problem = [](const std::string& json) -> QString {
      try {
        StoredRunConfig::parse(json);
      } catch (const ConfigError& e) {
        return QString::fromUtf8(e.what());
      }
      return {};
    };
    QVERIFY(problem("{not json").contains("not JSON"));
    QVERIFY(problem(R"({"match": {}, "seed": 1})").contains("env"));
    QVERIFY(problem(R"({"env": "fight", "match": {}, "task": {"character": "x"}})")
                .contains("task.character"));
    QVERIFY(problem(R"({"env": "fight", "match": {}, "ppo": {}})").contains("ppo"));
    QVERIFY(problem(R"({"env": "fight", "match": 3})").contains("match"));
    // Stored configs of older versions carry ppo.total_timesteps and still load; a new training
    // config refuses that second limit and points to the budget.
    QVERIFY2(problem(R"({"env": "walker", "budget": {"steps": 10}, "ppo": {"total_timesteps": 5}})")
                 .isEmpty(),
             "an old stored config with ppo.total_timesteps did not load");
    try {
      TrainConfig::fromJson(nlohmann::json::parse(R"({"env": "walker", "budget": {"steps": 10},
                                                      "ppo": {"total_timesteps": 5}})"));
      QFAIL("a new config with ppo.total_timesteps was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("budget"), e.what());
    }
  }
};

QTEST_MAIN(TestStorePlayMigration)
#include "TestStorePlayMigration.moc"
