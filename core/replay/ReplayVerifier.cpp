#include "replay/ReplayVerifier.h"

#include "replay/ReplayHashChecker.h"

namespace palaestra {

ReplayCheck verifyReplay(Env& env, const EpisodeRecord& record) {
  ReplayHashChecker checker(env, record);
  if (!checker.problem().empty()) return checker.result();
  checker.begin(env);
  while (!checker.diverged() && !checker.finished()) checker.advance(env);
  return checker.result();
}

}  // namespace palaestra
