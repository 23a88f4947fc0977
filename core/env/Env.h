#pragma once
// The environment contract. One interface serves the three shapes of
// simulation: one agent (walker), N agents sharing one policy (swarm) and two
// competing players (fight). Same seed, task and actions give bit-identical
// states and hashes.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "env/Scene.h"
#include "env/Space.h"
#include "env/TaskSpace.h"

namespace palaestra {

struct EnvSpec {
  std::string name;                      // registry name, e.g. "walker"
  Space observationSpace;                // per agent
  Space actionSpace;                     // per agent
  int numAgents = 1;                     // agents stepped together in one env
  std::vector<int> policySlotOfAgent;    // per agent: index of the policy slot driving it
  std::vector<std::string> policySlots;  // slot names, e.g. {"walker"} or {"p1", "p2"}
  TaskSpace tasks;                       // what a curriculum samples and a user edits
  int maxEpisodeSteps = 1000;            // truncation limit
  double successReturn = 0.0;            // an episode whose return exceeds this is a success
  double secondsPerStep = 1.0 / 60.0;    // simulated seconds per env step, so viewers play at real time
  double memoryBytes = 0;                // heap one env holds at most during an episode (world,
                                         // buffers, own action log), for memory estimates; the
                                         // conformance test checks it against a measurement
  std::vector<SceneLayerInfo> overlayLayers;  // the overlay groups describe() draws besides the
                                              // base layer, in the order viewers list their toggles
  std::vector<std::string> liveMetrics;  // EpisodeInfo values viewers plot live under the scene
                                         // while an episode plays (e.g. the swarm's "order")
  bool actionsIgnored = false;  // a built-in controller drives every agent (e.g. the swarm's
                                // classic rules): step() accepts actions and ignores them, so an
                                // episode depends on seed and task only
};

struct StepStatus {
  bool terminated = false;  // the episode ended by itself (fall, KO, goal)
  bool truncated = false;   // the episode was cut by the step limit
};

/// Per-episode metrics an env reports beside the return (e.g. distance, success).
struct EpisodeInfo {
  std::string outcome;                                 // e.g. "fell", "finished", "timeout"
  std::vector<std::pair<std::string, double>> values;  // named metrics
};

class Env {
 public:
  virtual ~Env() = default;

  /// Static description: spaces, agents, policy slots, task parameters.
  virtual const EnvSpec& spec() const = 0;
  /// Starts a new episode; everything random about it derives from `seed`.
  virtual void reset(uint64_t seed, const TaskValues& task) = 0;
  /// Writes numAgents x observationSpace.size() floats, agent-major.
  virtual void observe(float* out) const = 0;
  /// Applies numAgents x actionSpace.size() floats and writes numAgents rewards.
  virtual StepStatus step(const float* actions, float* rewards) = 0;
  /// Steps taken since the last reset.
  virtual int episodeStep() const = 0;
  /// Opaque state from which `restore` continues bit-identically.
  virtual std::vector<uint8_t> snapshot() const = 0;
  /// Restores a snapshot taken from an env of the same kind and config.
  virtual void restore(std::span<const uint8_t> data) = 0;
  /// Hash of the full simulation state (bit patterns, not rounded values).
  virtual uint64_t stateHash() const = 0;
  /// Appends what to draw to `scene`.
  virtual void describe(Scene& scene) const = 0;
  /// Metrics of the current episode so far.
  virtual EpisodeInfo episodeInfo() const = 0;
  /// Why an episode whose final info was `recorded` cannot be re-simulated on this env (e.g. it
  /// was recorded with another physics version), or empty when it can.
  virtual std::string replayProblem(const EpisodeInfo& /*recorded*/) const { return {}; }
  /// The agent nearest `world` within `tolerance` world units, or -1 (what a click in a viewer picks).
  virtual int agentAt(Vec2f /*world*/, float /*tolerance*/) const { return -1; }
  /// Appends what a viewer highlights for one picked agent (e.g. its radius and neighbours).
  virtual void describeAgent(int /*agent*/, Scene& /*scene*/) const {}
};

using EnvPtr = std::unique_ptr<Env>;

}  // namespace palaestra
