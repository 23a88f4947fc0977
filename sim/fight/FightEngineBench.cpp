#include "fight/FightEngineBench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "fight/FightMatch.h"
#include "fight/RandomPads.h"
#include "util/CpuTime.h"
#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra::fight {

namespace {

using Clock = std::chrono::steady_clock;

struct EngineSpeed {
  double framesPerCpuSecond = 0;   // frames per second of the thread's own CPU time
  double framesPerWallSecond = 0;  // frames per second of wall time (lower when cores are shared)
  uint64_t frames = 0, matches = 0;
};

// Pair k is character k against character 7k+3 (mod the roster), so every run mixes match-ups.
EngineSpeed matchesFor(const Roster& roster, double seconds, uint64_t seed) {
  EngineSpeed out;
  const int n = roster.size();
  const double cpu0 = threadCpuSeconds();
  const auto wall0 = Clock::now();
  for (uint64_t match = 0;; ++match) {
    const CharacterDef& a = roster.at(static_cast<int>(match % n));
    const CharacterDef& b = roster.at(static_cast<int>((match * 7 + 3) % n));
    FightMatch m(a, b);
    const uint64_t matchSeed = deriveSeed(seed, 0, match);
    m.reset(matchSeed);
    RandomPads padsA(a, matchSeed ^ 1), padsB(b, matchSeed ^ 2);
    while (!m.over()) {
      m.step(padsA.next(m.fighter(0).facing), padsB.next(m.fighter(1).facing));
      ++out.frames;
    }
    ++out.matches;
    if (threadCpuSeconds() - cpu0 >= seconds) break;
  }
  out.framesPerCpuSecond = static_cast<double>(out.frames) / (threadCpuSeconds() - cpu0);
  out.framesPerWallSecond =
      static_cast<double>(out.frames) / std::chrono::duration<double>(Clock::now() - wall0).count();
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

std::string formatted(const char* format, auto... args) {
  char line[256];
  std::snprintf(line, sizeof line, format, args...);
  return line;
}

}  // namespace

EngineBenchReport benchFightEngine(const Roster& roster, double seconds, int threads) {
  if (roster.size() == 0) throw ConfigError("bench fight: the character roster is empty");
  const int runs = 5;
  const double runSeconds = std::max(0.2, seconds / 3.0);
  std::vector<double> perCpu, perWall;
  uint64_t frames = 0, matches = 0;
  for (int r = 0; r < runs; ++r) {
    const EngineSpeed speed = matchesFor(roster, runSeconds, 1000 + static_cast<uint64_t>(r));
    perCpu.push_back(speed.framesPerCpuSecond);
    perWall.push_back(speed.framesPerWallSecond);
    frames += speed.frames;
    matches += speed.matches;
  }
  std::vector<EngineSpeed> parallel(static_cast<size_t>(threads));
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        parallel[static_cast<size_t>(t)] =
            matchesFor(roster, runSeconds, 2000 + static_cast<uint64_t>(t));
      });
    for (auto& w : workers) w.join();
  }
  double allWall = 0, allCpu = 0;
  for (const EngineSpeed& p : parallel) {
    allWall += p.framesPerWallSecond;
    allCpu += p.framesPerCpuSecond;
  }
  const double fps = median(perCpu);
  EngineBenchReport report;
  report.values = {{"frames_per_s", fps},
                   {"frames_per_s_runs", perCpu},
                   {"frames_per_s_wall_1t", median(perWall)},
                   {"frames_per_s_all_threads", allWall},
                   {"frames_per_s_per_thread_cpu", allCpu / threads},
                   {"frames", frames},
                   {"matches", matches},
                   {"characters", roster.size()}};
  report.lines = {
      formatted("fight engine frames/s per core:   %.0f (whole random matches; median of %d runs "
                "of %.1f s CPU time; %llu frames, %llu matches, %d characters)",
                fps, runs, runSeconds, static_cast<unsigned long long>(frames),
                static_cast<unsigned long long>(matches), roster.size()),
      formatted("fight engine frames/s, wall time: %.0f (1 thread; lower when other processes "
                "share the core)",
                median(perWall)),
      formatted("fight engine frames/s, %d threads: %.0f wall (%.0f per thread of CPU time)",
                threads, allWall, allCpu / threads)};
  return report;
}

}  // namespace palaestra::fight
