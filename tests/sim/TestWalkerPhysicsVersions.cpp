// Walker physics versions and stored runs: a store made by the code before physics versions
// (schema 3, walker configs without physics_version, episodes recorded without hip reference
// angles) is migrated so its runs say physics_version 1 and their episodes keep replaying bit
// for bit; runs trained with physics_version 1 record and replay; and an episode replayed on the
// other physics is refused by name, never a silent mismatch.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "Simulations.h"
#include "conformance/CliRunner.h"
#include "conformance/EpisodeRecording.h"
#include "conformance/TinyTraining.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "store/Sqlite.h"
#include "store/StoreSchema.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Compression.h"
#include "walker/WalkerEnv.h"

using namespace palaestra;

namespace {

std::unique_ptr<WalkerEnv> walkerOf(int physicsVersion) {
  return std::make_unique<WalkerEnv>(WalkerConfig::fromJson({{"physics_version", physicsVersion}}));
}

// A gait that walks for a while, so the hips work near their limits.
void swing(int t, float* a) {
  const double phase = 2 * M_PI * t / 24.0;
  a[0] = static_cast<float>(std::clamp(0.4 + std::sin(phase), -1.0, 1.0));
  a[1] = static_cast<float>(std::sin(phase + 5.0));
  a[2] = static_cast<float>(std::clamp(0.4 - std::sin(phase), -1.0, 1.0));
  a[3] = static_cast<float>(-std::sin(phase + 5.0));
}

// The config JSON as the code before physics versions wrote it for a walker run.
constexpr const char* kOldWalkerConfig =
    R"({"budget":{"minutes":15.0,"steps":null},"env":"walker","env_config":{"embodiment":)"
    R"("classic_bipedal","terrain":"normal"},"eval":{"episodes":10,"every_steps":500000,)"
    R"("final_episodes":20},"keep_episodes":{"best_and_last":true,"eval":true,"sample_rate":)"
    R"(0.002},"ppo":{"learning_rate":0.0003,"num_envs":16},"seed":1,"task":{},"threads":0})";

nlohmann::json tinyConfig(int physicsVersion) {
  nlohmann::json c = testing::tinyTrainingConfig("walker", "default", 512, 256, 2, 2);
  c["env_config"]["physics_version"] = physicsVersion;
  return c;
}

}  // namespace

class TestWalkerPhysicsVersions : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  void oldStoreIsMigratedAndItsEpisodesStillReplay() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("old.sqlite").toStdString();
    // An episode as the old code recorded it: v1 physics, info without a physics version.
    auto v1 = walkerOf(1);
    EpisodeRecord record = testing::recordEpisode(*v1, 77, {}, swing, 400);
    std::erase_if(record.info.values,
                  [](const auto& v) { return v.first == WalkerEnv::kPhysicsVersionInfo; });
    QVERIFY(!record.info.values.empty());
    {
      // Schema 3 exactly as the migrations before physics versions left it.
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec("PRAGMA journal_mode = WAL; BEGIN;");
      for (const StoreMigration& m : storeMigrations())
        if (m.version <= 3) raw.exec(m.sql);
      raw.exec("PRAGMA user_version = 3; PRAGMA application_id = 1346456641; COMMIT;");
      SqliteStatement run(raw,
                          "INSERT INTO runs (id, name, env, config_json, seed, code_version,"
                          " created_at, status, steps) VALUES (4, 'old walker', 'walker', ?1, 1,"
                          " 'v0.2', 1700000000.0, 'finished', 1000)");
      run.bind(1, std::string(kOldWalkerConfig));
      run.run();
      SqliteStatement fight(raw,
                            "INSERT INTO runs (id, name, env, config_json, seed, code_version,"
                            " created_at, status, steps) VALUES (5, 'fight', 'fight',"
                            " '{\"env_config\":{}}', 1, 'v0.2', 1700000000.0, 'finished', 10)");
      fight.run();
      const auto actions = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.actions.data()), record.actions.size() * 4));
      const auto hashes = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.hashes.data()), record.hashes.size() * 8));
      nlohmann::json info = nlohmann::json::array();
      for (const auto& [name, value] : record.info.values) info.push_back({name, value});
      SqliteStatement ep(raw,
                         "INSERT INTO episodes (id, run_id, kind, env_index, episode_index,"
                         " task_json, seed, length, action_size, episode_return,"
                         " slot_returns_json, outcome, info_json, terminated, truncated, actions,"
                         " hashes, created_at) VALUES (11, 4, 'eval', 0, 0, '[]', ?1, ?2, 4, ?3,"
                         " ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1700000300.0)");
      ep.bind(1, static_cast<int64_t>(record.seed));
      ep.bind(2, static_cast<int64_t>(record.length));
      ep.bind(3, record.slotReturns[0]);
      ep.bind(4, nlohmann::json(record.slotReturns).dump());
      ep.bind(5, record.info.outcome);
      ep.bind(6, info.dump());
      ep.bind(7, static_cast<int64_t>(record.terminated));
      ep.bind(8, static_cast<int64_t>(record.truncated));
      ep.bind(9, std::span<const uint8_t>(actions));
      ep.bind(10, std::span<const uint8_t>(hashes));
      ep.run();
    }
    RunStore store(path);
    // The migration wrote the version the run was recorded with, and nothing else changed.
    const nlohmann::json config = nlohmann::json::parse(store.getRun(4).configJson);
    QCOMPARE(config["env_config"]["physics_version"].get<int>(), 1);
    nlohmann::json without = config;
    without["env_config"].erase("physics_version");
    QCOMPARE(without, nlohmann::json::parse(kOldWalkerConfig));
    QVERIFY(!nlohmann::json::parse(store.getRun(5).configJson)["env_config"].contains("physics_version"));

    // Its episode replays bit-exactly on the env its stored config builds.
    const StoredEpisode stored = store.loadEpisode(11);
    const TrainConfig trained = TrainConfig::fromJson(config);
    EnvPtr env = EnvRegistry::instance().get("walker").create(trained.envConfig);
    const ReplayCheck ok = verifyReplay(*env, stored.record);
    QVERIFY2(ok.ok, ok.message.c_str());
    QCOMPARE(ok.stepsChecked, record.length + 1);
    // Replayed on physics v2 it is refused, saying why.
    auto v2 = walkerOf(2);
    const ReplayCheck refused = verifyReplay(*v2, stored.record);
    QVERIFY(!refused.ok);
    QVERIFY2(refused.message.find("recorded with walker physics v1") != std::string::npos,
             refused.message.c_str());
    // And the command line agrees.
    const testing::CliResult cli = testing::runCli(
        {"replay", "--run", "4", "--verify", "--db", QString::fromStdString(path)});
    QVERIFY2(cli.exitCode == 0, qPrintable(cli.out + cli.err));
  }

  // A new run stores the version it trains with, also when its config left it out, so a later
  // default can never change what the stored run means.
  void newRunsStoreTheirPhysicsVersion() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    nlohmann::json config = tinyConfig(2);
    config["env_config"] = {{"terrain", "normal"}};
    TrainingSession session(TrainConfig::fromJson(config), &store, "defaults");
    const nlohmann::json stored = nlohmann::json::parse(store.getRun(session.runId()).configJson);
    QCOMPARE(stored["env_config"]["physics_version"].get<int>(), 2);
    QCOMPARE(stored["env_config"]["embodiment"].get<std::string>(), std::string("classic_bipedal"));
  }

  void physicsV1RunsRecordAndReplay() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    TrainingSession session(TrainConfig::fromJson(tinyConfig(1)), &store, "v1");
    std::atomic<bool> stop{false};
    QCOMPARE(session.run(stop).status, RunStatus::Finished);
    const TrainConfig config =
        TrainConfig::fromJson(nlohmann::json::parse(store.getRun(session.runId()).configJson));
    QCOMPARE(config.envConfig["physics_version"].get<int>(), 1);
    const auto episodes = store.episodes(session.runId());
    QVERIFY(episodes.size() >= 4);
    for (const EpisodeSummary& e : episodes) {
      const StoredEpisode stored = store.loadEpisode(e.id);
      EnvPtr env = EnvRegistry::instance().get("walker").create(config.envConfig);
      const ReplayCheck check = verifyReplay(*env, stored.record);
      QVERIFY2(check.ok, check.message.c_str());
    }
    const StoredEpisode one = store.loadEpisode(episodes.front().id);
    const ReplayCheck onV2 = verifyReplay(*walkerOf(2), one.record);
    QVERIFY(!onV2.ok);
    QVERIFY2(onV2.message.find("recorded with walker physics v1") != std::string::npos,
             onV2.message.c_str());
    // The other way round too: a v2 episode on v1 physics.
    auto v2 = walkerOf(2);
    const EpisodeRecord recent = testing::recordEpisode(*v2, 5, {}, swing, 50);
    const ReplayCheck onV1 = verifyReplay(*walkerOf(1), recent);
    QVERIFY2(onV1.message.find("recorded with walker physics v2") != std::string::npos,
             onV1.message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestWalkerPhysicsVersions)
#include "TestWalkerPhysicsVersions.moc"
