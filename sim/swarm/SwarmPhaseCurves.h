#pragma once
// The classic rules' order-disorder curves, measured on SwarmEnv itself: Vicsek's order phi
// against the noise eta, and the all-to-all Kuramoto order r against the coupling K with the
// mean-field prediction r = sqrt(1 - K_c / K), K_c = 2 gamma (Lorentzian frequencies). Used by
// `palaestra-cli bench swarm --phase-curve`, docs/swarm-results.md and the physics tests.

#include <cstdint>
#include <vector>

namespace palaestra::swarm {

/// One point of a curve: the control value and the order averaged over the measured steps.
struct PhaseCurvePoint {
  double control = 0;  // eta (Vicsek) or K (Kuramoto)
  double order = 0;    // mean phi or r over the measured steps and seeds
  double spread = 0;   // standard deviation of the per-seed means
  double theory = -1;  // Kuramoto: sqrt(1 - K_c / K) above K_c, 0 below; -1: none
};

/// The Vicsek curve's setting (Gregoire-Chate defaults: r 1, v0 0.5, dt 1, density 3).
struct VicsekCurveSettings {
  int agents = 2000;
  double density = 3.0;
  double radius = 1.0;
  double speed = 0.5;
  std::vector<double> noises = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  int transientSteps = 400;
  int measuredSteps = 400;
  int seeds = 2;
  uint64_t seed = 1;
};

/// The all-to-all Kuramoto curve's setting: Lorentzian width gamma, Euler steps of dt.
struct KuramotoCurveSettings {
  int agents = 10000;
  double frequencyWidth = 0.5;
  double dt = 0.05;
  std::vector<double> couplings = {0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0};
  double transientTime = 100.0;
  double measuredTime = 50.0;
  bool quantileFrequencies = true;  // evenly spaced quantiles (else random draws)
  int seeds = 1;
  uint64_t seed = 1;
};

/// phi against eta for the classic Vicsek rule.
std::vector<PhaseCurvePoint> vicsekPhaseCurve(const VicsekCurveSettings& settings);
/// r against K for all-to-all Kuramoto with Lorentzian frequencies, with the theory per point.
std::vector<PhaseCurvePoint> kuramotoPhaseCurve(const KuramotoCurveSettings& settings);

}  // namespace palaestra::swarm
