#pragma once
// A character as data: body, movement and every move with its frame data.
// Loaded from resources/fight/characters/<id>.json by CharacterLoader, which
// validates every field; the engine only reads these structs.
//
// Frame counting (as fighting-game frame data is quoted): a move with startup
// S, active A and recovery R has its first active frame at frame S (frames are
// numbered from 1 on the frame the move starts), is active on frames S..S+A-1
// and ends after S+A+R-1 frames, when the fighter can act again.

#include <cstdint>
#include <string>
#include <vector>

#include "fight/FightTypes.h"

namespace palaestra::fight {

/// What a move does beyond striking with its hitboxes.
enum class MoveKind : uint8_t {
  Normal,        // a button in a posture (standing, crouching, air)
  Special,       // a motion input; may be cancelled into from normals
  Super,         // a motion input costing meter
  Throw,         // LP+LK near a grounded opponent; escapable by pressing LP+LK in time
  CommandThrow,  // a special that grabs (not escapable, beats guard, misses airborne)
  Teleport,      // moves the fighter instantly on its first active frame
  Counter,       // parry stance: a strike landing on its active frames is caught and punished
  StanceSwitch,  // toggles the character's stance (stance characters)
};

/// Which guard a defender is allowed to hold while invulnerable frames run.
enum InvulnerableTo : uint8_t {
  kInvulnStrike = 1 << 0,
  kInvulnThrow = 1 << 1,
  kInvulnProjectile = 1 << 2,
};

/// A box present on frames [first, last] of a move (1-based move frames).
struct TimedBox {
  uint16_t first = 1;
  uint16_t last = 1;
  Box box;
};

/// A projectile a move launches on its first active frame.
struct ProjectileDef {
  Box hitbox;               // relative to the projectile's position (its centre at 0,0), facing right
  int32_t speedX = 0;       // units per frame, forward
  int32_t speedY = 0;       // units per frame, up (e.g. an air fireball angled down)
  int32_t spawnX = 0;       // spawn offset from the fighter's feet, units, forward
  int32_t spawnY = 0;       // spawn height, units
  uint16_t lifetime = 120;  // frames before it fizzles
  uint8_t hits = 1;         // hits (or clashes) it can take before vanishing
};

struct MoveDef {
  std::string id;           // unique in the character, e.g. "st.HP", "fireball_L"
  std::string displayName;  // shown in overlays, e.g. "Standing heavy punch"
  MoveKind kind = MoveKind::Normal;
  Posture posture = Posture::Standing;  // where it may be started
  Motion motion = Motion::None;
  ButtonSpec buttons;
  uint8_t stance = 0;  // 0 = any stance; otherwise only in that stance (1 or 2)

  // Frame data.
  uint16_t startup = 1;
  uint16_t active = 1;
  uint16_t recovery = 1;
  int16_t damage = 0;        // health removed on hit (before combo scaling)
  int16_t chipDamage = 0;    // health removed on block (never KOs... unless `chipKills`)
  uint16_t hitstun = 0;      // frames the defender cannot act after a hit (from the hit frame)
  uint16_t blockstun = 0;    // frames after a block
  uint16_t hitstop = 0;      // frames both fighters freeze on contact
  int32_t pushbackHit = 0;   // units the defender is pushed away on hit
  int32_t pushbackBlock = 0; // units on block
  GuardType guard = GuardType::Mid;
  bool knockdown = false;    // a hit knocks down (the defender falls, then wakes up)
  int32_t launchY = 0;       // units per frame upwards given to a knocked-down defender

  // Boxes, relative to the feet of a fighter facing right, on move frames.
  std::vector<TimedBox> hitboxes;   // must lie within the active frames
  std::vector<TimedBox> hurtboxes;  // the move's own hurtboxes; empty = the posture's default

  // Movement while performing the move (units per frame; forward positive).
  int32_t advanceX = 0;       // horizontal speed during startup and active frames
  int32_t jumpY = 0;          // initial upward speed (rising attacks such as anti-airs)
  int32_t teleportX = 0;      // Teleport: displacement, forward, on the first active frame
  bool teleportBehind = false;  // Teleport: appear just behind the opponent instead

  // Invulnerability on move frames [invulnFirst, invulnLast] (0 = none).
  uint16_t invulnFirst = 0;
  uint16_t invulnLast = 0;
  uint8_t invulnTo = 0;  // InvulnerableTo bits

  // Combos and cancels.
  bool specialCancel = false;  // on hit or block, may be cancelled into a special or super
  bool chainCancel = false;    // on hit or block, may be cancelled into a stronger normal
  uint16_t cancelWindow = 0;   // frames after contact the cancel stays open

  // Meter.
  int16_t meterCost = 0;     // supers: meter spent at the start (max meter 1000)
  int16_t meterGainHit = 0;  // meter the attacker gains on hit
  int16_t meterGainBlock = 0;

  // Throws: reach from the attacker's front edge, units; the defender is thrown
  // `throwDistance` units forward. Counter: the punish damage and the attacker's stun.
  int32_t throwRange = 0;
  int32_t throwDistance = 0;
  uint16_t throwTechWindow = 0;  // frames the defender has to press LP+LK (Throw only)

  // Projectile (present when hasProjectile).
  bool hasProjectile = false;
  ProjectileDef projectile;
};

/// A posture's default boxes (used when a move does not give its own).
struct BodyBoxes {
  Box pushbox;  // fighters cannot overlap their pushboxes
  Box hurtbox;  // where the fighter can be hit
};

struct CharacterDef {
  std::string id;           // file name without .json, e.g. "kestrel"
  std::string displayName;  // e.g. "Kestrel"
  std::string style;        // one line, e.g. "all-rounder with a fireball and an anti-air"
  uint32_t color = 0xffffff;   // main colour, 0xRRGGBB (drawing only)
  uint32_t accent = 0x000000;  // second colour (drawing only)
  int ladder = 0;  // position on the arcade ladder (1 = first opponent); 0 = not on it

  int16_t health = 1000;
  int32_t walkForward = 0;   // units per frame
  int32_t walkBack = 0;      // units per frame
  int32_t dashSpeed = 0;     // units per frame during a forward dash
  uint16_t dashFrames = 0;   // frames a forward dash lasts (recovery included)
  int32_t backdashSpeed = 0;
  uint16_t backdashFrames = 0;
  uint16_t backdashInvuln = 0;  // invulnerable first frames of the backdash
  uint16_t jumpSquat = 3;    // frames on the ground before leaving it
  int32_t jumpVelocityY = 0;  // initial upward speed, units per frame
  int32_t jumpVelocityX = 0;  // forward/back jump horizontal speed
  int32_t gravity = 0;       // units per frame per frame
  uint16_t landingRecovery = 3;  // frames after landing before acting
  uint16_t chargeFrames = 45;    // hold time of charge motions
  uint16_t wakeupFrames = 40;    // frames lying down after a knockdown lands
  uint16_t wakeupInvuln = 6;     // throw-invulnerable frames after standing up

  BodyBoxes standing;
  BodyBoxes crouching;
  BodyBoxes air;

  std::vector<MoveDef> moves;  // normals, throw, specials, supers
};

}  // namespace palaestra::fight
