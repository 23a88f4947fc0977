// Tests of the fight env: the shared env conformance check for the single,
// two-player and raw-pad configs (several characters), mirrored observations,
// macro actions performing specials, action repeat, observation delay, the
// reward formula, config errors, and acceptance 3's determinism: 1,000
// random matches replayed bit-exactly from seed + both input logs, and a
// mid-match snapshot that continues identically.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "Simulations.h"
#include "conformance/EnvConformance.h"
#include "env/EnvRegistry.h"
#include "fight/CharacterLoader.h"
#include "fight/FightActionSet.h"
#include "fight/FightEnv.h"
#include "fight/FightObservation.h"
#include "fight/FightScene.h"
#include "fight/MotionInputs.h"
#include "util/Errors.h"
#include "util/Rng.h"

using namespace palaestra;
using namespace palaestra::fight;

namespace {

std::unique_ptr<FightEnv> makeFight(const nlohmann::json& config) {
  return std::make_unique<FightEnv>(FightConfig::fromJson(config));
}

// The action of direction d (1..9, facing-relative) and button choice b (0 none, 1 LP .. 6 HK).
float directionButton(int d, int b) {
  return static_cast<float>((d - 1) * 7 + b);
}
const float kNeutral = directionButton(5, 0);
float macroAction(Motion motion, bool kick) {
  const auto it = std::find(kMacroMotions.begin(), kMacroMotions.end(), motion);
  return static_cast<float>(FightActionSet::kFirstMacroAction +
                            2 * static_cast<int>(it - kMacroMotions.begin()) + (kick ? 1 : 0));
}

// A pad mirrored left-right (what the other side of a mirrored match presses).
PadState mirrored(PadState p) {
  return {toScreen(p.direction, -1), p.buttons};
}

std::string configError(const nlohmann::json& config) {
  try {
    FightConfig::fromJson(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

PadState randomPad(Rng& rng) {
  return PadState::fromCode(static_cast<int>(rng.below(kPadCodes)));
}

}  // namespace

class TestFightEnv : public QObject {
  Q_OBJECT
 private slots:
  void registered() {
    registerBuiltinSimulations();
    const EnvInfo& info = EnvRegistry::instance().get("fight");
    QVERIFY(info.presets.count("default"));
    EnvPtr env = info.create(nlohmann::json::object());
    QCOMPARE(env->spec().numAgents, 1);
    QCOMPARE(env->spec().actionSpace.counts.at(0), FightActionSet::kActionCount);
    QCOMPARE(env->spec().observationSpace.size(), FightObservation::kSize);
    QCOMPARE(env->spec().tasks.size(), 3);
    QVERIFY(Roster::builtin().size() >= 3);
  }

  void conformance_data() {
    QTest::addColumn<QString>("config");
    QTest::newRow("single/actions") << QString(R"({"mode": "single", "round_seconds": 8})");
    QTest::newRow("two/actions") << QString(
        R"({"mode": "two", "round_seconds": 8, "observation_delay": 3})");
    QTest::newRow("two/pad") << QString(R"({"mode": "two", "control": "pad", "round_seconds": 3})");
    QTest::newRow("single/fightladder") << QString(
        R"({"action_repeat": 8, "round_seconds": 8, "reward": {"preset": "fightladder"}})");
  }
  void conformance() {
    QFETCH(QString, config);
    const nlohmann::json json = nlohmann::json::parse(config.toStdString());
    testing::ConformanceOptions options;
    options.comparedSteps = 150;
    options.snapshotStep = 60;
    // A few more characters than the default and corner tasks.
    const int n = Roster::builtin().size();
    auto probe = makeFight(json);
    for (int c : {1 % n, 3 % n, 5 % n}) {
      TaskValues task = probe->spec().tasks.defaults();
      task[0] = c;
      task[1] = (c + 2) % n;
      options.extraTasks.push_back(task);
    }
    testing::checkEnvConformance([&]() -> EnvPtr { return makeFight(json); }, options);
  }

  // The same situation seen from P1 and from P2 (the stage flipped, the
  // players swapped) gives the same vector.
  void observationsAreMirrored() {
    const Roster& roster = Roster::builtin();
    const CharacterDef& a = roster.at(0);
    const CharacterDef& b = roster.at(1 % roster.size());
    FightMatch left(a, b), right(b, a);
    left.reset(7);
    right.reset(7);
    QCOMPARE(FightObservation::build(left, 0), FightObservation::build(right, 1));
    // P1 of `left` walks in and attacks while P2 jumps back and kicks; `right` plays the mirror.
    Rng rng(11);
    int checked = 0;
    for (int frame = 0; frame < 240; ++frame) {
      PadState p1{static_cast<Direction>(frame < 40 ? 6 : (frame % 20 < 10 ? 3 : 5)),
                  static_cast<uint8_t>(frame % 15 == 0 ? kMP : 0)};
      PadState p2{static_cast<Direction>(frame % 50 < 5 ? 7 : 5),
                  static_cast<uint8_t>(frame % 25 == 3 ? kHK : 0)};
      left.step(p1, p2);
      right.step(mirrored(p2), mirrored(p1));
      const auto fromP1 = FightObservation::build(left, 0);
      const auto fromP2 = FightObservation::build(right, 1);
      QCOMPARE(fromP1, fromP2);
      QCOMPARE(FightObservation::build(left, 1), FightObservation::build(right, 0));
      for (float v : fromP1) QVERIFY(v >= -1.0f && v <= 1.0f);
      ++checked;
    }
    // And it did not stay still: the vectors changed over the sequence.
    FightMatch fresh(a, b);
    fresh.reset(7);
    QVERIFY(FightObservation::build(fresh, 0) != FightObservation::build(left, 0));
    QCOMPARE(checked, 240);
  }

  // Every standing special move on a heavy punch or kick is performed by its macro action.
  void macroActionsPerformSpecials() {
    const Roster& roster = Roster::builtin();
    int performed = 0, projectiles = 0;
    for (int c = 0; c < roster.size(); ++c) {
      const CharacterDef& ch = roster.at(c);
      for (const MoveDef& move : ch.moves) {
        if (move.kind != MoveKind::Special || move.motion == Motion::None ||
            move.posture != Posture::Standing || move.buttons.together || move.stance > 1)
          continue;
        const bool kick = (move.buttons.mask & kHK) != 0;
        if (!kick && (move.buttons.mask & kHP) == 0) continue;
        auto env = makeFight({{"mode", "two"}});
        env->reset(3, {static_cast<double>(c), 0.0});
        const float actions[2] = {macroAction(move.motion, kick), kNeutral};
        float rewards[2];
        env->step(actions, rewards);
        // The step ends with P2's 4-frame decision; P1 keeps typing a longer macro (its
        // actions are ignored until it is done).
        const int length =
            FightActionSet(4).lengthOf(static_cast<int>(actions[0]), ch.chargeFrames);
        while (static_cast<int>(env->match().state().frame) < length) {
          const float next[2] = {kNeutral, kNeutral};
          env->step(next, rewards);
        }
        QCOMPARE(static_cast<int>(env->match().state().frame), length);
        const MoveDef* started = env->match().currentMove(0);
        QVERIFY2(started && started->motion == move.motion,
                 qPrintable(QString::fromStdString(
                     ch.id + ": macro " + FightActionSet::name(static_cast<int>(actions[0])) +
                     " did not start " + move.id)));
        ++performed;
        if (move.hasProjectile) {
          // Hold neutral until the projectile is out.
          bool out = false;
          for (int k = 0; k < 30 && !out; ++k) {
            const float neutral[2] = {kNeutral, kNeutral};
            env->step(neutral, rewards);
            for (const auto& p : env->match().state().projectiles)
              out |= p.lifeLeft > 0 && p.owner == 0;
          }
          QVERIFY2(out,
                   qPrintable(QString::fromStdString(ch.id + ": " + move.id + " threw nothing")));
          ++projectiles;
        }
      }
    }
    qInfo("%d standing specials performed by their macros, %d of them threw a projectile",
          performed, projectiles);
    QVERIFY2(performed >= 3, "the roster should have standing specials on HP or HK");
    QVERIFY2(projectiles >= 1, "an all-rounder's qcf+P should throw a projectile");
  }

  void actionRepeatSetsFramesPerDecision() {
    for (int repeat : {1, 4, 8}) {
      auto env = makeFight({{"mode", "two"}, {"action_repeat", repeat}});
      env->reset(1, {0.0, 0.0});
      const float actions[2] = {directionButton(6, 0), directionButton(4, 0)};
      float rewards[2];
      env->step(actions, rewards);
      QCOMPARE(static_cast<int>(env->match().state().frame), repeat);
      env->step(actions, rewards);
      QCOMPARE(static_cast<int>(env->match().state().frame), 2 * repeat);
    }
    // A macro lasts max(repeat, its typed frames): the charge one the charge time + 1.
    auto env = makeFight({{"mode", "single"}, {"action_repeat", 4}});
    env->reset(1, {0.0, 0.0, 1.0});
    const int charge = env->match().character(0).chargeFrames;
    float reward;
    float action = macroAction(Motion::ChargeBackForward, false);
    env->step(&action, &reward);
    QCOMPARE(static_cast<int>(env->match().state().frame), charge + 1);
    action = macroAction(Motion::QuarterForward, false);  // 3 typed frames < 4
    env->step(&action, &reward);
    QCOMPARE(static_cast<int>(env->match().state().frame), charge + 1 + 4);
    // Two agents: the step ends when the first decision ends; the busy agent continues.
    auto two = makeFight({{"mode", "two"}, {"action_repeat", 4}});
    two->reset(1, {0.0, 0.0});
    const float mixed[2] = {macroAction(Motion::ChargeDownUp, true), kNeutral};
    float rewards[2];
    two->step(mixed, rewards);
    QCOMPARE(static_cast<int>(two->match().state().frame), 4);
    QVERIFY(two->match().fighter(0).chargeDown > 0);
  }

  void cpuOnP2InTwoModePlaysAsInSingleMode() {
    // Two mode with cpu_level 8: the CPU plays P2 exactly as single mode's CPU does, agent 1's
    // actions are ignored, and a task recorded before two mode had cpu_level still plays.
    auto single = makeFight({{"mode", "single"}, {"action_repeat", 4}});
    auto two = makeFight({{"mode", "two"}, {"action_repeat", 4}});
    auto other = makeFight({{"mode", "two"}, {"action_repeat", 4}});
    QCOMPARE(two->spec().tasks.size(), 3);
    QCOMPARE(two->spec().tasks.defaults()[2], 0.0);
    single->reset(21, {2.0, 5.0, 8.0});
    two->reset(21, {2.0, 5.0, 8.0});
    other->reset(21, {2.0, 5.0, 8.0});
    Rng rng(3);
    const int choices = FightActionSet::kActionCount;
    int steps = 0;
    while (!single->match().over() && steps < 3000) {
      const float p1 = static_cast<float>(rng.below(choices));
      const float twoActions[2] = {p1, static_cast<float>(rng.below(choices))};
      const float otherActions[2] = {p1, static_cast<float>(rng.below(choices))};
      float r1, r2[2], r3[2];
      single->step(&p1, &r1);
      two->step(twoActions, r2);
      other->step(otherActions, r3);
      ++steps;
      QCOMPARE(two->match().state().frame, single->match().state().frame);
      QCOMPARE(two->match().fighter(1).health, single->match().fighter(1).health);
      QCOMPARE(two->match().fighter(1).x, single->match().fighter(1).x);
      QCOMPARE(other->stateHash(), two->stateHash());
      QCOMPARE(r2[0], r1);
    }
    QVERIFY(single->match().over());
    QCOMPARE(two->episodeInfo().outcome, single->episodeInfo().outcome);
    // A two-mode task of two values (stored before cpu_level) means no CPU.
    auto old = makeFight({{"mode", "two"}});
    old->reset(4, {1.0, 2.0});
    QVERIFY(old->cpu() == nullptr);
  }

  void observationDelayShowsPastFrames() {
    const int delay = 5;
    auto delayed = makeFight({{"mode", "two"}, {"control", "pad"}, {"observation_delay", delay}});
    auto direct = makeFight({{"mode", "two"}, {"control", "pad"}});
    delayed->reset(9, {0.0, 1.0});
    direct->reset(9, {0.0, 1.0});
    const int n = FightObservation::kSize;
    std::vector<std::vector<float>> history;
    Rng rng(5);
    for (int t = 0; t < 200; ++t) {
      std::vector<float> now(2 * n), late(2 * n);
      direct->observe(now.data());
      delayed->observe(late.data());
      history.push_back(now);
      QCOMPARE(late, history[static_cast<size_t>(std::max(0, t - delay))]);
      const float pads[2] = {static_cast<float>(randomPad(rng).code()),
                             static_cast<float>(randomPad(rng).code())};
      float r[2];
      direct->step(pads, r);
      delayed->step(pads, r);
    }
    QVERIFY(history.front() != history.back());
  }

  // Reward = scale * (dealt% - taken%) + round bonus, zero-sum for equal weights.
  void rewardIsDamageAndRoundBonus() {
    for (const char* preset : {"simple", "fightladder"}) {
      auto env = makeFight({{"mode", "two"},
                            {"control", "pad"},
                            {"round_seconds", 4},
                            {"reward", {{"preset", preset}}}});
      const bool ladder = std::string(preset) == "fightladder";
      env->reset(21, {0.0, 0.0});
      Rng rng(77);
      int hits = 0, rounds = 0;
      while (!env->match().over()) {
        const std::array<int, 2> before = {env->match().fighter(0).health,
                                           env->match().fighter(1).health};
        const float pads[2] = {static_cast<float>(randomPad(rng).code()),
                               static_cast<float>(randomPad(rng).code())};
        float r[2];
        env->step(pads, r);
        double lost[2] = {0, 0};
        for (int p = 0; p < 2; ++p) {
          const int drop = before[static_cast<size_t>(p)] - env->match().fighter(p).health;
          const double full = env->match().character(p).health;
          if (drop > 0) lost[p] = ladder ? drop : 100.0 * drop / full, ++hits;
        }
        double expected = ladder ? 0.001 * (3 * lost[1] - lost[0]) : 0.01 * (lost[1] - lost[0]);
        for (const FightEvent& e : env->match().events()) {
          if (e.kind != FightEventKind::RoundOver || e.player > 1) continue;
          ++rounds;
          double bonus = 1.0;
          if (ladder)
            bonus += static_cast<double>(env->match().fighter(e.player).health) /
                     env->match().character(e.player).health;
          expected += e.player == 0 ? bonus : -bonus;
        }
        QVERIFY2(
            std::fabs(r[0] - expected) < 1e-5,
            qPrintable(QString("%1: reward %2, expected %3").arg(preset).arg(r[0]).arg(expected)));
        if (!ladder) QVERIFY(std::fabs(r[0] + r[1]) < 1e-6);
      }
      QVERIFY2(hits > 0, "random pads should land hits");
      QVERIFY2(rounds >= 2, "a match has at least two decided rounds");
    }
  }

  void episodeInfoReportsTheMatch() {
    auto env = makeFight({{"mode", "two"}, {"control", "pad"}, {"round_seconds", 3}});
    env->reset(4, {0.0, 0.0});
    Rng rng(8);
    while (!env->match().over()) {
      const float pads[2] = {static_cast<float>(randomPad(rng).code()),
                             static_cast<float>(PadState{}.code())};
      float r[2];
      env->step(pads, r);
    }
    const EpisodeInfo info = env->episodeInfo();
    std::map<std::string, double> v(info.values.begin(), info.values.end());
    const int winner = env->match().state().matchWinner;
    QCOMPARE(info.outcome, std::string(winner == 0 ? "win" : winner == 1 ? "loss" : "draw"));
    QCOMPARE(v["win"], winner == 0 ? 1.0 : 0.0);
    QCOMPARE(v["success"], v["win"]);
    QCOMPARE(v["rounds_won"], static_cast<double>(env->match().fighter(0).roundsWon));
    QCOMPARE(v["frames"], static_cast<double>(env->match().state().frame));
    QVERIFY(v["damage_dealt"] > 0);  // P2 stood still against random pads
  }

  void configErrorsNameTheField() {
    QVERIFY(configError({{"mode", "three"}}).find("env.mode") != std::string::npos);
    QVERIFY(configError({{"modee", "two"}}).find("modee") != std::string::npos);
    QVERIFY(configError({{"action_repeat", 0}}).find("env.action_repeat") != std::string::npos);
    QVERIFY(configError({{"control", "pad"}, {"action_repeat", 4}}).find("action_repeat") !=
            std::string::npos);
    QVERIFY(configError({{"shared_policy", false}}).find("shared_policy") != std::string::npos);
    QVERIFY(configError({{"observation_delay", -1}}).find("env.observation_delay") !=
            std::string::npos);
    QVERIFY(configError({{"reward", {{"preset", "sf2"}}}}).find("env.reward.preset") !=
            std::string::npos);
    QVERIFY(configError({{"reward", {{"dealtt", 1}}}}).find("reward.dealtt") != std::string::npos);
    QCOMPARE(configError({{"mode", "two"}, {"shared_policy", false}}), std::string("(no error)"));
    // Task values out of range are named too.
    auto env = makeFight(nlohmann::json::object());
    try {
      env->reset(1, {0.0, 0.0, 9.0});
      QFAIL("cpu_level 9 was accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY(std::string(e.what()).find("cpu_level") != std::string::npos);
    }
    const float bad = 999;
    float r;
    env->reset(1, {0.0, 0.0, 1.0});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->step(&bad, &r));
  }

  // Acceptance 3: 1,000 random matches (random pads on both sides; 3-second
  // rounds so the test stays short) replay bit-exactly from seed + both input
  // logs, per-frame hashes compared; a snapshot taken mid-match and restored
  // into a fresh match continues identically.
  void thousandRandomMatchesReplayBitExact() {
    const Roster& roster = Roster::builtin();
    MatchRules rules;
    rules.roundSeconds = 3;
    int64_t frames = 0;
    QElapsedTimer timer;
    timer.start();
    for (int k = 0; k < 1000; ++k) {
      const CharacterDef& a = roster.at(k % roster.size());
      const CharacterDef& b = roster.at((k / roster.size() + k) % roster.size());
      const uint64_t seed = 1000 + static_cast<uint64_t>(k);
      FightMatch live(a, b, rules);
      live.reset(seed);
      Rng rng(seed);
      std::vector<PadState> log;
      std::vector<uint64_t> hashes{live.stateHash()};
      std::vector<uint8_t> midSnapshot;
      size_t midFrame = 0;
      while (!live.over()) {
        const PadState p1 = randomPad(rng), p2 = randomPad(rng);
        log.push_back(p1);
        log.push_back(p2);
        live.step(p1, p2);
        hashes.push_back(live.stateHash());
        if (hashes.size() == 301) midSnapshot = live.snapshot(), midFrame = 300;
        QVERIFY2(hashes.size() < 100000, "a 3-second-round match must end");
      }
      frames += static_cast<int64_t>(hashes.size() - 1);
      FightMatch replay(a, b, rules);
      replay.reset(seed);
      QCOMPARE(replay.stateHash(), hashes[0]);
      for (size_t t = 0; t + 1 < hashes.size(); ++t) {
        replay.step(log[2 * t], log[2 * t + 1]);
        if (replay.stateHash() != hashes[t + 1])
          QFAIL(qPrintable(QString("match %1 diverged at frame %2").arg(k).arg(t + 1)));
      }
      if (!midSnapshot.empty()) {
        FightMatch restored(a, b, rules);
        restored.reset(seed + 1);  // a different state, overwritten by restore
        restored.restore(midSnapshot);
        QCOMPARE(restored.stateHash(), hashes[midFrame]);
        for (size_t t = midFrame; t + 1 < hashes.size(); ++t) {
          restored.step(log[2 * t], log[2 * t + 1]);
          if (restored.stateHash() != hashes[t + 1])
            QFAIL(qPrintable(QString("match %1 restored diverged at frame %2").arg(k).arg(t + 1)));
        }
      }
    }
    qInfo("1000 random matches, %lld frames, replayed and compared in %.1f s",
          static_cast<long long>(frames), timer.elapsed() / 1000.0);
  }

  void sceneDrawsTheMatch() {
    auto env = makeFight({{"mode", "two"}, {"control", "pad"}});
    env->reset(2, {0.0, 1.0});
    Scene scene;
    env->describe(scene);
    QCOMPARE(scene.viewWidth, 960.0f);
    QVERIFY(scene.polygons.size() > 10);
    const auto hitboxLayer =
        std::count_if(scene.polygons.begin(), scene.polygons.end(),
                      [](const ScenePolygon& p) { return p.layer == fight::FightScene::kHitboxLayer; });
    QVERIFY(hitboxLayer >= 4);  // at least a hurtbox and a pushbox per fighter
    bool hasName = false, hasDebug = false;
    for (const auto& l : scene.labels) {
      hasName |= l.text.find(env->match().character(0).displayName) != std::string::npos;
      hasDebug |= l.layer == fight::FightScene::kStateNameLayer;
    }
    QVERIFY(hasName);
    QVERIFY(hasDebug);
  }
};

QTEST_GUILESS_MAIN(TestFightEnv)
#include "TestFightEnv.moc"
