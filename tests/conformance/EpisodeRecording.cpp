#include "conformance/EpisodeRecording.h"

#include <vector>

namespace palaestra::testing {

EpisodeRecord recordEpisode(Env& env, uint64_t seed, const TaskValues& task, const ActionChooser& choose,
                            int maxSteps) {
  const EnvSpec& spec = env.spec();
  EpisodeRecord r;
  r.seed = seed;
  r.task = task;
  r.actionSize = spec.numAgents * spec.actionSpace.size();
  env.reset(seed, r.task);
  r.hashes.push_back(env.stateHash());
  std::vector<float> action(static_cast<size_t>(r.actionSize));
  std::vector<float> rewards(static_cast<size_t>(spec.numAgents));
  double sum = 0;
  StepStatus s;
  while (!s.terminated && !s.truncated && r.length < maxSteps) {
    choose(r.length, action.data());
    s = env.step(action.data(), rewards.data());
    r.actions.insert(r.actions.end(), action.begin(), action.end());
    r.hashes.push_back(env.stateHash());
    sum += rewards[0];
    r.length++;
  }
  r.slotReturns = {sum};
  r.terminated = s.terminated;
  r.truncated = s.truncated;
  r.info = env.episodeInfo();
  return r;
}

}  // namespace palaestra::testing
