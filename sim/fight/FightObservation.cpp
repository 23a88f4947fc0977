#include "fight/FightObservation.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace palaestra::fight {

namespace {

// Scales (units of the features' denominators): heights up to 300 px, speeds
// up to 20 px per frame, frame counters up to one second.
constexpr float kHeightScale = 300.0f * kUnitsPerPixel;
constexpr float kSpeedScale = 20.0f * kUnitsPerPixel;
constexpr float kFrameScale = 60.0f;

float clamp1(float v) {
  return std::clamp(v, -1.0f, 1.0f);
}

class Writer {
 public:
  explicit Writer(float* out) : out_(out) {}
  void put(float v) { out_[n_++] = clamp1(v); }
  void oneHot(int index, int count) {
    for (int i = 0; i < count; ++i) out_[n_++] = i == index ? 1.0f : 0.0f;
  }
  int count() const { return n_; }

 private:
  float* out_;
  int n_ = 0;
};

void writeFighter(Writer& w, const FightMatch& match, int i, int observerFacing, float stageWidth) {
  const FighterState& f = match.fighter(i);
  const CharacterDef& c = match.character(i);
  const float x = static_cast<float>(f.x);
  w.put((observerFacing > 0 ? x : stageWidth - x) / stageWidth);  // distance to the wall behind
  w.put((observerFacing > 0 ? stageWidth - x : x) / stageWidth);  // distance to the wall ahead
  w.put(static_cast<float>(f.y) / kHeightScale);
  w.put(static_cast<float>(f.vx * observerFacing) / kSpeedScale);
  w.put(static_cast<float>(f.vy) / kSpeedScale);
  w.put(static_cast<float>(f.actionFrame) / kFrameScale);
  w.put(static_cast<float>(f.stunLeft) / kFrameScale);
  w.put(static_cast<float>(f.invulnLeft) / kFrameScale);
  w.put(static_cast<float>(f.health) / static_cast<float>(std::max<int>(1, c.health)));
  w.put(static_cast<float>(f.meter) / 1000.0f);
  w.put(static_cast<float>(f.roundsWon) / 2.0f);
  const float charge = static_cast<float>(std::max<int>(1, c.chargeFrames));
  w.put(static_cast<float>(f.chargeBack) / charge);
  w.put(static_cast<float>(f.chargeDown) / charge);
  w.put(static_cast<float>(f.comboHits) / 10.0f);
  w.put(f.facing == observerFacing ? 1.0f : -1.0f);
  w.put(match.canAct(i) ? 1.0f : 0.0f);
  w.oneHot(static_cast<int>(f.action), static_cast<int>(FighterAction::Count));

  const MoveDef* move = match.currentMove(i);
  w.oneHot(move ? static_cast<int>(move->kind) : -1, 8);
  w.oneHot(move ? static_cast<int>(move->guard) : -1, 5);
  if (move) {
    const int frame = f.actionFrame;
    w.put(1.0f);
    w.put(static_cast<float>(move->startup) / kFrameScale);
    w.put(static_cast<float>(move->active) / kFrameScale);
    w.put(static_cast<float>(move->recovery) / kFrameScale);
    const int phase = frame < move->startup ? 0 : frame < move->startup + move->active ? 1 : 2;
    w.oneHot(phase, 3);
    w.put(static_cast<float>(frame) / kFrameScale);
  } else {
    for (int k = 0; k < 8; ++k) w.put(0.0f);
  }
}

void writeProjectiles(Writer& w, const MatchState& s, int owner, const FighterState& me,
                      float stageWidth) {
  // The nearest two of `owner`'s projectiles (by horizontal distance to the observer).
  std::array<int, kMaxProjectiles> order{};
  int n = 0;
  for (int k = 0; k < kMaxProjectiles; ++k)
    if (s.projectiles[static_cast<size_t>(k)].lifeLeft > 0 &&
        s.projectiles[static_cast<size_t>(k)].owner == owner)
      order[static_cast<size_t>(n++)] = k;
  auto distance = [&](int k) {
    const int32_t dx = s.projectiles[static_cast<size_t>(k)].x - me.x;
    return dx < 0 ? -static_cast<int64_t>(dx) : static_cast<int64_t>(dx);
  };
  // Stable order by distance then slot, so equal distances stay deterministic.
  std::stable_sort(order.begin(), order.begin() + n,
                   [&](int a, int b) { return distance(a) < distance(b); });
  for (int j = 0; j < 2; ++j) {
    if (j < n) {
      const ProjectileState& p = s.projectiles[static_cast<size_t>(order[static_cast<size_t>(j)])];
      w.put(1.0f);
      w.put(static_cast<float>((p.x - me.x) * me.facing) / stageWidth);
      w.put(static_cast<float>(p.y - me.y) / kHeightScale);
      w.put(static_cast<float>(p.vx * me.facing) / kSpeedScale);
      w.put(static_cast<float>(p.vy) / kSpeedScale);
    } else {
      for (int k = 0; k < FightObservation::kProjectileSize; ++k) w.put(0.0f);
    }
  }
}

}  // namespace

void FightObservation::build(const FightMatch& match, int player, float* out) {
  const MatchState& s = match.state();
  const int other = 1 - player;
  const FighterState& me = match.fighter(player);
  const FighterState& them = match.fighter(other);
  const float stageWidth = static_cast<float>(match.rules().stageWidthPixels * kUnitsPerPixel);
  const int facing = me.facing >= 0 ? 1 : -1;
  Writer w(out);
  writeFighter(w, match, player, facing, stageWidth);
  writeFighter(w, match, other, facing, stageWidth);
  w.put(static_cast<float>((them.x - me.x) * facing) / stageWidth);
  w.put(static_cast<float>(them.y - me.y) / kHeightScale);
  const float roundFrames = static_cast<float>(match.rules().roundSeconds * kFramesPerSecond);
  w.put(static_cast<float>(s.timerFrames) / roundFrames);
  w.put(static_cast<float>(s.round) / static_cast<float>(match.rules().maxRounds));
  w.put(static_cast<float>(s.hitstop) / 30.0f);
  writeProjectiles(w, s, player, me, stageWidth);
  writeProjectiles(w, s, other, me, stageWidth);
  if (w.count() != kSize) throw std::logic_error("FightObservation: layout size mismatch");
}

std::vector<float> FightObservation::build(const FightMatch& match, int player) {
  std::vector<float> out(kSize);
  build(match, player, out.data());
  return out;
}

FightObservationDelay::FightObservationDelay(int delay) : delay_(delay) {
  if (delay < 0)
    throw std::invalid_argument("observation delay must be >= 0, got " + std::to_string(delay));
  buffer_.assign(static_cast<size_t>(delay + 1) * 2 * FightObservation::kSize, 0.0f);
}

void FightObservationDelay::reset(const FightMatch& match) {
  head_ = 0;
  push(match);
  const size_t frame = 2 * FightObservation::kSize;
  for (int k = 1; k <= delay_; ++k)
    std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(head_ * frame),
              buffer_.begin() + static_cast<std::ptrdiff_t>((head_ + 1) * frame),
              buffer_.begin() + static_cast<std::ptrdiff_t>(((head_ + k) % (delay_ + 1)) * frame));
}

void FightObservationDelay::push(const FightMatch& match) {
  head_ = (head_ + 1) % (delay_ + 1);
  float* slot = buffer_.data() + static_cast<size_t>(head_) * 2 * FightObservation::kSize;
  FightObservation::build(match, 0, slot);
  FightObservation::build(match, 1, slot + FightObservation::kSize);
}

std::span<const float> FightObservationDelay::observe(int player) const {
  // The oldest slot is the one after the head.
  const int oldest = (head_ + 1) % (delay_ + 1);
  const size_t at =
      (static_cast<size_t>(oldest) * 2 + static_cast<size_t>(player)) * FightObservation::kSize;
  return std::span<const float>(buffer_).subspan(at, FightObservation::kSize);
}

void FightObservationDelay::restore(std::span<const float> data, int head) {
  if (data.size() != buffer_.size() || head < 0 || head > delay_)
    throw std::invalid_argument("observation delay buffer of another size");
  std::copy(data.begin(), data.end(), buffer_.begin());
  head_ = head;
}

}  // namespace palaestra::fight
