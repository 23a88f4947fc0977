// The swarm through the real palaestra-cli: a bad swarm config is refused with its field named
// (exit 2), a 100k-agent training is refused with its memory estimate before anything is built,
// and --phase-curve is refused for other envs.
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

  void phaseCurveIsForTheSwarmOnly() {
    const CliResult r = runCli({"bench", "walker", "--phase-curve"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("--phase-curve is for the swarm"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestCliSwarm)
#include "TestCliSwarm.moc"
