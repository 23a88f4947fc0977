// palaestra-cli tournament end to end, running the real binary: the JSON shape,
// one-line errors with exit code 2 for bad input, and determinism (the same seed
// gives the same matrix whatever the thread count).
#include <QtTest>

#include <nlohmann/json.hpp>

#include "conformance/CliRunner.h"
#include "fight/CharacterLoader.h"

namespace {

using palaestra::testing::CliResult;
using palaestra::testing::runCli;

QString id(int i) {
  return QString::fromStdString(palaestra::fight::Roster::builtin().at(i).id);
}

}  // namespace

class TestTournament : public QObject {
  Q_OBJECT

 private slots:
  void jsonShape() {
    const QString controllers = id(0) + "@8," + id(1) + "," + id(0) + "@1";
    const CliResult r = runCli({"tournament", "--controllers", controllers, "--cpu-level", "6",
                                "--matches", "1", "--seed", "3", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const nlohmann::json j = r.json();
    QCOMPARE(j["controllers"].size(), size_t{3});
    QCOMPARE(QString::fromStdString(j["controllers"][1].get<std::string>()), id(1) + "@6");
    QCOMPARE(QString::fromStdString(j["controllers"][2].get<std::string>()), id(0) + "@1");
    QCOMPARE(j["win_rate"].size(), size_t{3});
    for (size_t row = 0; row < 3; ++row) {
      QCOMPARE(j["win_rate"][row].size(), size_t{3});
      QVERIFY(j["win_rate"][row][row].is_null());
      for (size_t col = 0; col < 3; ++col) {
        if (row == col) continue;
        const double rate = j["win_rate"][row][col].get<double>();
        QVERIFY(rate >= 0 && rate <= 1);
        // Row vs column and column vs row share out each match (a draw is half to each).
        QCOMPARE(rate + j["win_rate"][col][row].get<double>(), 1.0);
      }
    }
    QCOMPARE(j["overall"].size(), size_t{3});
    // The text matrix is printed too.
    QVERIFY(r.out.contains("overall"));
  }

  void sameSeedSameMatrix() {
    const QString controllers = id(2) + "," + id(3) + "," + id(4);
    const QStringList args{"tournament", "--controllers", controllers, "--matches",
                           "2",          "--seed",        "11",        "--json"};
    const CliResult one = runCli(args + QStringList{"--threads", "1"});
    const CliResult two = runCli(args + QStringList{"--threads", "2"});
    QVERIFY2(one.exitCode == 0 && two.exitCode == 0, qPrintable(one.err + two.err));
    QVERIFY(one.json()["win_rate"] == two.json()["win_rate"]);
    QVERIFY(one.json()["frames"] == two.json()["frames"]);
    const CliResult other = runCli(
        {"tournament", "--controllers", controllers, "--matches", "2", "--seed", "12", "--json"});
    QVERIFY(other.json()["frames"] != one.json()["frames"]);
  }

  void badInputIsOneLineExitTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    QTest::newRow("unknown character") << QStringList{"--controllers", id(0) + ",nosuchfighter"}
                                       << "unknown character 'nosuchfighter'";
    QTest::newRow("level in spec") << QStringList{"--controllers", id(0) + "@9," + id(1)} << "1..8";
    QTest::newRow("level flag") << QStringList{"--cpu-level", "0"} << "--cpu-level";
    QTest::newRow("no matches") << QStringList{"--matches", "0"} << "--matches";
    QTest::newRow("one controller") << QStringList{"--controllers", id(0)} << "at least 2";
    QTest::newRow("unknown flag") << QStringList{"--rounds", "3"} << "--rounds";
  }
  void badInputIsOneLineExitTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    const CliResult r = runCli(QStringList{"tournament"} + args);
    QCOMPARE(r.exitCode, 2);
    const QStringList lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines[0].startsWith("palaestra-cli: error: "), qPrintable(r.err));
    QVERIFY2(r.err.contains(needle), qPrintable("expected '" + needle + "' in: " + r.err));
    QVERIFY(r.out.isEmpty());
  }

  void helpMentionsCheckpointsLater() {
    const CliResult r = runCli({"tournament", "--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("checkpoints"));
  }
};

QTEST_GUILESS_MAIN(TestTournament)
#include "TestTournament.moc"
