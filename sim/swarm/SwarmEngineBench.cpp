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

/// What the policy-driven loop measured: wall rate over all threads and per-part CPU costs.
struct WithPolicy {
  double wallRate = 0;  // agent-steps per wall second, all threads together
  double cpuRate = 0;   // agent-steps per CPU second of each thread, summed over threads
  double observeNs = 0, actNs = 0, stepNs = 0;  // CPU ns per agent-step, thread 0
};

// N = agents under a policy on `threads` threads at once: observe, one batched forward, step.
WithPolicy withPolicy(int agents, double seconds, int threads) {
  const SwarmConfig config = vicsekConfig(agents, SwarmController::Policy);
  std::vector<double> wall(static_cast<size_t>(threads)), cpu(static_cast<size_t>(threads));
  double parts[3] = {0, 0, 0};
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
      double part[3] = {0, 0, 0};
      const auto start = std::chrono::steady_clock::now();
      const double cpuStart = threadCpuSeconds();
      double elapsed = 0;
      while (elapsed < seconds || steps < 3) {
        const double t0 = threadCpuSeconds();
        env.observe(obs.data());
        const double t1 = threadCpuSeconds();
        policy.act(obs.data(), agents, false, rng, actions.data());
        const double t2 = threadCpuSeconds();
        env.step(actions.data(), rewards.data());
        const double t3 = threadCpuSeconds();
        part[0] += t1 - t0;
        part[1] += t2 - t1;
        part[2] += t3 - t2;
        ++steps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      const double agentSteps = static_cast<double>(steps) * agents;
      wall[static_cast<size_t>(w)] = agentSteps / elapsed;
      cpu[static_cast<size_t>(w)] = agentSteps / (threadCpuSeconds() - cpuStart);
      if (w == 0)
        for (int k = 0; k < 3; ++k) parts[k] = 1e9 * part[k] / agentSteps;
    });
  for (auto& w : workers) w.join();
  WithPolicy out;
  for (int w = 0; w < threads; ++w) {
    out.wallRate += wall[static_cast<size_t>(w)];
    out.cpuRate += cpu[static_cast<size_t>(w)];
  }
  out.observeNs = parts[0];
  out.actNs = parts[1];
  out.stepNs = parts[2];
  return out;
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

  const WithPolicy policy = withPolicy(1000, seconds, threads);
  report.values["with_policy_agent_steps_per_s"] = policy.wallRate;
  report.values["with_policy_agent_steps_per_s_cpu"] = policy.cpuRate;
  report.values["with_policy_threads"] = threads;
  report.values["with_policy_ns_per_agent_step"] = {
      {"observe", policy.observeNs}, {"policy", policy.actNs}, {"step", policy.stepNs}};
  std::snprintf(line, sizeof line,
                "swarm with policy (N = 1000, 64x64 MLP, observe + act + step, %d threads): "
                "%.2fM agent-steps/s wall, %.2fM per CPU second of the threads; per agent-step "
                "%.0f ns observe, %.0f ns policy, %.0f ns step",
                threads, policy.wallRate / 1e6, policy.cpuRate / 1e6, policy.observeNs,
                policy.actNs, policy.stepNs);
  report.lines.push_back(line);
  return report;
}

}  // namespace palaestra::swarm
