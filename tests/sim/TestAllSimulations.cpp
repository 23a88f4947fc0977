// Every registered simulation, every one of its presets: the shared conformance
// test, one PPO iteration, and a store round trip (train into a real SQLite
// file, read the episodes back, replay them bit-exactly). Plus a golden state
// hash per simulation, so a change that alters trajectories (physics, rules,
// random streams) cannot land unnoticed: it must update the hash here and say
// why (stored replays of that simulation no longer verify).
//
// A new simulation is covered by registering it; it fails here until its golden
// hash is pinned.
#include <QtTest>

#include <map>

#include "conformance/EnvConformance.h"
#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"

using namespace palaestra;

namespace {

/// The state hash after `kGoldenSteps` steps of the default preset's env from a fixed seed with
/// fixed random actions; update with the reason in the commit when a simulation changes on purpose.
const std::map<std::string, uint64_t>& goldenHashes() {
  static const std::map<std::string, uint64_t> hashes = {
      {"fight", 13274530177248436596ULL},
      // Swarm: Vicsek default preset (300 agents, eta 0.3), positions, headings and the noise stream.
      {"swarm", 2916613476175326386ULL},
      // Walker physics v2 (hip reference angles as Gymnasium sets them); v1 runs keep replaying on
      // v1, which their stored env_config names.
      {"walker", 11398127247851120543ULL},
  };
  return hashes;
}
constexpr int kGoldenSteps = 300;

/// A preset shrunk to one short PPO iteration with one evaluation episode.
nlohmann::json smokeConfig(const std::string& env, const std::string& preset) {
  nlohmann::json c = presetConfig(env, preset);
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 32;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 1;
  c["budget"] = {{"steps", 64}};
  c["threads"] = 2;
  c["eval"] = {{"every_steps", 1000000}, {"episodes", 1}, {"final_episodes", 1}};
  return c;
}

/// Plays the golden episode of `env` and returns its state hash after kGoldenSteps steps (or at
/// its end, whichever comes first).
uint64_t goldenHash(Env& env) {
  const EnvSpec& spec = env.spec();
  env.reset(20261204, spec.tasks.defaults());
  Rng rng(77);
  std::vector<float> actions(static_cast<size_t>(spec.numAgents) * spec.actionSpace.size());
  std::vector<float> rewards(static_cast<size_t>(spec.numAgents));
  for (int t = 0; t < kGoldenSteps; ++t) {
    for (int a = 0; a < spec.numAgents; ++a)
      testing::sampleAction(spec.actionSpace, rng, actions.data() + a * spec.actionSpace.size());
    const StepStatus s = env.step(actions.data(), rewards.data());
    if (s.terminated || s.truncated) break;
  }
  return env.stateHash();
}

}  // namespace

class TestAllSimulations : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(!EnvRegistry::instance().names().empty());
  }

  void conformance_data() { presetRows(); }
  void conformance() {
    QFETCH(QString, env);
    QFETCH(QString, preset);
    const TrainConfig config =
        TrainConfig::fromJson(presetConfig(env.toStdString(), preset.toStdString()));
    const EnvInfo& info = EnvRegistry::instance().get(config.env);
    testing::ConformanceOptions options;
    options.comparedSteps = 60;
    options.snapshotStep = 20;
    QVERIFY(testing::checkEnvConformance([&] { return info.create(config.envConfig); }, options));
  }

  void ppoIterationAndStoreReplay_data() { presetRows(); }
  void ppoIterationAndStoreReplay() {
    QFETCH(QString, env);
    QFETCH(QString, preset);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    const TrainConfig config =
        TrainConfig::fromJson(smokeConfig(env.toStdString(), preset.toStdString()));
    TrainingSession session(config, &store, "smoke");
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    QCOMPARE(result.status, RunStatus::Finished);
    QVERIFY(result.steps >= 64);
    QVERIFY(std::isfinite(result.evalMeanReturn));
    QVERIFY(!store.metricNames(session.runId()).empty());
    QVERIFY(store.latestCheckpoint(session.runId()).has_value());

    // Read everything back the way `palaestra-cli replay` does: the env from the stored config.
    const RunInfo run = store.getRun(session.runId());
    const TrainConfig stored = TrainConfig::fromJson(nlohmann::json::parse(run.configJson));
    const auto episodes = store.episodes(session.runId());
    QVERIFY2(!episodes.empty(), "the final evaluation's episode must be stored");
    for (const EpisodeSummary& summary : episodes) {
      const StoredEpisode episode = store.loadEpisode(summary.id);
      EnvPtr replayEnv = EnvRegistry::instance().get(stored.env).create(stored.envConfig);
      const ReplayCheck check = verifyReplay(*replayEnv, episode.record);
      QVERIFY2(check.ok, check.message.c_str());
      QCOMPARE(check.stepsChecked, episode.record.length + 1);
    }
  }

  void goldenStateHash_data() {
    QTest::addColumn<QString>("env");
    for (const std::string& name : EnvRegistry::instance().names())
      QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }
  void goldenStateHash() {
    QFETCH(QString, env);
    const std::string name = env.toStdString();
    const TrainConfig config = TrainConfig::fromJson(presetConfig(name, ""));
    EnvPtr first = EnvRegistry::instance().get(name).create(config.envConfig);
    EnvPtr second = EnvRegistry::instance().get(name).create(config.envConfig);
    const uint64_t hash = goldenHash(*first);
    QCOMPARE(goldenHash(*second), hash);  // deterministic within the process first
    const auto pinned = goldenHashes().find(name);
    QVERIFY2(
        pinned != goldenHashes().end(),
        qPrintable(
            QString("no golden hash pinned for '%1': add {\"%1\", %2ULL}").arg(env).arg(hash)));
    QVERIFY2(pinned->second == hash,
             qPrintable(QString("%1's golden state hash changed: %2 pinned, %3 now. If the change "
                                "of trajectories is intended, pin the new value and say why "
                                "(stored %1 replays will no longer verify).")
                            .arg(env)
                            .arg(pinned->second)
                            .arg(hash)));
  }

 private:
  static void presetRows() {
    QTest::addColumn<QString>("env");
    QTest::addColumn<QString>("preset");
    for (const std::string& name : EnvRegistry::instance().names())
      for (const auto& [preset, _] : EnvRegistry::instance().get(name).presets) {
        const std::string row = name + "/" + preset;
        QTest::newRow(row.c_str())
            << QString::fromStdString(name) << QString::fromStdString(preset);
      }
  }
};

QTEST_GUILESS_MAIN(TestAllSimulations)
#include "TestAllSimulations.moc"
