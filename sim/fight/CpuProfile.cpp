#include "fight/CpuProfile.h"

#include <algorithm>
#include <climits>

namespace palaestra::fight {

bool moveStrikes(const MoveDef& move) {
  return (!move.hitboxes.empty() || move.hasProjectile) && move.damage > 0;
}

int moveTotalFrames(const MoveDef& move) {
  return move.startup + move.active + move.recovery - 1;
}

int32_t moveReach(const MoveDef& move) {
  int32_t reach = 0;
  for (const TimedBox& t : move.hitboxes) {
    const int32_t travel = move.advanceX * std::max<int32_t>(0, t.first - 1);
    reach = std::max(reach, (t.box.x + t.box.w) * kUnitsPerPixel + travel);
  }
  if (move.hasProjectile) {
    const ProjectileDef& p = move.projectile;
    reach = std::max(reach, p.spawnX + (p.hitbox.x + p.hitbox.w) * kUnitsPerPixel +
                                p.speedX * static_cast<int32_t>(p.lifetime));
  }
  if (move.kind == MoveKind::Teleport) reach = std::max(reach, move.teleportX);
  return reach;
}

namespace {

int32_t moveHitTop(const MoveDef& move) {
  int32_t top = 0;
  for (const TimedBox& t : move.hitboxes) top = std::max(top, (t.box.y + t.box.h) * kUnitsPerPixel);
  return top + std::max<int32_t>(0, move.jumpY) * move.startup;
}

}  // namespace

CpuProfile makeCpuProfile(const CharacterDef& character) {
  CpuProfile p;
  const auto& moves = character.moves;
  p.reach.resize(moves.size());
  p.hitTop.resize(moves.size());
  p.hitBottom.resize(moves.size());
  // The height above which a jumping opponent's body is: hitting there means anti-air.
  const int32_t bodyTop =
      (character.standing.hurtbox.y + character.standing.hurtbox.h) * kUnitsPerPixel;
  int16_t bestThrowDamage = -1;
  for (size_t i = 0; i < moves.size(); ++i) {
    const MoveDef& m = moves[i];
    const int index = static_cast<int>(i);
    p.reach[i] = moveReach(m);
    p.hitTop[i] = moveHitTop(m);
    p.hitBottom[i] =
        m.hasProjectile ? m.projectile.spawnY + m.projectile.hitbox.y * kUnitsPerPixel : INT32_MAX;
    for (const TimedBox& t : m.hitboxes)
      p.hitBottom[i] = std::min(p.hitBottom[i], t.box.y * kUnitsPerPixel);
    if (p.hitBottom[i] == INT32_MAX) p.hitBottom[i] = 0;
    if (m.motion == Motion::ChargeBackForward || m.motion == Motion::ChargeDownUp)
      p.chargeCharacter = true;
    switch (m.kind) {
      case MoveKind::Normal:
        if (!moveStrikes(m)) break;
        if (m.posture == Posture::Air) {
          p.airNormals.push_back(index);
        } else {
          p.groundNormals.push_back(index);
          p.pokeReach = std::max(p.pokeReach, p.reach[i]);
          // An upward normal fast enough to meet a jump-in.
          if (p.hitTop[i] > bodyTop && m.startup <= 9) p.antiAirs.push_back(index);
        }
        break;
      case MoveKind::Special:
      case MoveKind::Super:
        if (!moveStrikes(m) || m.posture == Posture::Air) break;
        if (m.kind == MoveKind::Super) p.supers.push_back(index);
        if (m.hasProjectile) {
          p.projectiles.push_back(index);
        } else if (m.kind == MoveKind::Special) {
          p.strikeSpecials.push_back(index);
          const bool rising = m.jumpY > 0 || p.hitTop[i] > bodyTop + 30 * kUnitsPerPixel;
          if (rising && m.startup <= 12) p.antiAirs.push_back(index);
        }
        break;
      case MoveKind::Throw:
        if (p.throwMove < 0) p.throwMove = index;
        break;
      case MoveKind::CommandThrow:
        if (m.damage > bestThrowDamage) {
          bestThrowDamage = m.damage;
          p.commandThrow = index;
        }
        break;
      case MoveKind::Teleport:
        p.teleports.push_back(index);
        break;
      case MoveKind::Counter:
        p.counters.push_back(index);
        break;
      case MoveKind::StanceSwitch:
        if (p.stanceSwitch < 0) p.stanceSwitch = index;
        break;
    }
  }
  // Anti-airs: invulnerable rising specials first, then the fastest.
  std::sort(p.antiAirs.begin(), p.antiAirs.end(), [&](int a, int b) {
    const MoveDef& ma = moves[static_cast<size_t>(a)];
    const MoveDef& mb = moves[static_cast<size_t>(b)];
    const bool ia = (ma.invulnTo & kInvulnStrike) != 0, ib = (mb.invulnTo & kInvulnStrike) != 0;
    if (ia != ib) return ia;
    return ma.startup < mb.startup;
  });
  // The fighting distance: a character with a fireball and no command throw stays out; a
  // grappler stays in; everyone else fights at the tip of its longest poke.
  const int32_t bodyFront =
      (character.standing.hurtbox.x + character.standing.hurtbox.w) * kUnitsPerPixel;
  if (p.commandThrow >= 0) {
    p.preferredDistance = 70 * kUnitsPerPixel;
  } else if (!p.projectiles.empty()) {
    // Several fireballs or a slow walk make a zoner; one fireball makes an all-rounder.
    const bool zoner = p.projectiles.size() >= 3 || character.walkForward < 250;
    p.preferredDistance = (zoner ? 380 : 240) * kUnitsPerPixel;
  } else {
    p.preferredDistance =
        std::max<int32_t>(60 * kUnitsPerPixel, p.pokeReach + bodyFront - 10 * kUnitsPerPixel);
  }
  return p;
}

}  // namespace palaestra::fight
