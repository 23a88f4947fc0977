// Tests of the scripted CPU opponents on the real engine and the real roster:
// determinism (pads and hashes, snapshot/restore mid-match), that levels differ,
// and that the CPU does what its levels promise: guards lows crouching, meets
// jump-ins with anti-airs, techs throws, types motions that come out as specials.
// The opponents in the behaviour tests are small scripted "dummies" that repeat
// one thing, so the counts say what the CPU did about it.
#include <QtTest>

#include <functional>

#include "fight/ArcadeLadder.h"
#include "fight/CharacterLoader.h"
#include "fight/CpuController.h"
#include "fight/CpuProfile.h"
#include "fight/FightMatch.h"
#include "fight/MotionInputs.h"
#include "fight/Tournament.h"

using namespace palaestra;
using namespace palaestra::fight;

namespace {

const Roster& roster() {
  return Roster::builtin();
}

/// The first ladder character whose moves satisfy `wanted`.
const CharacterDef* findCharacter(const std::function<bool(const CharacterDef&)>& wanted) {
  for (const CharacterDef* c : arcadeLadder(roster()))
    if (wanted(*c)) return c;
  return nullptr;
}

/// The first move of `c` satisfying `wanted`, or -1.
int findMove(const CharacterDef& c, const std::function<bool(const MoveDef&)>& wanted) {
  for (size_t i = 0; i < c.moves.size(); ++i)
    if (wanted(c.moves[i])) return static_cast<int>(i);
  return -1;
}

bool hasQuarterCircleFireball(const CharacterDef& c) {
  return findMove(c, [](const MoveDef& m) {
           return m.kind == MoveKind::Special && m.hasProjectile &&
                  m.motion == Motion::QuarterForward;
         }) >= 0;
}

/// A controller that repeats one scripted behaviour (a training dummy); no state of its own
/// beyond the frame count, which the match state already implies.
class Dummy final : public FightController {
 public:
  using Script = std::function<PadState(const FightMatch&, int player)>;
  explicit Dummy(Script script) : script_(std::move(script)) {}
  std::string name() const override { return "dummy"; }
  void reset(const FightMatch&, int player, uint64_t) override { player_ = player; }
  PadState decide(const FightMatch& match) override { return script_(match, player_); }
  std::vector<uint8_t> snapshot() const override { return {}; }
  void restore(std::span<const uint8_t>) override {}

 private:
  Script script_;
  int player_ = 0;
};

/// A relative direction and buttons as the pad of `player`.
PadState pad(const FightMatch& match, int player, Direction relative, uint8_t buttons = 0) {
  return PadState{toScreen(relative, match.fighter(player).facing), buttons};
}

/// Presses `buttons` on alternate frames (a press needs a release first).
uint8_t tap(const FightMatch& match, int player, uint8_t buttons) {
  return (match.state().frame % 2 == 0 && match.canAct(player)) ? buttons : 0;
}

int32_t gap(const FightMatch& match) {
  return std::abs(match.fighter(0).x - match.fighter(1).x);
}

/// Frames of a CPU (player 0) against a dummy (player 1); calls `watch` after every step.
void play(FightMatch& match, FightController& cpu, FightController& dummy, uint64_t seed,
          int frames,
          const std::function<void(const FightMatch&, const FighterState& dummyBefore)>& watch) {
  match.reset(seed);
  cpu.reset(match, 0, seed * 7 + 1);
  dummy.reset(match, 1, 0);
  for (int f = 0; f < frames && !match.over(); ++f) {
    const FighterState before = match.fighter(1);
    const PadState a = cpu.decide(match);
    const PadState b = dummy.decide(match);
    match.step(a, b);
    watch(match, before);
  }
}

struct Recording {
  std::vector<int> pads;
  std::vector<uint64_t> hashes;
};

Recording record(FightMatch& match, FightController& a, FightController& b, int frames) {
  Recording r;
  for (int f = 0; f < frames && !match.over(); ++f) {
    const PadState pa = a.decide(match), pb = b.decide(match);
    match.step(pa, pb);
    r.pads.push_back(pa.code() * kPadCodes + pb.code());
    r.hashes.push_back(match.stateHash());
  }
  return r;
}

}  // namespace

class TestFightCpu : public QObject {
  Q_OBJECT

 private slots:
  void levelsAreValidatedAndOrdered() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, cpuLevel(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, cpuLevel(9));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CpuController(roster().at(0), 0));
    for (int level = 2; level <= 8; ++level) {
      const CpuLevel lo = cpuLevel(level - 1), hi = cpuLevel(level);
      QVERIFY(hi.reactionFrames <= lo.reactionFrames);
      QVERIFY(hi.decisionQuality > lo.decisionQuality);
      QVERIFY(hi.blockChance > lo.blockChance);
      QVERIFY(hi.antiAirChance > lo.antiAirChance);
    }
    QCOMPARE(QString::fromStdString(CpuController(roster().at(0), 5).name()),
             QString::fromStdString("CPU " + roster().at(0).id + " L5"));
  }

  void ladderHasTheTwelveInOrder() {
    const auto ladder = arcadeLadder(roster());
    QCOMPARE(static_cast<int>(ladder.size()), 12);
    for (size_t i = 0; i < ladder.size(); ++i) QCOMPARE(ladder[i]->ladder, static_cast<int>(i) + 1);
  }

  void sameSeedSamePadsAndHashes() {
    const auto ladder = arcadeLadder(roster());
    const CharacterDef& a = *ladder[0];
    const CharacterDef& b = *ladder[5];
    Recording first, second, other;
    std::vector<std::vector<uint8_t>> snapshots;
    for (Recording* r : {&first, &second, &other}) {
      const uint64_t seed = r == &other ? 43 : 42;
      FightMatch match(a, b);
      CpuController p1(a, 8), p2(b, 5);
      match.reset(seed);
      p1.reset(match, 0, seed);
      p2.reset(match, 1, seed + 1);
      snapshots.push_back(p1.snapshot());
      *r = record(match, p1, p2, 3000);
      snapshots.push_back(p1.snapshot());
    }
    // Equal memories have equal bytes (padding included): envs hash these snapshots.
    QVERIFY(snapshots[0] == snapshots[2]);
    QVERIFY(snapshots[1] == snapshots[3]);
    QVERIFY(first.pads.size() > 1000);
    QVERIFY(first.pads == second.pads);
    QVERIFY(first.hashes == second.hashes);
    QVERIFY2(first.pads != other.pads, "another seed should play differently");
  }

  void snapshotRestoreContinuesIdentically() {
    const auto ladder = arcadeLadder(roster());
    const CharacterDef& a = *ladder[2];
    const CharacterDef& b = *ladder[7];
    FightMatch match(a, b);
    CpuController p1(a, 8), p2(b, 3);
    match.reset(9);
    p1.reset(match, 0, 1);
    p2.reset(match, 1, 2);
    record(match, p1, p2, 900);
    QVERIFY(!match.over());
    const auto snapMatch = match.snapshot();
    const auto snap1 = p1.snapshot(), snap2 = p2.snapshot();
    const Recording ahead = record(match, p1, p2, 1500);

    // Fresh controllers restored from the bytes, continuing the restored match.
    FightMatch again(a, b);
    again.restore(snapMatch);
    CpuController q1(a, 8), q2(b, 3);
    q1.reset(again, 0, 999);
    q2.reset(again, 1, 999);
    q1.restore(snap1);
    q2.restore(snap2);
    const Recording replay = record(again, q1, q2, 1500);
    QVERIFY(ahead.pads == replay.pads);
    QVERIFY(ahead.hashes == replay.hashes);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, q1.restore(std::vector<uint8_t>(5, 0)));
  }

  void levelEightBeatsLevelOne() {
    const auto ladder = arcadeLadder(roster());
    int wins = 0, matches = 0;
    for (size_t c : {size_t{0}, size_t{4}, size_t{9}}) {
      const CharacterDef& ch = *ladder[c];
      for (int side = 0; side < 2; ++side) {
        FightMatch match(ch, ch);
        CpuController strong(ch, 8), weak(ch, 1);
        const MatchOutcome out = side == 0 ? playMatch(match, strong, weak, 100 + c)
                                           : playMatch(match, weak, strong, 200 + c);
        wins += out.winner == side ? 1 : 0;
        ++matches;
      }
    }
    QVERIFY2(wins >= matches - 1,
             qPrintable(QString("level 8 won %1 of %2").arg(wins).arg(matches)));
  }

  void guardsLowsCrouching() {
    // The dummy walks in and repeats its slowest low normal.
    const CharacterDef* attacker = findCharacter([](const CharacterDef& c) {
      return findMove(c, [](const MoveDef& m) {
               return m.kind == MoveKind::Normal && m.guard == GuardType::Low &&
                      m.posture == Posture::Crouching;
             }) >= 0;
    });
    QVERIFY(attacker);
    int low = -1;
    for (size_t i = 0; i < attacker->moves.size(); ++i) {
      const MoveDef& m = attacker->moves[i];
      if (m.kind == MoveKind::Normal && m.guard == GuardType::Low &&
          m.posture == Posture::Crouching &&
          (low < 0 || m.startup > attacker->moves[static_cast<size_t>(low)].startup))
        low = static_cast<int>(i);
    }
    const MoveDef& lowMove = attacker->moves[static_cast<size_t>(low)];
    const int32_t reach = moveReach(lowMove);
    Dummy dummy([&](const FightMatch& match, int me) {
      if (gap(match) > reach) return pad(match, me, 6);
      return pad(match, me, 2, tap(match, me, lowMove.buttons.mask & -lowMove.buttons.mask));
    });
    const CharacterDef& defender = *arcadeLadder(roster())[0];
    auto blockedShare = [&](int level, int& crouchingBlocks) {
      int blocked = 0, hit = 0;
      crouchingBlocks = 0;
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        FightMatch match(defender, *attacker);
        CpuController cpu(defender, level);
        play(match, cpu, dummy, seed, 1800, [&](const FightMatch& m, const FighterState&) {
          for (const FightEvent& e : m.events()) {
            if (e.player != 1 || e.move != low) continue;
            if (e.kind == FightEventKind::Block) {
              ++blocked;
              crouchingBlocks += m.fighter(0).crouchingGuard;
            }
            if (e.kind == FightEventKind::Hit) ++hit;
          }
        });
      }
      return blocked + hit > 0 ? double(blocked) / (blocked + hit) : -1.0;
    };
    int crouching8 = 0, crouching1 = 0;
    const double share8 = blockedShare(8, crouching8);
    const double share1 = blockedShare(1, crouching1);
    qInfo("lows blocked: level 8 %.0f%%, level 1 %.0f%%", 100 * share8, 100 * share1);
    QVERIFY2(share8 >= 0.4, qPrintable(QString("level 8 blocked %1 of the lows").arg(share8)));
    QVERIFY(share8 > 2 * share1);
    QVERIFY(crouching8 > 0);
  }

  void antiAirsJumpIns() {
    const CharacterDef& defender =
        *findCharacter([](const CharacterDef& c) { return !makeCpuProfile(c).antiAirs.empty(); });
    const CharacterDef* jumper = findCharacter([](const CharacterDef& c) {
      return !makeCpuProfile(c).airNormals.empty() && c.jumpVelocityX > 0;
    });
    QVERIFY(jumper);
    const int air = makeCpuProfile(*jumper).airNormals.front();
    const uint8_t airButton = jumper->moves[static_cast<size_t>(air)].buttons.mask &
                              -jumper->moves[static_cast<size_t>(air)].buttons.mask;
    const int32_t jumpReach = jumper->jumpVelocityX * 2 * jumper->jumpVelocityY / jumper->gravity;
    // The dummy keeps the distance of its jump and jumps in, attacking on the way down.
    Dummy dummy([&](const FightMatch& match, int me) {
      const FighterState& f = match.fighter(me);
      if (f.y > 0) return pad(match, me, 5, f.vy < 0 ? tap(match, me, airButton) : 0);
      if (gap(match) > jumpReach + 40 * kUnitsPerPixel) return pad(match, me, 6);
      if (gap(match) < jumpReach / 2) return pad(match, me, 4);
      return pad(match, me, 9);
    });
    auto antiAirShare = [&](int level, int& jumps, int& antiAired) {
      jumps = antiAired = 0;
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        FightMatch match(defender, *jumper);
        CpuController cpu(defender, level);
        play(match, cpu, dummy, seed, 1800, [&](const FightMatch& m, const FighterState& before) {
          if (before.action == FighterAction::JumpSquat &&
              m.fighter(1).action == FighterAction::Airborne)
            ++jumps;
          for (const FightEvent& e : m.events())
            if (e.kind == FightEventKind::Hit && e.player == 0 && before.y > 0) ++antiAired;
        });
      }
      return jumps > 0 ? double(antiAired) / jumps : 0.0;
    };
    int jumps8, hits8, jumps1, hits1;
    const double share8 = antiAirShare(8, jumps8, hits8);
    const double share1 = antiAirShare(1, jumps1, hits1);
    qInfo("jump-ins hit out of the air: level 8 %d of %d, level 1 %d of %d", hits8, jumps8, hits1,
          jumps1);
    QVERIFY(jumps8 >= 6 && jumps1 >= 6);
    QVERIFY2(share8 >= 0.3,
             qPrintable(QString("level 8 anti-aired %1 of %2").arg(hits8).arg(jumps8)));
    QVERIFY(share8 > share1 + 0.1);
  }

  void techsThrowsSometimes() {
    const CharacterDef& defender = *arcadeLadder(roster())[1];
    const CharacterDef* thrower =
        findCharacter([](const CharacterDef& c) { return makeCpuProfile(c).throwMove >= 0; });
    QVERIFY(thrower);
    const MoveDef& throwMove =
        thrower->moves[static_cast<size_t>(makeCpuProfile(*thrower).throwMove)];
    const int32_t reach = (thrower->standing.pushbox.x + thrower->standing.pushbox.w +
                           defender.standing.pushbox.x + defender.standing.pushbox.w) *
                              kUnitsPerPixel +
                          throwMove.throwRange;
    Dummy dummy([&](const FightMatch& match, int me) {
      if (gap(match) > reach - 5 * kUnitsPerPixel) return pad(match, me, 6);
      return pad(match, me, 5, tap(match, me, kLP | kLK));
    });
    auto count = [&](int level, int& throws, int& techs) {
      throws = techs = 0;
      for (uint64_t seed = 1; seed <= 4; ++seed) {
        FightMatch match(defender, *thrower);
        CpuController cpu(defender, level);
        FighterState cpuBefore = match.fighter(0);
        play(match, cpu, dummy, seed, 2400, [&](const FightMatch& m, const FighterState&) {
          // Techs of the dummy's throw while the CPU was held (not two throws on one frame).
          for (const FightEvent& e : m.events()) {
            if (e.player != 1) continue;
            throws += e.kind == FightEventKind::Throw;
            techs +=
                e.kind == FightEventKind::ThrowTech && cpuBefore.action == FighterAction::Thrown;
          }
          cpuBefore = m.fighter(0);
        });
      }
    };
    int throws8, techs8, throws1, techs1;
    count(8, throws8, techs8);
    count(1, throws1, techs1);
    qInfo("level 8: %d throws landed, %d teched; level 1: %d landed, %d teched", throws8, techs8,
          throws1, techs1);
    QVERIFY(techs8 >= 2);
    QVERIFY(throws8 >= 2);  // sometimes, not always
    QVERIFY(techs8 * (throws1 + techs1) > 2 * techs1 * (throws8 + techs8));
  }

  void typedMotionsComeOutAsSpecials() {
    const CharacterDef* allRounder = findCharacter(hasQuarterCircleFireball);
    QVERIFY(allRounder);
    const CharacterDef& target = *arcadeLadder(roster())[0];
    Dummy standStill([](const FightMatch& match, int me) { return pad(match, me, 5); });
    bool fireball = false;
    FightMatch match(*allRounder, target);
    CpuController cpu(*allRounder, 8);
    play(match, cpu, standStill, 5, 900, [&](const FightMatch& m, const FighterState&) {
      for (const ProjectileState& p : m.state().projectiles)
        if (p.lifeLeft > 0 && p.owner == 0) fireball = true;
    });
    QVERIFY2(fireball, "the all-rounder never threw its fireball at a distant, idle target");
  }
};

QTEST_GUILESS_MAIN(TestFightCpu)
#include "TestFightCpu.moc"
