#pragma once
// What a CPU knows about the character it plays, read once from the character's
// moves: which move is its fireball, its anti-air, its command throw, how far
// each move reaches, and the distance it likes to fight at. One script plays
// every character; its style follows from this profile, not from the name.

#include <cstdint>
#include <vector>

#include "fight/CharacterDef.h"

namespace palaestra::fight {

/// Move indices (-1 = none) and style traits of one character, derived from its moves.
struct CpuProfile {
  std::vector<int> groundNormals;  // standing and crouching normals
  std::vector<int> airNormals;     // air normals (jump-ins)
  std::vector<int> projectiles;    // specials and supers that launch a projectile
  std::vector<int>
      strikeSpecials;          // damaging specials without a projectile (combo enders, punishes)
  std::vector<int> antiAirs;   // moves that hit above the fighter (rising specials, upward normals)
  std::vector<int> supers;     // supers (cost meter)
  std::vector<int> teleports;  // Teleport moves
  std::vector<int> counters;   // Counter moves
  int throwMove = -1;          // the LP+LK throw
  int commandThrow = -1;       // the strongest command throw
  int stanceSwitch = -1;       // the stance switch
  bool chargeCharacter = false;    // some special needs a charge motion
  int32_t preferredDistance = 0;   // units between the fighters it likes to keep
  int32_t pokeReach = 0;           // longest grounded normal reach, units from the feet
  std::vector<int32_t> reach;      // per move: how far ahead of the feet it can hit, units
  std::vector<int32_t> hitTop;     // per move: highest hitbox top, units above the feet (0 = none)
  std::vector<int32_t> hitBottom;  // per move: lowest hitbox bottom, units above the feet
};

/// Reads a character's moves into a profile.
CpuProfile makeCpuProfile(const CharacterDef& character);

/// Whether a move does damage by striking (hitboxes or a projectile).
bool moveStrikes(const MoveDef& move);
/// How far ahead of its feet a move can hit, units (farthest hitbox edge plus the ground covered
/// first, or the projectile's flight).
int32_t moveReach(const MoveDef& move);
/// Frames from the start of a move to its last frame (startup + active + recovery - 1).
int moveTotalFrames(const MoveDef& move);

}  // namespace palaestra::fight
