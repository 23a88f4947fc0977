#include "swarm/SwarmEngineBench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "rl/Policy.h"
#include "swarm/SwarmEnv.h"
#include "util/CpuTime.h"

namespace palaestra::swarm {

namespace {

SwarmConfig vicsekConfig(int agents, SwarmController controller) {
  SwarmConfig c;
  c.model = SwarmModel::Vicsek;
  c.agents = agents;
  c.density = 3.0;
  c.boxSize = std::sqrt(agents / c.density);
  c.radius = 1.0;
  c.speed = 0.5;
  c.noise = 0.15;
  c.episodeSteps = 100000;
  c.controller = controller;
  return c;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Agent-steps per CPU second of the classic Vicsek rule at N agents: `runs` runs of `seconds`.
std::vector<double> physicsRuns(int agents, double seconds, int runs) {
  SwarmEnv env(vicsekConfig(agents, SwarmController::Classic));
  std::vector<float> actions(static_cast<size_t>(agents), 0.0f),
      rewards(static_cast<size_t>(agents));
  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    env.reset(1234 + r, {0.15});
    // A short warm-up lets the flock form, as in a long run.
    for (int t = 0; t < 5; ++t) env.step(actions.data(), rewards.data());
    long long steps = 0;
    const double start = threadCpuSeconds();
    double elapsed = 0;
    while (elapsed < seconds || steps < 3) {
      env.step(actions.data(), rewards.data());
      ++steps;
      elapsed = threadCpuSeconds() - start;
    }
    rates.push_back(static_cast<double>(steps) * agents / elapsed);
  }
  return rates;
}

// Agent-steps per wall second of N = agents under a policy on `threads` threads at once.
double withPolicy(int agents, double seconds, int threads) {
  const SwarmConfig config = vicsekConfig(agents, SwarmController::Policy);
  std::vector<double> perThread(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w)
    workers.emplace_back([&, w] {
      SwarmEnv env(config);
      const EnvSpec& spec = env.spec();
      const Policy policy(spec.observationSpace, spec.actionSpace, PolicyArchitecture{}, 7 + w);
      Rng rng(99 + w);
      std::vector<float> obs(static_cast<size_t>(agents) * spec.observationSpace.size()),
          actions(static_cast<size_t>(agents) * spec.actionSpace.size()),
          rewards(static_cast<size_t>(agents));
      env.reset(500 + w, {0.15});
      long long steps = 0;
      const auto start = std::chrono::steady_clock::now();
      double elapsed = 0;
      while (elapsed < seconds || steps < 3) {
        env.observe(obs.data());
        policy.act(obs.data(), agents, false, rng, actions.data());
        env.step(actions.data(), rewards.data());
        ++steps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      perThread[static_cast<size_t>(w)] = static_cast<double>(steps) * agents / elapsed;
    });
  for (auto& w : workers) w.join();
  double total = 0;
  for (double v : perThread) total += v;
  return total;
}

}  // namespace

EngineBenchReport swarmEngineBench(double seconds, int threads) {
  EngineBenchReport report;
  char line[256];
  const std::vector<double> physics = physicsRuns(10000, seconds / 5, 5);
  const double rate = median(physics);
  report.values["physics_agent_steps_per_s"] = rate;
  report.values["physics_agent_steps_per_s_runs"] = physics;
  std::snprintf(line, sizeof line,
                "swarm physics (classic Vicsek, N = 10000, 1 thread): %.2fM agent-steps/s "
                "(median of %zu runs)",
                rate / 1e6, physics.size());
  report.lines.push_back(line);

  nlohmann::json scaling = nlohmann::json::object();
  for (const auto& [agents, key] : {std::pair{1000, "1k"}, {10000, "10k"}, {100000, "100k"}}) {
    const double r = median(physicsRuns(agents, seconds / 3, 3));
    const double ns = 1e9 / r;
    report.values[std::string("ns_per_agent_step_") + key] = ns;
    scaling[key] = {{"agents", agents}, {"agent_steps_per_s", r}, {"ns_per_agent_step", ns}};
    std::snprintf(line, sizeof line,
                  "swarm scaling: N = %6d: %.2fM agent-steps/s, %.0f ns per agent-step", agents,
                  r / 1e6, ns);
    report.lines.push_back(line);
  }
  report.values["scaling"] = scaling;

  const double policy = withPolicy(1000, seconds, threads);
  report.values["with_policy_agent_steps_per_s"] = policy;
  report.values["with_policy_threads"] = threads;
  std::snprintf(line, sizeof line,
                "swarm with policy (N = 1000, 64x64 MLP, observe + act + step, %d threads): "
                "%.2fM agent-steps/s",
                threads, policy / 1e6);
  report.lines.push_back(line);
  return report;
}

}  // namespace palaestra::swarm
