#include "fight/MoveTable.h"

#include <algorithm>

namespace palaestra::fight {

namespace {

// Motions tried first when several match the same input (a dragon punch's
// 6 2 3 also contains a quarter circle's 2 3): the longer, rarer motion wins.
int motionRank(Motion motion) {
  switch (motion) {
    case Motion::DoubleQuarter:
      return 0;
    case Motion::HalfCircleBack:
      return 1;
    case Motion::DragonPunch:
      return 2;
    case Motion::ChargeBackForward:
    case Motion::ChargeDownUp:
      return 3;
    case Motion::QuarterForward:
    case Motion::QuarterBack:
      return 4;
    case Motion::DownDown:
      return 5;
    case Motion::None:
      return 6;
  }
  return 6;
}

int maskStrength(uint8_t mask) {
  int strength = 0;
  for (int b = 0; b < kButtonCount; ++b)
    if (mask & (1 << b)) strength = std::max(strength, MoveTable::buttonStrength(b));
  return strength;
}

}  // namespace

int MoveTable::buttonStrength(int button) {
  return button % 3;
}

MoveTable::MoveTable(const CharacterDef& character) {
  for (auto& posture : normals_)
    for (auto& button : posture) button.fill(-1);
  throws_.fill(-1);
  const auto& moves = character.moves;
  frames_.resize(moves.size());
  for (size_t i = 0; i < moves.size(); ++i) {
    const MoveDef& m = moves[i];
    MoveFrames& f = frames_[i];
    f.firstActive = m.startup;
    f.lastActive = static_cast<uint16_t>(m.startup + m.active - 1);
    f.total = static_cast<uint16_t>(m.startup + m.active + m.recovery - 1);
    f.strength = static_cast<uint8_t>(maskStrength(m.buttons.mask));
    f.strikes = !m.hitboxes.empty() && m.kind != MoveKind::Throw && m.kind != MoveKind::Counter &&
                m.kind != MoveKind::CommandThrow;
  }
  // General normals first, then stance-specific ones replace them in their stance.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < moves.size(); ++i) {
      const MoveDef& m = moves[i];
      if ((m.stance != 0) != (pass == 1)) continue;
      for (int stance = 1; stance <= 2; ++stance) {
        if (m.stance != 0 && m.stance != stance) continue;
        const auto s = static_cast<size_t>(stance - 1);
        if (m.kind == MoveKind::Normal) {
          for (int b = 0; b < kButtonCount; ++b)
            if (m.buttons.mask & (1 << b))
              normals_[static_cast<size_t>(m.posture)][static_cast<size_t>(b)][s] =
                  static_cast<int16_t>(i);
        } else if (m.kind == MoveKind::Throw) {
          if (pass == 1 || throws_[s] < 0) throws_[s] = static_cast<int16_t>(i);
        }
      }
    }
  for (size_t i = 0; i < moves.size(); ++i)
    if (moves[i].kind != MoveKind::Normal && moves[i].kind != MoveKind::Throw)
      specials_.push_back(static_cast<int16_t>(i));
  std::stable_sort(specials_.begin(), specials_.end(), [&](int16_t a, int16_t b) {
    const MoveDef& ma = moves[static_cast<size_t>(a)];
    const MoveDef& mb = moves[static_cast<size_t>(b)];
    const int superA = ma.kind == MoveKind::Super ? 0 : 1,
              superB = mb.kind == MoveKind::Super ? 0 : 1;
    if (superA != superB) return superA < superB;
    if (motionRank(ma.motion) != motionRank(mb.motion))
      return motionRank(ma.motion) < motionRank(mb.motion);
    return frames_[static_cast<size_t>(a)].strength > frames_[static_cast<size_t>(b)].strength;
  });
}

}  // namespace palaestra::fight
