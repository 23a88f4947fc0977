#include "fight/FightMatch.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "fight/FightRules.h"
#include "fight/InputReader.h"
#include "fight/MotionInputs.h"
#include "util/Hash.h"

namespace palaestra::fight {

namespace {
constexpr uint32_t kSnapshotMagic = 0x314d4650;  // "PFM1"
constexpr size_t kSnapshotHeader = sizeof(uint32_t) + sizeof(uint64_t);
}  // namespace

using namespace rules;

FightMatch::FightMatch(const CharacterDef& p1, const CharacterDef& p2, MatchRules rules)
    : characters_{&p1, &p2}, tables_{{MoveTable(p1), MoveTable(p2)}}, rules_(rules), state_{} {
  auto bad = [](const std::string& what) { throw std::invalid_argument("MatchRules: " + what); };
  if (rules_.roundsToWin < 1 || rules_.roundsToWin > 3)
    bad("roundsToWin must be in [1, 3], got " + std::to_string(rules_.roundsToWin));
  if (rules_.maxRounds < 2 * rules_.roundsToWin - 1 || rules_.maxRounds > 5)
    bad("maxRounds must be in [2 * roundsToWin - 1, 5], got " + std::to_string(rules_.maxRounds));
  if (rules_.roundSeconds < 1 || rules_.roundSeconds > 999)
    bad("roundSeconds must be in [1, 999], got " + std::to_string(rules_.roundSeconds));
  if (rules_.roundBreakFrames < 0 || rules_.roundBreakFrames > 6000)
    bad("roundBreakFrames must be in [0, 6000], got " + std::to_string(rules_.roundBreakFrames));
  if (rules_.stageWidthPixels < 200 || rules_.stageWidthPixels > 20000)
    bad("stageWidthPixels must be in [200, 20000], got " + std::to_string(rules_.stageWidthPixels));
  if (rules_.startDistancePixels < 0 || rules_.startDistancePixels >= rules_.stageWidthPixels)
    bad("startDistancePixels must be in [0, stageWidthPixels), got " +
        std::to_string(rules_.startDistancePixels));
  reset(0);
}

void FightMatch::reset(uint64_t seed) {
  state_ = MatchState{};
  state_.seed = seed;
  state_.round = 1;
  state_.roundWinners.fill(2);
  state_.matchWinner = 2;
  for (FighterState& f : state_.fighters) f.history.fill(PadState{});
  startRound();
  eventCount_ = 0;
}

void FightMatch::startRound() {
  MatchState& s = state_;
  s.roundFrame = 0;
  s.timerFrames = static_cast<uint16_t>(rules_.roundSeconds * kFramesPerSecond);
  s.phaseFrames = 0;
  s.hitstop = 0;
  s.phase = MatchPhase::Fighting;
  s.projectiles = {};
  const int32_t width = rules_.stageWidthPixels * kUnitsPerPixel;
  const int32_t distance = rules_.startDistancePixels * kUnitsPerPixel;
  for (int i = 0; i < 2; ++i) {
    FighterState& f = s.fighters[static_cast<size_t>(i)];
    FighterState fresh;
    fresh.meter = f.meter;
    fresh.roundsWon = f.roundsWon;
    fresh.history = f.history;
    fresh.historyHead = f.historyHead;
    fresh.x = width / 2 + (i == 0 ? -distance / 2 : distance - distance / 2);
    fresh.facing = i == 0 ? 1 : -1;
    fresh.health = characters_[static_cast<size_t>(i)]->health;
    f = fresh;
  }
}

void FightMatch::step(PadState p1, PadState p2) {
  eventCount_ = 0;
  MatchState& s = state_;
  const PadState pads[2] = {p1, p2};
  for (int i = 0; i < 2; ++i)
    if (pads[i].direction < 1 || pads[i].direction > 9 || pads[i].buttons > kAllButtons)
      throw std::invalid_argument("FightMatch::step: player " + std::to_string(i + 1) +
                                  "'s pad has direction " + std::to_string(pads[i].direction) +
                                  " and buttons " + std::to_string(pads[i].buttons) +
                                  " (direction must be 1..9, buttons < 64)");
  if (s.phase == MatchPhase::MatchOver) return;
  ++s.frame;
  for (int i = 0; i < 2; ++i) {
    FighterState& f = s.fighters[static_cast<size_t>(i)];
    recordInput(f, pads[i], characters_[static_cast<size_t>(i)]->chargeFrames);
    // Presses made during hitstop are kept for the first frame after it.
    if (s.hitstop > 0) f.bufferedPress |= newlyPressed(f);
  }
  if (s.phase == MatchPhase::RoundOver) {
    if (++s.phaseFrames < rules_.roundBreakFrames) {
      // The break plays out without inputs or contacts: moves finish, the loser falls.
      if (s.hitstop > 0) {
        --s.hitstop;
      } else {
        advance(0);
        advance(1);
        moveFighter(0);
        moveFighter(1);
        separateFighters();
        moveProjectiles();
      }
      return;
    }
    ++s.round;
    startRound();
  }
  if (s.hitstop > 0) {
    --s.hitstop;
    return;
  }
  ++s.roundFrame;
  resolveThrowHolds();
  advance(0);
  advance(1);
  faceOpponent(0);
  faceOpponent(1);
  readInput(0);
  readInput(1);
  moveFighter(0);
  moveFighter(1);
  separateFighters();
  moveProjectiles();
  resolveContacts();
  // A contact can change a posture (a crouching defender stands up in hitstun) or place a
  // thrown fighter: separate again so no frame ends with overlapping pushboxes.
  separateFighters();
  endRoundIfOver();
}

// ---------------------------------------------------------------------------
// Actions

void FightMatch::advance(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const FighterState& other = state_.fighters[static_cast<size_t>(1 - i)];
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  if (f.actionFrame < 0xffff) ++f.actionFrame;
  if (f.invulnLeft > 0 && --f.invulnLeft == 0) f.invulnTo = 0;
  switch (f.action) {
    case Action::JumpSquat:
      if (f.actionFrame > c.jumpSquat) {
        setAction(f, Action::Airborne);
        f.vy = c.jumpVelocityY;
        f.vx = f.jumpDirection == 1   ? c.jumpVelocityX * f.facing
               : f.jumpDirection == 2 ? -c.jumpVelocityX * f.facing
                                      : 0;
      }
      break;
    case Action::Landing:
      if (f.stunLeft > 0) --f.stunLeft;
      if (f.stunLeft == 0) setAction(f, Action::Idle);
      break;
    case Action::Dash:
      if (f.actionFrame > c.dashFrames) setAction(f, Action::Idle);
      break;
    case Action::Backdash:
      if (f.actionFrame > c.backdashFrames) setAction(f, Action::Idle);
      break;
    case Action::Attack:
      // A thrower holds its pose while the opponent may still tech.
      if (other.action == Action::Thrown) {
        --f.actionFrame;
      } else if (f.actionFrame > tables_[static_cast<size_t>(i)].frames(f.moveIndex).total) {
        endMove(i);
      }
      break;
    case Action::Hitstun:
      if (f.stunLeft > 0) --f.stunLeft;
      if (f.stunLeft == 0) {
        setAction(f, Action::Idle);
        f.comboHits = 0;
        f.comboDamage = 0;
      }
      break;
    case Action::Blockstun:
      if (f.stunLeft > 0) --f.stunLeft;
      if (f.stunLeft == 0) setAction(f, Action::Idle);
      break;
    case Action::Knockdown:
      if (!airborne(f)) {
        if (f.stunLeft > 0) --f.stunLeft;
        if (f.stunLeft == 0) {
          setAction(f, Action::WakeUp);
          f.invulnLeft = kWakeUpFrames;
          f.invulnTo = kInvulnAll;
          f.comboHits = 0;
          f.comboDamage = 0;
        }
      }
      break;
    case Action::WakeUp:
      if (f.actionFrame > kWakeUpFrames) {
        setAction(f, Action::Idle);
        f.invulnLeft = c.wakeupInvuln;
        f.invulnTo = c.wakeupInvuln > 0 ? kInvulnThrow : 0;
      }
      break;
    default:
      break;
  }
}

void FightMatch::endMove(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const MoveDef& m = characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(f.moveIndex)];
  // A whiffed strike still builds a little meter: half its block gain.
  if (f.moveContact == 0 && tables_[static_cast<size_t>(i)].frames(f.moveIndex).strikes)
    addMeter(f, m.meterGainBlock / 2);
  setAction(f, airborne(f) ? Action::Airborne : Action::Idle);
  f.moveContact = 0;
}

void FightMatch::faceOpponent(int i) {
  // A fighter turns to its opponent whenever it stands on the ground and is
  // free (idle, walking, crouching, landing); attacks, stun, dashes and jumps
  // keep the facing they started with, so cross-ups stay cross-ups.
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  if (f.y > 0) return;
  switch (f.action) {
    case Action::Idle:
    case Action::WalkForward:
    case Action::WalkBack:
    case Action::Crouch:
    case Action::Landing: {
      const int32_t dx = state_.fighters[static_cast<size_t>(1 - i)].x - f.x;
      if (dx != 0) f.facing = static_cast<int8_t>(sign(dx));
      break;
    }
    default:
      break;
  }
}

void FightMatch::readInput(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const uint8_t held = padAt(f, 0).buttons;
  const uint8_t pressed = static_cast<uint8_t>(pressedWithin(f, kPressBuffer) | f.bufferedPress);
  f.bufferedPress = 0;
  const bool inAir = airborne(f);
  const bool free = f.action == Action::Idle || f.action == Action::WalkForward ||
                    f.action == Action::WalkBack || f.action == Action::Crouch ||
                    (f.action == Action::Airborne && inAir);
  const bool cancelling = f.action == Action::Attack && f.cancelLeft > 0;
  if (!free && !cancelling) return;
  const Direction rel = relativeAt(f, 0);
  if (pressed && tryStartMove(i, pressed, held, rel, inAir)) return;
  if (cancelling) {
    --f.cancelLeft;
    return;
  }
  if (inAir) return;
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  auto become = [&f](Action action) {
    if (f.action != action) setAction(f, action);
  };
  switch (rel) {
    case 7:
    case 8:
    case 9:
      setAction(f, Action::JumpSquat);
      f.jumpDirection = rel == 9 ? 1 : rel == 7 ? 2 : 0;
      if (c.jumpSquat == 0) {
        setAction(f, Action::Airborne);
        f.vy = c.jumpVelocityY;
        f.vx = (rel == 9 ? c.jumpVelocityX : rel == 7 ? -c.jumpVelocityX : 0) * f.facing;
      }
      break;
    case 1:
    case 2:
    case 3:
      become(Action::Crouch);
      break;
    case 6:
      if (c.dashFrames > 0 && doubleTapped(f, 6)) {
        setAction(f, Action::Dash);
      } else {
        become(Action::WalkForward);
      }
      break;
    case 4:
      if (c.backdashFrames > 0 && doubleTapped(f, 4)) {
        setAction(f, Action::Backdash);
        f.invulnLeft = c.backdashInvuln;
        f.invulnTo = c.backdashInvuln > 0 ? kInvulnAll : 0;
      } else {
        become(Action::WalkBack);
      }
      break;
    default:
      become(Action::Idle);
      break;
  }
}

bool FightMatch::tryStartMove(int i, uint8_t pressed, uint8_t held, Direction rel, bool inAir) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  const MoveTable& table = tables_[static_cast<size_t>(i)];
  const bool cancelling = f.action == Action::Attack;
  const MoveDef* current = cancelling ? &c.moves[static_cast<size_t>(f.moveIndex)] : nullptr;
  if (!cancelling || current->specialCancel) {
    // Of the specials whose motion was entered, the one whose motion ended most recently wins
    // (2 3 6 2 3 6 is a fireball, not the dragon punch 6 2 3 inside it); ties go to the
    // table's order (supers, longer motions, stronger buttons).
    int best = -1, bestAge = kInputHistory;
    for (int16_t index : table.specials()) {
      const MoveDef& m = c.moves[static_cast<size_t>(index)];
      if (inAir != (m.posture == Posture::Air)) continue;
      if (m.stance != 0 && m.stance != f.stance) continue;
      if (!buttonsMatch(m.buttons, pressed, held)) continue;
      if (m.kind == MoveKind::Super && f.meter < m.meterCost) continue;
      if (m.hasProjectile && projectileAlive(i)) continue;
      const int age = motionAge(f, m.motion, c.chargeFrames);
      if (age >= 0 && age < bestAge) {
        best = index;
        bestAge = age;
        if (age == 0) break;
      }
    }
    if (best >= 0) {
      startMove(i, best);
      return true;
    }
  }
  constexpr uint8_t kThrowButtons = kLP | kLK;
  if (!inAir && !cancelling && (held & kThrowButtons) == kThrowButtons &&
      (pressed & kThrowButtons)) {
    const int16_t index = table.throwMove(f.stance);
    if (index >= 0) {
      startMove(i, index);
      return true;
    }
  }
  if (cancelling && !current->chainCancel) return false;
  const Posture posture = inAir                                ? Posture::Air
                          : (rel == 1 || rel == 2 || rel == 3) ? Posture::Crouching
                                                               : Posture::Standing;
  for (int button : kButtonOrder) {
    if (!(pressed & (1 << button))) continue;
    const int16_t index = table.normal(posture, button, f.stance);
    if (index < 0) continue;
    if (cancelling && table.frames(index).strength <= table.frames(f.moveIndex).strength) continue;
    startMove(i, index);
    return true;
  }
  return false;
}

void FightMatch::startMove(int i, int index) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const MoveDef& m = characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(index)];
  const bool wasAirborne = airborne(f);
  setAction(f, Action::Attack);
  f.moveIndex = static_cast<int16_t>(index);
  f.moveContact = 0;
  f.cancelLeft = 0;
  if (m.kind == MoveKind::Super) addMeter(f, -m.meterCost);
  if (!wasAirborne) {
    f.vx = 0;
    if (m.jumpY > 0) {
      f.vy = m.jumpY;
      f.vx = m.advanceX * f.facing;
    }
  }
}

// ---------------------------------------------------------------------------
// Movement

void FightMatch::moveFighter(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  auto airPhysics = [&] {
    f.x += f.vx;
    f.y += f.vy;
    f.vy -= c.gravity;
    if (f.y <= 0) land(i);
  };
  switch (f.action) {
    case Action::WalkForward:
      f.x += c.walkForward * f.facing;
      break;
    case Action::WalkBack:
      f.x -= c.walkBack * f.facing;
      break;
    case Action::Dash:
      // Moves for the first two thirds of the dash; the rest is its recovery.
      if (f.actionFrame <= c.dashFrames - c.dashFrames / 3) f.x += c.dashSpeed * f.facing;
      break;
    case Action::Backdash:
      if (f.actionFrame <= c.backdashFrames - c.backdashFrames / 3)
        f.x -= c.backdashSpeed * f.facing;
      break;
    case Action::Hitstun:
    case Action::Blockstun:
      // The push runs on the kPushFrames frames after the contact.
      if (f.actionFrame <= kPushFrames + 1) {
        f.x += f.vx;
      } else {
        f.vx = 0;
        f.pushedByStrike = 0;
      }
      break;
    case Action::Attack: {
      const MoveDef& m = c.moves[static_cast<size_t>(f.moveIndex)];
      const MoveFrames& frames = tables_[static_cast<size_t>(i)].frames(f.moveIndex);
      if (f.actionFrame == frames.firstActive) {
        if (m.kind == MoveKind::Teleport) {
          const FighterState& other = state_.fighters[static_cast<size_t>(1 - i)];
          if (m.teleportBehind) {
            const int side = other.x >= f.x ? 1 : -1;
            const Rect mine = pushRect(i), theirs = pushRect(1 - i);
            f.x = other.x + side * ((mine.r - mine.l) / 2 + (theirs.r - theirs.l) / 2 + 1);
          } else {
            f.x += m.teleportX * f.facing;
          }
        } else if (m.kind == MoveKind::StanceSwitch) {
          f.stance = static_cast<uint8_t>(3 - f.stance);
        }
        if (m.hasProjectile) spawnProjectile(i, m, f.moveIndex);
      }
      if (airborne(f)) {
        airPhysics();
      } else if (f.actionFrame <= frames.lastActive) {
        f.x += m.advanceX * f.facing;
      }
      break;
    }
    case Action::Airborne:
    case Action::Knockdown:
    case Action::KnockedOut:
      if (airborne(f)) airPhysics();
      break;
    default:
      break;
  }
}

void FightMatch::land(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  f.y = 0;
  f.vy = 0;
  f.vx = 0;
  switch (f.action) {
    case Action::Attack:
      // A rising ground move (an anti-air) finishes its recovery on the ground;
      // an air attack ends on landing.
      if (c.moves[static_cast<size_t>(f.moveIndex)].posture != Posture::Air) break;
      [[fallthrough]];
    case Action::Airborne:
      setAction(f, Action::Landing);
      f.moveContact = 0;
      f.stunLeft = c.landingRecovery;
      if (f.stunLeft == 0) setAction(f, Action::Idle);
      break;
    case Action::Knockdown:
      f.stunLeft = c.wakeupFrames;
      break;
    default:
      break;
  }
}

int32_t FightMatch::clampToWalls(int i) {
  FighterState& f = state_.fighters[static_cast<size_t>(i)];
  const int32_t width = rules_.stageWidthPixels * kUnitsPerPixel;
  const Rect r = pushRect(i);
  int32_t shift = 0;
  if (r.l < 0) {
    shift = -r.l;
  } else if (r.r > width) {
    shift = width - r.r;
  }
  f.x += shift;
  return shift;
}

void FightMatch::separateFighters() {
  auto& fs = state_.fighters;
  // Corner pushback: a fighter a strike pushes into a wall stays there and
  // its attacker is pushed back by the rest.
  for (int i = 0; i < 2; ++i) {
    const int32_t shift = clampToWalls(i);
    if (shift != 0 && fs[static_cast<size_t>(i)].pushedByStrike) {
      fs[static_cast<size_t>(1 - i)].x += shift;
      clampToWalls(1 - i);
    }
  }
  const Rect a = pushRect(0), b = pushRect(1);
  if (!(a.l < b.r && b.l < a.r && a.b < b.t && b.b < a.t)) return;
  const int left = (fs[0].x < fs[1].x || (fs[0].x == fs[1].x && fs[0].facing > 0)) ? 0 : 1;
  const int right = 1 - left;
  const int32_t overlap = pushRect(left).r - pushRect(right).l;
  if (overlap <= 0) return;
  // Symmetric: each moves half; a fighter at a wall passes its half on.
  fs[static_cast<size_t>(left)].x -= overlap / 2;
  fs[static_cast<size_t>(right)].x += overlap - overlap / 2;
  const int32_t leftShift = clampToWalls(left);
  const int32_t rightShift = clampToWalls(right);
  const int32_t rest = pushRect(left).r - pushRect(right).l;
  if (rest > 0) {
    if (leftShift != 0) {
      fs[static_cast<size_t>(right)].x += rest;
    } else if (rightShift != 0) {
      fs[static_cast<size_t>(left)].x -= rest;
    }
  }
}

// ---------------------------------------------------------------------------
// Projectiles

bool FightMatch::projectileAlive(int i) const {
  for (const ProjectileState& p : state_.projectiles)
    if (p.lifeLeft > 0 && p.owner == i) return true;
  return false;
}

void FightMatch::spawnProjectile(int i, const MoveDef& move, int moveIndex) {
  const FighterState& f = state_.fighters[static_cast<size_t>(i)];
  // Two slots per player; the move itself is refused while one of the player's is alive.
  for (int k = 0; k < 2; ++k) {
    ProjectileState& p = state_.projectiles[static_cast<size_t>(i * 2 + k)];
    if (p.lifeLeft > 0) continue;
    const ProjectileDef& d = move.projectile;
    p.x = f.x + d.spawnX * f.facing;
    p.y = f.y + d.spawnY;
    p.vx = d.speedX * f.facing;
    p.vy = d.speedY;
    p.moveIndex = static_cast<int16_t>(moveIndex);
    p.lifeLeft = std::max<uint16_t>(d.lifetime, 1);
    p.owner = static_cast<uint8_t>(i);
    p.hitsLeft = std::max<uint8_t>(d.hits, 1);
    p.facing = f.facing;
    return;
  }
}

FightMatch::Rect FightMatch::projectileRect(const ProjectileState& p) const {
  const Box& box = characters_[p.owner]->moves[static_cast<size_t>(p.moveIndex)].projectile.hitbox;
  const int32_t l =
      p.facing > 0 ? p.x + box.x * kUnitsPerPixel : p.x - (box.x + box.w) * kUnitsPerPixel;
  const int32_t b = p.y + box.y * kUnitsPerPixel;
  return {l, b, l + box.w * kUnitsPerPixel, b + box.h * kUnitsPerPixel};
}

void FightMatch::moveProjectiles() {
  const int32_t width = rules_.stageWidthPixels * kUnitsPerPixel;
  auto& ps = state_.projectiles;
  for (ProjectileState& p : ps) {
    if (p.lifeLeft == 0) continue;
    p.x += p.vx;
    p.y += p.vy;
    --p.lifeLeft;
    if (p.x < 0 || p.x > width || p.y < 0) p.lifeLeft = 0;
  }
  // Clash: overlapping projectiles of different players each lose a hit.
  for (size_t a = 0; a < ps.size(); ++a)
    for (size_t b = a + 1; b < ps.size(); ++b) {
      ProjectileState& pa = ps[a];
      ProjectileState& pb = ps[b];
      if (pa.lifeLeft == 0 || pb.lifeLeft == 0 || pa.owner == pb.owner) continue;
      const Rect ra = projectileRect(pa), rb = projectileRect(pb);
      if (!(ra.l < rb.r && rb.l < ra.r && ra.b < rb.t && rb.b < ra.t)) continue;
      pushEvent(FightEventKind::Clash, pa.owner, pa.moveIndex, 0, 0, 0);
      if (--pa.hitsLeft == 0) pa.lifeLeft = 0;
      if (--pb.hitsLeft == 0) pb.lifeLeft = 0;
    }
}

// ---------------------------------------------------------------------------
// Round and match

void FightMatch::endRoundIfOver() {
  MatchState& s = state_;
  if (s.phase != MatchPhase::Fighting) return;
  const FighterState& f0 = s.fighters[0];
  const FighterState& f1 = s.fighters[1];
  RoundEnd end = RoundEnd::None;
  uint8_t winner = 2;
  if (f0.health == 0 && f1.health == 0) {
    end = RoundEnd::DoubleKnockOut;
  } else if (f0.health == 0 || f1.health == 0) {
    end = RoundEnd::KnockOut;
    winner = f0.health == 0 ? 1 : 0;
  } else {
    if (s.timerFrames > 0) --s.timerFrames;
    if (s.timerFrames > 0) return;
    // Time out: the larger share of its own maximum health wins.
    const int64_t share0 = int64_t{f0.health} * characters_[1]->health;
    const int64_t share1 = int64_t{f1.health} * characters_[0]->health;
    if (share0 == share1) {
      end = RoundEnd::Draw;
    } else {
      end = RoundEnd::TimeOut;
      winner = share0 > share1 ? 0 : 1;
    }
  }
  const size_t round = static_cast<size_t>(s.round - 1);
  s.roundEnds[round] = end;
  s.roundWinners[round] = winner;
  if (winner < 2) ++s.fighters[winner].roundsWon;
  pushEvent(FightEventKind::RoundOver, winner, -1, 0, 0, 0);
  s.phaseFrames = 0;
  const int won0 = s.fighters[0].roundsWon, won1 = s.fighters[1].roundsWon;
  if (won0 >= rules_.roundsToWin || won1 >= rules_.roundsToWin || s.round >= rules_.maxRounds) {
    s.phase = MatchPhase::MatchOver;
    s.matchWinner = won0 > won1 ? 0 : won1 > won0 ? 1 : 2;
    pushEvent(FightEventKind::MatchOver, s.matchWinner, -1, 0, 0, 0);
  } else {
    s.phase = MatchPhase::RoundOver;
  }
}

void FightMatch::pushEvent(FightEventKind kind, int player, int move, int damage, int comboHits,
                           int frameAdvantage) {
  if (eventCount_ >= events_.size()) return;
  events_[eventCount_++] = FightEvent{kind,
                                      static_cast<uint8_t>(player),
                                      static_cast<int16_t>(move),
                                      static_cast<int16_t>(damage),
                                      static_cast<uint16_t>(comboHits),
                                      static_cast<int16_t>(frameAdvantage)};
}

// ---------------------------------------------------------------------------
// Queries

const MoveDef* FightMatch::currentMove(int i) const {
  const FighterState& f = fighter(i);
  if (f.moveIndex < 0) return nullptr;
  return &characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(f.moveIndex)];
}

bool FightMatch::canAct(int i) const {
  const FighterState& f = fighter(i);
  if (state_.phase != MatchPhase::Fighting) return false;
  switch (f.action) {
    case Action::Idle:
    case Action::WalkForward:
    case Action::WalkBack:
    case Action::Crouch:
      return true;
    case Action::Attack:
      return f.cancelLeft > 0;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Snapshots

uint64_t FightMatch::fingerprint() const {
  StateHasher h;
  for (const CharacterDef* c : characters_) {
    h.addBytes(c->id.data(), c->id.size());
    h.add(static_cast<uint64_t>(c->moves.size()));
    h.add(c->health);
  }
  return h.value();
}

std::vector<uint8_t> FightMatch::snapshot() const {
  std::vector<uint8_t> out(kSnapshotHeader + sizeof(MatchState));
  const uint64_t print = fingerprint();
  std::memcpy(out.data(), &kSnapshotMagic, sizeof kSnapshotMagic);
  std::memcpy(out.data() + sizeof kSnapshotMagic, &print, sizeof print);
  std::memcpy(out.data() + kSnapshotHeader, &state_, sizeof(MatchState));
  return out;
}

void FightMatch::restore(std::span<const uint8_t> data) {
  auto bad = [](const std::string& what) {
    throw std::invalid_argument("FightMatch::restore: " + what);
  };
  if (data.size() != kSnapshotHeader + sizeof(MatchState))
    bad("snapshot has " + std::to_string(data.size()) + " bytes, expected " +
        std::to_string(kSnapshotHeader + sizeof(MatchState)));
  uint32_t magic = 0;
  uint64_t print = 0;
  std::memcpy(&magic, data.data(), sizeof magic);
  std::memcpy(&print, data.data() + sizeof magic, sizeof print);
  if (magic != kSnapshotMagic) bad("not a fight match snapshot (bad magic)");
  if (print != fingerprint())
    bad("snapshot is of a match between other characters than " + characters_[0]->id + " and " +
        characters_[1]->id);
  MatchState s;
  std::memcpy(&s, data.data() + kSnapshotHeader, sizeof s);
  if (s.phase > MatchPhase::MatchOver) bad("bad match phase");
  if (s.round < 1 || s.round > rules_.maxRounds) bad("round out of range");
  for (int i = 0; i < 2; ++i) {
    const FighterState& f = s.fighters[static_cast<size_t>(i)];
    const int moves = static_cast<int>(characters_[static_cast<size_t>(i)]->moves.size());
    const std::string who = "fighter " + std::to_string(i + 1) + ": ";
    if (f.action >= Action::Count) bad(who + "bad action");
    if (f.moveIndex < -1 || f.moveIndex >= moves) bad(who + "move index out of range");
    if (f.action == Action::Attack && f.moveIndex < 0) bad(who + "attacking without a move");
    if (f.facing != 1 && f.facing != -1) bad(who + "facing must be 1 or -1");
    if (f.stance != 1 && f.stance != 2) bad(who + "stance must be 1 or 2");
    if (f.historyHead >= kInputHistory) bad(who + "input history head out of range");
    for (const PadState& p : f.history)
      if (p.direction < 1 || p.direction > 9 || p.buttons > kAllButtons)
        bad(who + "bad pad in the input history");
  }
  for (const ProjectileState& p : s.projectiles) {
    if (p.lifeLeft == 0) continue;
    if (p.owner > 1 || p.moveIndex < 0 ||
        p.moveIndex >= static_cast<int>(characters_[p.owner]->moves.size()) ||
        !characters_[p.owner]->moves[static_cast<size_t>(p.moveIndex)].hasProjectile)
      bad("bad projectile");
    if (p.facing != 1 && p.facing != -1) bad("projectile facing must be 1 or -1");
  }
  state_ = s;
  eventCount_ = 0;
}

uint64_t FightMatch::stateHash() const {
  StateHasher h;
  h.add(state_);
  return h.value();
}

}  // namespace palaestra::fight
