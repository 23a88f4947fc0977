#pragma once
// The swarm's env config: one JSON object, every key optional, unknown keys refused. The model's
// own parameters live in an object named after it ("kuramoto", "boids"), which only that model
// accepts. See docs() for each field's meaning and docs/configuration.md for the table.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ConfigFieldDoc.h"

namespace palaestra::swarm {

enum class SwarmModel { Vicsek, Kuramoto, Aggregation, Boids };
enum class SwarmController { Policy, Classic };
enum class SwarmAction { TurnRate, DiscreteTurns };
enum class SwarmReward { Alignment, Order, Aggregation };
enum class FrequencyDistribution { Lorentzian, Gaussian };
enum class FrequencySampling { Random, Quantiles };
enum class CouplingRange { Local, Global };

/// The Kuramoto model's parameters (env_config.kuramoto).
struct KuramotoConfig {
  double coupling = 2.0;  // K: default of the task parameter "coupling"
  CouplingRange range = CouplingRange::Local;
  FrequencyDistribution frequencies = FrequencyDistribution::Lorentzian;
  double frequencyWidth = 0.5;  // gamma (Lorentzian half width) or sigma (Gaussian)
  double frequencyMean = 0.0;   // omega_0
  FrequencySampling sampling = FrequencySampling::Random;
};

/// Reynolds' boids weights (env_config.boids).
struct BoidsConfig {
  double separationRadius = 0.3;  // absolute, at most the interaction radius
  double separation = 1.5;
  double alignment = 1.0;
  double cohesion = 1.0;
};

struct SwarmConfig {
  SwarmModel model = SwarmModel::Vicsek;
  int agents = 300;
  bool boxFromDensity = true;  // box_size derived from density (else given as box_size)
  double density = 3.0;        // agents per unit area
  double boxSize = 0.0;        // L: side of the periodic square (derived when boxFromDensity)
  double radius = 1.0;         // interaction radius r
  double speed = 0.5;          // v0, world units per time unit
  double dt = 1.0;             // time per env step
  double noise = 0.15;         // eta: default of the task parameter "noise"
  int episodeSteps = 500;
  SwarmController controller = SwarmController::Policy;
  SwarmAction action = SwarmAction::TurnRate;
  int turnChoices = 5;  // discrete_turns: choices spread evenly over [-max_turn, max_turn]
  double maxTurn =
      1.0;  // radians per step at action +-1 (kuramoto: coupling K scales the phase pull)
  SwarmReward reward = SwarmReward::Alignment;
  int bins = 8;  // histogram bins per observed angle
  int neighbourCap =
      20;  // the neighbour count at which its observation (and aggregation reward) saturates
  int adversaries = 0;  // the last k agents, on policy slot "adversary", rewarded -order
  KuramotoConfig kuramoto;
  BoidsConfig boids;

  /// Largest agent count the config accepts.
  static constexpr int kMaxAgents = 100000;
  /// Grid of the turn-rate action the env applies (actions are rounded to it).
  static constexpr float kActionQuantum = 1.0f / 32.0f;

  /// Parses the env config object (null = defaults); throws ConfigError naming the bad field.
  static SwarmConfig fromJson(const nlohmann::json& envConfig);
  /// The config with every default written out (round-trips through fromJson).
  nlohmann::json toJson() const;
  /// The meaning of each field, for the New-run form and docs/configuration.md.
  static const std::vector<ConfigFieldDoc>& docs();
};

/// "vicsek", "kuramoto", "aggregation" or "boids".
const char* modelName(SwarmModel model);

}  // namespace palaestra::swarm
