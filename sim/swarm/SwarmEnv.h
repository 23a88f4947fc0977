#pragma once
// The swarm: N agents in a periodic square box, all driven by one shared policy (slot "swarm")
// or by their model's classic rule; optionally the last k are adversaries (slot "adversary")
// rewarded with the negative of the swarm's order. Models: Vicsek (Gregoire-Chate form), Kuramoto
// (moving oscillators coupled within a radius, or all-to-all), aggregation and Reynolds' boids.
//
// Each step: headings (and Kuramoto phases) change by the policy's turn or the classic rule
// plus noise eta * xi, xi uniform in [-pi, pi]; agents move v0 * dt along their new heading;
// then the neighbours of every agent within the radius are found through a counting-sorted cell
// list (O(N), allocation-free: every buffer is sized in the constructor). Observations are local
// and partial (Dec-POMFC): histograms of the neighbours' headings (phases) relative to the
// agent's own and of their bearings, plus the normalised neighbour count.
//
// The snapshot is the full state (positions, headings, phases, frequencies, the random stream),
// so restoring needs no re-simulation.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "env/Env.h"
#include "env/EnvRegistry.h"
#include "swarm/PeriodicCellList.h"
#include "swarm/SwarmConfig.h"
#include "util/Rng.h"

namespace palaestra::swarm {

class SwarmEnv final : public Env {
 public:
  /// Overlay layer of the interaction radius circles.
  static constexpr SceneLayerId kRadiusLayer = 1;
  /// Overlay layer of the neighbour-search cell grid.
  static constexpr SceneLayerId kCellGridLayer = 2;

  /// Builds a swarm (call reset before stepping); every per-agent buffer is allocated here.
  explicit SwarmEnv(const SwarmConfig& config);

  /// Spaces, N agents on policy slots "swarm" (and "adversary"), task parameters noise (and
  /// coupling for kuramoto).
  const EnvSpec& spec() const override { return spec_; }
  /// New episode: positions, headings, phases and frequencies drawn from `seed`.
  void reset(uint64_t seed, const TaskValues& task) override;
  /// Writes N rows of 2 * bins + 1 floats: heading (phase) histogram, bearing histogram, count.
  void observe(float* out) const override;
  /// Applies one action per agent (ignored by the classic controller), moves everyone, senses.
  StepStatus step(const float* actions, float* rewards) override;
  /// Steps taken since the last reset.
  int episodeStep() const override { return steps_; }
  /// The full state: config, task, positions, headings, phases, frequencies, random stream.
  std::vector<uint8_t> snapshot() const override;
  /// Restores a snapshot of this config; throws std::invalid_argument if it is malformed or
  /// foreign.
  void restore(std::span<const uint8_t> data) override;
  /// Hash of the bit patterns of positions, headings, phases, frequencies, random stream, task,
  /// step.
  uint64_t stateHash() const override;
  /// The box, every agent coloured by heading (phase) on a hue wheel, the order as a label.
  void describe(Scene& scene) const override;
  /// "running" or "timeout"; order (current), order_mean, mean_neighbours, return, steps.
  EpisodeInfo episodeInfo() const override;
  /// The agent drawn nearest `world` within `tolerance`, or -1.
  int agentAt(Vec2f world, float tolerance) const override;
  /// The agent's interaction radius and its neighbours, highlighted.
  void describeAgent(int agent, Scene& scene) const override;

  /// The config this env was built from.
  const SwarmConfig& config() const { return config_; }
  /// The current order parameter: |mean e^{i theta}| of the swarm's headings (phases for
  /// kuramoto); adversaries are not counted.
  double order() const { return order_; }
  /// Agents of slot "swarm": all but the adversaries, which are the last config().adversaries.
  int swarmAgents() const { return config_.agents - config_.adversaries; }
  /// Number of neighbours of each agent at the current positions (empty when not sensed).
  const std::vector<int>& neighbourCounts() const { return count_; }
  /// Heap bytes reserved by the env's buffers (the basis of spec().memoryBytes).
  double reservedBytes() const;
  /// Observation floats per agent.
  int observationSize() const { return 2 * config_.bins + 1; }

 private:
  bool usesPhases() const { return config_.model == SwarmModel::Kuramoto; }
  void updateUnitVectors();
  void sense();
  void computeNeighbourStats();
  template <bool kBoids, bool kPhases>
  void neighbourPass();
  void computeOrder();
  void ensureCellList() const;
  float appliedAction(const float* actions, int agent) const;

  SwarmConfig config_;
  EnvSpec spec_;
  bool needsNeighbourStats_ = true;
  bool hasEpisode_ = false;
  uint64_t seed_ = 0;
  TaskValues task_;
  double noise_ = 0, coupling_ = 0;
  int steps_ = 0;
  Rng rng_;

  // State (hashed and snapshotted).
  std::vector<double> x_, y_, heading_, phase_, omega_;
  // Derived from the state each step.
  std::vector<double> cosH_, sinH_, cosP_, sinP_;
  std::vector<int> count_;  // neighbours within r, the agent excluded
  std::vector<float> turn_;  // this step's applied action per agent, in [-1, 1] (policy control)
  // Sums over the disc of radius r, the agent included (sumCos_ = sum of cos theta_j, ...).
  std::vector<double> sumCos_, sumSin_, sumPCos_, sumPSin_, comX_, comY_, sepX_, sepY_;
  // Cell-ordered copies for the neighbour scans (mutable: observe() builds them on demand when
  // the dynamics need no neighbours, e.g. all-to-all Kuramoto).
  mutable PeriodicCellList cells_;
  mutable std::vector<float> sortedXf_, sortedYf_, sortedCos_, sortedSin_, sortedPCos_, sortedPSin_;
  mutable std::vector<float> sortedHeading_, sortedPhase_;
  mutable bool cellsCurrent_ = false;
  double order_ = 0, meanX_ = 0, meanY_ = 0;

  // Episode accumulators.
  double orderSum_ = 0, neighbourSum_ = 0, returnSum_ = 0;
};

/// Registry entry of the swarm simulation ("swarm").
EnvInfo swarmEnvInfo();

}  // namespace palaestra::swarm
