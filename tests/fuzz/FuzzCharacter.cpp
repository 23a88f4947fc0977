// libFuzzer target: a fight character file, parsed and validated the way the roster loads one
// (bounded JSON, every field checked). A character that passes must also play: the CPU builds
// its profile from it and a short match of the character against itself runs with random pads
// for P1 and the level-8 CPU for P2. CharacterFileError is the only acceptable outcome of bad
// input; anything else is a finding.
#include <cstdint>
#include <string_view>

#include "FuzzSupport.h"
#include "fight/CharacterLoader.h"
#include "fight/CpuController.h"
#include "fight/FightMatch.h"
#include "fight/RandomPads.h"
#include "util/Hash.h"

using namespace palaestra;
using namespace palaestra::fight;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CharacterDef character;
  try {
    character = parseCharacterText(text, "fuzz.json");
  } catch (const CharacterFileError&) {
    return 0;
  }
  StateHasher seedHash;
  seedHash.addBytes(data, size);
  const uint64_t seed = seedHash.value();
  MatchRules rules;
  rules.roundSeconds = 3;  // short rounds: time-outs and round changes happen within the frames
  FightMatch match(character, character, rules);
  match.reset(seed);
  RandomPads pads(character, seed);
  CpuController cpu(character, 8);
  cpu.reset(match, 1, seed);
  for (int frame = 0; frame < 400 && !match.over(); ++frame)
    match.step(pads.next(match.fighter(0).facing), cpu.decide(match));
  return 0;
}
