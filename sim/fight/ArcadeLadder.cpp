#include "fight/ArcadeLadder.h"

#include <algorithm>

namespace palaestra::fight {

std::vector<const CharacterDef*> arcadeLadder(const Roster& roster) {
  std::vector<const CharacterDef*> ladder;
  for (int i = 0; i < roster.size(); ++i)
    if (roster.at(i).ladder > 0) ladder.push_back(&roster.at(i));
  // Ties (a user's file claiming a built-in's place) keep roster order.
  std::stable_sort(ladder.begin(), ladder.end(), [](const CharacterDef* a, const CharacterDef* b) {
    return a->ladder < b->ladder;
  });
  return ladder;
}

}  // namespace palaestra::fight
