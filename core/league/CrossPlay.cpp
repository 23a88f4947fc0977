#include "league/CrossPlay.h"

#include <algorithm>
#include <chrono>

#include "rl/OpponentPool.h"
#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra {

namespace {

// Matches in flight at once: enough for large policy batches, few enough to bound memory.
constexpr size_t kMatchesInFlight = 512;

struct ScheduledMatch {
  int p1 = 0, p2 = 0;  // entrant indices
  uint64_t seed = 0;
};

TaskValues matchTask(const TaskSpace& tasks, const CrossPlayEntrant& p1,
                     const CrossPlayEntrant& p2) {
  std::map<std::string, double> values = p1.asP1;
  for (const auto& [name, value] : p2.asP2) values[name] = value;
  return tasks.fromMap(values);
}

}  // namespace

CrossPlayResult runCrossPlay(const std::function<EnvPtr()>& makeEnv,
                             const std::vector<CrossPlayEntrant>& entrants, int matchesPerSide,
                             uint64_t seed, ThreadPool& pool, bool sampleActions,
                             const std::function<void(int64_t, int64_t)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n = entrants.size();
  CrossPlayResult result;
  result.games.assign(n, std::vector<int64_t>(n, 0));
  result.score.assign(n, std::vector<double>(n, 0.0));
  const EnvPtr probe = makeEnv();
  const EnvSpec& spec = probe->spec();
  if (spec.numAgents != 2)
    throw ConfigError("cross-play needs a two-player env; " + spec.name + " has " +
                      std::to_string(spec.numAgents) + " agents");
  for (const CrossPlayEntrant& e : entrants) {
    if (!e.policy) continue;
    if (e.policy->obsDim() != spec.observationSpace.size() ||
        e.policy->actionDim() != spec.actionSpace.size())
      throw ConfigError("entrant " + e.name + " does not fit " + spec.name + "'s spaces");
  }
  // The schedule: pair (i, j), i < j, in order; each side that can play it, matchesPerSide times.
  std::vector<ScheduledMatch> schedule;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      const bool iP1 = entrants[i].policy != nullptr, jP1 = entrants[j].policy != nullptr;
      if (!iP1 && !jP1) continue;
      for (int k = 0; k < matchesPerSide; ++k) {
        if (iP1) schedule.push_back({static_cast<int>(i), static_cast<int>(j), 0});
        if (jP1) schedule.push_back({static_cast<int>(j), static_cast<int>(i), 0});
      }
    }
  for (size_t m = 0; m < schedule.size(); ++m) schedule[m].seed = deriveSeed(seed, 0x63726f73, m);
  // Check every task before playing anything.
  std::vector<TaskValues> tasks(schedule.size());
  for (size_t m = 0; m < schedule.size(); ++m) {
    try {
      tasks[m] = matchTask(spec.tasks, entrants[schedule[m].p1], entrants[schedule[m].p2]);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("match " + entrants[schedule[m].p1].name + " vs " +
                        entrants[schedule[m].p2].name + ": " + e.what());
    }
  }

  const int obsDim = spec.observationSpace.size(), actDim = spec.actionSpace.size();
  Rng unused(0);
  std::vector<EnvPtr> envs;
  for (size_t begin = 0; begin < schedule.size(); begin += kMatchesInFlight) {
    const size_t count = std::min(kMatchesInFlight, schedule.size() - begin);
    while (envs.size() < count) envs.push_back(makeEnv());
    std::vector<float> obs(count * 2 * obsDim), actions(count * 2 * actDim, 0.0f), rewards(2 * count);
    std::vector<uint8_t> running(count, 1);
    // Each match samples both sides' actions from its own stream, seeded with the match.
    std::vector<Rng> streams(count);
    for (size_t k = 0; k < count; ++k) streams[k].reseed(schedule[begin + k].seed ^ 0x73616d706c65ULL);
    pool.parallelFor(static_cast<int>(count), [&](int b, int e) {
      for (int k = b; k < e; ++k) {
        envs[k]->reset(schedule[begin + k].seed, tasks[begin + k]);
        envs[k]->observe(obs.data() + static_cast<size_t>(k) * 2 * obsDim);
      }
    });
    size_t left = count;
    std::vector<float> batchObs, batchOut;
    std::vector<size_t> rows;
    std::vector<Rng*> rowStreams;
    std::vector<uint8_t> ended(count, 0);
    while (left > 0) {
      // One batch per policy entrant: its rows (match, side) of every running match.
      for (size_t p = 0; p < n; ++p) {
        const Policy* policy = entrants[p].policy.get();
        if (!policy) continue;
        rows.clear();
        rowStreams.clear();
        for (size_t k = 0; k < count; ++k) {
          if (!running[k]) continue;
          if (schedule[begin + k].p1 == static_cast<int>(p)) rows.push_back(2 * k);
          if (schedule[begin + k].p2 == static_cast<int>(p)) rows.push_back(2 * k + 1);
          while (rowStreams.size() < rows.size()) rowStreams.push_back(&streams[k]);
        }
        if (rows.empty()) continue;
        batchObs.resize(rows.size() * obsDim);
        batchOut.resize(rows.size() * actDim);
        for (size_t r = 0; r < rows.size(); ++r)
          std::copy_n(obs.data() + rows[r] * obsDim, obsDim, batchObs.data() + r * obsDim);
        if (sampleActions)
          policy->actSampling(batchObs.data(), static_cast<int>(rows.size()), rowStreams.data(),
                              batchOut.data());
        else
          policy->act(batchObs.data(), static_cast<int>(rows.size()), true, unused, batchOut.data());
        spec.actionSpace.quantize(batchOut);
        for (size_t r = 0; r < rows.size(); ++r)
          std::copy_n(batchOut.data() + r * actDim, actDim, actions.data() + rows[r] * actDim);
      }
      std::fill(ended.begin(), ended.end(), 0);
      pool.parallelFor(static_cast<int>(count), [&](int b, int e) {
        for (int k = b; k < e; ++k) {
          if (!running[k]) continue;
          const StepStatus s = envs[k]->step(actions.data() + static_cast<size_t>(k) * 2 * actDim,
                                             rewards.data() + 2 * k);
          if (s.terminated || s.truncated)
            ended[k] = 1;
          else
            envs[k]->observe(obs.data() + static_cast<size_t>(k) * 2 * obsDim);
        }
      });
      for (size_t k = 0; k < count; ++k) {
        if (!running[k]) continue;
        result.steps++;
        if (!ended[k]) continue;
        running[k] = 0;
        --left;
        const ScheduledMatch& m = schedule[begin + k];
        const double p1Score = episodeScore(envs[k]->episodeInfo());
        result.games[m.p1][m.p2]++;
        result.games[m.p2][m.p1]++;
        result.score[m.p1][m.p2] += p1Score;
        result.score[m.p2][m.p1] += 1.0 - p1Score;
        result.matches++;
      }
    }
    if (progress) progress(result.matches, static_cast<int64_t>(schedule.size()));
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace palaestra
