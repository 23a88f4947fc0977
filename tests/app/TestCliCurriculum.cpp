// A curriculum through the real palaestra-cli: a swarm trained with an ALP-GMM curriculum and a
// test set; `curriculum RUN --json` gives the section it trained under and the test set's share
// mastered at every checkpoint; a teacher section with an unknown key is refused naming it
// (exit 2), and an unknown run is an error.
#include <QTemporaryDir>
#include <QtTest>

#include "conformance/CliRunner.h"

using palaestra::testing::CliResult;
using palaestra::testing::runCli;
using palaestra::testing::writeFile;

class TestCliCurriculum : public QObject {
  Q_OBJECT
 private slots:
  void curriculumCommandShowsSectionsAndMastery() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath("runs.sqlite");
    const QString config = dir.filePath("c.json");
    writeFile(config, R"({"env_config": {"agents": 20, "episode_steps": 16},
        "curriculum": {"teacher": "alp_gmm", "bounds": {"noise": [0.1, 0.6]},
                       "alp_gmm": {"fit_rate": 10, "k_max": 3}},
        "test_set": {"grid": {"noise": [0, 1, 3]}, "mastered": {"return": 5}},
        "ppo": {"num_envs": 2, "num_steps": 32, "num_minibatches": 2, "update_epochs": 1,
                "hidden_sizes": [16]},
        "eval": {"every_steps": 128, "episodes": 1, "final_episodes": 1}})");
    const CliResult train =
        runCli({"train", "swarm", "--config", config, "--steps", "384", "--db", db, "--json"});
    QVERIFY2(train.exitCode == 0, qPrintable(train.err));
    const int run = train.json().at("run_id").get<int>();
    const CliResult shown = runCli({"curriculum", QString::number(run), "--db", db, "--json"});
    QVERIFY2(shown.exitCode == 0, qPrintable(shown.err));
    const nlohmann::json j = shown.json();
    QCOMPARE(j["sections"].size(), size_t{1});
    QCOMPARE(j["sections"][0]["section"]["teacher"], "alp_gmm");
    QVERIFY(j["episodes"].get<int>() >= 20);  // 384 steps of 16-step episodes
    QVERIFY(j["test_set"].size() >= 3);
    for (const nlohmann::json& t : j["test_set"]) {
      QCOMPARE(t["scores"].size(), size_t{3});
      const double pct = t["mastered_pct"];
      QVERIFY(pct == 0.0 || std::abs(pct - 100.0 / 3) < 1e-9 || std::abs(pct - 200.0 / 3) < 1e-9 ||
              pct == 100.0);
    }
    QVERIFY(shown.out.contains("% mastered"));

    const CliResult unknown = runCli({"curriculum", "99", "--db", db});
    QVERIFY(unknown.exitCode != 0);
    QVERIFY2(unknown.lastErrorLine().contains("no run with id 99"), qPrintable(unknown.err));
  }

  void badTeacherSectionIsRefusedByField() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath("bad.json");
    writeFile(config, R"({"curriculum": {"teacher": "ladder", "ladder": {"windw": 5}}})");
    const CliResult r = runCli({"train", "fight", "--preset", "ladder_curriculum", "--config",
                                config, "--steps", "100", "--db", dir.filePath("runs.sqlite")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("curriculum.ladder.windw"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestCliCurriculum)
#include "TestCliCurriculum.moc"
