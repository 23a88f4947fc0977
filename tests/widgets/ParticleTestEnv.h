#pragma once
// A test-only env for the viewers' many-agent features (issue 10): N agents
// on a grid, each circling its own home point, so every position, heading,
// observation and metric is a closed-form function of (agent, step) and a test
// can compute what the view must show. It reports an "order" metric in
// episodeInfo (named in EnvSpec::liveMetrics), picks agents by position
// (agentAt) and describes a picked agent (its neighbour radius and lines to
// its neighbours), as the swarm will. Registered as "particles-test" by
// registerParticleTestEnv(). Actions only shift the whole grid sideways by a
// thousandth of their sum (so replays of altered actions diverge, as the
// conformance test requires); with zero actions everything is closed-form.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/Env.h"
#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "util/Hash.h"

namespace palaestra::testing {

class ParticleTestEnv : public Env {
 public:
  /// Grid spacing between home points, world units.
  static constexpr double kSpacing = 1.0;
  /// Radius of each agent's circle around its home point.
  static constexpr double kOrbit = 0.3;
  /// Neighbour radius describeAgent draws and links within.
  static constexpr float kNeighbourRadius = 1.5f;
  /// Observation floats per agent: x and y (scaled to [-1, 1]), cos and sin of the heading.
  static constexpr int kObservationSize = 4;

  /// An env of `agents` agents (1 .. 200,000).
  explicit ParticleTestEnv(int agents) : agents_(agents) {
    if (agents < 1 || agents > 200000)
      throw ConfigError("env_config.agents must be within 1 .. 200000, got " +
                        std::to_string(agents));
    side_ = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(agents))));
    spec_.name = "particles-test";
    spec_.observationSpace = Space::box(kObservationSize, -1.0f, 1.0f);
    spec_.actionSpace = Space::box(2, -1.0f, 1.0f);
    spec_.numAgents = agents;
    spec_.policySlotOfAgent.assign(static_cast<size_t>(agents), 0);
    spec_.policySlots = {"swarm"};
    spec_.maxEpisodeSteps = 300;
    spec_.memoryBytes = 1024;
    spec_.liveMetrics = {"order"};
  }

  /// Where agent `i`'s circle is centred.
  Vec2f home(int i) const {
    const double half = (side_ - 1) * kSpacing / 2;
    return {static_cast<float>((i % side_) * kSpacing - half),
            static_cast<float>((i / side_) * kSpacing - half)};
  }
  /// Angle of agent `i` on its circle at `step`.
  static double phase(int i, int step) { return 0.05 * step + 0.1 * i; }
  /// Position of agent `i` now.
  Vec2f position(int i) const {
    const Vec2f h = home(i);
    const double a = phase(i, step_);
    return {static_cast<float>(h.x + kOrbit * std::cos(a) + nudge_),
            static_cast<float>(h.y + kOrbit * std::sin(a))};
  }
  /// Heading of agent `i` now (along its circle).
  float heading(int i) const { return static_cast<float>(phase(i, step_) + std::numbers::pi / 2); }
  /// The "order" metric at `step`.
  static double order(int step) { return 0.5 + 0.5 * std::sin(0.05 * step); }
  /// Half the world's width (positions scaled by it in observations).
  double extent() const { return side_ * kSpacing / 2 + 1; }

  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const TaskValues& task) override {
    spec_.tasks.validate(task);
    step_ = 0;
    nudge_ = 0;
    seed_ = seed;
  }
  void observe(float* out) const override {
    const double scale = 1.0 / extent();
    for (int i = 0; i < agents_; ++i) {
      const Vec2f p = position(i);
      const float h = heading(i);
      *out++ = static_cast<float>(p.x * scale);
      *out++ = static_cast<float>(p.y * scale);
      *out++ = std::cos(h);
      *out++ = std::sin(h);
    }
  }
  StepStatus step(const float* actions, float* rewards) override {
    double sum = 0;
    for (int k = 0; k < agents_ * spec_.actionSpace.size(); ++k) sum += actions[k];
    nudge_ += 1e-3 * sum;
    ++step_;
    std::fill(rewards, rewards + agents_, static_cast<float>(order(step_)));
    return {false, step_ >= spec_.maxEpisodeSteps};
  }
  int episodeStep() const override { return step_; }
  std::vector<uint8_t> snapshot() const override {
    std::vector<uint8_t> bytes(kSnapshotSize);
    std::memcpy(bytes.data(), &step_, sizeof(step_));
    std::memcpy(bytes.data() + sizeof(step_), &nudge_, sizeof(nudge_));
    std::memcpy(bytes.data() + sizeof(step_) + sizeof(nudge_), &seed_, sizeof(seed_));
    return bytes;
  }
  void restore(std::span<const uint8_t> data) override {
    if (data.size() != kSnapshotSize) throw std::invalid_argument("not a particles-test snapshot");
    std::memcpy(&step_, data.data(), sizeof(step_));
    std::memcpy(&nudge_, data.data() + sizeof(step_), sizeof(nudge_));
    std::memcpy(&seed_, data.data() + sizeof(step_) + sizeof(nudge_), sizeof(seed_));
  }
  uint64_t stateHash() const override {
    StateHasher hasher;
    hasher.add(step_);
    hasher.add(agents_);
    hasher.add(nudge_);
    hasher.add(seed_);  // the episode's identity (its "seed" metric), as a real env's draws are
    return hasher.value();
  }
  void describe(Scene& scene) const override {
    scene.background = {0.08f, 0.09f, 0.12f, 1.0f};
    scene.focus = {0, 0};
    scene.viewWidth = static_cast<float>(2 * extent());
    scene.viewHeight = scene.viewWidth;
    SceneParticles& group = scene.particles.emplace_back();
    group.size = 0.5f;
    group.xyAngle.resize(static_cast<size_t>(agents_) * 3);
    group.colors.resize(static_cast<size_t>(agents_));
    for (int i = 0; i < agents_; ++i) {
      const Vec2f p = position(i);
      const float h = heading(i);
      group.xyAngle[3 * static_cast<size_t>(i)] = p.x;
      group.xyAngle[3 * static_cast<size_t>(i) + 1] = p.y;
      group.xyAngle[3 * static_cast<size_t>(i) + 2] = h;
      group.colors[static_cast<size_t>(i)] = colorOf(i);
    }
  }
  /// The colour agent `i` is drawn in (by its index, so tests can find it).
  static Rgba colorOf(int i) {
    return i % 2 == 0 ? Rgba{1.0f, 0.55f, 0.1f, 1.0f} : Rgba{0.2f, 0.8f, 1.0f, 1.0f};
  }
  EpisodeInfo episodeInfo() const override {
    EpisodeInfo info;
    info.outcome = step_ >= spec_.maxEpisodeSteps ? "timeout" : "running";
    info.values = {{"order", order(step_)}, {"seed", static_cast<double>(seed_ % 1000)}};
    return info;
  }
  int agentAt(Vec2f world, float tolerance) const override {
    int best = -1;
    double bestDistance = tolerance;
    for (int i = 0; i < agents_; ++i) {
      const Vec2f p = position(i);
      const double d = std::hypot(p.x - world.x, p.y - world.y);
      if (d <= bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return best;
  }
  /// The agents within the neighbour radius of `agent`, in index order.
  std::vector<int> neighbours(int agent) const {
    std::vector<int> found;
    const Vec2f a = position(agent);
    for (int i = 0; i < agents_; ++i) {
      const Vec2f p = position(i);
      if (i != agent && std::hypot(p.x - a.x, p.y - a.y) <= kNeighbourRadius) found.push_back(i);
    }
    return found;
  }
  void describeAgent(int agent, Scene& scene) const override {
    if (agent < 0 || agent >= agents_) return;
    const Vec2f a = position(agent);
    for (int n : neighbours(agent))
      scene.lines.push_back({{a, position(n)}, {1.0f, 1.0f, 0.3f, 0.8f}, 1.5f, kBaseLayer});
    scene.circles.push_back(
        {a, kNeighbourRadius, {1.0f, 1.0f, 0.3f, 0.12f}, {1.0f, 1.0f, 0.3f, 1.0f}, kBaseLayer});
  }

 private:
  static constexpr size_t kSnapshotSize = sizeof(int) + sizeof(double) + sizeof(uint64_t);
  EnvSpec spec_;
  int agents_;
  int side_ = 1;
  int step_ = 0;
  double nudge_ = 0;  // sideways shift of the whole grid by the actions so far
  uint64_t seed_ = 0;
};

/// Registers "particles-test" (env_config {"agents": N}, default 100) once per process.
inline void registerParticleTestEnv() {
  if (EnvRegistry::instance().find("particles-test")) return;
  EnvInfo info;
  info.name = "particles-test";
  info.description = "test-only: N agents circling grid points";
  info.create = [](const nlohmann::json& config) -> EnvPtr {
    const int agents =
        config.is_object() && config.contains("agents") && config["agents"].is_number_integer()
            ? config["agents"].get<int>()
            : 100;
    return std::make_unique<ParticleTestEnv>(agents);
  };
  EnvRegistry::instance().add(std::move(info));
}

}  // namespace palaestra::testing
