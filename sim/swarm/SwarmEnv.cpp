#include "swarm/SwarmEnv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "swarm/SwarmEngineBench.h"
#include "swarm/SwarmPresets.h"
#include "util/Hash.h"
#include "util/SnapshotBytes.h"

namespace palaestra::swarm {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2.0 * kPi;
constexpr uint32_t kSnapshotMagic = 0x31524d53;  // "SMR1"

/// The angle in [-pi, pi).
double wrapAngle(double a) {
  return a - kTwoPi * std::floor((a + kPi) / kTwoPi);
}

/// A coordinate brought back into [0, box).
double wrapCoordinate(double v, double box) {
  v -= box * std::floor(v / box);
  return v >= box ? 0.0 : v;  // -tiny + box rounds to box
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
double inverseNormal(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/// A natural frequency at quantile u in (0, 1) of the configured distribution.
double frequencyAt(const KuramotoConfig& k, double u) {
  if (k.frequencies == FrequencyDistribution::Lorentzian)
    return k.frequencyMean + k.frequencyWidth * std::tan(kPi * (u - 0.5));
  return k.frequencyMean + k.frequencyWidth * inverseNormal(u);
}

/// atan2 within 1e-5 rad, for histogram binning only (a polynomial, several times faster than
/// std::atan2 and as deterministic); 0 for the zero vector.
double binningAtan2(double y, double x) {
  const double ax = std::fabs(x), ay = std::fabs(y);
  const double hi = std::max(ax, ay), lo = std::min(ax, ay);
  if (hi == 0) return 0.0;
  const double a = lo / hi, s = a * a;
  double r = ((-0.0464964749 * s + 0.15931422) * s - 0.327622764) * s * a + a;
  if (ay > ax) r = kPi / 2 - r;
  if (x < 0) r = kPi - r;
  return y < 0 ? -r : r;
}

/// Bin of an angle in [-pi, pi] among `bins` equal sectors.
int angleBin(double angle, int bins) {
  const int b = static_cast<int>((angle + kPi) * (bins / kTwoPi));
  return std::clamp(b, 0, bins - 1);
}

/// A colour on the hue wheel for an angle (red at 0, then yellow, green, cyan, blue, magenta).
Rgba hueColor(double angle) {
  const double h = (wrapAngle(angle) + kPi) / kTwoPi * 6.0;  // [0, 6)
  const double f = h - std::floor(h);
  const float q = static_cast<float>(1 - f), t = static_cast<float>(f);
  switch (static_cast<int>(h) % 6) {
    case 0:
      return {1, t, 0, 1};
    case 1:
      return {q, 1, 0, 1};
    case 2:
      return {0, 1, t, 1};
    case 3:
      return {0, q, 1, 1};
    case 4:
      return {t, 0, 1, 1};
    default:
      return {1, 0, q, 1};
  }
}

template <typename T>
double capacityBytes(const std::vector<T>& v) {
  return static_cast<double>(v.capacity()) * sizeof(T);
}

}  // namespace

SwarmEnv::SwarmEnv(const SwarmConfig& config) : config_(config) {
  const SwarmConfig& c = config_;
  spec_.name = "swarm";
  spec_.observationSpace = Space::box(observationSize(), 0.0f, 1.0f);
  if (c.action == SwarmAction::TurnRate) {
    spec_.actionSpace = Space::box(1, -1.0f, 1.0f);
    spec_.actionSpace.quantum = SwarmConfig::kActionQuantum;
  } else {
    spec_.actionSpace = Space::discrete(c.turnChoices);
  }
  spec_.numAgents = c.agents;
  spec_.policySlotOfAgent.assign(static_cast<size_t>(c.agents), 0);
  spec_.policySlots = {"swarm"};
  if (c.adversaries > 0) {
    spec_.policySlots.push_back("adversary");
    std::fill(spec_.policySlotOfAgent.end() - c.adversaries, spec_.policySlotOfAgent.end(), 1);
  }
  std::vector<TaskParam> params = {
      {"noise", 0.0, 1.0, c.noise, false,
       "noise eta: each step adds eta * xi to every heading, xi uniform in [-pi, pi]"}};
  if (c.model == SwarmModel::Kuramoto)
    params.push_back({"coupling", 0.0, 100.0, c.kuramoto.coupling, false,
                      "coupling K of the phases (the classic rule's strength; a policy's largest "
                      "phase pull per time unit)"});
  spec_.tasks = TaskSpace(std::move(params));
  spec_.maxEpisodeSteps = c.episodeSteps;
  // Rewards lie in [-1, 1] (alignment) or [0, 1]; a success keeps 80% of the best per step.
  spec_.successReturn = 0.8 * c.episodeSteps;
  spec_.secondsPerStep = 1.0 / 30.0;
  spec_.overlayLayers = {{kRadiusLayer, "Interaction radius", false},
                         {kCellGridLayer, "Cell grid", false}};
  spec_.liveMetrics = {"order"};
  spec_.actionsIgnored = c.controller == SwarmController::Classic;

  // All-to-all Kuramoto under its classic rule and a global reward needs no neighbours: only
  // observe() (and the app's picking) then builds the cell list.
  needsNeighbourStats_ =
      !(c.model == SwarmModel::Kuramoto && c.kuramoto.range == CouplingRange::Global &&
        c.controller == SwarmController::Classic && c.reward == SwarmReward::Order);

  const size_t n = static_cast<size_t>(c.agents);
  for (auto* v : {&x_, &y_, &heading_, &cosH_, &sinH_, &sumCos_, &sumSin_, &comX_, &comY_})
    v->assign(n, 0.0);
  // The float copies in cell order are padded by 4 for neighbourPass's 4-lane reads; padded
  // positions lie far outside any box.
  sortedXf_.assign(n + 4, 1e18f);
  sortedYf_.assign(n + 4, 1e18f);
  sortedCos_.assign(n + 4, 0.0f);
  sortedSin_.assign(n + 4, 0.0f);
  sortedHeading_.assign(n, 0.0f);
  if (usesPhases()) {
    for (auto* v : {&phase_, &omega_, &cosP_, &sinP_, &sumPCos_, &sumPSin_}) v->assign(n, 0.0);
    sortedPhase_.assign(n, 0.0f);
    sortedPCos_.assign(n + 4, 0.0f);
    sortedPSin_.assign(n + 4, 0.0f);
  }
  if (c.model == SwarmModel::Boids)
    for (auto* v : {&sepX_, &sepY_}) v->assign(n, 0.0);
  count_.assign(n, 0);
  if (c.controller != SwarmController::Classic) turn_.assign(n, 0.0f);
  cells_.configure(c.agents, c.boxSize, c.radius);
  // Measured by the conformance test against the heap; the object and its spec on top.
  spec_.memoryBytes = reservedBytes() + sizeof(SwarmEnv) + 4096 + 8.0 * n;
}

double SwarmEnv::reservedBytes() const {
  double bytes = cells_.reservedBytes() + capacityBytes(count_) + capacityBytes(turn_);
  for (const std::vector<double>* v : std::initializer_list<const std::vector<double>*>{
           &x_, &y_, &heading_, &phase_, &omega_, &cosH_, &sinH_, &cosP_, &sinP_, &sumCos_,
           &sumSin_, &sumPCos_, &sumPSin_, &comX_, &comY_, &sepX_, &sepY_})
    bytes += capacityBytes(*v);
  for (const auto* v : {&sortedXf_, &sortedYf_, &sortedCos_, &sortedSin_, &sortedHeading_,
                        &sortedPhase_, &sortedPCos_, &sortedPSin_})
    bytes += capacityBytes(*v);
  return bytes;
}

void SwarmEnv::reset(uint64_t seed, const TaskValues& task) {
  spec_.tasks.validate(task);
  seed_ = seed;
  task_ = task;
  noise_ = task[0];
  coupling_ = usesPhases() ? task[1] : 0.0;
  rng_.reseed(seed);
  const int n = config_.agents;
  const double box = config_.boxSize;
  for (int i = 0; i < n; ++i) {
    x_[i] = wrapCoordinate(rng_.uniform(0.0, box), box);
    y_[i] = wrapCoordinate(rng_.uniform(0.0, box), box);
    heading_[i] = rng_.uniform(-kPi, kPi);
  }
  if (usesPhases()) {
    const KuramotoConfig& k = config_.kuramoto;
    for (int i = 0; i < n; ++i) phase_[i] = rng_.uniform(-kPi, kPi);
    if (k.sampling == FrequencySampling::Random) {
      for (int i = 0; i < n; ++i) {
        double u = rng_.uniform();
        while (u <= 0.0) u = rng_.uniform();
        omega_[i] = frequencyAt(k, u);
      }
    } else {
      // Evenly spaced quantiles, dealt to agents in a shuffled order (Fisher-Yates).
      for (int i = 0; i < n; ++i) omega_[i] = frequencyAt(k, (i + 0.5) / n);
      for (int i = n - 1; i > 0; --i)
        std::swap(omega_[i], omega_[static_cast<size_t>(rng_.below(static_cast<uint64_t>(i) + 1))]);
    }
  }
  steps_ = 0;
  orderSum_ = neighbourSum_ = returnSum_ = 0;
  hasEpisode_ = true;
  updateUnitVectors();
  sense();
}

void SwarmEnv::updateUnitVectors() {
  const int n = config_.agents;
  for (int i = 0; i < n; ++i) {
    cosH_[i] = std::cos(heading_[i]);
    sinH_[i] = std::sin(heading_[i]);
  }
  if (usesPhases())
    for (int i = 0; i < n; ++i) {
      cosP_[i] = std::cos(phase_[i]);
      sinP_[i] = std::sin(phase_[i]);
    }
}

void SwarmEnv::sense() {
  cellsCurrent_ = false;
  if (needsNeighbourStats_) computeNeighbourStats();
  computeOrder();
}

void SwarmEnv::ensureCellList() const {
  if (cellsCurrent_) return;
  const int n = config_.agents;
  cells_.build(x_.data(), y_.data(), n);
  const int* order = cells_.order();
  const double* sx = cells_.sortedX();
  const double* sy = cells_.sortedY();
  for (int k = 0; k < n; ++k) {
    sortedXf_[k] = static_cast<float>(sx[k]);
    sortedYf_[k] = static_cast<float>(sy[k]);
    sortedCos_[k] = static_cast<float>(cosH_[order[k]]);
    sortedSin_[k] = static_cast<float>(sinH_[order[k]]);
    sortedHeading_[k] = static_cast<float>(heading_[order[k]]);
  }
  if (usesPhases())
    for (int k = 0; k < n; ++k) {
      sortedPhase_[k] = static_cast<float>(phase_[order[k]]);
      sortedPCos_[k] = static_cast<float>(cosP_[order[k]]);
      sortedPSin_[k] = static_cast<float>(sinP_[order[k]]);
    }
  cellsCurrent_ = true;
}

void SwarmEnv::computeNeighbourStats() {
  ensureCellList();
  const bool boids = config_.model == SwarmModel::Boids;
  if (boids)
    neighbourPass<true, false>();
  else if (usesPhases())
    neighbourPass<false, true>();
  else
    neighbourPass<false, false>();
}

// One scan over every agent's 9 cells: neighbour count, the sums of the heading (phase) unit
// vectors over the disc of radius r (the agent's own included, as Vicsek's rule sums), the sum
// of the offsets (cohesion; the agent's own is 0) and, for boids, the separation push.
//
// This is where a step spends its time, so candidates are tested four at a time in float lanes
// (GCC/Clang vector extensions, SSE2 on x86-64 without -march): a 0/1 weight per lane instead of
// a branch, and each lane's sums added in a fixed order at the end, so the result is the same on
// every run. Positions are float offsets here, exact to ~1e-5 for boxes up to ~1000.
template <bool kBoids, bool kPhases>
void SwarmEnv::neighbourPass() {
  using V4f = float __attribute__((vector_size(16)));
  using V4i = int __attribute__((vector_size(16)));
  const auto load = [](const float* p) {
    V4f v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  const auto sum = [](V4f v) {
    return (static_cast<double>(v[0]) + v[1]) + (static_cast<double>(v[2]) + v[3]);
  };
  const float r2 = static_cast<float>(config_.radius * config_.radius);
  const float sep2 =
      static_cast<float>(config_.boids.separationRadius * config_.boids.separationRadius);
  const float* sx = sortedXf_.data();
  const float* sy = sortedYf_.data();
  const float* sc = sortedCos_.data();
  const float* ss = sortedSin_.data();
  const float* spc = sortedPCos_.data();
  const float* sps = sortedPSin_.data();
  const int* order = cells_.order();
  const V4f one = {1, 1, 1, 1};
  const V4i lane = {0, 1, 2, 3};
  for (int c = 0; c < cells_.cellCount(); ++c) {
    const int begin = cells_.cellStart(c), end = cells_.cellStart(c + 1);
    if (begin == end) continue;
    const auto around = cells_.neighbourCells(c);
    for (int i = begin; i < end; ++i) {
      V4f count = {}, sumC = {}, sumS = {}, offX = {}, offY = {}, sumPC = {}, sumPS = {};
      double px = 0, py = 0;
      for (const auto& nc : around) {
        const int jb = cells_.cellStart(nc.cell), je = cells_.cellStart(nc.cell + 1);
        const float ox = static_cast<float>(nc.shiftX) - sx[i];
        const float oy = static_cast<float>(nc.shiftY) - sy[i];
        // The arrays are padded by 4, so the last lanes of a cell read its successor (or the
        // padding) and are masked off.
        for (int j = jb; j < je; j += 4) {
          const V4f dx = load(sx + j) + ox, dy = load(sy + j) + oy;
          const V4f d2 = dx * dx + dy * dy;
          const V4i inside = (d2 < r2) & ((lane + j) < je);
          const V4f w = reinterpret_cast<V4f>(inside & reinterpret_cast<V4i>(one));
          count += w;
          sumC += w * load(sc + j);
          sumS += w * load(ss + j);
          offX += w * dx;
          offY += w * dy;
          if constexpr (kPhases) {
            sumPC += w * load(spc + j);
            sumPS += w * load(sps + j);
          }
        }
        if constexpr (kBoids) {
          for (int j = jb; j < je; ++j) {
            const float dx = sx[j] + ox, dy = sy[j] + oy;
            const float d2 = dx * dx + dy * dy;
            if (d2 < sep2 && d2 > 0) {
              px -= dx / d2;
              py -= dy / d2;
            }
          }
        }
      }
      const int a = order[i];
      count_[a] = static_cast<int>(sum(count)) - 1;  // the agent is not its own neighbour
      sumCos_[a] = sum(sumC);
      sumSin_[a] = sum(sumS);
      comX_[a] = sum(offX);
      comY_[a] = sum(offY);
      if constexpr (kPhases) {
        sumPCos_[a] = sum(sumPC);
        sumPSin_[a] = sum(sumPS);
      }
      if constexpr (kBoids) {
        sepX_[a] = px;
        sepY_[a] = py;
      }
    }
  }
}

void SwarmEnv::computeOrder() {
  const int n = swarmAgents();
  const std::vector<double>& cs = usesPhases() ? cosP_ : cosH_;
  const std::vector<double>& sn = usesPhases() ? sinP_ : sinH_;
  double sc = 0, ss = 0;
  for (int i = 0; i < n; ++i) {
    sc += cs[i];
    ss += sn[i];
  }
  meanX_ = sc / n;
  meanY_ = ss / n;
  order_ = std::sqrt(meanX_ * meanX_ + meanY_ * meanY_);
}

float SwarmEnv::appliedAction(const float* actions, int agent) const {
  const float a = actions[agent];
  if (config_.action == SwarmAction::TurnRate) {
    if (!std::isfinite(a))
      throw std::invalid_argument("swarm: action of agent " + std::to_string(agent) + " is " +
                                  std::to_string(a));
    // Rounded to the grid the action space declares, so the logged action is what was applied.
    float applied = std::clamp(a, -1.0f, 1.0f);
    spec_.actionSpace.quantize(std::span<float>(&applied, 1));
    return applied;
  }
  const int k = config_.turnChoices;
  if (!(a >= 0 && a < k && a == std::floor(a)))
    throw std::invalid_argument("swarm: action of agent " + std::to_string(agent) + " is " +
                                std::to_string(a) + ", not a choice in 0.." +
                                std::to_string(k - 1));
  return 2.0f * a / static_cast<float>(k - 1) - 1.0f;
}

StepStatus SwarmEnv::step(const float* actions, float* rewards) {
  if (!hasEpisode_) throw std::logic_error("swarm: step() before reset()");
  const SwarmConfig& c = config_;
  const int n = c.agents;
  const bool classic = c.controller == SwarmController::Classic;
  const double noiseScale = noise_ * kPi;  // eta * xi, xi uniform in [-pi, pi]

  // Validate and convert every action before changing anything, so a bad one leaves the state
  // as it was.
  if (!classic)
    for (int i = 0; i < n; ++i) turn_[i] = appliedAction(actions, i);

  // Headings (and phases) from the state at t; each agent draws its noise in index order.
  for (int i = 0; i < n; ++i) {
    double h = heading_[i];
    if (classic) {
      switch (c.model) {
        case SwarmModel::Vicsek:
          // theta_i <- arg sum over |x_j - x_i| < r (the agent included) of e^{i theta_j}.
          h = std::atan2(sumSin_[i], sumCos_[i]);
          break;
        case SwarmModel::Aggregation:
          // Head for the neighbours' centre (a random walk while alone).
          if (count_[i] > 0) h = std::atan2(comY_[i], comX_[i]);
          break;
        case SwarmModel::Boids: {
          const BoidsConfig& b = c.boids;
          double vx = b.separation * sepX_[i], vy = b.separation * sepY_[i];
          if (count_[i] > 0) {
            const double inv = 1.0 / count_[i];
            vx += b.alignment * (sumCos_[i] - cosH_[i]) * inv +
                  b.cohesion * comX_[i] * inv / c.radius;
            vy += b.alignment * (sumSin_[i] - sinH_[i]) * inv +
                  b.cohesion * comY_[i] * inv / c.radius;
          }
          if (vx != 0 || vy != 0) {
            const double turn = wrapAngle(std::atan2(vy, vx) - h);
            h += std::clamp(turn, -c.maxTurn, c.maxTurn);
          }
          break;
        }
        case SwarmModel::Kuramoto:
          break;  // headings wander; the phases couple below
      }
    } else if (c.model != SwarmModel::Kuramoto) {
      h += turn_[i] * c.maxTurn;
    }
    heading_[i] = wrapAngle(h + noiseScale * rng_.uniform(-1.0, 1.0));
  }
  if (usesPhases()) {
    const KuramotoConfig& k = c.kuramoto;
    for (int i = 0; i < n; ++i) {
      double pull = 0;
      if (!classic) {
        pull = coupling_ * turn_[i];
      } else if (k.range == CouplingRange::Global) {
        // (K/N) sum_j sin(theta_j - theta_i) = K (Y cos theta_i - X sin theta_i), (X, Y) the mean
        // field.
        pull = coupling_ * (meanY_ * cosP_[i] - meanX_ * sinP_[i]);
      } else if (count_[i] > 0) {
        // The sums include the agent itself, whose term sin(theta_i - theta_i) is exactly 0.
        pull = coupling_ / count_[i] * (sumPSin_[i] * cosP_[i] - sumPCos_[i] * sinP_[i]);
      }
      phase_[i] = wrapAngle(phase_[i] + c.dt * (omega_[i] + pull));
    }
    for (int i = 0; i < n; ++i) {
      cosP_[i] = std::cos(phase_[i]);
      sinP_[i] = std::sin(phase_[i]);
    }
  }
  // Move along the new headings; their unit vectors serve the next sense and step too.
  const double stride = c.speed * c.dt;
  for (int i = 0; i < n; ++i) {
    cosH_[i] = std::cos(heading_[i]);
    sinH_[i] = std::sin(heading_[i]);
    x_[i] = wrapCoordinate(x_[i] + stride * cosH_[i], c.boxSize);
    y_[i] = wrapCoordinate(y_[i] + stride * sinH_[i], c.boxSize);
  }
  ++steps_;
  sense();

  // Rewards from the new state.
  const std::vector<double>& cs = usesPhases() ? cosP_ : cosH_;
  const std::vector<double>& sn = usesPhases() ? sinP_ : sinH_;
  const std::vector<double>& sumC = usesPhases() ? sumPCos_ : sumCos_;
  const std::vector<double>& sumS = usesPhases() ? sumPSin_ : sumSin_;
  const int swarm = swarmAgents();
  double rewardSum = 0;
  long long neighbours = 0;
  for (int i = 0; i < n; ++i) {
    neighbours += count_[i];
    if (i >= swarm) {
      rewards[i] = static_cast<float>(-order_);  // an adversary gains what the swarm loses
      continue;
    }
    double r = 0;
    switch (c.reward) {
      case SwarmReward::Alignment:
        // Mean cos(theta_j - theta_i) over the neighbours (the sums include the agent: cos 0 = 1).
        if (count_[i] > 0) r = (cs[i] * sumC[i] + sn[i] * sumS[i] - 1.0) / count_[i];
        break;
      case SwarmReward::Order:
        r = order_;
        break;
      case SwarmReward::Aggregation:
        r = std::min(1.0, static_cast<double>(count_[i]) / c.neighbourCap);
        break;
    }
    rewards[i] = static_cast<float>(r);
    rewardSum += rewards[i];
  }
  returnSum_ += rewardSum / swarm;
  orderSum_ += order_;
  neighbourSum_ += static_cast<double>(neighbours) / n;

  StepStatus status;
  status.truncated = steps_ >= spec_.maxEpisodeSteps;
  return status;
}

void SwarmEnv::observe(float* out) const {
  const int n = config_.agents;
  const int bins = config_.bins;
  const int width = observationSize();
  std::fill(out, out + static_cast<size_t>(n) * width, 0.0f);
  if (!hasEpisode_) return;
  ensureCellList();
  // Distances in float exactly as neighbourPass computes them, so both find the same neighbours.
  const float r2 = static_cast<float>(config_.radius * config_.radius);
  const float* sx = sortedXf_.data();
  const float* sy = sortedYf_.data();
  const int* order = cells_.order();
  const float* angle = usesPhases() ? sortedPhase_.data() : sortedHeading_.data();
  const float* heading = sortedHeading_.data();
  constexpr float kPiF = static_cast<float>(kPi), kTwoPiF = static_cast<float>(kTwoPi);
  // An angle difference brought into [-pi, pi) (both terms lie in [-pi, pi)), then its bin.
  const auto bin = [&](float a) {
    if (a < -kPiF) a += kTwoPiF;
    if (a >= kPiF) a -= kTwoPiF;
    return angleBin(a, bins);
  };
  for (int c = 0; c < cells_.cellCount(); ++c) {
    const int begin = cells_.cellStart(c), end = cells_.cellStart(c + 1);
    if (begin == end) continue;
    const auto around = cells_.neighbourCells(c);
    for (int i = begin; i < end; ++i) {
      float* row = out + static_cast<size_t>(order[i]) * width;
      const float own = angle[i], ownHeading = heading[i];
      int count = 0;
      for (const auto& nc : around) {
        const int jb = cells_.cellStart(nc.cell), je = cells_.cellStart(nc.cell + 1);
        const float ox = static_cast<float>(nc.shiftX) - sx[i];
        const float oy = static_cast<float>(nc.shiftY) - sy[i];
        for (int j = jb; j < je; ++j) {
          const float dx = sx[j] + ox, dy = sy[j] + oy;
          if (!(dx * dx + dy * dy < r2) || j == i) continue;
          ++count;
          // The neighbour's heading (phase) relative to the agent's own, and the bearing of the
          // offset in the agent's own frame.
          row[bin(angle[j] - own)] += 1.0f;
          row[bins + bin(static_cast<float>(binningAtan2(dy, dx)) - ownHeading)] += 1.0f;
        }
      }
      if (count > 0) {
        const float inv = 1.0f / static_cast<float>(count);
        for (int b = 0; b < 2 * bins; ++b) row[b] = std::min(1.0f, row[b] * inv);
      }
      row[2 * bins] =
          std::min(1.0f, static_cast<float>(count) / static_cast<float>(config_.neighbourCap));
    }
  }
}

uint64_t SwarmEnv::stateHash() const {
  StateHasher h;
  if (!hasEpisode_) return h.value();
  const size_t n = static_cast<size_t>(config_.agents);
  h.addBytes(x_.data(), n * sizeof(double));
  h.addBytes(y_.data(), n * sizeof(double));
  h.addBytes(heading_.data(), n * sizeof(double));
  if (usesPhases()) {
    h.addBytes(phase_.data(), n * sizeof(double));
    h.addBytes(omega_.data(), n * sizeof(double));
  }
  const Rng::State rng = rng_.state();
  h.add(rng);
  h.add(noise_);
  h.add(coupling_);
  h.add(static_cast<int32_t>(steps_));
  return h.value();
}

std::vector<uint8_t> SwarmEnv::snapshot() const {
  if (!hasEpisode_) throw std::logic_error("swarm: snapshot() before reset()");
  const std::string configText = config_.toJson().dump();
  const size_t n = static_cast<size_t>(config_.agents);
  std::vector<uint8_t> out;
  out.reserve(128 + configText.size() + task_.size() * 8 + n * 5 * sizeof(double));
  snapshotPut(out, kSnapshotMagic);
  snapshotPutBytes(out, configText.data(), configText.size());
  snapshotPut(out, seed_);
  snapshotPut(out, static_cast<uint32_t>(task_.size()));
  for (double v : task_) snapshotPut(out, v);
  snapshotPut(out, static_cast<uint32_t>(steps_));
  snapshotPut(out, rng_.state());
  snapshotPut(out, orderSum_);
  snapshotPut(out, neighbourSum_);
  snapshotPut(out, returnSum_);
  std::vector<const std::vector<double>*> arrays = {&x_, &y_, &heading_};
  if (usesPhases()) arrays.insert(arrays.end(), {&phase_, &omega_});
  for (const auto* v : arrays) snapshotPutBytes(out, v->data(), n * sizeof(double));
  return out;
}

void SwarmEnv::restore(std::span<const uint8_t> data) {
  SnapshotReader in(data, "swarm snapshot");
  if (in.take<uint32_t>() != kSnapshotMagic) throw std::invalid_argument("not a swarm snapshot");
  const auto configBytes = in.takeBytes();
  const std::string configText(configBytes.begin(), configBytes.end());
  if (configText != config_.toJson().dump())
    throw std::invalid_argument("swarm snapshot was taken with another config (" + configText +
                                "; this env runs " + config_.toJson().dump() + ")");
  const auto seed = in.take<uint64_t>();
  const auto taskSize = in.take<uint32_t>();
  if (taskSize != static_cast<uint32_t>(spec_.tasks.size()))
    throw std::invalid_argument("swarm snapshot is malformed (task size)");
  TaskValues task(taskSize);
  for (auto& v : task) v = in.take<double>();
  spec_.tasks.validate(task);
  const auto steps = in.take<uint32_t>();
  if (steps > static_cast<uint32_t>(spec_.maxEpisodeSteps))
    throw std::invalid_argument("swarm snapshot is malformed (step count)");
  const Rng::State rng = in.take<Rng::State>();
  const double orderSum = in.take<double>(), neighbourSum = in.take<double>(),
               returnSum = in.take<double>();
  const size_t n = static_cast<size_t>(config_.agents);
  std::vector<std::span<const uint8_t>> blocks;
  for (int k = 0; k < (usesPhases() ? 5 : 3); ++k) {
    blocks.push_back(in.takeBytes());
    if (blocks.back().size() != n * sizeof(double))
      throw std::invalid_argument("swarm snapshot is malformed (agent arrays)");
  }
  if (!in.rest().empty())
    throw std::invalid_argument("swarm snapshot is malformed (trailing bytes)");
  // Everything checked: now overwrite the state.
  std::vector<std::vector<double>*> arrays = {&x_, &y_, &heading_};
  if (usesPhases()) arrays.insert(arrays.end(), {&phase_, &omega_});
  for (size_t k = 0; k < arrays.size(); ++k)
    std::memcpy(arrays[k]->data(), blocks[k].data(), n * sizeof(double));
  seed_ = seed;
  task_ = task;
  noise_ = task[0];
  coupling_ = usesPhases() ? task[1] : 0.0;
  steps_ = static_cast<int>(steps);
  rng_.setState(rng);
  orderSum_ = orderSum;
  neighbourSum_ = neighbourSum;
  returnSum_ = returnSum;
  hasEpisode_ = true;
  updateUnitVectors();
  sense();
}

EpisodeInfo SwarmEnv::episodeInfo() const {
  EpisodeInfo info;
  info.outcome = !hasEpisode_ || steps_ < spec_.maxEpisodeSteps ? "running" : "timeout";
  const double steps = std::max(steps_, 1);
  info.values = {{"order", order_},
                 {"order_mean", steps_ > 0 ? orderSum_ / steps : order_},
                 {"return", returnSum_},
                 {"steps", static_cast<double>(steps_)},
                 {"agents", static_cast<double>(config_.agents)}};
  if (needsNeighbourStats_) info.values.push_back({"mean_neighbours", neighbourSum_ / steps});
  return info;
}

void SwarmEnv::describe(Scene& scene) const {
  const double box = config_.boxSize;
  const float L = static_cast<float>(box);
  scene.background = {0.07f, 0.08f, 0.1f, 1.0f};
  scene.focus = {L / 2, L / 2};
  scene.viewWidth = L * 1.04f;
  scene.viewHeight = L * 1.04f;
  SceneLine outline;
  outline.points = {{0, 0}, {L, 0}, {L, L}, {0, L}, {0, 0}};
  outline.color = {0.6f, 0.62f, 0.7f, 1.0f};
  outline.width = 1.5f;
  scene.lines.push_back(std::move(outline));
  if (!hasEpisode_) return;

  const int n = config_.agents;
  const bool phases = usesPhases();
  SceneParticles particles;
  // About a third of the mean spacing, but never larger than the interaction radius.
  particles.size = static_cast<float>(std::min(config_.radius, 0.6 / std::sqrt(config_.density)));
  particles.xyAngle.resize(static_cast<size_t>(n) * 3);
  particles.colors.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    particles.xyAngle[3 * i] = static_cast<float>(x_[i]);
    particles.xyAngle[3 * i + 1] = static_cast<float>(y_[i]);
    particles.xyAngle[3 * i + 2] = static_cast<float>(heading_[i]);
    particles.colors[i] = hueColor(phases ? phase_[i] : heading_[i]);
  }
  // Adversaries in white, so they stand out from every hue.
  for (int i = swarmAgents(); i < n; ++i) particles.colors[i] = {1, 1, 1, 1};
  scene.particles.push_back(std::move(particles));

  // Interaction radius: around every agent of small swarms, around an even sample of large ones.
  constexpr int kMaxRadiusCircles = 400;
  const int every = std::max(1, (n + kMaxRadiusCircles - 1) / kMaxRadiusCircles);
  for (int i = 0; i < n; i += every) {
    SceneCircle circle;
    circle.center = {static_cast<float>(x_[i]), static_cast<float>(y_[i])};
    circle.radius = static_cast<float>(config_.radius);
    circle.fill = {1, 1, 1, 0.0f};
    circle.outline = {1, 1, 1, 0.25f};
    circle.layer = kRadiusLayer;
    scene.circles.push_back(circle);
  }
  // Cell grid: at most 200 lines each way (a finer grid would be a grey wash).
  const int m = cells_.cellsPerSide();
  const int step = std::max(1, (m + 199) / 200);
  for (int k = 0; k <= m; k += step) {
    const float at = static_cast<float>(k * cells_.cellSide());
    for (int axis = 0; axis < 2; ++axis) {
      SceneLine line;
      line.points =
          axis == 0 ? std::vector<Vec2f>{{at, 0}, {at, L}} : std::vector<Vec2f>{{0, at}, {L, at}};
      line.color = {0.5f, 0.55f, 0.7f, 0.35f};
      line.width = 1.0f;
      line.layer = kCellGridLayer;
      scene.lines.push_back(std::move(line));
    }
  }
  SceneLabel label;
  label.screenSpace = true;
  label.position = {10, 20};
  char text[128];
  std::snprintf(text, sizeof text, "%s  N = %d  %s = %.3f  step %d", modelName(config_.model), n,
                phases ? "r" : "phi", order_, steps_);
  label.text = text;
  label.color = {0.9f, 0.9f, 0.95f, 1.0f};
  scene.labels.push_back(std::move(label));
}

int SwarmEnv::agentAt(Vec2f world, float tolerance) const {
  if (!hasEpisode_) return -1;
  int best = -1;
  double bestD2 = static_cast<double>(tolerance) * tolerance;
  for (int i = 0; i < config_.agents; ++i) {
    const double dx = x_[i] - world.x, dy = y_[i] - world.y;
    const double d2 = dx * dx + dy * dy;
    if (d2 <= bestD2) {
      bestD2 = d2;
      best = i;
    }
  }
  return best;
}

void SwarmEnv::describeAgent(int agent, Scene& scene) const {
  if (!hasEpisode_ || agent < 0 || agent >= config_.agents) return;
  ensureCellList();
  const float xa = static_cast<float>(x_[agent]), ya = static_cast<float>(y_[agent]);
  const Rgba highlight{1.0f, 1.0f, 1.0f, 1.0f};
  SceneCircle range;
  range.center = {xa, ya};
  range.radius = static_cast<float>(config_.radius);
  range.fill = {1, 1, 1, 0.08f};
  range.outline = highlight;
  scene.circles.push_back(range);
  // Neighbours at their nearest periodic image, so they sit inside the drawn radius.
  // The same float arithmetic as neighbourPass, so the neighbours drawn are the ones counted.
  const float r2 = static_cast<float>(config_.radius * config_.radius);
  const float* sx = sortedXf_.data();
  const float* sy = sortedYf_.data();
  const int self = cells_.rankOf()[agent];
  const float dot =
      static_cast<float>(std::min(config_.radius, 0.6 / std::sqrt(config_.density))) * 0.7f;
  int count = 0;
  for (const auto& nc : cells_.neighbourCells(cells_.cellOf(x_[agent], y_[agent]))) {
    const float ox = static_cast<float>(nc.shiftX) - sx[self];
    const float oy = static_cast<float>(nc.shiftY) - sy[self];
    for (int j = cells_.cellStart(nc.cell); j < cells_.cellStart(nc.cell + 1); ++j) {
      const float dx = sx[j] + ox, dy = sy[j] + oy;
      if (!(dx * dx + dy * dy < r2) || j == self) continue;
      ++count;
      const Vec2f at{xa + static_cast<float>(dx), ya + static_cast<float>(dy)};
      SceneLine link;
      link.points = {{xa, ya}, at};
      link.color = {1, 1, 1, 0.5f};
      scene.lines.push_back(std::move(link));
      SceneCircle mark;
      mark.center = at;
      mark.radius = dot;
      mark.fill = {1, 1, 1, 0.0f};
      mark.outline = highlight;
      scene.circles.push_back(mark);
    }
  }
  SceneLabel label;
  label.position = {xa, ya + static_cast<float>(config_.radius) * 1.1f};
  label.text = (agent >= swarmAgents() ? "adversary " : "agent ") + std::to_string(agent) + ": " +
               std::to_string(count) + " neighbours";
  label.color = highlight;
  scene.labels.push_back(std::move(label));
}

EnvInfo swarmEnvInfo() {
  EnvInfo info;
  info.name = "swarm";
  info.description =
      "Swarms of up to 100,000 agents in a periodic box: Vicsek, Kuramoto, aggregation and boids; "
      "one shared policy (Dec-POMFC observations) or the classic rules";
  info.create = [](const nlohmann::json& envConfig) -> EnvPtr {
    return std::make_unique<SwarmEnv>(SwarmConfig::fromJson(envConfig));
  };
  info.canonicalConfig = [](const nlohmann::json& envConfig) {
    return SwarmConfig::fromJson(envConfig).toJson();
  };
  info.presets = swarmPresets();
  info.defaultPreset = "default";
  info.configDocs = SwarmConfig::docs();
  info.engineBench = swarmEngineBench;
  return info;
}

}  // namespace palaestra::swarm
