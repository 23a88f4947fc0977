#pragma once
// The swarm's own speed for `palaestra-cli bench swarm`, in agent-steps per second:
//   physics_agent_steps_per_s: classic Vicsek (r 1, v0 0.5, density 3, eta 0.15), N = 10,000,
//     one thread, no observations: the cell list, the neighbour sums and the move;
//   ns_per_agent_step_{1k,10k,100k}: the same at N = 1k, 10k, 100k (flat when the cost is O(N));
//   with_policy_agent_steps_per_s: N = 1000 under a 64x64 policy on every thread at once:
//     observation histograms + one batched policy forward for all agents + the step.
// Each figure is the median of several runs, timed in thread CPU seconds (a shared machine's
// other processes do not lower it); with_policy is wall time over all threads, and
// with_policy_agent_steps_per_s_cpu the same loop per CPU second (what an idle machine would
// give), with with_policy_ns_per_agent_step splitting it into observe, policy and step.

#include "env/EnvRegistry.h"

namespace palaestra::swarm {

/// Runs the measurements above for about `seconds` each on up to `threads` threads.
EngineBenchReport swarmEngineBench(double seconds, int threads);

}  // namespace palaestra::swarm
