#include "swarm/SwarmPhaseCurves.h"

#include <cmath>

#include "swarm/SwarmEnv.h"

namespace palaestra::swarm {

namespace {

// Runs the classic rule from `seeds` seeds and returns the mean order over the measured steps.
PhaseCurvePoint measure(const SwarmConfig& config, const TaskValues& task, int transient,
                        int measured, int seeds, uint64_t seed, double control) {
  SwarmEnv env(config);
  std::vector<float> actions(static_cast<size_t>(config.agents), 0.0f),
      rewards(static_cast<size_t>(config.agents));
  std::vector<double> means;
  for (int s = 0; s < seeds; ++s) {
    env.reset(seed + 1000003ULL * static_cast<uint64_t>(s), task);
    for (int t = 0; t < transient; ++t) env.step(actions.data(), rewards.data());
    double sum = 0;
    for (int t = 0; t < measured; ++t) {
      env.step(actions.data(), rewards.data());
      sum += env.order();
    }
    means.push_back(sum / std::max(measured, 1));
  }
  PhaseCurvePoint point;
  point.control = control;
  for (double m : means) point.order += m / static_cast<double>(means.size());
  for (double m : means)
    point.spread += (m - point.order) * (m - point.order) / static_cast<double>(means.size());
  point.spread = std::sqrt(point.spread);
  return point;
}

}  // namespace

std::vector<PhaseCurvePoint> vicsekPhaseCurve(const VicsekCurveSettings& s) {
  SwarmConfig config;
  config.model = SwarmModel::Vicsek;
  config.agents = s.agents;
  config.density = s.density;
  config.boxSize = std::sqrt(s.agents / s.density);
  config.radius = s.radius;
  config.speed = s.speed;
  config.dt = 1.0;
  config.controller = SwarmController::Classic;
  config.reward = SwarmReward::Order;
  config.episodeSteps = s.transientSteps + s.measuredSteps;
  std::vector<PhaseCurvePoint> curve;
  for (double eta : s.noises)
    curve.push_back(
        measure(config, {eta}, s.transientSteps, s.measuredSteps, s.seeds, s.seed, eta));
  return curve;
}

std::vector<PhaseCurvePoint> kuramotoPhaseCurve(const KuramotoCurveSettings& s) {
  SwarmConfig config;
  config.model = SwarmModel::Kuramoto;
  config.agents = s.agents;
  config.density = 3.0;
  config.boxSize = std::sqrt(s.agents / config.density);
  config.radius = 1.0;
  config.speed = 0.0;  // positions play no part in all-to-all coupling
  config.dt = s.dt;
  config.controller = SwarmController::Classic;
  config.reward = SwarmReward::Order;
  config.kuramoto.range = CouplingRange::Global;
  config.kuramoto.frequencies = FrequencyDistribution::Lorentzian;
  config.kuramoto.frequencyWidth = s.frequencyWidth;
  config.kuramoto.sampling =
      s.quantileFrequencies ? FrequencySampling::Quantiles : FrequencySampling::Random;
  const int transient = static_cast<int>(std::lround(s.transientTime / s.dt));
  const int measured = static_cast<int>(std::lround(s.measuredTime / s.dt));
  config.episodeSteps = transient + measured;
  const double critical = 2.0 * s.frequencyWidth;
  std::vector<PhaseCurvePoint> curve;
  for (double k : s.couplings) {
    PhaseCurvePoint p = measure(config, {0.0, k}, transient, measured, s.seeds, s.seed, k);
    p.theory = k > critical ? std::sqrt(1.0 - critical / k) : 0.0;
    curve.push_back(p);
  }
  return curve;
}

}  // namespace palaestra::swarm
