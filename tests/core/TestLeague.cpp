// Self play, fictitious self play and leagues on the real fight env and a real SQLite store: the
// opponent pool draws by weight and reproducibly, training against it is deterministic whatever
// the thread count, a tiny league stores its members round by round with the games behind its
// matchmaking (whose episodes replay bit-exactly), prioritised fictitious self play favours the
// hard opponents, Elo recovers known ratings, cross-play does not depend on the thread count,
// and bad league or opponents configs are refused by field.
#include <QtTest>

#include <cmath>
#include <map>
#include <set>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "env/EnvRegistry.h"
#include "league/CrossPlay.h"
#include "league/EloRating.h"
#include "league/LeagueRunner.h"
#include "replay/ReplayVerifier.h"
#include "rl/OpponentPool.h"
#include "store/LeagueStore.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

const nlohmann::json kEnvConfig = testing::tinyFightLeagueEnvConfig();

nlohmann::json tinyLearner() { return testing::tinyFightLeagueConfig("league")["base"]; }

nlohmann::json tinyLeague(const std::string& kind) { return testing::tinyFightLeagueConfig(kind); }

QString configError(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return "(no error)";
}

EnvSpec twoModeSpec() {
  return EnvRegistry::instance().get("fight").create(kEnvConfig)->spec();
}

}  // namespace

class TestLeague : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  void opponentDrawsFollowTheWeightsAndRepeat() {
    const EnvSpec spec = twoModeSpec();
    const Policy policy(spec.observationSpace, spec.actionSpace, PolicyArchitecture{}, 3);
    auto shared = std::make_shared<const Policy>(policy.copy());
    std::vector<OpponentMember> members = {
        {"a", shared, {}, 1.0, 11},
        {"b", shared, {}, 2.0, 12},
        {"never", shared, {}, 0.0, 13},
        {"cpu", nullptr, {{"cpu_level", 8}, {"opponent", 3}}, 1.0, 0}};
    OpponentPool pool(spec, 1, members, 1.0, {{"cpu_level", 0}}, 42, 4);
    std::map<int, int> counts;
    const int draws = 5000;
    for (int k = 0; k < draws; ++k) {
      const TaskValues task = pool.beginEpisode(k % 4, k / 4, spec.tasks.defaults());
      const int chosen = pool.current(k % 4);
      counts[chosen]++;
      if (chosen == 3) {
        QCOMPARE(task[2], 8.0);
        QCOMPARE(task[1], 3.0);
      } else {
        QCOMPARE(task[2], 0.0);
      }
    }
    // Weights 1 : 2 : 0 : 1 and self 1 (of 5).
    QCOMPARE(counts[2], 0);
    QVERIFY2(std::abs(counts[0] / double(draws) - 0.2) < 0.03, qPrintable(QString::number(counts[0])));
    QVERIFY2(std::abs(counts[1] / double(draws) - 0.4) < 0.03, qPrintable(QString::number(counts[1])));
    QVERIFY2(std::abs(counts[3] / double(draws) - 0.2) < 0.03, qPrintable(QString::number(counts[3])));
    QVERIFY2(std::abs(counts[OpponentPool::kSelf] / double(draws) - 0.2) < 0.03,
             qPrintable(QString::number(counts[OpponentPool::kSelf])));
    // The same env and episode draw the same opponent again (a resumed run replays them).
    OpponentPool again(spec, 1, members, 1.0, {{"cpu_level", 0}}, 42, 4);
    for (int k = 0; k < 200; ++k) {
      pool.beginEpisode(k % 4, k / 4, spec.tasks.defaults());
      again.beginEpisode(k % 4, k / 4, spec.tasks.defaults());
      QCOMPARE(again.current(k % 4), pool.current(k % 4));
    }
    // Scores are tallied against the opponent of the env's episode.
    pool.beginEpisode(0, 999, spec.tasks.defaults());
    const int opponent = pool.current(0);
    pool.recordScore(0, 1.0);
    const auto tallies = pool.tallies();
    const size_t index = opponent == OpponentPool::kSelf ? members.size() : size_t(opponent);
    QCOMPARE(tallies[index].games, int64_t{1});
    QCOMPARE(tallies[index].score, 1.0);
  }

  void trainingAgainstOpponentsIsReproducible() {
    RunStore store(dir_.filePath("repro.sqlite").toStdString());
    nlohmann::json first = tinyLearner();
    first["budget"] = {{"steps", 256}};
    std::atomic<bool> stop{false};
    TrainingSession seedRun(TrainConfig::fromJson(first), &store, "first");
    const TrainingResult seeded = seedRun.run(stop);
    nlohmann::json config = tinyLearner();
    config["budget"] = {{"steps", 1024}};
    config["learn_slot"] = "p1";
    config["opponents"] = {{"slot", "p2"},
                           {"self_weight", 1.0},
                           {"sample_actions", true},
                           {"task", {{"cpu_level", 0}}},
                           {"members",
                            {{{"name", "first"}, {"run", seeded.runId},
                              {"checkpoint", seeded.finalCheckpointId}},
                             {{"name", "cpu"}, {"task", {{"cpu_level", 3}}}}}}};
    std::vector<std::vector<uint8_t>> policies;
    for (int threads : {1, 2}) {
      config["threads"] = threads;
      TrainingSession session(TrainConfig::fromJson(config), &store, "vs pool");
      const TrainingResult r = session.run(stop);
      policies.push_back(store.loadCheckpoint(r.finalCheckpointId).policy);
      int64_t games = 0;
      for (const OpponentTally& t : session.opponentTallies()) games += t.games;
      QVERIFY2(games > 0, "no training game finished against the pool");
      // Every kept episode replays bit-exactly (the opponents' actions are in the log).
      const EnvInfo& info = EnvRegistry::instance().get("fight");
      EnvPtr replay = info.create(kEnvConfig);
      int replayed = 0;
      for (const EpisodeSummary& e : store.episodes(r.runId)) {
        const ReplayCheck check = verifyReplay(*replay, store.loadEpisode(e.id).record);
        QVERIFY2(check.ok, check.message.c_str());
        ++replayed;
      }
      QVERIFY(replayed > 0);
    }
    QVERIFY2(policies[0] == policies[1], "1 and 2 threads trained different policies");
  }

  void leagueStoresMembersRoundByRound() {
    RunStore store(dir_.filePath("league.sqlite").toStdString());
    const LeagueConfig config = LeagueConfig::fromJson(tinyLeague("league"));
    LeagueRunner runner(config, store, "tiny league");
    std::vector<LeagueProgress> seen;
    std::atomic<bool> stop{false};
    const LeagueResult result =
        runner.run(stop, [&](const LeagueProgress& p) { seen.push_back(p); });
    QCOMPARE(result.roundsDone, 2);
    QVERIFY(!result.interrupted);
    QCOMPARE(seen.size(), size_t{6});
    LeagueStore leagues(store);
    QCOMPARE(QString::fromStdString(leagues.league(runner.leagueId()).status), QString("finished"));
    const std::vector<LeagueMember> members = leagues.members(runner.leagueId());
    QCOMPARE(members.size(), size_t{6});
    const std::vector<std::string> order = {"main", "main_exploiter", "league_exploiter"};
    for (size_t i = 0; i < members.size(); ++i) {
      QCOMPARE(QString::fromStdString(members[i].role), QString::fromStdString(order[i % 3]));
      QCOMPARE(members[i].round, int(i / 3));
      const Checkpoint c = store.loadCheckpoint(members[i].checkpointId);
      QCOMPARE(c.info.runId, members[i].runId);
      QCOMPARE(c.info.step, members[i].step);
    }
    QVERIFY(members[5].leagueSteps > members[0].leagueSteps);
    // The second round's main agent met the first round's members: its stored config names them.
    const RunInfo mainRun = store.getRun(members[3].runId);
    const nlohmann::json opponents = nlohmann::json::parse(mainRun.configJson)["opponents"];
    std::set<int64_t> met;
    for (const auto& m : opponents["members"])
      if (m.contains("checkpoint")) met.insert(m["checkpoint"].get<int64_t>());
    for (int i = 0; i < 3; ++i) QVERIFY(met.count(members[i].checkpointId));
    QVERIFY(opponents["self_weight"].get<double>() > 0);
    // The main exploiter's second round is against the main agent only.
    const nlohmann::json exploiter =
        nlohmann::json::parse(store.getRun(members[4].runId).configJson)["opponents"];
    for (const auto& m : exploiter["members"])
      QCOMPARE(m["run"].get<int64_t>(), members[0].runId);
    const std::vector<LeagueGames> games = leagues.games(runner.leagueId());
    int64_t played = 0;
    for (const LeagueGames& g : games) {
      played += g.games;
      QVERIFY(g.score >= 0 && g.score <= g.games);
    }
    QVERIFY2(played > 0, "no training games recorded");
  }

  void selfPlayAndFictitiousSelfPlayTrainTheMainAgentOnly() {
    RunStore store(dir_.filePath("selfplay.sqlite").toStdString());
    std::atomic<bool> stop{false};
    for (const std::string kind : {"self_play", "fictitious_self_play"}) {
      LeagueRunner runner(LeagueConfig::fromJson(tinyLeague(kind)), store, kind);
      const LeagueResult result = runner.run(stop);
      QCOMPARE(result.members.size(), size_t{2});
      for (const LeagueMember& m : result.members) QCOMPARE(QString::fromStdString(m.role), QString("main"));
      const nlohmann::json second =
          nlohmann::json::parse(store.getRun(result.members[1].runId).configJson)["opponents"];
      if (kind == "self_play") {
        QCOMPARE(second["self_weight"].get<double>(), 1.0);
        QVERIFY(second["members"].empty());
      } else {
        // Its own past member, uniformly beside itself.
        QCOMPARE(second["members"].size(), size_t{1});
        QCOMPARE(second["members"][0]["checkpoint"].get<int64_t>(), result.members[0].checkpointId);
      }
    }
  }

  void pfspFavoursHardOpponents() {
    nlohmann::json json = tinyLeague("league");
    json["env_weighting"] = "hard";
    const LeagueConfig config = LeagueConfig::fromJson(json);
    std::vector<LeagueMember> members = {{1, 1, "main", 10, 100, 0, 1000, 1000, 0},
                                         {2, 1, "main_exploiter", 11, 101, 0, 500, 1500, 0},
                                         {3, 1, "main", 10, 102, 1, 2000, 2500, 0}};
    // The learner (run 10) beat member 1 in 90% of its games and member 2 in 10%, the CPU of
    // character 0 in 90% and that of character 1 in 20%.
    std::vector<LeagueGames> games = {{1, 10, "m1", int64_t{1}, 100, 90.0},
                                      {1, 10, "m2", int64_t{2}, 100, 10.0},
                                      {1, 10, "cpu 0", std::nullopt, 100, 90.0},
                                      {1, 10, "cpu 1", std::nullopt, 100, 20.0}};
    const nlohmann::json main = leagueOpponents(config, "main", 10, members, games);
    std::map<int64_t, double> weight;
    for (const auto& m : main["members"])
      if (m.contains("checkpoint")) weight[m["checkpoint"].get<int64_t>()] = m["weight"].get<double>();
    QVERIFY2(weight[101] > weight[102] && weight[102] > weight[100],
             qPrintable(QString("%1 %2 %3").arg(weight[100]).arg(weight[101]).arg(weight[102])));
    // The CPU's share (env_weight 0.2) goes mostly to the character it beats least.
    std::map<std::string, double> cpu;
    for (const auto& m : main["members"])
      if (!m.contains("checkpoint")) cpu[m["name"].get<std::string>()] = m["weight"].get<double>();
    QVERIFY(std::abs(cpu["cpu 0"] + cpu["cpu 1"] - 0.2) < 1e-12);
    QVERIFY2(cpu["cpu 1"] > 10 * cpu["cpu 0"], qPrintable(QString("%1 %2").arg(cpu["cpu 0"]).arg(cpu["cpu 1"])));
    // Uniformly by default.
    const nlohmann::json uniform =
        leagueOpponents(LeagueConfig::fromJson(tinyLeague("league")), "main", 10, members, games);
    for (const auto& m : uniform["members"])
      if (!m.contains("checkpoint")) QCOMPARE(m["weight"].get<double>(), 0.1);
    QVERIFY(std::abs(pfspWeight(0.9, false) - 0.01) < 1e-12);
    QVERIFY(std::abs(pfspWeight(0.5, true) - 0.25) < 1e-12);
    // The main exploiter: half on the latest main agent, the rest on older main agents.
    const nlohmann::json exploiter = leagueOpponents(config, "main_exploiter", 11, members, games);
    double latest = 0, older = 0;
    for (const auto& m : exploiter["members"])
      (m["checkpoint"].get<int64_t>() == 102 ? latest : older) += m["weight"].get<double>();
    QCOMPARE(latest, 0.5);
    QCOMPARE(older, 0.5);
  }

  void eloRecoversKnownRatings() {
    const std::vector<double> truth = {1200, 1500, 1800, 1650};
    const size_t n = truth.size();
    std::vector<std::vector<int64_t>> games(n, std::vector<int64_t>(n, 0));
    std::vector<std::vector<double>> score(n, std::vector<double>(n, 0.0));
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (i != j) {
          games[i][j] = 4000;
          score[i][j] = 4000 * eloWinProbability(truth[i], truth[j]);
        }
    const std::vector<double> fitted = fitElo(games, score, {false, true, false, false}, 1500);
    QVERIFY(std::abs(fitted[1] - 1500) < 1e-6);  // the anchor
    for (size_t i = 0; i < n; ++i)
      QVERIFY2(std::abs(fitted[i] - truth[i]) < 5,
               qPrintable(QString("%1: %2 vs %3").arg(i).arg(fitted[i]).arg(truth[i])));
    // An entrant that won every game stays finite, above the one it beat.
    std::vector<std::vector<int64_t>> g2 = {{0, 10}, {10, 0}};
    std::vector<std::vector<double>> s2 = {{0, 10}, {0, 0}};
    const std::vector<double> lopsided = fitElo(g2, s2, {}, 1500);
    QVERIFY(std::isfinite(lopsided[0]) && lopsided[0] > lopsided[1] + 200);
  }

  void crossPlayDoesNotDependOnTheThreadCount() {
    const EnvInfo& info = EnvRegistry::instance().get("fight");
    const EnvSpec spec = twoModeSpec();
    std::vector<CrossPlayEntrant> entrants;
    for (int k = 0; k < 3; ++k)
      entrants.push_back({"policy " + std::to_string(k),
                          std::make_shared<const Policy>(Policy(spec.observationSpace,
                                                                spec.actionSpace,
                                                                PolicyArchitecture{}, 10 + k)),
                          {{"character", k}},
                          {{"opponent", k}, {"cpu_level", 0}}});
    entrants.push_back({"cpu", nullptr, {}, {{"opponent", 1}, {"cpu_level", 8}}});
    entrants.push_back({"cpu 2", nullptr, {}, {{"opponent", 2}, {"cpu_level", 8}}});
    auto makeEnv = [&info] { return info.create(kEnvConfig); };
    ThreadPool one(1), two(2);
    const CrossPlayResult a = runCrossPlay(makeEnv, entrants, 2, 7, one, true);
    const CrossPlayResult b = runCrossPlay(makeEnv, entrants, 2, 7, two, true);
    QCOMPARE(a.score, b.score);
    QCOMPARE(a.games, b.games);
    // 3 policy pairs x 2 sides x 2, 3 x 2 policy-vs-CPU pairs x 1 side x 2; CPUs never meet.
    QCOMPARE(a.matches, int64_t{3 * 4 + 6 * 2});
    QCOMPARE(a.games[3][4], int64_t{0});
    QCOMPARE(a.games[0][3], int64_t{2});
    for (size_t i = 0; i < entrants.size(); ++i)
      for (size_t j = 0; j < entrants.size(); ++j)
        QCOMPARE(a.score[i][j] + a.score[j][i], double(a.games[i][j]));
  }

  void badConfigsNameTheField() {
    QVERIFY(configError([] { LeagueConfig::fromJson({{"kind", "melee"}, {"base", tinyLearner()}}); }).contains("kind"));
    QVERIFY(configError([] {
              nlohmann::json c = tinyLeague("league");
              c["round_steps"] = 0;
              LeagueConfig::fromJson(c);
            }).contains("round_steps"));
    QVERIFY(configError([] {
              nlohmann::json c = tinyLeague("league");
              c["roles"] = {{"main", 0}};
              LeagueConfig::fromJson(c);
            }).contains("roles.main"));
    QVERIFY(configError([] {
              nlohmann::json c = tinyLeague("league");
              c["self_weight"] = 0.9;
              c["env_weight"] = 0.2;
              LeagueConfig::fromJson(c);
            }).contains("self_weight + env_weight"));
    QVERIFY(configError([] {
              nlohmann::json c = tinyLeague("league");
              c["env_members"][0]["task"] = {{"cpu_level", 12}};
              LeagueRunner::check(LeagueConfig::fromJson(c));
            }).contains("cpu_level"));
    QVERIFY(configError([] {
              nlohmann::json c = tinyLeague("self_play");
              c["roles"] = {{"main", 1}};
              LeagueConfig::fromJson(c);
            }).contains("roles"));
    // Opponents sections.
    nlohmann::json c = tinyLearner();
    c["budget"] = {{"steps", 64}};
    c["learn_slot"] = "p1";
    c["opponents"] = {{"slot", "p3"}, {"self_weight", 1}};
    QVERIFY(configError([&] { TrainingSession::check(TrainConfig::fromJson(c)); }).contains("opponents.slot"));
    c["opponents"] = {{"slot", "p2"}, {"self_weight", 0}};
    QVERIFY(configError([&] { TrainConfig::fromJson(c); }).contains("no opponent can be drawn"));
    c["opponents"] = {{"slot", "p2"}, {"members", {{{"name", "x"}, {"weight", -1}, {"task", {{"cpu_level", 1}}}}}}};
    QVERIFY(configError([&] { TrainConfig::fromJson(c); }).contains("opponents.members[0].weight"));
    c["opponents"] = {{"slot", "p2"}, {"members", {{{"name", "x"}, {"run", 3}}}}};
    QVERIFY(configError([&] { TrainConfig::fromJson(c); }).contains("run and checkpoint"));
    c["opponents"] = {{"slot", "p2"}, {"self_weight", 1}};
    c["learn_slot"] = "p2";
    QVERIFY(configError([&] { TrainingSession::check(TrainConfig::fromJson(c)); }).contains("learn_slot"));
    c["learn_slot"] = "p1";
    c["eval"]["task"] = {{"cpu_level", 9}};
    QVERIFY(configError([&] { TrainingSession::check(TrainConfig::fromJson(c)); }).contains("eval.task"));
  }
};

QTEST_GUILESS_MAIN(TestLeague)
#include "TestLeague.moc"
