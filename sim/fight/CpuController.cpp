#include "fight/CpuController.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <stdexcept>

#include "fight/MotionInputs.h"

namespace palaestra::fight {

namespace {

/// Level 1 is a beginner (slow, mostly random, rarely guards); level 8 reacts in 9 frames and
/// usually picks the right answer. Reaction times stay human (>= 9 frames): strong play comes
/// from choosing well, not from reading inputs.
constexpr std::array<CpuLevel, 8> kLevels = {{
    //  reaction quality antiAir punish combo block tech
    {30, 5, 3, 0, 5, 8, 3},
    {26, 20, 15, 10, 15, 20, 10},
    {22, 32, 25, 20, 28, 30, 15},
    {19, 45, 38, 35, 42, 42, 22},
    {16, 56, 50, 48, 55, 52, 30},
    {14, 66, 60, 60, 66, 62, 36},
    {11, 78, 72, 74, 80, 72, 45},
    {9, 80, 85, 88, 92, 82, 55},
}};

constexpr uint8_t kTechButtons = kLP | kLK;
/// Frames between two fireballs thrown from neutral (zoners throw more often).
constexpr int kFireballGap = 90;
constexpr int kZonerFireballGap = 60;
/// Frames before a projectile arrives that the CPU starts guarding it.
constexpr int kGuardLead = 12;

bool isGrounded(FighterAction a) {
  return a != FighterAction::Airborne && a != FighterAction::JumpSquat;
}

int lowestButton(uint8_t mask) {
  for (int b = 0; b < kButtonCount; ++b)
    if (mask & (1 << b)) return 1 << b;
  return 0;
}

int sign(int32_t v) {
  return (v > 0) - (v < 0);
}

/// Whether two projectiles flying at each other meet (their heights overlap), so they clash.
bool projectilesMeet(const ProjectileDef& a, const ProjectileDef& b) {
  const int32_t aBottom = a.spawnY + a.hitbox.y * kUnitsPerPixel;
  const int32_t bBottom = b.spawnY + b.hitbox.y * kUnitsPerPixel;
  return aBottom < bBottom + b.hitbox.h * kUnitsPerPixel &&
         bBottom < aBottom + a.hitbox.h * kUnitsPerPixel;
}

}  // namespace

CpuLevel cpuLevel(int level) {
  if (level < 1 || level > 8)
    throw std::invalid_argument("CPU level must be in 1..8, got " + std::to_string(level));
  return kLevels[static_cast<size_t>(level - 1)];
}

CpuController::CpuController(const CharacterDef& character, int level)
    : character_(&character),
      level_(level),
      tuning_(cpuLevel(level)),
      profile_(makeCpuProfile(character)) {}

std::string CpuController::name() const {
  return "CPU " + character_->id + " L" + std::to_string(level_);
}

void CpuController::reset(const FightMatch& match, int player, uint64_t seed) {
  if (player != 0 && player != 1)
    throw std::invalid_argument("CPU player must be 0 or 1, got " + std::to_string(player));
  player_ = player;
  // reseed() writes every byte of the stream's state but not its padding: zero those first.
  std::memset(static_cast<void*>(&memory_), 0, sizeof memory_);
  memory_.rng.reseed(seed);
  clearMemory(match.state().round);
  opponentProfile_ = makeCpuProfile(match.character(1 - player));
}

void CpuController::clearMemory(uint8_t round) {
  // Zero every byte after the random stream (padding included, so equal memories snapshot
  // equal); the stream itself runs on across rounds.
  static_assert(offsetof(CpuMemory, rng) == 0 && offsetof(CpuMemory, seen) >= sizeof(Rng));
  std::memset(reinterpret_cast<char*>(&memory_) + offsetof(CpuMemory, seen), 0,
              sizeof memory_ - offsetof(CpuMemory, seen));
  memory_.round = round;
  memory_.habitGuard = 1;
}

std::vector<uint8_t> CpuController::snapshot() const {
  std::vector<uint8_t> bytes(sizeof(CpuMemory) + 1);
  bytes[0] = static_cast<uint8_t>(player_);
  std::memcpy(bytes.data() + 1, &memory_, sizeof(CpuMemory));
  return bytes;
}

void CpuController::restore(std::span<const uint8_t> data) {
  if (data.size() != sizeof(CpuMemory) + 1 || data[0] > 1)
    throw std::invalid_argument("CPU snapshot has " + std::to_string(data.size()) +
                                " bytes, expected " + std::to_string(sizeof(CpuMemory) + 1));
  player_ = data[0];
  std::memcpy(static_cast<void*>(&memory_), data.data() + 1, sizeof(CpuMemory));
}

// --- Perception -------------------------------------------------------------------------

void CpuController::observe(const FightMatch& match) {
  const MatchState& st = match.state();
  const FighterState& me = match.fighter(player_);
  const FighterState& op = match.fighter(1 - player_);
  CpuOpponentView v;
  v.x = op.x;
  v.y = op.y;
  v.vx = op.vx;
  v.vy = op.vy;
  v.frame = st.frame;
  v.moveIndex = op.moveIndex;
  v.actionFrame = op.actionFrame;
  v.action = op.action;
  v.jumpDirection = op.jumpDirection;
  v.moveContact = op.moveContact;
  const MoveDef* opMove = match.currentMove(1 - player_);
  v.crouching = op.action == FighterAction::Crouch ||
                (opMove && op.y == 0 && opMove->posture == Posture::Crouching);
  int32_t nearest = INT32_MAX;
  for (const ProjectileState& p : st.projectiles) {
    if (p.lifeLeft == 0 || p.owner == player_) continue;
    const int32_t gap = std::abs(p.x - me.x);
    if (gap < nearest) {
      nearest = gap;
      v.hasProjectile = 1;
      v.projectileX = p.x;
      v.projectileVx = p.vx;
      v.projectileMove = p.moveIndex;
      const auto& theirMoves = match.character(1 - player_).moves;
      const uint16_t lifetime =
          p.moveIndex >= 0 && static_cast<size_t>(p.moveIndex) < theirMoves.size()
              ? theirMoves[static_cast<size_t>(p.moveIndex)].projectile.lifetime
              : p.lifeLeft;
      v.projectileBorn =
          st.frame - static_cast<uint32_t>(lifetime - std::min(lifetime, p.lifeLeft));
    }
  }
  memory_.seen[memory_.seenCount % kCpuViewRing] = v;
  ++memory_.seenCount;
}

const CpuOpponentView& CpuController::perceived() const {
  const uint32_t newest = memory_.seenCount - 1;
  const uint32_t back = std::min<uint32_t>(static_cast<uint32_t>(tuning_.reactionFrames), newest);
  return memory_.seen[(newest - back) % kCpuViewRing];
}

bool CpuController::roll(int percent) {
  return static_cast<int>(memory_.rng.below(100)) < percent;
}

int CpuController::pickPercent(int lo, int hi) {
  return static_cast<int>(memory_.rng.integer(lo, hi));
}

int32_t CpuController::distance(const FightMatch& match) const {
  return std::abs(perceived().x - match.fighter(player_).x);
}

int32_t CpuController::opponentFront(const FightMatch& match) const {
  const Box& h = match.character(1 - player_).standing.hurtbox;
  return (h.x + h.w) * kUnitsPerPixel;
}

bool CpuController::reaches(const FightMatch& match, int move, int32_t dist) const {
  const MoveDef& m = character_->moves[static_cast<size_t>(move)];
  if (m.kind == MoveKind::Throw || m.kind == MoveKind::CommandThrow) {
    const Box& mine = character_->standing.pushbox;
    const Box& theirs = match.character(1 - player_).standing.pushbox;
    return dist <= (mine.x + mine.w + theirs.x + theirs.w) * kUnitsPerPixel + m.throwRange;
  }
  if (profile_.reach[static_cast<size_t>(move)] + opponentFront(match) < dist) return false;
  if (m.hasProjectile) return true;
  // The hitboxes must meet the opponent's body at its height (a high attack whiffs over a crouch).
  const CpuOpponentView& v = perceived();
  const CharacterDef& them = match.character(1 - player_);
  const Box& body = v.y > 0       ? them.air.hurtbox
                    : v.crouching ? them.crouching.hurtbox
                                  : them.standing.hurtbox;
  const int32_t lift = match.fighter(player_).y;
  const int32_t bottom = v.y + body.y * kUnitsPerPixel, top = bottom + body.h * kUnitsPerPixel;
  return lift + profile_.hitBottom[static_cast<size_t>(move)] < top &&
         lift + profile_.hitTop[static_cast<size_t>(move)] > bottom;
}

bool CpuController::moveUsable(const FightMatch& match, int move) const {
  const FighterState& me = match.fighter(player_);
  const MoveDef& m = character_->moves[static_cast<size_t>(move)];
  if (m.stance != 0 && m.stance != me.stance) return false;
  if (m.meterCost > me.meter) return false;
  if (m.motion == Motion::ChargeBackForward && me.chargeBack < character_->chargeFrames)
    return false;
  if (m.motion == Motion::ChargeDownUp && me.chargeDown < character_->chargeFrames) return false;
  return true;
}

int CpuController::bestHittingMove(const FightMatch& match, const std::vector<int>& moves,
                                   int32_t dist, int maxStartup) const {
  int best = -1;
  for (int i : moves) {
    const MoveDef& m = character_->moves[static_cast<size_t>(i)];
    if (m.startup > maxStartup || !moveUsable(match, i) || !reaches(match, i, dist)) continue;
    if (best < 0 || m.damage > character_->moves[static_cast<size_t>(best)].damage) best = i;
  }
  return best;
}

// --- Plans ------------------------------------------------------------------------------

void CpuController::clearPlan() {
  memory_.planLength = 0;
  memory_.planPos = 0;
  memory_.planKind = CpuPlanKind::None;
}

void CpuController::pushStep(uint8_t direction, uint8_t buttons) {
  if (memory_.planLength >= kCpuPlanCapacity) return;
  // A button registers when it goes down: release it for a frame if it is still held.
  const uint8_t previous = memory_.planLength > memory_.planPos
                               ? memory_.plan[memory_.planLength - 1].buttons
                               : memory_.lastButtons;
  if ((buttons & previous) != 0 && memory_.planLength + 1 < kCpuPlanCapacity)
    memory_.plan[memory_.planLength++] = CpuPadStep{direction, 0};
  memory_.plan[memory_.planLength++] = CpuPadStep{direction, buttons};
}

void CpuController::pushHold(uint8_t direction, int frames) {
  for (int i = 0; i < frames; ++i) pushStep(direction, 0);
}

void CpuController::pushMove(const FightMatch& match, int move) {
  const MoveDef& m = character_->moves[static_cast<size_t>(move)];
  const FighterState& me = match.fighter(player_);
  const uint8_t buttons =
      static_cast<uint8_t>(m.buttons.together ? m.buttons.mask : lowestButton(m.buttons.mask));
  switch (m.motion) {
    case Motion::None:
      pushStep(m.posture == Posture::Crouching ? 2 : 5, buttons);
      return;
    case Motion::ChargeBackForward:
      if (me.chargeBack >= character_->chargeFrames) {
        pushStep(6, buttons);
        return;
      }
      break;
    case Motion::ChargeDownUp:
      if (me.chargeDown >= character_->chargeFrames) {
        pushStep(8, buttons);
        return;
      }
      break;
    default:
      break;
  }
  const std::vector<Direction> frames = motionFrames(m.motion, character_->chargeFrames);
  for (size_t i = 0; i + 1 < frames.size(); ++i) pushStep(frames[i], 0);
  pushStep(frames.back(), buttons);
}

void CpuController::startPlan(CpuPlanKind kind) {
  clearPlan();
  memory_.planKind = kind;
}

PadState CpuController::output(const FightMatch& match, CpuPadStep step) {
  memory_.lastButtons = step.buttons;
  return PadState{toScreen(step.direction, match.fighter(player_).facing), step.buttons};
}

// --- Reactions --------------------------------------------------------------------------

bool CpuController::reactToThrow(const FightMatch& match) {
  const FighterState& me = match.fighter(player_);
  const uint32_t key = match.state().frame - me.actionFrame + 1;
  if (memory_.techKey != key) {
    memory_.techKey = key;
    memory_.techChosen = roll(tuning_.throwTechChance) ? 1 : 0;
  }
  return memory_.techChosen && me.throwTechLeft > 0;
}

void CpuController::notePunishable(const FightMatch& match) {
  for (const FightEvent& e : match.events()) {
    if (e.kind != FightEventKind::Block || e.player == player_ || e.frameAdvantage >= 0) continue;
    memory_.punishWindow = static_cast<int16_t>(-e.frameAdvantage);
    memory_.punishUntil = match.state().frame + 40;
  }
}

bool CpuController::punish(const FightMatch& match) {
  if (memory_.punishWindow <= 0 || match.state().frame > memory_.punishUntil) return false;
  const int window = memory_.punishWindow;
  memory_.punishWindow = 0;
  if (!roll(tuning_.punishChance)) return false;
  // The opponent is stuck in recovery where it is: no need to guess its position.
  const int32_t dist = std::abs(match.fighter(1 - player_).x - match.fighter(player_).x);
  int best = bestHittingMove(match, profile_.supers, dist, window);
  if (best < 0) best = bestHittingMove(match, profile_.strikeSpecials, dist, window);
  if (best < 0) best = bestHittingMove(match, profile_.groundNormals, dist, window);
  if (best < 0 && profile_.commandThrow >= 0 && moveUsable(match, profile_.commandThrow) &&
      reaches(match, profile_.commandThrow, dist))
    best = profile_.commandThrow;
  if (best < 0) return false;
  startPlan(CpuPlanKind::Committed);
  pushMove(match, best);
  return true;
}

bool CpuController::continueCombo(const FightMatch& match) {
  const FighterState& me = match.fighter(player_);
  if (me.moveIndex < 0 || (me.moveContact & 1) == 0 || me.cancelLeft == 0) return false;
  const MoveDef& current = character_->moves[static_cast<size_t>(me.moveIndex)];
  if (!current.specialCancel && !current.chainCancel) return false;
  const uint32_t key = match.state().frame - me.actionFrame + 1;
  if (memory_.comboKey == key) return false;
  memory_.comboKey = key;
  if (!roll(tuning_.comboChance)) return false;
  const int32_t dist = std::abs(match.fighter(1 - player_).x - me.x);
  int best = -1;
  if (current.specialCancel) {
    best = bestHittingMove(match, profile_.supers, dist, 99);
    if (best < 0) best = bestHittingMove(match, profile_.strikeSpecials, dist, 99);
    if (best < 0) best = bestHittingMove(match, profile_.projectiles, dist, 99);
  }
  if (best < 0 && current.chainCancel) {
    // A stronger normal of the same posture.
    for (int i : profile_.groundNormals) {
      const MoveDef& m = character_->moves[static_cast<size_t>(i)];
      if (m.posture != current.posture || m.damage <= current.damage) continue;
      if (!moveUsable(match, i) || !reaches(match, i, dist)) continue;
      if (best < 0 || m.damage < character_->moves[static_cast<size_t>(best)].damage) best = i;
    }
  }
  if (best < 0) return false;
  startPlan(CpuPlanKind::Committed);
  pushMove(match, best);
  return true;
}

bool CpuController::antiAir(const FightMatch& match) {
  const CpuOpponentView& v = perceived();
  const FighterState& me = match.fighter(player_);
  const bool jumping =
      v.action == FighterAction::Airborne || (v.action == FighterAction::Attack && v.y > 0);
  if (!jumping || v.y <= 0) return false;
  const int towards = sign(me.x - v.x);
  if (sign(v.vx) != towards && std::abs(me.x - v.x) > 60 * kUnitsPerPixel) return false;
  const uint32_t key = v.frame - v.actionFrame + 1;
  if (memory_.antiAirKey != key) {
    memory_.antiAirKey = key;
    memory_.antiAirChosen = roll(tuning_.antiAirChance) ? 1 : 2;
  }
  if (memory_.antiAirChosen != 1) return false;
  // Where the jumper will be when the anti-air's hitbox comes out: from what the CPU saw,
  // carried forward by the delay and the move's startup.
  const int32_t gravity = match.character(1 - player_).gravity;
  const int32_t delay = static_cast<int32_t>(match.state().frame - v.frame);
  for (int move : profile_.antiAirs) {
    if (!moveUsable(match, move)) continue;
    const MoveDef& m = character_->moves[static_cast<size_t>(move)];
    const int32_t t = delay + m.startup;
    const int32_t x = v.x + v.vx * t;
    const int32_t y = v.y + v.vy * t - gravity * t * t / 2;
    if (y < 0) continue;  // it lands first: too late for this one
    const int32_t dist = std::abs(x - me.x);
    if (dist >
        profile_.reach[static_cast<size_t>(move)] + opponentFront(match) + 20 * kUnitsPerPixel)
      continue;
    if (y > profile_.hitTop[static_cast<size_t>(move)]) continue;  // still above it: wait
    startPlan(CpuPlanKind::Committed);
    pushMove(match, move);
    return true;
  }
  return false;
}

bool CpuController::answerProjectile(const FightMatch& match) {
  const CpuOpponentView& v = perceived();
  const FighterState& me = match.fighter(player_);
  const CharacterDef& them = match.character(1 - player_);
  const int32_t delay = static_cast<int32_t>(match.state().frame - v.frame);
  // The threat: a projectile in flight, or one the opponent is seen throwing; `arrival` is the
  // frames from now until it reaches the CPU.
  int projectileMove = -1;
  int32_t arrival = 0, gap = 0;
  if (v.hasProjectile && sign(v.projectileVx) == sign(me.x - v.projectileX)) {
    projectileMove = v.projectileMove;
    const int32_t speed = std::max<int32_t>(1, std::abs(v.projectileVx));
    gap = std::abs(v.projectileX - me.x);
    arrival = (gap - speed * delay) / speed;
  } else if (v.action == FighterAction::Attack && v.moveIndex >= 0 &&
             static_cast<size_t>(v.moveIndex) < them.moves.size()) {
    const MoveDef& m = them.moves[static_cast<size_t>(v.moveIndex)];
    if (!m.hasProjectile || m.projectile.speedX <= 0 || v.actionFrame > m.startup) return false;
    projectileMove = v.moveIndex;
    gap = std::max<int32_t>(0, std::abs(v.x - me.x) - m.projectile.spawnX);
    arrival = m.startup - v.actionFrame - delay + gap / m.projectile.speedX;
  }
  if (projectileMove < 0 || static_cast<size_t>(projectileMove) >= them.moves.size()) return false;
  if (gap > 320 * kUnitsPerPixel) return false;
  const uint32_t key = v.frame - v.actionFrame + 1;
  if (memory_.projectileKey == key) return false;
  memory_.projectileKey = key;
  if (!roll(tuning_.decisionQuality)) return false;
  // The answers it has: a fireball of its own cancels it out, a jump over it lands on the
  // thrower's recovery, a teleport goes through; it picks one of them at random.
  std::array<int, 3> answers{};  // 1 = own fireball (move), 2 = teleport (move), 3 = jump
  std::array<int, 3> moves{};
  int count = 0;
  const ProjectileDef& incoming = them.moves[static_cast<size_t>(projectileMove)].projectile;
  const int32_t incomingSpeed = std::max<int32_t>(1, incoming.speedX);
  for (int move : profile_.projectiles)
    // Its fireball must be out before theirs has passed the point it comes out at.
    if (match.state().frame >= memory_.fireballReadyAt &&
        arrival - character_->moves[static_cast<size_t>(move)].projectile.spawnX / incomingSpeed >
            character_->moves[static_cast<size_t>(move)].startup + 2 &&
        projectilesMeet(character_->moves[static_cast<size_t>(move)].projectile, incoming) &&
        moveUsable(match, move) &&
        character_->moves[static_cast<size_t>(move)].kind == MoveKind::Special) {
      answers[static_cast<size_t>(count)] = 1;
      moves[static_cast<size_t>(count++)] = move;
      break;
    }
  for (int move : profile_.teleports)
    if (moveUsable(match, move) && !character_->moves[static_cast<size_t>(move)].teleportBehind &&
        arrival > character_->moves[static_cast<size_t>(move)].startup) {
      answers[static_cast<size_t>(count)] = 2;
      moves[static_cast<size_t>(count++)] = move;
      break;
    }
  // Jump it only if the jump clears it in time: it arrives after the take-off and the rise
  // above its top, and before the jump comes down again.
  const ProjectileDef& pd = them.moves[static_cast<size_t>(projectileMove)].projectile;
  const int32_t top = pd.spawnY + (pd.hitbox.y + pd.hitbox.h) * kUnitsPerPixel -
                      character_->air.hurtbox.y * kUnitsPerPixel;
  const int32_t vy = character_->jumpVelocityY, g = std::max<int32_t>(1, character_->gravity);
  int32_t rise = 0;
  while (rise < 60 && vy * rise - g * rise * rise / 2 < top) ++rise;
  const int32_t airtime = 2 * vy / g;
  const int32_t jumpReach = character_->jumpVelocityX * airtime;
  // After take-off the jump closes in on it; it must be above it from contact until past it.
  const int32_t squat = character_->jumpSquat;
  const int32_t closing = incomingSpeed + character_->jumpVelocityX;
  const int32_t contact =
      squat + std::max(0, arrival - squat) * incomingSpeed / std::max(1, closing);
  const int32_t crossing =
      (pd.hitbox.w + character_->air.hurtbox.w) * kUnitsPerPixel / std::max(1, closing);
  if (rise < airtime / 2 && contact >= squat + rise &&
      contact + crossing <= squat + airtime - rise &&
      distance(match) < jumpReach + 80 * kUnitsPerPixel)
    answers[static_cast<size_t>(count++)] = 3;
  if (count == 0) return false;  // guard() blocks it
  const size_t pick = memory_.rng.below(static_cast<uint64_t>(count));
  startPlan(CpuPlanKind::Committed);
  if (answers[pick] == 3) {
    pushHold(9, character_->jumpSquat + 1);
    memory_.jumpInPending = 1;
  } else {
    pushMove(match, moves[pick]);
    // Clashing fireballs count against the rhythm too, or two zoners trade them all round.
    if (answers[pick] == 1)
      memory_.fireballReadyAt =
          match.state().frame + static_cast<uint32_t>(kFireballGap + pickPercent(0, 60));
  }
  return true;
}

bool CpuController::guard(const FightMatch& match) {
  const CpuOpponentView& v = perceived();
  const FighterState& me = match.fighter(player_);
  const uint32_t now = match.state().frame;
  const CharacterDef& them = match.character(1 - player_);
  const int32_t dist = std::abs(v.x - me.x);
  const int32_t myFront =
      (character_->standing.hurtbox.x + character_->standing.hurtbox.w) * kUnitsPerPixel;

  uint8_t direction = 0;
  uint32_t key = 0;
  int moveEnds = 0;
  if (v.action == FighterAction::Attack && v.moveIndex >= 0 &&
      static_cast<size_t>(v.moveIndex) < them.moves.size()) {
    const MoveDef& m = them.moves[static_cast<size_t>(v.moveIndex)];
    const int32_t theirReach = moveReach(m);
    const bool beforeActiveEnd = v.actionFrame < m.startup + m.active;
    // A fireball being thrown: guard once it is about to arrive (it travels faster than the CPU
    // could react to it once it is out), walking on until then.
    if (m.hasProjectile && m.projectile.speedX > 0 && moveStrikes(m) &&
        v.actionFrame <= m.startup && theirReach + myFront >= dist) {
      const int32_t travel = std::max<int32_t>(0, dist - m.projectile.spawnX) / m.projectile.speedX;
      const int arrival = m.startup - v.actionFrame + travel - static_cast<int>(now - v.frame);
      if (arrival <= kGuardLead) {
        key = (v.frame - v.actionFrame + 1) * 64u + static_cast<uint32_t>(v.moveIndex);
        moveEnds = arrival + 4;
        direction =
            m.guard == GuardType::Low || (m.guard == GuardType::High && profile_.chargeCharacter)
                ? 1
                : 4;
      }
    }
    if (moveStrikes(m) && !m.hasProjectile && beforeActiveEnd && m.guard != GuardType::Throw &&
        theirReach + myFront + 40 * kUnitsPerPixel >= dist) {
      key = (v.frame - v.actionFrame + 1) * 64u + static_cast<uint32_t>(v.moveIndex);
      moveEnds = m.startup + m.active - v.actionFrame;
      direction = m.guard == GuardType::Low                                ? 1
                  : m.guard == GuardType::High && profile_.chargeCharacter ? 1
                                                                           : 4;
      if (m.guard == GuardType::Low) memory_.habitGuard = 1;
      if (m.guard == GuardType::Mid || m.guard == GuardType::Overhead) memory_.habitGuard = 4;
      // The counter character catches attacks it sees coming in time.
      for (int c : profile_.counters) {
        const MoveDef& cm = character_->moves[static_cast<size_t>(c)];
        const int untilActive = m.startup - v.actionFrame - static_cast<int>(now - v.frame);
        if (memory_.guardKey != key && moveUsable(match, c) && untilActive >= cm.startup - 1 &&
            untilActive <= cm.startup + cm.active - 2 && roll(tuning_.decisionQuality)) {
          memory_.guardKey = key;
          memory_.guardChosen = 2;
          startPlan(CpuPlanKind::Committed);
          pushMove(match, c);
          return true;
        }
      }
    }
  }
  const int32_t flightSpeed = std::max<int32_t>(1, std::abs(v.projectileVx));
  if (direction == 0 && v.hasProjectile && sign(v.projectileVx) == sign(me.x - v.projectileX) &&
      std::abs(v.projectileX - me.x) - flightSpeed * static_cast<int32_t>(now - v.frame) <=
          flightSpeed * kGuardLead) {
    key = 0x80000000u | (v.projectileBorn * 64u + static_cast<uint32_t>(v.projectileMove + 1));
    const GuardType g =
        v.projectileMove >= 0 && static_cast<size_t>(v.projectileMove) < them.moves.size()
            ? them.moves[static_cast<size_t>(v.projectileMove)].guard
            : GuardType::Mid;
    direction = g == GuardType::Low ? 1 : 4;
    moveEnds = 20;
  }
  if (direction == 0) {
    if (now < memory_.guardUntil && memory_.guardDirection != 0) {
      startPlan(CpuPlanKind::Movement);
      pushStep(memory_.guardDirection, 0);
      return true;
    }
    return false;
  }
  if (memory_.guardKey != key) {
    memory_.guardKey = key;
    memory_.guardChosen = roll(tuning_.blockChance) ? 1 : 2;
  }
  if (memory_.guardChosen != 1) return false;
  memory_.guardDirection = direction;
  memory_.guardUntil = now + static_cast<uint32_t>(std::max(1, moveEnds)) + 4;
  startPlan(CpuPlanKind::Movement);
  pushStep(direction, 0);
  return true;
}

bool CpuController::whiffPunish(const FightMatch& match) {
  const CpuOpponentView& v = perceived();
  if (v.action != FighterAction::Attack || v.moveIndex < 0 || v.y > 0) return false;
  const CharacterDef& them = match.character(1 - player_);
  if (static_cast<size_t>(v.moveIndex) >= them.moves.size()) return false;
  const MoveDef& m = them.moves[static_cast<size_t>(v.moveIndex)];
  if (v.actionFrame < m.startup + m.active || (v.moveContact & 3) != 0) return false;
  const uint32_t key = (v.frame - v.actionFrame + 1) * 64u + static_cast<uint32_t>(v.moveIndex);
  if (memory_.whiffKey == key) return false;
  memory_.whiffKey = key;
  const int remaining =
      moveTotalFrames(m) - v.actionFrame - static_cast<int>(match.state().frame - v.frame);
  if (remaining < 3 || !roll(tuning_.punishChance * tuning_.decisionQuality / 100)) return false;
  const int32_t dist = distance(match);
  int best = bestHittingMove(match, profile_.strikeSpecials, dist, remaining);
  if (best < 0) best = bestHittingMove(match, profile_.groundNormals, dist, remaining);
  if (best < 0) return false;
  startPlan(CpuPlanKind::Committed);
  pushMove(match, best);
  return true;
}

bool CpuController::airAttack(const FightMatch& match) {
  const FighterState& me = match.fighter(player_);
  if (!memory_.jumpInPending) return false;
  const uint32_t key = match.state().frame - me.actionFrame + 1;
  if (memory_.airAttackKey == key) return false;
  const FighterState& op = match.fighter(1 - player_);
  const int32_t dist = std::abs(op.x - me.x);
  if (me.vy > 0 && me.y > 60 * kUnitsPerPixel) return false;  // still rising
  int best = -1;
  for (int i : profile_.airNormals) {
    if (!moveUsable(match, i) || !reaches(match, i, dist + 20 * kUnitsPerPixel)) continue;
    if (best < 0 || character_->moves[static_cast<size_t>(i)].damage >
                        character_->moves[static_cast<size_t>(best)].damage)
      best = i;
  }
  if (best < 0) return false;
  memory_.airAttackKey = key;
  memory_.jumpInPending = 0;
  startPlan(CpuPlanKind::Committed);
  pushMove(match, best);
  return true;
}

// --- Neutral ----------------------------------------------------------------------------

void CpuController::chooseNeutral(const FightMatch& match) {
  enum Kind : uint8_t {
    Wait,
    WalkForward,
    WalkBack,
    Dash,
    Backdash,
    JumpIn,
    Poke,
    Throw,
    CommandThrow,
    Fireball,
    Teleport,
    Stance,
    Counter,
    SuperMove
  };
  struct Option {
    Kind kind;
    int score;
    int move;
  };
  std::array<Option, 16> options{};
  int count = 0;
  auto add = [&](Kind kind, int score, int move = -1) {
    if (count < static_cast<int>(options.size()))
      options[static_cast<size_t>(count++)] = Option{kind, score + pickPercent(0, 25), move};
  };

  const MatchState& st = match.state();
  const CpuOpponentView& v = perceived();
  const int32_t px = kUnitsPerPixel;
  const int32_t dist = distance(match);
  const bool zoner = !profile_.projectiles.empty() && profile_.preferredDistance >= 300 * px;
  // Behind on health, waiting loses on time: the CPU closes in to poke range whatever its style.
  const FighterState& op = match.fighter(1 - player_);
  const bool losing =
      static_cast<int32_t>(match.fighter(player_).health) * match.character(1 - player_).health <
      static_cast<int32_t>(op.health) * character_->health;
  const int32_t closeIn =
      profile_.pokeReach + (character_->standing.hurtbox.x + character_->standing.hurtbox.w) * px;
  const int32_t pref =
      losing ? std::min(profile_.preferredDistance, closeIn) : profile_.preferredDistance;
  // Attacks only at an opponent that can be hit: not one lying down, getting up or invulnerable
  // (a whiffed throw on a waking opponent is a free punish).
  const bool opponentDown = op.action == FighterAction::Knockdown ||
                            op.action == FighterAction::WakeUp ||
                            op.action == FighterAction::Thrown || op.invulnLeft > 0;
  const bool opponentGrounded = isGrounded(v.action) && v.y == 0 && !opponentDown;
  bool ownProjectile = false;
  for (const ProjectileState& p : st.projectiles)
    if (p.lifeLeft > 0 && p.owner == player_) ownProjectile = true;

  // Inside the opponent's reach, waiting means guarding: a real option, not idling.
  const int32_t opponentReach =
      opponentProfile_.pokeReach +
      (character_->standing.hurtbox.x + character_->standing.hurtbox.w) * px;
  // Against an opponent that keeps attacking, guarding (then punishing) beats trading hits.
  int attacksSeen = 0;
  const uint32_t visible = memory_.seenCount > static_cast<uint32_t>(tuning_.reactionFrames)
                               ? memory_.seenCount - static_cast<uint32_t>(tuning_.reactionFrames)
                               : 0;
  for (uint32_t k = visible > kCpuViewRing ? visible - kCpuViewRing : 0; k < visible; ++k) {
    const CpuOpponentView& past = memory_.seen[k % kCpuViewRing];
    attacksSeen += past.action == FighterAction::Attack && past.actionFrame == 1;
  }
  const bool inTheirReach = dist < opponentReach + 20 * px;
  add(Wait, (profile_.chargeCharacter ? 30 : 12) +
                (inTheirReach ? (attacksSeen > 0 ? 25 + std::min(3, attacksSeen) * 12 : 10) : 0));
  if (dist > pref + (losing ? 0 : 30 * px))
    add(WalkForward, 40 + std::min<int>(30, (dist - pref) / (5 * px)));
  if (dist < pref - 30 * px) add(WalkBack, zoner ? 55 : 30);
  // No dashing into a fireball: a dash cannot guard.
  if (character_->dashFrames > 0 && dist > pref + 120 * px && !zoner && !v.hasProjectile)
    add(Dash, 35);
  if (character_->backdashFrames > 0 && dist < 90 * px) add(Backdash, zoner ? 30 : 8);
  const int32_t jumpReach = character_->jumpVelocityX * 2 * character_->jumpVelocityY /
                            std::max<int32_t>(1, character_->gravity);
  if (!profile_.airNormals.empty() && jumpReach > 0 && std::abs(dist - jumpReach) < 100 * px)
    add(JumpIn, zoner ? 5 : 22);
  // The poke: the best normal that reaches (a good player pokes at the tip of its range).
  if (opponentGrounded) {
    const int poke = bestHittingMove(match, profile_.groundNormals, dist, 14);
    if (poke >= 0) add(Poke, dist > 60 * px ? 42 : 32, poke);
  }
  if (opponentGrounded && profile_.throwMove >= 0 && reaches(match, profile_.throwMove, dist))
    add(Throw, 45, profile_.throwMove);
  if (opponentGrounded && profile_.commandThrow >= 0 && moveUsable(match, profile_.commandThrow) &&
      reaches(match, profile_.commandThrow, dist))
    add(CommandThrow, 60, profile_.commandThrow);
  // Fireballs come at a rhythm, not back to back: a fireball wall is all chip and no game.
  // ... and not into a fireball already coming (answerProjectile decides about clashing it).
  if (!ownProjectile && !v.hasProjectile && dist > 150 * px &&
      st.frame >= memory_.fireballReadyAt) {
    for (int move : profile_.projectiles)
      if (moveUsable(match, move) &&
          character_->moves[static_cast<size_t>(move)].kind == MoveKind::Special) {
        add(Fireball, 38 + (zoner ? 30 : 0) + (dist > 300 * px ? 10 : 0), move);
        break;
      }
  }
  for (int move : profile_.teleports) {
    if (!moveUsable(match, move)) continue;
    const bool behind = character_->moves[static_cast<size_t>(move)].teleportBehind;
    if (behind && dist < 250 * px) add(Teleport, 22, move);
    if (!behind && dist > 250 * px) add(Teleport, 22, move);
  }
  if (profile_.stanceSwitch >= 0 && moveUsable(match, profile_.stanceSwitch))
    add(Stance, 14, profile_.stanceSwitch);
  for (int move : profile_.counters)
    if (moveUsable(match, move) && dist < 160 * px) {
      add(Counter, 12, move);
      break;
    }
  for (int move : profile_.supers)
    if (!opponentDown && moveUsable(match, move) && reaches(match, move, dist)) {
      add(SuperMove, character_->moves[static_cast<size_t>(move)].hasProjectile ? 30 : 25, move);
      break;
    }

  // A good player picks the best option; a beginner picks any of them.
  Option chosen = options[0];
  if (roll(tuning_.decisionQuality)) {
    for (int i = 1; i < count; ++i)
      if (options[static_cast<size_t>(i)].score > chosen.score)
        chosen = options[static_cast<size_t>(i)];
  } else {
    chosen = options[memory_.rng.below(static_cast<uint64_t>(count))];
  }

  switch (chosen.kind) {
    case Wait: {
      startPlan(CpuPlanKind::Movement);
      // Near the opponent a good player waits guarding the way its last attack came; charge
      // characters wait crouching back, which builds both charges.
      const int32_t threat =
          match.character(1 - player_).standing.hurtbox.w * kUnitsPerPixel + 150 * kUnitsPerPixel;
      uint8_t posture = profile_.chargeCharacter ? 1 : (roll(50) ? 5 : 1);
      if (dist < threat && roll(tuning_.decisionQuality))
        posture = profile_.chargeCharacter && memory_.habitGuard == 1 ? 1 : memory_.habitGuard;
      pushHold(posture, pickPercent(6, 18));
      break;
    }
    case WalkForward:
      startPlan(CpuPlanKind::Movement);
      pushHold(6, pickPercent(8, 24));
      break;
    case WalkBack:
      startPlan(CpuPlanKind::Movement);
      pushHold(4, pickPercent(8, 20));
      break;
    case Dash:
      startPlan(CpuPlanKind::Committed);
      pushStep(6, 0);
      pushStep(5, 0);
      pushStep(6, 0);
      pushHold(5, 2);
      break;
    case Backdash:
      startPlan(CpuPlanKind::Committed);
      pushStep(4, 0);
      pushStep(5, 0);
      pushStep(4, 0);
      pushHold(5, 2);
      break;
    case JumpIn:
      startPlan(CpuPlanKind::Committed);
      pushHold(9, character_->jumpSquat + 1);
      memory_.jumpInPending = 1;
      break;
    default:
      startPlan(CpuPlanKind::Committed);
      pushMove(match, chosen.move);
      if (chosen.kind == Fireball)
        memory_.fireballReadyAt =
            st.frame +
            static_cast<uint32_t>((zoner ? kZonerFireballGap : kFireballGap) + pickPercent(0, 60));
      break;
  }
  // Beginners hesitate between actions.
  memory_.neutralUntil = st.frame + memory_.planLength +
                         static_cast<uint32_t>(pickPercent(0, tuning_.reactionFrames / 2));
}

// --- The frame's decision ---------------------------------------------------------------

PadState CpuController::decide(const FightMatch& match) {
  const MatchState& st = match.state();
  const FighterState& me = match.fighter(player_);
  if (st.round != memory_.round) {
    // A new round: nothing seen before it matters.
    clearMemory(st.round);
  }
  if (st.phase != MatchPhase::Fighting) {
    clearPlan();
    return output(match, CpuPadStep{5, 0});
  }
  observe(match);
  notePunishable(match);

  switch (me.action) {
    case FighterAction::Thrown:
      clearPlan();
      if (reactToThrow(match) && (memory_.lastButtons & kTechButtons) == 0)
        return output(match, CpuPadStep{5, kTechButtons});
      return output(match, CpuPadStep{5, 0});
    case FighterAction::Knockdown:
    case FighterAction::WakeUp: {
      // Get up guarding (the way the opponent's last attack came), if it thinks of it.
      clearPlan();
      memory_.jumpInPending = 0;
      const uint32_t key = 0xfffe0000u + st.frame - me.actionFrame;
      if (me.action == FighterAction::Knockdown && memory_.guardKey != key) {
        memory_.guardKey = key;
        memory_.guardChosen = roll(tuning_.blockChance) ? 1 : 2;
      }
      const uint8_t direction = memory_.guardChosen == 1 ? memory_.habitGuard : uint8_t{5};
      return output(match, CpuPadStep{direction, 0});
    }
    case FighterAction::Hitstun:
    case FighterAction::KnockedOut:
      clearPlan();
      memory_.jumpInPending = 0;
      return output(match, CpuPadStep{5, 0});
    case FighterAction::Blockstun:
      // Keep guarding, switching height if the next attack needs it.
      clearPlan();
      guard(match);
      clearPlan();
      return output(match,
                    CpuPadStep{memory_.guardDirection ? memory_.guardDirection : uint8_t{4}, 0});
    case FighterAction::Attack:
      continueCombo(match);
      break;
    case FighterAction::Airborne:
      airAttack(match);
      break;
    default:
      break;
  }

  const bool committed =
      memory_.planKind == CpuPlanKind::Committed && memory_.planPos < memory_.planLength;
  if (!committed && match.canAct(player_)) {
    bool reacted = punish(match) || antiAir(match) || answerProjectile(match) || guard(match) ||
                   whiffPunish(match);
    if (!reacted) {
      // Keep a link going while the opponent is still reeling.
      const FighterState& op = match.fighter(1 - player_);
      if (op.action == FighterAction::Hitstun && op.stunLeft > 0) {
        const uint32_t key = st.frame - op.actionFrame + 1;
        if (memory_.linkKey != key) {
          memory_.linkKey = key;
          if (roll(tuning_.comboChance)) {
            const int32_t dist = std::abs(op.x - me.x);
            int best = bestHittingMove(match, profile_.strikeSpecials, dist, op.stunLeft - 1);
            if (best < 0)
              best = bestHittingMove(match, profile_.groundNormals, dist, op.stunLeft - 1);
            if (best >= 0) {
              startPlan(CpuPlanKind::Committed);
              pushMove(match, best);
              reacted = true;
            }
          }
        }
      }
    }
    if (!reacted && memory_.planPos >= memory_.planLength && st.frame >= memory_.neutralUntil)
      chooseNeutral(match);
  }
  if (memory_.planPos < memory_.planLength) {
    const CpuPadStep step = memory_.plan[memory_.planPos++];
    if (memory_.planPos >= memory_.planLength) clearPlan();
    return output(match, step);
  }
  return output(match, CpuPadStep{profile_.chargeCharacter ? uint8_t{1} : uint8_t{5}, 0});
}

}  // namespace palaestra::fight
