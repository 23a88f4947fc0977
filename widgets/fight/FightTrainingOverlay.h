#pragma once
// What training mode shows beside hitboxes and state names: each player's
// recent inputs in numpad notation relative to their facing (the last
// distinct inputs, e.g. "2 3 6LP"), and the frame advantage of the last
// exchange (from the match's Hit and Block events), kept until the next one.
// Drawn as labels under the HUD of FightScene. Plain C++ fed once per frame.
#include <array>
#include <deque>
#include <string>

#include "env/Scene.h"
#include "fight/FightMatch.h"

namespace palaestra {

class FightTrainingOverlay {
 public:
  /// Inputs kept per player.
  static constexpr size_t kHistoryLength = 12;

  /// Forgets the inputs and the last exchange (a new match).
  void reset();
  /// Records the frame just played with `pads` (screen terms) and its events.
  void record(const fight::FightMatch& match, const std::array<fight::PadState, 2>& pads);
  /// Player `player`'s recent inputs, oldest first, e.g. "5 2 3 6LP".
  std::string history(int player) const;
  /// The last exchange, e.g. "P1 Standing light punch hit: +3", or "" before the first.
  const std::string& advantage() const { return advantage_; }
  /// Appends the labels (inputs of both players, frame advantage) to `scene`.
  void draw(Scene& scene) const;

 private:
  struct Entry {
    int direction = 5;    // numpad, relative to the player's facing
    uint8_t pressed = 0;  // buttons newly pressed
  };
  std::array<std::deque<Entry>, 2> history_;
  std::array<fight::PadState, 2> previous_{};
  std::string advantage_;
};

}  // namespace palaestra
