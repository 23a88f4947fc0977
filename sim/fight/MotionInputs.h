#pragma once
// How motions are typed: the frame-by-frame directions (relative to facing:
// 6 = forward, 4 = back) that perform a motion, and the mirroring between
// relative and screen directions. The input reader in the engine accepts
// exactly these sequences (and the usual sloppier ones); CPU opponents and the
// env's macro actions type them.

#include <cstdint>
#include <cstddef>
#include <vector>

#include "fight/FightTypes.h"

namespace palaestra::fight {

/// Screen direction of a facing-relative direction (facing -1 swaps left and right).
Direction toScreen(Direction relative, int facing);
/// Facing-relative direction of a screen direction.
Direction toRelative(Direction screen, int facing);

/// Relative directions, one per frame, that perform `motion`; the button is pressed on the last
/// frame. Charge motions hold for `chargeFrames` first.
std::vector<Direction> motionFrames(Motion motion, int chargeFrames);

}  // namespace palaestra::fight
