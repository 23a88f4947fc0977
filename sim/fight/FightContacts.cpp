// FightMatch, part 2: boxes in world units, contact detection for both
// fighters on the same state, and what hits, blocks, throws and counters do.
#include <algorithm>

#include "fight/FightMatch.h"
#include "fight/FightRules.h"
#include "fight/InputReader.h"
#include "fight/MotionInputs.h"

namespace palaestra::fight {

using namespace rules;

Posture FightMatch::posture(int i) const {
  const FighterState& f = fighter(i);
  if (f.y > 0) return Posture::Air;
  switch (f.action) {
    case Action::Crouch:
      return Posture::Crouching;
    case Action::Blockstun:
      return f.crouchingGuard ? Posture::Crouching : Posture::Standing;
    case Action::Attack:
      return characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(f.moveIndex)].posture ==
                     Posture::Crouching
                 ? Posture::Crouching
                 : Posture::Standing;
    default:
      return Posture::Standing;
  }
}

FightMatch::Rect FightMatch::worldBox(int i, const Box& box) const {
  const FighterState& f = fighter(i);
  const int32_t l =
      f.facing > 0 ? f.x + box.x * kUnitsPerPixel : f.x - (box.x + box.w) * kUnitsPerPixel;
  const int32_t b = f.y + box.y * kUnitsPerPixel;
  return {l, b, l + box.w * kUnitsPerPixel, b + box.h * kUnitsPerPixel};
}

FightMatch::Rect FightMatch::pushRect(int i) const {
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  switch (posture(i)) {
    case Posture::Air:
      return worldBox(i, c.air.pushbox);
    case Posture::Crouching:
      return worldBox(i, c.crouching.pushbox);
    case Posture::Standing:
      break;
  }
  return worldBox(i, c.standing.pushbox);
}

template <typename F>
void FightMatch::forEachHurtbox(int i, F&& f) const {
  const FighterState& s = fighter(i);
  const CharacterDef& c = *characters_[static_cast<size_t>(i)];
  if (s.action == Action::Attack) {
    bool any = false;
    for (const TimedBox& t : c.moves[static_cast<size_t>(s.moveIndex)].hurtboxes)
      if (s.actionFrame >= t.first && s.actionFrame <= t.last) {
        f(worldBox(i, t.box));
        any = true;
      }
    if (any) return;
  }
  switch (posture(i)) {
    case Posture::Air:
      f(worldBox(i, c.air.hurtbox));
      return;
    case Posture::Crouching:
      f(worldBox(i, c.crouching.hurtbox));
      return;
    case Posture::Standing:
      f(worldBox(i, c.standing.hurtbox));
      return;
  }
}

template <typename F>
void FightMatch::forEachHitbox(int i, F&& f) const {
  const FighterState& s = fighter(i);
  if (s.action != Action::Attack) return;
  for (const TimedBox& t :
       characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(s.moveIndex)].hitboxes)
    if (s.actionFrame >= t.first && s.actionFrame <= t.last) f(worldBox(i, t.box));
}

std::vector<std::array<int32_t, 4>> FightMatch::hurtboxes(int i) const {
  std::vector<std::array<int32_t, 4>> out;
  forEachHurtbox(i, [&](const Rect& r) { out.push_back({r.l, r.b, r.r - r.l, r.t - r.b}); });
  return out;
}

std::vector<std::array<int32_t, 4>> FightMatch::hitboxes(int i) const {
  std::vector<std::array<int32_t, 4>> out;
  forEachHitbox(i, [&](const Rect& r) { out.push_back({r.l, r.b, r.r - r.l, r.t - r.b}); });
  return out;
}

std::array<int32_t, 4> FightMatch::pushbox(int i) const {
  const Rect r = pushRect(i);
  return {r.l, r.b, r.r - r.l, r.t - r.b};
}

// ---------------------------------------------------------------------------
// Contacts

bool FightMatch::invulnerable(int i, uint8_t kind) const {
  const FighterState& f = state_.fighters[static_cast<size_t>(i)];
  switch (f.action) {
    case Action::Knockdown:
    case Action::WakeUp:
    case Action::Thrown:
    case Action::KnockedOut:
      return true;
    default:
      break;
  }
  if (f.invulnLeft > 0 && (f.invulnTo & kind)) return true;
  if (f.action == Action::Attack) {
    const MoveDef& m = characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(f.moveIndex)];
    if (m.invulnFirst > 0 && f.actionFrame >= m.invulnFirst && f.actionFrame <= m.invulnLast &&
        (m.invulnTo & kind))
      return true;
  }
  return false;
}

bool FightMatch::blocks(int defender, GuardType guard, int towardAttacker) const {
  const FighterState& f = state_.fighters[static_cast<size_t>(defender)];
  if (guard == GuardType::Throw || airborne(f)) return false;
  switch (f.action) {
    case Action::Idle:
    case Action::WalkForward:
    case Action::WalkBack:
    case Action::Crouch:
    case Action::Blockstun:
      break;
    default:
      return false;
  }
  // "Back" is away from the attacker (or the projectile), whatever the facing.
  const Direction rel = toRelative(padAt(f, 0).direction, towardAttacker);
  if (rel == 4)
    return guard == GuardType::High || guard == GuardType::Mid || guard == GuardType::Overhead;
  if (rel == 1) return guard == GuardType::High || guard == GuardType::Low;
  return false;
}

bool FightMatch::counterActive(int i) const {
  const FighterState& f = state_.fighters[static_cast<size_t>(i)];
  if (f.action != Action::Attack || f.moveContact != 0) return false;
  const MoveDef& m = characters_[static_cast<size_t>(i)]->moves[static_cast<size_t>(f.moveIndex)];
  if (m.kind != MoveKind::Counter) return false;
  const MoveFrames& frames = tables_[static_cast<size_t>(i)].frames(f.moveIndex);
  return f.actionFrame >= frames.firstActive && f.actionFrame <= frames.lastActive;
}

bool FightMatch::throwable(int defender, bool /*commandThrow*/) const {
  const FighterState& f = state_.fighters[static_cast<size_t>(defender)];
  if (airborne(f)) return false;
  switch (f.action) {
    case Action::Hitstun:
    case Action::Blockstun:
    case Action::Knockdown:
    case Action::WakeUp:
    case Action::Thrown:
    case Action::KnockedOut:
      return false;
    default:
      break;
  }
  return !invulnerable(defender, kInvulnThrow);
}

bool FightMatch::inThrowRange(int attacker, int32_t range) const {
  const FighterState& f = state_.fighters[static_cast<size_t>(attacker)];
  const Rect a = pushRect(attacker), d = pushRect(1 - attacker);
  if (f.facing > 0) return d.r > a.r && d.l - a.r <= range;
  return d.l < a.l && a.l - d.r <= range;
}

void FightMatch::resolveContacts() {
  std::array<Contact, 2 + kMaxProjectiles + 2> contacts;
  size_t count = 0;
  auto& fs = state_.fighters;
  auto overlaps = [](const Rect& p, const Rect& q) {
    return p.l < q.r && q.l < p.r && p.b < q.t && q.b < p.t;
  };
  for (int a = 0; a < 2; ++a) {
    const FighterState& f = fs[static_cast<size_t>(a)];
    if (f.action != Action::Attack || f.moveContact != 0) continue;
    const int d = 1 - a;
    const MoveFrames& frames = tables_[static_cast<size_t>(a)].frames(f.moveIndex);
    if (f.actionFrame < frames.firstActive || f.actionFrame > frames.lastActive) continue;
    const MoveDef& m = characters_[static_cast<size_t>(a)]->moves[static_cast<size_t>(f.moveIndex)];
    if (m.kind == MoveKind::Throw) {
      if (throwable(d, false) && inThrowRange(a, m.throwRange))
        contacts[count++] = {Contact::Kind::Throw, static_cast<uint8_t>(a), f.moveIndex, 0, -1};
      continue;
    }
    bool touched = false;
    forEachHitbox(a, [&](const Rect& hit) {
      forEachHurtbox(d, [&](const Rect& hurt) { touched = touched || overlaps(hit, hurt); });
    });
    if (m.kind == MoveKind::CommandThrow) {
      const bool reach = m.throwRange > 0 ? inThrowRange(a, m.throwRange) : touched;
      if (reach && throwable(d, true))
        contacts[count++] = {Contact::Kind::Grab, static_cast<uint8_t>(a), f.moveIndex, 0, -1};
      continue;
    }
    if (!frames.strikes || !touched || invulnerable(d, kInvulnStrike)) continue;
    const int8_t push = static_cast<int8_t>(f.facing);
    if (counterActive(d)) {
      contacts[count++] = {Contact::Kind::Counter, static_cast<uint8_t>(a), f.moveIndex, push, -1};
    } else {
      const FighterState& def = fs[static_cast<size_t>(d)];
      const int toward = f.x != def.x ? sign(f.x - def.x) : -f.facing;
      contacts[count++] = {blocks(d, m.guard, toward) ? Contact::Kind::Block : Contact::Kind::Hit,
                           static_cast<uint8_t>(a), f.moveIndex, push, -1};
    }
  }
  for (size_t k = 0; k < state_.projectiles.size(); ++k) {
    const ProjectileState& p = state_.projectiles[k];
    if (p.lifeLeft == 0) continue;
    const int d = 1 - p.owner;
    const Rect box = projectileRect(p);
    bool touched = false;
    forEachHurtbox(d, [&](const Rect& hurt) { touched = touched || overlaps(box, hurt); });
    if (!touched || invulnerable(d, kInvulnProjectile)) continue;
    const GuardType guard = characters_[p.owner]->moves[static_cast<size_t>(p.moveIndex)].guard;
    contacts[count++] = {blocks(d, guard, -p.facing) ? Contact::Kind::Block : Contact::Kind::Hit,
                         p.owner, p.moveIndex, p.facing, static_cast<int8_t>(k)};
  }
  // Both players throwing on the same frame cancel out like a tech.
  int throws = 0;
  for (size_t k = 0; k < count; ++k) throws += contacts[k].kind == Contact::Kind::Throw;
  if (throws == 2) {
    const int16_t secondThrow = fs[1].moveIndex;
    techThrow(0);
    pushEvent(FightEventKind::ThrowTech, 1, secondThrow, 0, 0, 0);
    return;
  }
  // Strikes and projectiles first, then grabs: a thrower struck on the same frame loses its throw.
  for (size_t k = 0; k < count; ++k)
    if (contacts[k].kind != Contact::Kind::Throw && contacts[k].kind != Contact::Kind::Grab)
      applyContact(contacts[k]);
  for (size_t k = 0; k < count; ++k)
    if (contacts[k].kind == Contact::Kind::Throw || contacts[k].kind == Contact::Kind::Grab)
      applyContact(contacts[k]);
}

int FightMatch::hitDefender(int defender, int attacker, const MoveDef& move, int direction,
                            bool byStrike) {
  FighterState& f = state_.fighters[static_cast<size_t>(defender)];
  const CharacterDef& c = *characters_[static_cast<size_t>(defender)];
  const int hitNumber = f.action == Action::Hitstun ? f.comboHits + 1 : 1;
  const int damage = scaledDamage(move.damage, hitNumber);
  const bool wasAirborne = airborne(f);
  f.health = static_cast<int16_t>(std::max(0, f.health - damage));
  f.comboHits = static_cast<uint16_t>(hitNumber);
  f.comboDamage =
      static_cast<int16_t>(std::min(32767, (hitNumber == 1 ? 0 : f.comboDamage) + damage));
  f.moveContact = 0;
  f.pushedByStrike = 0;
  if (f.health == 0) {
    setAction(f, Action::KnockedOut);
    f.vx = 0;
    f.vy = std::min(f.vy, 0);
  } else if (move.knockdown || wasAirborne) {
    // Air hits always knock down.
    setAction(f, Action::Knockdown);
    f.vy = move.launchY;
    f.vx = wasAirborne || move.launchY > 0 ? direction * kKnockdownDrift : 0;
    f.stunLeft = (f.y == 0 && f.vy == 0) ? c.wakeupFrames : 0;
    pushEvent(FightEventKind::Knockdown, attacker, -1, 0, 0, 0);
  } else {
    setAction(f, Action::Hitstun);
    f.stunLeft = move.hitstun;
    f.vx = direction * (move.pushbackHit / kPushFrames);
    f.pushedByStrike = byStrike ? 1 : 0;
  }
  return damage;
}

void FightMatch::applyContact(const Contact& c) {
  auto& fs = state_.fighters;
  const int a = c.attacker, d = 1 - a;
  FighterState& fa = fs[static_cast<size_t>(a)];
  FighterState& fd = fs[static_cast<size_t>(d)];
  const MoveDef& m = characters_[static_cast<size_t>(a)]->moves[static_cast<size_t>(c.move)];
  const bool strike = c.projectile < 0;
  // Strikes found on the same frame all land (trades); a throw needs its thrower unhurt.
  const bool throwerFree = fa.action == Action::Attack && fa.moveIndex == c.move;
  switch (c.kind) {
    case Contact::Kind::Counter: {
      // The defender's counter catches the strike: the striker takes the counter's damage and stun.
      const MoveDef& counter =
          characters_[static_cast<size_t>(d)]->moves[static_cast<size_t>(fd.moveIndex)];
      const int16_t counterIndex = fd.moveIndex;
      fd.moveContact |= kContactHit;
      const int damage = hitDefender(a, d, counter, fd.facing, true);
      state_.hitstop = std::max<uint16_t>(state_.hitstop, counter.hitstop);
      addMeter(fd, counter.meterGainHit);
      pushEvent(FightEventKind::Counter, d, counterIndex, damage, fa.comboHits, 0);
      return;
    }
    case Contact::Kind::Throw:
      if (!throwerFree || !throwable(d, false)) return;
      fa.moveContact |= kContactHit;
      setAction(fd, Action::Thrown);
      fd.vx = 0;
      fd.vy = 0;
      fd.comboHits = 0;
      fd.throwTechLeft = m.throwTechWindow;
      if (fd.throwTechLeft == 0) landThrow(a, c.move);
      return;
    case Contact::Kind::Grab:
      if (!throwerFree || !throwable(d, true)) return;
      fa.moveContact |= kContactHit;
      landThrow(a, c.move);
      return;
    case Contact::Kind::Hit:
    case Contact::Kind::Block:
      break;
  }
  if (!strike) {
    ProjectileState& p = state_.projectiles[static_cast<size_t>(c.projectile)];
    if (--p.hitsLeft == 0) p.lifeLeft = 0;
  }
  const MoveFrames& frames = tables_[static_cast<size_t>(a)].frames(c.move);
  // Frames until the attacker can act again (0 when it is free, e.g. after a projectile).
  const int attackerWait = fa.action == Action::Attack ? frames.total - fa.actionFrame + 1 : 0;
  state_.hitstop = std::max<uint16_t>(state_.hitstop, m.hitstop);
  if (c.kind == Contact::Kind::Block) {
    const int before = fd.health;
    if (m.chipDamage > 0 && fd.health > 1)
      fd.health = static_cast<int16_t>(std::max(1, fd.health - m.chipDamage));
    const int towardAttacker = -c.pushDirection;
    fd.crouchingGuard = toRelative(padAt(fd, 0).direction, towardAttacker) == 1 ? 1 : 0;
    setAction(fd, Action::Blockstun);
    fd.stunLeft = m.blockstun;
    fd.vx = c.pushDirection * (m.pushbackBlock / kPushFrames);
    fd.pushedByStrike = strike ? 1 : 0;
    addMeter(fa, m.meterGainBlock);
    if (strike) {
      fa.moveContact |= kContactBlock;
      if (m.specialCancel || m.chainCancel) fa.cancelLeft = m.cancelWindow;
    }
    pushEvent(FightEventKind::Block, a, c.move, before - fd.health, fd.comboHits,
              m.blockstun - attackerWait);
    return;
  }
  const int damage = hitDefender(d, a, m, c.pushDirection, strike);
  addMeter(fa, m.meterGainHit);
  if (strike) {
    fa.moveContact |= kContactHit;
    if (m.specialCancel || m.chainCancel) fa.cancelLeft = m.cancelWindow;
  }
  const int advantage = fd.action == Action::Hitstun ? fd.stunLeft - attackerWait : 0;
  pushEvent(FightEventKind::Hit, a, c.move, damage, fd.comboHits, advantage);
}

void FightMatch::resolveThrowHolds() {
  for (int d = 0; d < 2; ++d) {
    FighterState& fd = state_.fighters[static_cast<size_t>(d)];
    if (fd.action != Action::Thrown) continue;
    const int a = 1 - d;
    constexpr uint8_t kTech = kLP | kLK;
    const uint8_t pressed = static_cast<uint8_t>(newlyPressed(fd) | fd.bufferedPress);
    if ((padAt(fd, 0).buttons & kTech) == kTech && (pressed & kTech)) {
      fd.bufferedPress = 0;
      techThrow(a);
      continue;
    }
    if (fd.throwTechLeft > 0) --fd.throwTechLeft;
    if (fd.throwTechLeft == 0) landThrow(a, state_.fighters[static_cast<size_t>(a)].moveIndex);
  }
}

void FightMatch::landThrow(int attacker, int move) {
  FighterState& fa = state_.fighters[static_cast<size_t>(attacker)];
  FighterState& fd = state_.fighters[static_cast<size_t>(1 - attacker)];
  const CharacterDef& cd = *characters_[static_cast<size_t>(1 - attacker)];
  const MoveDef& m = characters_[static_cast<size_t>(attacker)]->moves[static_cast<size_t>(move)];
  const int damage = std::min<int>(fd.health, m.damage);
  fd.health = static_cast<int16_t>(fd.health - damage);
  fd.x = fa.x + fa.facing * m.throwDistance;
  fd.y = 0;
  fd.throwTechLeft = 0;
  fd.comboHits = 0;
  fd.comboDamage = 0;
  addMeter(fa, m.meterGainHit);
  pushEvent(FightEventKind::Throw, attacker, move, damage, 0, 0);
  if (fd.health == 0) {
    setAction(fd, Action::KnockedOut);
    fd.vx = 0;
    fd.vy = 0;
    return;
  }
  setAction(fd, Action::Knockdown);
  fd.vy = m.launchY;
  fd.vx = m.launchY > 0 ? fa.facing * kKnockdownDrift : 0;
  fd.stunLeft = fd.vy == 0 ? cd.wakeupFrames : 0;
  pushEvent(FightEventKind::Knockdown, attacker, move, 0, 0, 0);
}

void FightMatch::techThrow(int thrower) {
  FighterState& fa = state_.fighters[static_cast<size_t>(thrower)];
  FighterState& fd = state_.fighters[static_cast<size_t>(1 - thrower)];
  pushEvent(FightEventKind::ThrowTech, thrower, fa.moveIndex, 0, 0, 0);
  const int side = fd.x != fa.x ? sign(fd.x - fa.x) : fa.facing;
  fd.x += side * (kTechSeparation / 2);
  fa.x -= side * (kTechSeparation / 2);
  fd.throwTechLeft = 0;
  setAction(fd, Action::Idle);
  setAction(fa, Action::Idle);
  fa.moveContact = 0;
  clampToWalls(0);
  clampToWalls(1);
}

}  // namespace palaestra::fight
