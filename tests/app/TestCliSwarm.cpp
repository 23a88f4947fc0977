// The swarm through the real palaestra-cli: a bad swarm config is refused with its field named
// (exit 2), a 100k-agent training is refused with its memory estimate before anything is built,
// --phase-curve is refused for other envs, and an adversary trained against a frozen swarm is
// evaluated against that swarm, with the swarm's order among the episode means.
#include <QTemporaryDir>
#include <QtTest>

#include "conformance/CliRunner.h"

using palaestra::testing::CliResult;
using palaestra::testing::runCli;
using palaestra::testing::writeFile;

class TestCliSwarm : public QObject {
  Q_OBJECT
 private slots:
  void badSwarmConfigIsRefusedByField() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath("swarm.json");
    writeFile(config, R"({"env_config": {"agents": 300, "density": 3, "radius": 6}})");
    const CliResult r = runCli({"train", "swarm", "--config", config, "--steps", "100", "--db",
                                dir.filePath("runs.sqlite")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("env_config.radius 6 is larger than half the box") ||
                 r.lastErrorLine().contains("env.radius 6 is larger than half the box"),
             qPrintable(r.err));
  }

  void hundredThousandAgentTrainingIsRefusedWithTheEstimate() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath("huge.json");
    writeFile(config,
              R"({"env_config": {"agents": 100000}, "ppo": {"num_envs": 64, "num_steps": 2048}})");
    const CliResult r = runCli({"train", "swarm", "--config", config, "--steps", "100", "--db",
                                dir.filePath("runs.sqlite")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(
        r.lastErrorLine().contains("ppo.num_envs 64") && r.lastErrorLine().contains("needs about"),
        qPrintable(r.err));
  }

  void adversaryRunIsEvaluatedAgainstItsFrozenSwarm() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath("runs.sqlite");
    const char* ppo = R"("ppo": {"num_envs": 2, "num_steps": 32, "num_minibatches": 2,
        "update_epochs": 1, "hidden_sizes": [16]},
        "eval": {"every_steps": 64, "episodes": 1, "final_episodes": 2})";
    const QString swarmConfig = dir.filePath("swarm.json");
    writeFile(
        swarmConfig,
        QString(R"({"env_config": {"agents": 40, "episode_steps": 40}, %1})").arg(ppo).toUtf8());
    const CliResult swarm =
        runCli({"train", "swarm", "--config", swarmConfig, "--steps", "128", "--db", db, "--json"});
    QVERIFY2(swarm.exitCode == 0, qPrintable(swarm.err));
    const int swarmRun = swarm.json().at("run_id").get<int>();

    const QString adversaryConfig = dir.filePath("adversary.json");
    writeFile(adversaryConfig,
              QString(R"({"env_config": {"agents": 40, "adversaries": 2, "episode_steps": 40},
                          "frozen_slots": {"swarm": {"run": %1, "checkpoint": "best"}},
                          "learn_slot": "adversary", %2})")
                  .arg(swarmRun)
                  .arg(ppo)
                  .toUtf8());
    const CliResult adversary = runCli(
        {"train", "swarm", "--config", adversaryConfig, "--steps", "128", "--db", db, "--json"});
    QVERIFY2(adversary.exitCode == 0, qPrintable(adversary.err));
    const int adversaryRun = adversary.json().at("run_id").get<int>();

    const CliResult eval =
        runCli({"eval", QString::number(adversaryRun), "--episodes", "2", "--db", db, "--json"});
    QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
    QVERIFY2(eval.out.contains(QString("frozen slots: swarm = run %1 checkpoint best; figures "
                                       "are slot adversary's")
                                   .arg(swarmRun)),
             qPrintable(eval.out));
    QVERIFY2(eval.out.contains("episode means:"), qPrintable(eval.out));
    const nlohmann::json j = eval.json();
    const double orderMean = j.at("episode_means").at("order_mean").get<double>();
    const double steps = j.at("episode_means").at("steps").get<double>();
    QVERIFY(orderMean > 0 && orderMean <= 1 && steps == 40);
    // Every adversary is paid -order each step, so the slot's return is -steps * mean order.
    QVERIFY2(std::fabs(j.at("mean_return").get<double>() + steps * orderMean) < 1e-3 * steps,
             qPrintable(eval.out));

    // A swarm run without adversaries reports its order too, and no frozen slots.
    const CliResult plain =
        runCli({"eval", QString::number(swarmRun), "--episodes", "1", "--db", db, "--json"});
    QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
    QVERIFY(!plain.out.contains("frozen slots:"));
    QVERIFY(plain.json().at("episode_means").contains("order_mean"));
  }

  void phaseCurveIsForTheSwarmOnly() {
    const CliResult r = runCli({"bench", "walker", "--phase-curve"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("--phase-curve is for the swarm"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestCliSwarm)
#include "TestCliSwarm.moc"
