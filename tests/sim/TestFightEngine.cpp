// Tests of the fight engine (FightMatch) with characters built here, so the
// facts tested (frame data, guard rules, throws, combos, projectiles, rounds,
// snapshots) do not move with the roster's balance.
#include <QtTest>

#include <cstring>
#include <functional>
#include <stdexcept>

#include "fight/CharacterLoader.h"
#include "fight/FightMatch.h"
#include "fight/InputReader.h"
#include "fight/MotionInputs.h"
#include "fight/RandomPads.h"
#include "util/Hash.h"

using namespace palaestra::fight;

namespace {

constexpr PadState kNeutral{5, 0};

PadState pad(Direction d, uint8_t buttons = 0) {
  return PadState{d, buttons};
}

MoveDef strike(const std::string& id, Posture posture, uint8_t button, int startup, int active,
               int recovery, int damage, GuardType guard) {
  MoveDef m;
  m.id = id;
  m.displayName = id;
  m.kind = MoveKind::Normal;
  m.posture = posture;
  m.buttons = ButtonSpec{button, false};
  m.startup = static_cast<uint16_t>(startup);
  m.active = static_cast<uint16_t>(active);
  m.recovery = static_cast<uint16_t>(recovery);
  m.damage = static_cast<int16_t>(damage);
  m.chipDamage = static_cast<int16_t>(damage / 8);
  m.hitstun = 14;
  m.blockstun = 10;
  m.hitstop = 6;
  m.pushbackHit = 600;
  m.pushbackBlock = 900;
  m.guard = guard;
  m.meterGainHit = 20;
  m.meterGainBlock = 10;
  // Reaches 10..70 px in front of the feet, 20..60 px high: hits standing and crouching bodies.
  const int16_t y = posture == Posture::Air ? -10 : 20;
  m.hitboxes.push_back(
      TimedBox{m.startup, static_cast<uint16_t>(startup + active - 1), Box{10, y, 60, 40}});
  return m;
}

MoveDef special(const std::string& id, MoveKind kind, Motion motion, uint8_t mask, int startup,
                int active, int recovery, int damage) {
  MoveDef m =
      strike(id, Posture::Standing, mask, startup, active, recovery, damage, GuardType::Mid);
  m.kind = kind;
  m.motion = motion;
  return m;
}

/// A plain test character: every normal, a throw and one of each kind of special.
CharacterDef testCharacter(const std::string& id = "tester") {
  CharacterDef c;
  c.id = id;
  c.displayName = id;
  c.health = 1000;
  c.walkForward = 400;
  c.walkBack = 300;
  c.dashSpeed = 900;
  c.dashFrames = 18;
  c.backdashSpeed = 800;
  c.backdashFrames = 21;
  c.backdashInvuln = 6;
  c.jumpSquat = 3;
  c.jumpVelocityY = 1500;
  c.jumpVelocityX = 350;
  c.gravity = 100;
  c.landingRecovery = 3;
  c.chargeFrames = 30;
  c.wakeupFrames = 30;
  c.wakeupInvuln = 6;
  c.standing = BodyBoxes{Box{-20, 0, 40, 90}, Box{-25, 0, 50, 100}};
  c.crouching = BodyBoxes{Box{-20, 0, 40, 60}, Box{-25, 0, 50, 65}};
  c.air = BodyBoxes{Box{-20, 20, 40, 70}, Box{-25, 10, 50, 80}};

  MoveDef lp = strike("st.LP", Posture::Standing, kLP, 3, 2, 5, 30, GuardType::High);
  lp.chainCancel = lp.specialCancel = true;
  lp.cancelWindow = 12;
  c.moves.push_back(lp);                                                                    // 0
  c.moves.push_back(strike("st.MP", Posture::Standing, kMP, 5, 3, 9, 60, GuardType::Mid));  // 1
  MoveDef hp = strike("st.HP", Posture::Standing, kHP, 10, 3, 18, 100, GuardType::Mid);
  hp.hitstun = 20;
  c.moves.push_back(hp);                                                                      // 2
  c.moves.push_back(strike("st.LK", Posture::Standing, kLK, 4, 2, 6, 30, GuardType::Mid));    // 3
  c.moves.push_back(strike("st.MK", Posture::Standing, kMK, 6, 3, 10, 60, GuardType::Mid));   // 4
  c.moves.push_back(strike("st.HK", Posture::Standing, kHK, 9, 4, 16, 90, GuardType::Mid));   // 5
  c.moves.push_back(strike("cr.LP", Posture::Crouching, kLP, 3, 2, 5, 25, GuardType::High));  // 6
  c.moves.push_back(strike("cr.MK", Posture::Crouching, kMK, 6, 3, 11, 55, GuardType::Low));  // 7
  MoveDef sweep = strike("cr.HK", Posture::Crouching, kHK, 8, 3, 20, 90, GuardType::Low);
  sweep.knockdown = true;
  c.moves.push_back(sweep);                                                                // 8
  c.moves.push_back(strike("j.HK", Posture::Air, kHK, 5, 6, 5, 80, GuardType::Overhead));  // 9

  MoveDef grab;
  grab.id = "throw";
  grab.kind = MoveKind::Throw;
  grab.buttons = ButtonSpec{static_cast<uint8_t>(kLP | kLK), true};
  grab.startup = 3;
  grab.active = 2;
  grab.recovery = 20;
  grab.damage = 120;
  grab.guard = GuardType::Throw;
  grab.throwRange = 3000;
  grab.throwDistance = 8000;
  grab.throwTechWindow = 10;
  c.moves.push_back(grab);  // 10

  MoveDef fireball = special("fireball", MoveKind::Special, Motion::QuarterForward, kLP | kMP | kHP,
                             12, 2, 30, 60);
  fireball.hitboxes.clear();
  fireball.hasProjectile = true;
  fireball.projectile = ProjectileDef{Box{-15, -15, 30, 30}, 600, 0, 5000, 6000, 120, 1};
  c.moves.push_back(fireball);  // 11

  MoveDef rush =
      special("rush", MoveKind::Special, Motion::QuarterForward, kLK | kMK | kHK, 6, 3, 20, 70);
  rush.advanceX = 300;
  c.moves.push_back(rush);  // 12

  MoveDef counter = special("parry", MoveKind::Counter, Motion::QuarterBack, kHK, 2, 10, 15, 80);
  counter.hitboxes.clear();
  counter.hitstun = 40;
  c.moves.push_back(counter);  // 13

  MoveDef super = special("super", MoveKind::Super, Motion::DoubleQuarter, kHP, 5, 4, 30, 300);
  super.meterCost = 500;
  c.moves.push_back(super);  // 14
  MoveDef charge =
      special("charge", MoveKind::Special, Motion::ChargeBackForward, kMK, 8, 3, 20, 80);
  charge.advanceX = 800;
  c.moves.push_back(charge);  // 15
  MoveDef teleport = special("teleport", MoveKind::Teleport, Motion::DownDown, kLK, 8, 1, 10, 0);
  teleport.hitboxes.clear();
  teleport.teleportBehind = true;
  c.moves.push_back(teleport);  // 16
  MoveDef stance = special("stance", MoveKind::StanceSwitch, Motion::DownDown, kLP, 3, 1, 3, 0);
  stance.hitboxes.clear();
  c.moves.push_back(stance);  // 17
  MoveDef palm = strike("st.LP.stance2", Posture::Standing, kLP, 6, 3, 10, 50, GuardType::Mid);
  palm.stance = 2;
  c.moves.push_back(palm);  // 18
  MoveDef dp = special("dp", MoveKind::Special, Motion::DragonPunch, kHP, 4, 8, 20, 120);
  dp.invulnFirst = 1;
  dp.invulnLast = 8;
  dp.invulnTo = kInvulnStrike;
  dp.jumpY = 1200;
  dp.knockdown = true;
  dp.launchY = 800;
  c.moves.push_back(dp);  // 19
  return c;
}

int moveIndex(const CharacterDef& c, const std::string& id) {
  for (size_t i = 0; i < c.moves.size(); ++i)
    if (c.moves[i].id == id) return static_cast<int>(i);
  return -1;
}

/// Rewrites the match state through snapshot/restore (tests set up positions this way).
void editState(FightMatch& match, const std::function<void(MatchState&)>& edit) {
  std::vector<uint8_t> bytes = match.snapshot();
  MatchState s;
  const size_t header = bytes.size() - sizeof(MatchState);
  std::memcpy(&s, bytes.data() + header, sizeof s);
  edit(s);
  std::memcpy(bytes.data() + header, &s, sizeof s);
  match.restore(bytes);
}

/// Puts the fighters `gapPixels` apart (feet to feet) in mid-stage, P1 on the left.
void placeClose(FightMatch& match, int gapPixels) {
  editState(match, [&](MatchState& s) {
    s.fighters[0].x = 48000 - gapPixels * 50;
    s.fighters[1].x = 48000 + gapPixels * 50;
  });
}

struct Log {
  std::vector<FightEvent> events;
  int count(FightEventKind kind) const {
    int n = 0;
    for (const FightEvent& e : events) n += e.kind == kind;
    return n;
  }
  const FightEvent* first(FightEventKind kind) const {
    for (const FightEvent& e : events)
      if (e.kind == kind) return &e;
    return nullptr;
  }
};

void run(FightMatch& match, PadState p1, PadState p2, int frames, Log* log = nullptr) {
  for (int t = 0; t < frames; ++t) {
    match.step(p1, p2);
    if (log)
      for (const FightEvent& e : match.events()) log->events.push_back(e);
  }
}

/// Types a motion (relative to P1 facing right) and presses `button` on its last frame.
void typeMotion(FightMatch& match, Motion motion, uint8_t button, PadState p2, Log* log) {
  const std::vector<Direction> frames = motionFrames(motion, 30);
  for (size_t k = 0; k < frames.size(); ++k)
    run(match, pad(frames[k], k + 1 == frames.size() ? button : 0), p2, 1, log);
}

}  // namespace

class TestFightEngine : public QObject {
  Q_OBJECT

 private slots:
  void normalsHaveHitboxesExactlyOnActiveFrames() {
    const CharacterDef c = testCharacter();
    const CharacterDef other = testCharacter("other");
    for (size_t index = 0; index < c.moves.size(); ++index) {
      const MoveDef& m = c.moves[index];
      if (m.kind != MoveKind::Normal || m.posture == Posture::Air || m.stance != 0) continue;
      FightMatch match(c, other);
      match.reset(1);
      const Direction dir = m.posture == Posture::Crouching ? 2 : 5;
      const uint8_t button = m.buttons.mask;
      const int total = m.startup + m.active + m.recovery - 1;
      for (int frame = 1; frame <= total; ++frame) {
        match.step(pad(dir, button), kNeutral);
        QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(index));
        QCOMPARE(match.fighter(0).actionFrame, static_cast<uint16_t>(frame));
        const bool active = frame >= m.startup && frame < m.startup + m.active;
        QVERIFY2(match.hitboxes(0).empty() != active,
                 qPrintable(QString::fromStdString(m.id) + " frame " + QString::number(frame)));
        QCOMPARE(match.canAct(0), false);
      }
      match.step(pad(dir), kNeutral);
      QVERIFY2(match.canAct(0), qPrintable(QString::fromStdString(m.id)));
      QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(-1));
    }
  }

  void airNormalHitboxFollowsActiveFrames() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(1);
    run(match, pad(8), kNeutral, 5);  // jump squat, then airborne
    QCOMPARE(match.fighter(0).action, FighterAction::Airborne);
    const MoveDef& m = c.moves[static_cast<size_t>(moveIndex(c, "j.HK"))];
    for (int frame = 1; frame < m.startup + m.active + 2; ++frame) {
      match.step(pad(5, kHK), kNeutral);
      const bool active = frame >= m.startup && frame < m.startup + m.active;
      QCOMPARE(!match.hitboxes(0).empty(), active);
    }
  }

  void guardRulesTable() {
    struct Case {
      GuardType guard;
      Direction defender;  // 4 standing guard, 1 crouching guard, 5 none (P2 faces left: back = 6)
      bool blocked;
    };
    const Case cases[] = {
        {GuardType::High, 4, true},      {GuardType::High, 1, true},
        {GuardType::High, 5, false},     {GuardType::Mid, 4, true},
        {GuardType::Mid, 1, false},      {GuardType::Mid, 5, false},
        {GuardType::Low, 4, false},      {GuardType::Low, 1, true},
        {GuardType::Low, 5, false},      {GuardType::Overhead, 4, true},
        {GuardType::Overhead, 1, false}, {GuardType::Overhead, 5, false},
        {GuardType::Throw, 4, false},    {GuardType::Throw, 1, false},
        {GuardType::Throw, 5, false},
    };
    for (const Case& k : cases) {
      CharacterDef c = testCharacter();
      c.moves[static_cast<size_t>(moveIndex(c, "st.HP"))].guard = k.guard;
      const CharacterDef other = testCharacter("other");
      FightMatch match(c, other);
      match.reset(3);
      placeClose(match, 50);
      // P2 faces left, so its "back" on screen is 6 (and down-back 3).
      const PadState defender = pad(toScreen(k.defender, -1));
      Log log;
      run(match, pad(5, kHP), defender, 1, &log);
      run(match, kNeutral, defender, 20, &log);
      const QString what = QString("guard %1 held %2").arg(int(k.guard)).arg(int(k.defender));
      QCOMPARE(log.count(FightEventKind::Block), k.blocked ? 1 : 0);
      QVERIFY2(log.count(FightEventKind::Hit) == (k.blocked ? 0 : 1), qPrintable(what));
      if (k.blocked) {
        QCOMPARE(match.fighter(1).health, static_cast<int16_t>(1000 - 100 / 8));  // chip
      } else {
        QCOMPARE(match.fighter(1).health, static_cast<int16_t>(900));
      }
    }
  }

  void airborneDefenderCannotBlock() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(3);
    placeClose(match, 50);
    Log log;
    // P2 jumps (taking off on frame 4) while P1's light punch is active on frames 4 and 5.
    run(match, kNeutral, pad(8), 1, &log);
    run(match, pad(5, kLP), pad(8), 1, &log);
    run(match, kNeutral, pad(8), 2, &log);
    QVERIFY(match.fighter(1).y > 0);
    run(match, kNeutral, pad(8), 12, &log);
    QCOMPARE(log.count(FightEventKind::Block), 0);
    QCOMPARE(log.count(FightEventKind::Hit), 1);
    QCOMPARE(log.count(FightEventKind::Knockdown), 1);  // air hits always knock down
    QCOMPARE(match.fighter(1).action, FighterAction::Knockdown);
  }

  void throwBeatsGuardAndTechWindow() {
    const CharacterDef c = testCharacter();
    const MoveDef& grab = c.moves[static_cast<size_t>(moveIndex(c, "throw"))];
    const PadState guard = pad(6);  // P2 holds back (facing left)
    const int window = grab.throwTechWindow;
    for (int techFrame : {0, 1, window, window + 1}) {
      FightMatch match(c, c);
      match.reset(5);
      placeClose(match, 50);
      Log log;
      run(match, pad(5, kLP | kLK), guard, 1, &log);
      int frames = 1;
      while (match.fighter(1).action != FighterAction::Thrown && frames < 10) {
        run(match, kNeutral, guard, 1, &log);
        ++frames;
      }
      QCOMPARE(match.fighter(1).action, FighterAction::Thrown);
      QCOMPARE(frames, static_cast<int>(grab.startup));
      // techFrame 0: never tech.
      for (int k = 1; k <= grab.throwTechWindow + 2; ++k)
        run(match, kNeutral, k == techFrame ? pad(6, kLP | kLK) : guard, 1, &log);
      const bool teched = techFrame >= 1 && techFrame <= grab.throwTechWindow;
      QCOMPARE(log.count(FightEventKind::ThrowTech), teched ? 1 : 0);
      QCOMPARE(log.count(FightEventKind::Throw), teched ? 0 : 1);
      QCOMPARE(match.fighter(1).health, static_cast<int16_t>(teched ? 1000 : 1000 - grab.damage));
    }
  }

  void bothThrowingOnTheSameFrameIsATech() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(5);
    placeClose(match, 50);
    Log log;
    run(match, pad(5, kLP | kLK), pad(5, kLP | kLK), 1, &log);
    run(match, kNeutral, kNeutral, 30, &log);
    QCOMPARE(log.count(FightEventKind::ThrowTech), 2);
    QCOMPARE(log.count(FightEventKind::Throw), 0);
    QCOMPARE(match.fighter(0).health, static_cast<int16_t>(1000));
    QCOMPARE(match.fighter(1).health, static_cast<int16_t>(1000));
  }

  void lightPunchLinksIntoLightPunch() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(7);
    placeClose(match, 50);
    Log log;
    run(match, pad(5, kLP), kNeutral, 1, &log);
    while (!match.canAct(0) || match.fighter(0).action == FighterAction::Attack)
      run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(log.count(FightEventKind::Hit), 1);
    QVERIFY(log.first(FightEventKind::Hit)->frameAdvantage > 0);
    QCOMPARE(match.fighter(1).action, FighterAction::Hitstun);  // still stunned: a link
    run(match, pad(5, kLP), kNeutral, 1, &log);
    run(match, kNeutral, kNeutral, 40, &log);
    QCOMPARE(log.count(FightEventKind::Hit), 2);
    int last = 0;
    for (const FightEvent& e : log.events)
      if (e.kind == FightEventKind::Hit) last = e.comboHits;
    QCOMPARE(last, 2);
    QCOMPARE(match.fighter(1).comboHits, static_cast<uint16_t>(0));  // combo over, reset
  }

  void slowHeavyAfterLightIsNotACombo() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(7);
    placeClose(match, 50);
    Log log;
    run(match, pad(5, kLP), kNeutral, 1, &log);
    while (match.fighter(0).action == FighterAction::Attack)
      run(match, kNeutral, kNeutral, 1, &log);
    run(match, pad(5, kHP), kNeutral, 1, &log);
    run(match, kNeutral, kNeutral, 30, &log);
    std::vector<int> combo;
    for (const FightEvent& e : log.events)
      if (e.kind == FightEventKind::Hit) combo.push_back(e.comboHits);
    QCOMPARE(combo, (std::vector<int>{1, 1}));
  }

  void lightPunchCancelsIntoSpecial() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(7);
    placeClose(match, 50);
    Log log;
    run(match, pad(5, kLP), kNeutral, 1, &log);
    while (log.count(FightEventKind::Hit) == 0) run(match, kNeutral, kNeutral, 1, &log);
    // The motion is typed during the hitstop; the kick comes on its last frame.
    QVERIFY(match.state().hitstop > 3);
    typeMotion(match, Motion::QuarterForward, kMK, kNeutral, &log);
    while (match.state().hitstop > 0) run(match, kNeutral, kNeutral, 1, &log);
    run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "rush")));
    run(match, kNeutral, kNeutral, 30, &log);
    std::vector<int> combo;
    for (const FightEvent& e : log.events)
      if (e.kind == FightEventKind::Hit) combo.push_back(e.comboHits);
    QCOMPARE(combo, (std::vector<int>{1, 2}));
  }

  void chainCancelGoesOnlyToAStrongerNormal() {
    const CharacterDef c = testCharacter();
    for (uint8_t next : {kMP, kLK}) {
      FightMatch match(c, c);
      match.reset(7);
      placeClose(match, 50);
      Log log;
      run(match, pad(5, kLP), kNeutral, 1, &log);
      while (log.count(FightEventKind::Hit) == 0) run(match, kNeutral, kNeutral, 1, &log);
      while (match.state().hitstop > 0) run(match, kNeutral, kNeutral, 1, &log);
      QVERIFY(match.canAct(0));  // the cancel window is open
      run(match, pad(5, next), kNeutral, 1, &log);
      // A medium punch chains from the light punch; another light button does not.
      QCOMPARE(match.fighter(0).moveIndex,
               static_cast<int16_t>(next == kMP ? moveIndex(c, "st.MP") : moveIndex(c, "st.LP")));
    }
  }

  void throwOutOfRangeWhiffs() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(5);
    placeClose(match, 120);  // 80 px between the pushboxes, throwRange is 30 px
    Log log;
    run(match, pad(5, kLP | kLK), kNeutral, 1, &log);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "throw")));
    run(match, kNeutral, kNeutral, 40, &log);
    QCOMPARE(log.count(FightEventKind::Throw), 0);
    QCOMPARE(match.fighter(1).health, static_cast<int16_t>(1000));
  }

  void everyMotionAsTypedIsRead() {
    const Motion motions[] = {Motion::QuarterForward, Motion::QuarterBack,
                              Motion::DragonPunch,    Motion::HalfCircleBack,
                              Motion::DoubleQuarter,  Motion::ChargeBackForward,
                              Motion::ChargeDownUp,   Motion::DownDown};
    const int chargeFrames = 40;
    for (int facing : {1, -1})
      for (Motion motion : motions) {
        FighterState f;
        f.facing = static_cast<int8_t>(facing);
        f.history.fill(PadState{});
        for (int t = 0; t < 40; ++t) recordInput(f, PadState{}, chargeFrames);
        for (Direction d : motionFrames(motion, chargeFrames))
          recordInput(f, PadState{toScreen(d, facing), 0}, chargeFrames);
        QVERIFY2(motionEntered(f, motion, chargeFrames),
                 qPrintable(QString("motion %1 facing %2").arg(int(motion)).arg(facing)));
        // Typed for the other facing it is not this motion.
        FighterState mirrored = f;
        mirrored.facing = static_cast<int8_t>(-facing);
        if (motion != Motion::DownDown && motion != Motion::ChargeDownUp)
          QVERIFY(!motionEntered(mirrored, motion, chargeFrames));
      }
    // Too slow: the quarter circle's steps spread over more than the window.
    FighterState f;
    f.history.fill(PadState{});
    for (int t = 0; t < 6; ++t) recordInput(f, PadState{2, 0}, 30);
    for (int t = 0; t < kMotionWindow - 1; ++t) recordInput(f, PadState{3, 0}, 30);
    recordInput(f, PadState{6, 0}, 30);
    QVERIFY(!motionEntered(f, Motion::QuarterForward, 30));
    // A charge one frame short does not count.
    FighterState g;
    g.history.fill(PadState{});
    for (int t = 0; t < 29; ++t) recordInput(g, PadState{1, 0}, 30);
    recordInput(g, PadState{6, 0}, 30);
    QVERIFY(!motionEntered(g, Motion::ChargeBackForward, 30));
  }

  void pressesAreBufferedForThreeFrames() {
    const CharacterDef c = testCharacter();
    const MoveDef& mp = c.moves[static_cast<size_t>(moveIndex(c, "st.MP"))];
    const int total = mp.startup + mp.active + mp.recovery - 1;
    // The jab is pressed `early` frames before the first free frame (total + 1).
    for (int early : {1, 2, 3}) {
      FightMatch match(c, c);
      match.reset(49);
      run(match, pad(5, kMP), kNeutral, 1);
      for (int frame = 2; frame <= total + 1; ++frame)
        run(match, frame == total + 1 - early ? pad(5, kLP) : kNeutral, kNeutral, 1);
      QCOMPARE(match.fighter(0).moveIndex,
               static_cast<int16_t>(early < kPressBuffer ? moveIndex(c, "st.LP") : -1));
    }
  }

  void specialNeedsItsMotion() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(7);
    // A kick without the motion is a normal; with the motion it is the special.
    run(match, pad(6, kMK), kNeutral, 1);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "st.MK")));
    run(match, kNeutral, kNeutral, 40);
    typeMotion(match, Motion::QuarterForward, kMK, kNeutral, nullptr);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "rush")));
  }

  void damageScaling() {
    const CharacterDef c = testCharacter();
    const int expected[] = {100, 100, 90, 80, 70, 60, 50, 40, 30, 30, 30};
    for (int hit = 1; hit <= 11; ++hit) {
      FightMatch match(c, c);
      match.reset(9);
      placeClose(match, 50);
      editState(match, [&](MatchState& s) {
        if (hit > 1) {
          s.fighters[1].action = FighterAction::Hitstun;
          s.fighters[1].stunLeft = 100;
          s.fighters[1].comboHits = static_cast<uint16_t>(hit - 1);
        }
      });
      Log log;
      run(match, pad(5, kHP), kNeutral, 12, &log);
      QVERIFY(log.first(FightEventKind::Hit));
      QCOMPARE(static_cast<int>(log.first(FightEventKind::Hit)->damage), expected[hit - 1]);
      QCOMPARE(static_cast<int>(log.first(FightEventKind::Hit)->comboHits), hit);
    }
  }

  void projectilesClash() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(11);
    Log log;
    const std::vector<Direction> qcf = motionFrames(Motion::QuarterForward, 0);
    for (size_t k = 0; k < qcf.size(); ++k) {
      const uint8_t b = k + 1 == qcf.size() ? kHP : 0;
      run(match, pad(toScreen(qcf[k], 1), b), pad(toScreen(qcf[k], -1), b), 1, &log);
    }
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "fireball")));
    QCOMPARE(match.fighter(1).moveIndex, static_cast<int16_t>(moveIndex(c, "fireball")));
    bool bothFlew = false;
    for (int t = 0; t < 60; ++t) {
      run(match, kNeutral, kNeutral, 1, &log);
      int alive = 0;
      for (const ProjectileState& p : match.state().projectiles) alive += p.lifeLeft > 0;
      bothFlew = bothFlew || alive == 2;
    }
    QVERIFY(bothFlew);
    QCOMPARE(log.count(FightEventKind::Clash), 1);
    QCOMPARE(log.count(FightEventKind::Hit), 0);
    for (const ProjectileState& p : match.state().projectiles) QCOMPARE(p.lifeLeft, uint16_t{0});
  }

  void projectileHitsAndIsBlocked() {
    const CharacterDef c = testCharacter();
    for (bool guard : {false, true}) {
      FightMatch match(c, c);
      match.reset(11);
      Log log;
      const PadState defender = guard ? pad(6) : kNeutral;
      typeMotion(match, Motion::QuarterForward, kLP, defender, &log);
      run(match, kNeutral, defender, 120, &log);
      QCOMPARE(log.count(FightEventKind::Hit), guard ? 0 : 1);
      QCOMPARE(log.count(FightEventKind::Block), guard ? 1 : 0);
    }
  }

  void counterCatchesAStrike() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(13);
    placeClose(match, 50);
    Log log;
    // P2 (facing left) types 2 1 4 relative = screen 2 3 6 and presses HK; P1's heavy lands into
    // it.
    const std::vector<Direction> qcb = motionFrames(Motion::QuarterBack, 0);
    run(match, pad(5, kHP), pad(toScreen(qcb[0], -1)), 1, &log);
    run(match, kNeutral, pad(toScreen(qcb[1], -1)), 1, &log);
    run(match, kNeutral, pad(toScreen(qcb[2], -1), kHK), 1, &log);
    QCOMPARE(match.fighter(1).moveIndex, static_cast<int16_t>(moveIndex(c, "parry")));
    run(match, kNeutral, kNeutral, 20, &log);
    QCOMPARE(log.count(FightEventKind::Counter), 1);
    QCOMPARE(log.count(FightEventKind::Hit), 0);
    QCOMPARE(match.fighter(0).health, static_cast<int16_t>(1000 - 80));
    QCOMPARE(match.fighter(1).health, static_cast<int16_t>(1000));
  }

  void walkingNeverOverlapsAndStopsAtTheWall() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(23);
    const int32_t width = match.rules().stageWidthPixels * kUnitsPerPixel;
    for (int t = 0; t < 400; ++t) {
      match.step(pad(6), kNeutral);
      const auto a = match.pushbox(0), b = match.pushbox(1);
      QVERIFY2(a[0] + a[2] <= b[0], qPrintable(QString("overlap at frame %1").arg(t)));
      QVERIFY(a[0] >= 0 && b[0] + b[2] <= width);
    }
    // P1 pushed P2 into the right wall and stands against it.
    QCOMPARE(match.pushbox(1)[0] + match.pushbox(1)[2], width);
    QCOMPARE(match.pushbox(0)[0] + match.pushbox(0)[2], match.pushbox(1)[0]);
  }

  void dashAndBackdash() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(25);
    run(match, pad(6), kNeutral, 1);
    run(match, kNeutral, kNeutral, 1);
    const int32_t x0 = match.fighter(0).x;
    run(match, pad(6), kNeutral, 1);
    QCOMPARE(match.fighter(0).action, FighterAction::Dash);
    run(match, kNeutral, kNeutral, c.dashFrames - 1);
    QCOMPARE(match.fighter(0).x - x0, c.dashSpeed * (c.dashFrames - c.dashFrames / 3));
    QCOMPARE(match.canAct(0), false);
    run(match, kNeutral, kNeutral, 1);
    QCOMPARE(match.canAct(0), true);
    run(match, pad(4), kNeutral, 1);
    run(match, kNeutral, kNeutral, 1);
    const int32_t x1 = match.fighter(0).x;
    run(match, pad(4), kNeutral, 1);
    QCOMPARE(match.fighter(0).action, FighterAction::Backdash);
    run(match, kNeutral, kNeutral, c.backdashFrames - 1);
    QCOMPARE(x1 - match.fighter(0).x, c.backdashSpeed * (c.backdashFrames - c.backdashFrames / 3));
  }

  void backdashStartIsInvulnerable() {
    for (int invuln : {0, 6}) {
      CharacterDef c = testCharacter();
      c.backdashSpeed = 0;  // stays in reach: only the invulnerability can avoid the hit
      c.backdashInvuln = static_cast<uint16_t>(invuln);
      FightMatch match(c, c);
      match.reset(27);
      placeClose(match, 50);
      Log log;
      run(match, pad(4), kNeutral, 1, &log);
      run(match, kNeutral, kNeutral, 1, &log);
      run(match, pad(4), pad(5, kLP), 1, &log);  // backdash starts as P2's jab starts
      QCOMPARE(match.fighter(0).action, FighterAction::Backdash);
      run(match, kNeutral, kNeutral, 10, &log);
      QCOMPARE(log.count(FightEventKind::Hit), invuln > 0 ? 0 : 1);
    }
  }

  void cornerPushbackMovesTheAttacker() {
    const CharacterDef c = testCharacter();
    for (bool cornered : {false, true}) {
      FightMatch match(c, c);
      match.reset(29);
      const int32_t width = match.rules().stageWidthPixels * kUnitsPerPixel;
      editState(match, [&](MatchState& s) {
        s.fighters[1].x = cornered ? width - 2000 : 60000;
        s.fighters[0].x = s.fighters[1].x - 5000;
      });
      const int32_t a0 = match.fighter(0).x, d0 = match.fighter(1).x;
      run(match, pad(5, kLP), kNeutral, 1);
      run(match, kNeutral, kNeutral, 20);
      const int32_t push = 600;  // st.LP's pushbackHit
      if (cornered) {
        QCOMPARE(match.fighter(1).x, d0);
        QCOMPARE(match.fighter(0).x, a0 - push);
      } else {
        QCOMPARE(match.fighter(1).x, d0 + push);
        QCOMPARE(match.fighter(0).x, a0);
      }
    }
  }

  void superNeedsMeterAndSpendsIt() {
    const CharacterDef c = testCharacter();
    for (int meter : {0, 600}) {
      FightMatch match(c, c);
      match.reset(31);
      editState(match, [&](MatchState& s) { s.fighters[0].meter = static_cast<int16_t>(meter); });
      typeMotion(match, Motion::DoubleQuarter, kHP, kNeutral, nullptr);
      // Without meter the same input is the quarter-circle fireball it contains.
      QCOMPARE(match.fighter(0).moveIndex,
               static_cast<int16_t>(moveIndex(c, meter >= 500 ? "super" : "fireball")));
      QCOMPARE(match.fighter(0).meter, static_cast<int16_t>(meter >= 500 ? meter - 500 : 0));
    }
  }

  void chargeMoveNeedsTheFullCharge() {
    const CharacterDef c = testCharacter();
    for (int held : {20, 30}) {
      FightMatch match(c, c);
      match.reset(33);
      run(match, pad(1), kNeutral, held);
      run(match, pad(6, kMK), kNeutral, 1);
      QCOMPARE(match.fighter(0).moveIndex,
               static_cast<int16_t>(moveIndex(c, held >= c.chargeFrames ? "charge" : "st.MK")));
    }
  }

  void motionsAreReadRelativeToFacing() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(35);
    // P2 faces left: its quarter circle forward is 2 1 4 on screen.
    for (Direction d : motionFrames(Motion::QuarterForward, 0))
      run(match, kNeutral, pad(toScreen(d, -1), d == 6 ? kMK : 0), 1);
    QCOMPARE(match.fighter(1).moveIndex, static_cast<int16_t>(moveIndex(c, "rush")));
  }

  void teleportBehindSwitchesSides() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(37);
    typeMotion(match, Motion::DownDown, kLK, kNeutral, nullptr);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "teleport")));
    run(match, kNeutral, kNeutral, 30);
    QVERIFY(match.fighter(0).x > match.fighter(1).x);
    QCOMPARE(match.fighter(0).facing, int8_t{-1});
    QCOMPARE(match.fighter(1).facing, int8_t{1});
  }

  void stanceSwitchChangesNormals() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(39);
    QCOMPARE(match.fighter(0).stance, uint8_t{1});
    typeMotion(match, Motion::DownDown, kLP, kNeutral, nullptr);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "stance")));
    run(match, kNeutral, kNeutral, 10);
    QCOMPARE(match.fighter(0).stance, uint8_t{2});
    run(match, pad(5, kLP), kNeutral, 1);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "st.LP.stance2")));
    run(match, kNeutral, kNeutral, 20);
    run(match, pad(5, kMP), kNeutral, 1);  // no stance-2 medium: the general one
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "st.MP")));
  }

  void invulnerableReversalBeatsAStrike() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(41);
    placeClose(match, 50);
    Log log;
    // P2's heavy is active on frames 10-12; P1's dragon punch (invulnerable 1-8) starts on frame 6.
    run(match, kNeutral, pad(5, kHP), 1, &log);
    run(match, kNeutral, kNeutral, 2, &log);
    for (Direction d : motionFrames(Motion::DragonPunch, 0))
      run(match, pad(d, d == 3 ? kHP : 0), kNeutral, 1, &log);
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(moveIndex(c, "dp")));
    run(match, kNeutral, kNeutral, 30, &log);
    QCOMPARE(log.count(FightEventKind::Hit), 1);
    QCOMPARE(log.first(FightEventKind::Hit)->player, uint8_t{0});
    QCOMPARE(match.fighter(0).health, static_cast<int16_t>(1000));
  }

  void knockdownWakeUpAndThrowInvulnerability() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(43);
    placeClose(match, 50);
    Log log;
    run(match, pad(2, kHK), kNeutral, 1, &log);  // sweep
    while (log.count(FightEventKind::Knockdown) == 0) run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(match.fighter(1).action, FighterAction::Knockdown);
    // Lying down for wakeupFrames, then getting up (invulnerable), then free.
    int frames = 0;
    while (match.fighter(1).action == FighterAction::Knockdown) {
      run(match, kNeutral, kNeutral, 1, &log);
      ++frames;
    }
    QCOMPARE(match.fighter(1).action, FighterAction::WakeUp);
    const MoveDef& sweep = c.moves[static_cast<size_t>(moveIndex(c, "cr.HK"))];
    QCOMPARE(frames, c.wakeupFrames + sweep.hitstop);
    // Getting up is invulnerable: a jab on it does nothing.
    const int hitsBefore = log.count(FightEventKind::Hit);
    run(match, pad(5, kLP), kNeutral, 1, &log);
    while (match.fighter(1).action == FighterAction::WakeUp)
      run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(log.count(FightEventKind::Hit), hitsBefore);
    // Then wakeupInvuln frames of throw invulnerability.
    QCOMPARE(match.fighter(1).action, FighterAction::Idle);
    QCOMPARE(match.fighter(1).invulnLeft, c.wakeupInvuln);
    QCOMPARE(match.fighter(1).invulnTo, uint8_t{kInvulnThrow});
  }

  void roundEndsByKnockOut() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(15);
    placeClose(match, 50);
    editState(match, [](MatchState& s) { s.fighters[1].health = 20; });
    Log log;
    run(match, pad(5, kLP), kNeutral, 1, &log);
    while (log.count(FightEventKind::RoundOver) == 0 && match.state().frame < 30)
      run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(log.count(FightEventKind::RoundOver), 1);
    QCOMPARE(log.first(FightEventKind::RoundOver)->player, uint8_t{0});
    QCOMPARE(match.state().roundEnds[0], RoundEnd::KnockOut);
    QCOMPARE(match.state().roundWinners[0], uint8_t{0});
    QCOMPARE(match.fighter(0).roundsWon, uint8_t{1});
    QCOMPARE(match.fighter(1).action, FighterAction::KnockedOut);
    // Round 2 starts on the next frame (no round break), with full health.
    run(match, kNeutral, kNeutral, 1);
    QCOMPARE(match.state().round, uint8_t{2});
    QCOMPARE(match.state().phase, MatchPhase::Fighting);
    QCOMPARE(match.fighter(1).health, static_cast<int16_t>(1000));
  }

  void tradeOfKnockoutsIsADoubleKnockOut() {
    const CharacterDef c = testCharacter();
    FightMatch match(c, c);
    match.reset(45);
    placeClose(match, 50);
    editState(match, [](MatchState& s) { s.fighters[0].health = s.fighters[1].health = 10; });
    Log log;
    run(match, pad(5, kLP), pad(5, kLP), 1, &log);
    while (log.count(FightEventKind::RoundOver) == 0 && match.state().frame < 30)
      run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(log.count(FightEventKind::Hit), 2);
    QCOMPARE(match.state().roundEnds[0], RoundEnd::DoubleKnockOut);
    QCOMPARE(match.state().roundWinners[0], uint8_t{2});
    QCOMPARE(log.first(FightEventKind::RoundOver)->player, uint8_t{2});
  }

  void roundBreakPlaysOutWithoutContacts() {
    const CharacterDef c = testCharacter();
    MatchRules rules;
    rules.roundBreakFrames = 90;
    FightMatch match(c, c, rules);
    match.reset(47);
    placeClose(match, 50);
    editState(match, [](MatchState& s) { s.fighters[1].health = 10; });
    Log log;
    run(match, kNeutral, pad(8), 3, &log);  // P2 jumps
    run(match, pad(5, kLP), pad(8), 1, &log);
    while (log.count(FightEventKind::RoundOver) == 0 && match.state().frame < 40)
      run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(match.state().phase, MatchPhase::RoundOver);
    QVERIFY(match.fighter(1).y > 0);  // knocked out in the air
    run(match, pad(5, kHP), kNeutral, 60, &log);
    QCOMPARE(match.fighter(1).y, 0);                                 // fell during the break
    QCOMPARE(match.fighter(0).moveIndex, static_cast<int16_t>(-1));  // inputs are ignored
    QCOMPARE(log.count(FightEventKind::Hit), 1);
    QCOMPARE(match.state().phase, MatchPhase::RoundOver);
    run(match, kNeutral, kNeutral, 30, &log);
    QCOMPARE(match.state().phase, MatchPhase::Fighting);
    QCOMPARE(match.state().round, uint8_t{2});
  }

  void roundEndsByTimeOutAndDraw() {
    const CharacterDef c = testCharacter();
    MatchRules rules;
    rules.roundSeconds = 1;
    FightMatch match(c, c, rules);
    match.reset(17);
    editState(match, [](MatchState& s) { s.fighters[0].health = 500; });
    Log log;
    run(match, kNeutral, kNeutral, 59, &log);
    QCOMPARE(log.count(FightEventKind::RoundOver), 0);
    run(match, kNeutral, kNeutral, 1, &log);
    QCOMPARE(log.count(FightEventKind::RoundOver), 1);
    QCOMPARE(match.state().roundEnds[0], RoundEnd::TimeOut);
    QCOMPARE(match.state().roundWinners[0], uint8_t{1});
    // Round 2: equal health at the bell is a draw; nobody scores.
    run(match, kNeutral, kNeutral, 61, &log);
    QCOMPARE(match.state().roundEnds[1], RoundEnd::Draw);
    QCOMPARE(match.state().roundWinners[1], uint8_t{2});
    QCOMPARE(match.fighter(0).roundsWon, uint8_t{0});
    QCOMPARE(match.fighter(1).roundsWon, uint8_t{1});
  }

  void matchEndsAfterTwoRoundWins() {
    const CharacterDef c = testCharacter();
    MatchRules rules;
    rules.roundSeconds = 1;
    rules.roundBreakFrames = 30;
    FightMatch match(c, c, rules);
    match.reset(19);
    Log log;
    for (int round = 1; round <= 2; ++round) {
      QCOMPARE(match.state().round, static_cast<uint8_t>(round));
      editState(match, [](MatchState& s) { s.fighters[1].health = 300; });
      run(match, kNeutral, kNeutral, 60, &log);
      QCOMPARE(match.state().roundWinners[static_cast<size_t>(round - 1)], uint8_t{0});
      if (round == 1) {
        QCOMPARE(match.state().phase, MatchPhase::RoundOver);
        run(match, kNeutral, kNeutral, 29);
        QCOMPARE(match.state().phase, MatchPhase::RoundOver);  // the break lasts 30 frames
        run(match, kNeutral, kNeutral, 1);
        QCOMPARE(match.state().phase, MatchPhase::Fighting);
      }
    }
    QVERIFY(match.over());
    QCOMPARE(match.state().matchWinner, uint8_t{0});
    QCOMPARE(log.count(FightEventKind::MatchOver), 1);
    const uint64_t hash = match.stateHash();
    run(match, kNeutral, kNeutral, 10);
    QCOMPARE(match.stateHash(), hash);  // nothing moves after the match
  }

  void sameInputsSameHashesAndSnapshotContinues() {
    const CharacterDef c = testCharacter();
    const CharacterDef d = testCharacter("other");
    auto padAt = [](uint64_t seed, int t, int player) {
      uint64_t x = seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(t / 5) * 31 +
                   static_cast<uint64_t>(player) * 0x632be59bd9b4e019ULL;
      x ^= x >> 29;
      x *= 0xbf58476d1ce4e5b9ULL;
      x ^= x >> 32;
      return PadState::fromCode(static_cast<int>(x % kPadCodes));
    };
    FightMatch a(c, d), b(c, d);
    a.reset(21);
    b.reset(21);
    std::vector<uint8_t> mid;
    std::vector<uint64_t> hashesAfterMid;
    for (int t = 0; t < 3000; ++t) {
      a.step(padAt(1, t, 0), padAt(1, t, 1));
      b.step(padAt(1, t, 0), padAt(1, t, 1));
      QCOMPARE(a.stateHash(), b.stateHash());
      if (t == 1500) mid = a.snapshot();
      if (t > 1500) hashesAfterMid.push_back(a.stateHash());
    }
    QVERIFY(a.fighter(0).health < 1000 || a.fighter(1).health < 1000 || a.state().round > 1);
    FightMatch restored(c, d);
    restored.reset(99);
    restored.restore(mid);
    for (int t = 1501; t < 3000; ++t) {
      restored.step(padAt(1, t, 0), padAt(1, t, 1));
      QCOMPARE(restored.stateHash(), hashesAfterMid[static_cast<size_t>(t - 1501)]);
    }
  }

  void randomMatchesAreDeterministicAndKeepInvariants() {
    const CharacterDef c = testCharacter();
    CharacterDef d = testCharacter("other");
    d.health = 800;
    d.walkForward = 500;
    const int32_t width = MatchRules{}.stageWidthPixels * kUnitsPerPixel;
    int knockouts = 0, hits = 0, blocks = 0, throws = 0;
    for (uint64_t seed = 0; seed < 40; ++seed) {
      uint64_t hashes[2] = {0, 0};
      for (int pass = 0; pass < 2; ++pass) {
        FightMatch match(c, d);
        match.reset(seed);
        RandomPads a(c, seed * 2 + 1), b(d, seed * 2 + 2);
        palaestra::StateHasher running;
        while (!match.over()) {
          match.step(a.next(match.fighter(0).facing), b.next(match.fighter(1).facing));
          running.add(match.stateHash());
          if (pass == 1) continue;
          for (int i = 0; i < 2; ++i) {
            const FighterState& f = match.fighter(i);
            QVERIFY(f.health >= 0 && f.health <= match.character(i).health);
            QVERIFY(f.meter >= 0 && f.meter <= 1000);
            QVERIFY(f.y >= 0);
            const auto box = match.pushbox(i);
            QVERIFY(box[0] >= 0 && box[0] + box[2] <= width);
          }
          const auto p = match.pushbox(0), q = match.pushbox(1);
          const bool overlap =
              p[0] < q[0] + q[2] && q[0] < p[0] + p[2] && p[1] < q[1] + q[3] && q[1] < p[1] + p[3];
          QVERIFY(!overlap || match.fighter(0).action == FighterAction::Thrown ||
                  match.fighter(1).action == FighterAction::Thrown);
          for (const FightEvent& e : match.events()) {
            knockouts += e.kind == FightEventKind::RoundOver;
            hits += e.kind == FightEventKind::Hit;
            blocks += e.kind == FightEventKind::Block;
            throws += e.kind == FightEventKind::Throw;
          }
        }
        hashes[pass] = running.value();
      }
      QCOMPARE(hashes[0], hashes[1]);
    }
    // The random pads exercise the engine: rounds end, strikes land and are blocked, throws land.
    QVERIFY(knockouts >= 80);
    QVERIFY(hits > 1000);
    QVERIFY(blocks > 10);
    QVERIFY(throws > 10);
  }

  void thousandRosterMatchesReplayBitExact() {
    // Determinism does not depend on balance, so this one uses the built-in roster: every
    // kind of move (command throws, teleports, counters, stances, supers) comes up.
    const Roster& roster = Roster::builtin();
    const int n = roster.size();
    std::vector<uint16_t> log;
    uint64_t frames = 0;
    for (int k = 0; k < 1000; ++k) {
      const CharacterDef& a = roster.at(k % n);
      const CharacterDef& b = roster.at((k * 5 + 1) % n);
      const uint64_t seed = 1000 + static_cast<uint64_t>(k);
      // Play with random pads, logging both pads and hashing every frame's state.
      FightMatch live(a, b);
      live.reset(seed);
      RandomPads padsA(a, seed * 2), padsB(b, seed * 2 + 1);
      log.clear();
      palaestra::StateHasher liveHashes;
      std::vector<uint8_t> mid;
      size_t midFrame = 0;
      while (!live.over()) {
        const PadState p1 = padsA.next(live.fighter(0).facing);
        const PadState p2 = padsB.next(live.fighter(1).facing);
        log.push_back(static_cast<uint16_t>(p1.code()));
        log.push_back(static_cast<uint16_t>(p2.code()));
        live.step(p1, p2);
        liveHashes.add(live.stateHash());
        if (log.size() / 2 == 1500) {
          mid = live.snapshot();
          midFrame = 1500;
        }
      }
      frames += log.size() / 2;
      // Replay from the seed and the input log.
      FightMatch replay(a, b);
      replay.reset(seed);
      palaestra::StateHasher replayHashes;
      for (size_t t = 0; t < log.size(); t += 2) {
        replay.step(PadState::fromCode(log[t]), PadState::fromCode(log[t + 1]));
        replayHashes.add(replay.stateHash());
      }
      QCOMPARE(replayHashes.value(), liveHashes.value());
      QVERIFY(replay.over());
      // Restore the mid-match snapshot into a fresh match and play the rest of the log.
      if (midFrame > 0) {
        FightMatch resumed(a, b);
        resumed.restore(mid);
        for (size_t t = 2 * midFrame; t < log.size(); t += 2)
          resumed.step(PadState::fromCode(log[t]), PadState::fromCode(log[t + 1]));
        QCOMPARE(resumed.stateHash(), live.stateHash());
      }
    }
    qInfo("1000 matches, %llu frames, replayed with identical per-frame hashes",
          static_cast<unsigned long long>(frames));
  }

  void restoreRejectsWrongSnapshots() {
    const CharacterDef c = testCharacter();
    const CharacterDef d = testCharacter("other");
    FightMatch ab(c, d), aa(c, c);
    ab.reset(1);
    aa.reset(1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, aa.restore(ab.snapshot()));
    std::vector<uint8_t> truncated = ab.snapshot();
    truncated.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ab.restore(truncated));
    std::vector<uint8_t> garbage = ab.snapshot();
    garbage[0] ^= 0xff;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ab.restore(garbage));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ab.step(PadState{0, 0}, kNeutral));
  }
};

QTEST_GUILESS_MAIN(TestFightEngine)
#include "TestFightEngine.moc"
