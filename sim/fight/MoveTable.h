#pragma once
// Per-character lookup tables the engine builds once per match, so a frame
// never searches the move list: the normal for each posture x button x
// stance, the throw per stance, the specials in the order they are tried,
// and each move's frame numbers.

#include <array>
#include <cstdint>
#include <vector>

#include "fight/CharacterDef.h"

namespace palaestra::fight {

/// Frame numbers and flags of one move, derived from its MoveDef.
struct MoveFrames {
  uint16_t firstActive = 1;  // first active move frame (= startup)
  uint16_t lastActive = 1;   // last active move frame
  uint16_t total = 1;        // last frame of the move
  uint8_t strength = 0;      // 0 light, 1 medium, 2 heavy (strongest of its buttons)
  bool strikes = false;      // has hitboxes and is not a throw or counter
};

class MoveTable {
 public:
  /// Builds the tables of `character`.
  explicit MoveTable(const CharacterDef& character);

  /// Index of the normal for a posture, a button index (0..5, Button bit order) and a stance (1 or
  /// 2), or -1.
  int16_t normal(Posture posture, int button, int stance) const {
    return normals_[static_cast<size_t>(posture)][static_cast<size_t>(button)]
                   [static_cast<size_t>(stance - 1)];
  }
  /// Index of the throw usable in a stance (1 or 2), or -1.
  int16_t throwMove(int stance) const { return throws_[static_cast<size_t>(stance - 1)]; }
  /// Non-normal moves in the order they are tried: supers, then by motion complexity, stronger
  /// buttons first.
  const std::vector<int16_t>& specials() const { return specials_; }
  /// Frame numbers of move `index`.
  const MoveFrames& frames(int index) const { return frames_[static_cast<size_t>(index)]; }

  /// Strength of a button index (0 light, 1 medium, 2 heavy).
  static int buttonStrength(int button);

 private:
  std::array<std::array<std::array<int16_t, 2>, kButtonCount>, 3> normals_{};
  std::array<int16_t, 2> throws_{};
  std::vector<int16_t> specials_;
  std::vector<MoveFrames> frames_;
};

}  // namespace palaestra::fight
