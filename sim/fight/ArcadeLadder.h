#pragma once
// The arcade ladder: the built-in characters a player (or an agent's curriculum)
// meets one after another, in the fixed order of CharacterDef::ladder.

#include <vector>

#include "fight/CharacterLoader.h"

namespace palaestra::fight {

/// The characters of `roster` that are on the ladder (ladder > 0), first opponent first.
std::vector<const CharacterDef*> arcadeLadder(const Roster& roster);

}  // namespace palaestra::fight
