// palaestra-cli league, elo and exploit end to end with the real binary on a real store: a tiny
// league, its members rated against each other and the level-8 CPU (Elo, payoff matrix, the
// rating stored), the exploitability of its main agent, and one-line errors (exit 2) for bad input.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "conformance/CliRunner.h"

namespace {

using palaestra::testing::CliResult;
using palaestra::testing::runCli;

// Shrinks the league preset's learners to seconds of training.
nlohmann::json tinyOverrides() {
  return {{"base",
           {{"ppo",
             {{"num_envs", 2}, {"num_steps", 64}, {"num_minibatches", 2}, {"update_epochs", 1},
              {"hidden_sizes", {16}}}},
            {"env_config", {{"round_seconds", 5}}},
            {"eval", {{"final_episodes", 2}}}}},
          {"rounds", 1},
          {"round_steps", 512}};
}

}  // namespace

class TestLeagueCli : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString db_, config_;

 private slots:
  void initTestCase() {
    db_ = dir_.filePath("runs.sqlite");
    config_ = dir_.filePath("tiny.json");
    QFile f(config_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(tinyOverrides().dump()));
  }

  void leagueThenRatingThenExploitability() {
    const CliResult league = runCli({"league", "fight", "--preset", "league", "--config", config_,
                                     "--db", db_, "--threads", "2", "--json"});
    QVERIFY2(league.exitCode == 0, qPrintable(league.err));
    const nlohmann::json l = league.json();
    QCOMPARE(l["status"].get<std::string>(), std::string("finished"));
    QCOMPARE(l["members"].size(), size_t{3});
    QVERIFY(league.err.contains("round 1/1 main"));

    const CliResult elo = runCli({"elo", "--league", QString::number(l["league_id"].get<int64_t>()),
                                  "--cpu-levels", "8", "--matches", "1", "--db", db_, "--json"});
    QVERIFY2(elo.exitCode == 0, qPrintable(elo.err));
    const nlohmann::json e = elo.json();
    QCOMPARE(e["entrants"].size(), size_t{3 + 12});
    QCOMPARE(e["payoff"].size(), size_t{15});
    for (const auto& row : e["payoff"]) QCOMPARE(row.size(), size_t{15});
    double cpuMean = 0;
    for (const auto& x : e["entrants"]) {
      QVERIFY(x["elo"].is_number());
      if (x["kind"] == "cpu") cpuMean += x["elo"].get<double>() / 12;
      else QCOMPARE(x["games"].get<int64_t>(), int64_t{2 * 2 + 12});  // 2 members x 2 sides, 12 CPUs
    }
    QVERIFY(std::abs(cpuMean - 1500) < 1e-6);
    QVERIFY(e["rating_id"].get<int64_t>() > 0);
    QVERIFY(elo.out.contains("CPU level 8"));

    const int64_t main = l["members"][0]["checkpoint_id"].get<int64_t>();
    const CliResult exploit = runCli({"exploit", QString::number(main), "--steps", "256",
                                      "--seeds", "2", "--db", db_, "--json"});
    QVERIFY2(exploit.exitCode == 0, qPrintable(exploit.err));
    const nlohmann::json x = exploit.json();
    QCOMPARE(x["seeds"].size(), size_t{2});
    for (const auto& s : x["seeds"]) {
      QCOMPARE(s["games"].get<int64_t>(), int64_t{100});
      QVERIFY(s["win_rate"].get<double>() >= 0 && s["win_rate"].get<double>() <= 1);
    }
  }

  void badInputIsOneLineWithExitTwo() {
    struct Case {
      QStringList args;
      QString says;
    };
    const QList<Case> cases = {
        {{"league", "fight", "--preset", "melee"}, "unknown league preset 'melee'"},
        {{"league", "walker"}, "walker has no league presets"},
        {{"league", "fight", "--round-steps", "0"}, "--round-steps"},
        {{"elo", "--cpu-levels", "9"}, "\"9\" is not a CPU level"},
        {{"elo", "--league", "4", "--runs", "1"}, "--league or --runs"},
        {{"exploit", "424242"}, "no checkpoint 424242"},
    };
    for (const Case& c : cases) {
      const CliResult r = runCli(c.args + QStringList{"--db", db_});
      QVERIFY2(r.exitCode == 2, qPrintable(c.args.join(' ') + ": exit " + QString::number(r.exitCode) + " " + r.err));
      QVERIFY2(r.lastErrorLine().contains(c.says), qPrintable(c.args.join(' ') + ": " + r.err));
    }
    // An unknown league is not found (exit 1) and stores nothing.
    const CliResult r = runCli({"elo", "--league", "99", "--db", db_});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.lastErrorLine().contains("no league with id 99"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestLeagueCli)
#include "TestLeagueCli.moc"
