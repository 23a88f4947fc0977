#include "train/Evaluator.h"

#include <algorithm>
#include <cmath>

#include "util/Rng.h"

namespace palaestra {

uint64_t evalEpisodeSeed(uint64_t runSeed, int episode) {
  // A salt keeps evaluation seeds apart from the training streams deriveSeed(run, env, ep).
  return deriveSeed(runSeed ^ 0x5eed0e7a1ULL, 0xffffffffULL, static_cast<uint64_t>(episode));
}

/// Plays one recorded episode with the policy's deterministic actions.
static EpisodeRecord playEpisode(Env& env, const Policy& policy, const FrozenSlots& frozen,
                                 const TaskValues& task, uint64_t seed) {
  const EnvSpec& spec = env.spec();
  const int agents = spec.numAgents;
  const int obsDim = spec.observationSpace.size();
  const int actDim = spec.actionSpace.size();
  std::vector<float> obs(static_cast<size_t>(agents) * obsDim);
  std::vector<float> actions(static_cast<size_t>(agents) * actDim);
  std::vector<float> rewards(agents);
  std::vector<int> agentsPerSlot(spec.policySlots.size(), 0);
  for (int s : spec.policySlotOfAgent) agentsPerSlot[s]++;
  std::vector<double> sums(spec.policySlots.size(), 0.0);
  Rng unused(seed);  // deterministic acting draws nothing

  EpisodeRecord r;
  r.seed = seed;
  r.task = task;
  r.actionSize = agents * actDim;
  env.reset(seed, task);
  r.hashes.push_back(env.stateHash());
  StepStatus status;
  while (!status.terminated && !status.truncated) {
    env.observe(obs.data());
    policy.act(obs.data(), agents, true, unused, actions.data());
    // A policy stored before its env declared a quantum does not round: the env's space does.
    spec.actionSpace.quantize(actions);
    frozen.act(obs.data(), 1, actions.data());
    status = env.step(actions.data(), rewards.data());
    r.actions.insert(r.actions.end(), actions.begin(), actions.end());
    r.hashes.push_back(env.stateHash());
    for (int a = 0; a < agents; ++a) sums[spec.policySlotOfAgent[a]] += rewards[a];
    r.length++;
  }
  r.terminated = status.terminated;
  r.truncated = status.truncated;
  r.info = env.episodeInfo();
  for (size_t s = 0; s < sums.size(); ++s)
    r.slotReturns.push_back(agentsPerSlot[s] ? sums[s] / agentsPerSlot[s] : 0.0);
  return r;
}

// An env that reports a "success" value in its EpisodeInfo (e.g. the fight's
// win) decides success itself; otherwise the return must exceed successReturn.
double episodeSlotReturn(const EpisodeRecord& e, int slot) {
  return static_cast<size_t>(slot) < e.slotReturns.size() ? e.slotReturns[slot] : 0.0;
}

bool episodeSucceeded(const EpisodeRecord& e, double successReturn, int slot) {
  for (const auto& [name, value] : e.info.values)
    if (name == "success") return value > 0.5;
  return episodeSlotReturn(e, slot) > successReturn;
}

std::map<std::string, double> meanEpisodeMetrics(const std::vector<EpisodeRecord>& episodes) {
  std::map<std::string, std::pair<double, int>> sums;
  for (const EpisodeRecord& e : episodes)
    for (const auto& [name, value] : e.info.values) {
      auto& [sum, count] = sums[name];
      sum += value;
      ++count;
    }
  std::map<std::string, double> means;
  for (const auto& [name, sc] : sums) means[name] = sc.first / sc.second;
  return means;
}

EvalResult evaluatePolicy(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                          const TaskValues& task, int episodes, uint64_t runSeed,
                          ThreadPool& pool, const FrozenSlots& frozen, int learnerSlot) {
  return evaluatePolicyOnTasks(makeEnv, policy, {task}, episodes, runSeed, pool, frozen,
                               learnerSlot);
}

EvalResult evaluatePolicyOnTasks(const std::function<EnvPtr()>& makeEnv, const Policy& policy,
                                 const std::vector<TaskValues>& tasks, int episodesPerTask,
                                 uint64_t runSeed, ThreadPool& pool, const FrozenSlots& frozen,
                                 int learnerSlot) {
  EvalResult result;
  const int total = static_cast<int>(tasks.size()) * episodesPerTask;
  result.episodes.resize(static_cast<size_t>(total));
  pool.parallelFor(total, [&](int begin, int end) {
    EnvPtr env = makeEnv();
    for (int i = begin; i < end; ++i) {
      const int k = i % episodesPerTask;
      EpisodeRecord& e = result.episodes[static_cast<size_t>(i)];
      e = playEpisode(*env, policy, frozen, tasks[static_cast<size_t>(i / episodesPerTask)],
                      evalEpisodeSeed(runSeed, k));
      e.episodeIndex = static_cast<uint64_t>(k);
    }
    if (begin == 0) result.successReturn = env->spec().successReturn;
  });
  summarizeEvaluation(result, result.successReturn, learnerSlot);
  return result;
}

void summarizeEvaluation(EvalResult& result, double successReturn, int learnerSlot) {
  const size_t n = result.episodes.size();
  if (n == 0) return;
  double sum = 0.0, sq = 0.0;
  int successes = 0, falls = 0;
  std::vector<double> returns;
  returns.reserve(n);
  for (const auto& e : result.episodes) {
    sum += episodeSlotReturn(e, learnerSlot);
    returns.push_back(episodeSlotReturn(e, learnerSlot));
    successes += episodeSucceeded(e, successReturn, learnerSlot);
    falls += e.info.outcome == kFellOutcome;
  }
  result.meanReturn = sum / static_cast<double>(n);
  for (double r : returns) sq += (r - result.meanReturn) * (r - result.meanReturn);
  result.stdReturn = std::sqrt(sq / static_cast<double>(n));
  std::sort(returns.begin(), returns.end());
  result.medianReturn = n % 2 ? returns[n / 2] : 0.5 * (returns[n / 2 - 1] + returns[n / 2]);
  result.fallRate = static_cast<double>(falls) / static_cast<double>(n);
  result.successRate = static_cast<double>(successes) / static_cast<double>(n);
}

}  // namespace palaestra
