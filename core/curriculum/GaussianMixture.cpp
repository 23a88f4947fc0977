#include "curriculum/GaussianMixture.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "util/Errors.h"

namespace palaestra {
namespace {

double logSumExp(const Eigen::VectorXd& v) {
  const double top = v.maxCoeff();
  if (!std::isfinite(top)) return top;
  return top + std::log((v.array() - top).exp().sum());
}

// k-means++ centres (D^2 sampling), then a few Lloyd iterations: the hard assignment EM starts
// from.
std::vector<int> kMeansLabels(const Eigen::MatrixXd& points, int k, Rng& rng) {
  const auto n = static_cast<int>(points.rows());
  Eigen::MatrixXd centres(k, points.cols());
  centres.row(0) = points.row(static_cast<Eigen::Index>(rng.below(static_cast<uint64_t>(n))));
  Eigen::VectorXd nearest = (points.rowwise() - centres.row(0)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    const double total = nearest.sum();
    int pick = static_cast<int>(rng.below(static_cast<uint64_t>(n)));
    if (total > 0) {
      double u = rng.uniform() * total;
      for (int i = 0; i < n; ++i) {
        u -= nearest[i];
        if (u <= 0) {
          pick = i;
          break;
        }
      }
    }
    centres.row(c) = points.row(pick);
    nearest = nearest.cwiseMin((points.rowwise() - centres.row(c)).rowwise().squaredNorm());
  }
  std::vector<int> labels(static_cast<size_t>(n), 0);
  for (int iteration = 0; iteration < 10; ++iteration) {
    for (int i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      (centres.rowwise() - points.row(i)).rowwise().squaredNorm().minCoeff(&best);
      labels[static_cast<size_t>(i)] = static_cast<int>(best);
    }
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, points.cols());
    std::vector<int> counts(static_cast<size_t>(k), 0);
    for (int i = 0; i < n; ++i) {
      sums.row(labels[static_cast<size_t>(i)]) += points.row(i);
      ++counts[static_cast<size_t>(labels[static_cast<size_t>(i)])];
    }
    for (int c = 0; c < k; ++c)
      if (counts[static_cast<size_t>(c)] > 0)
        centres.row(c) = sums.row(c) / counts[static_cast<size_t>(c)];
  }
  return labels;
}

// M-step: components from responsibilities (n x k).
std::vector<GaussianMixture::Component> maximise(const Eigen::MatrixXd& points,
                                                 const Eigen::MatrixXd& resp,
                                                 double regularization) {
  const auto n = points.rows(), k = resp.cols();
  std::vector<GaussianMixture::Component> components(static_cast<size_t>(k));
  for (Eigen::Index c = 0; c < k; ++c) {
    // An emptied component keeps a tiny mass, as scikit-learn's 10 * machine epsilon.
    const double mass = resp.col(c).sum() + 10 * std::numeric_limits<double>::epsilon();
    GaussianMixture::Component& comp = components[static_cast<size_t>(c)];
    comp.weight = mass / static_cast<double>(n);
    comp.mean = (points.transpose() * resp.col(c)) / mass;
    const Eigen::MatrixXd centred = points.rowwise() - comp.mean.transpose();
    comp.covariance = (centred.transpose() * resp.col(c).asDiagonal() * centred) / mass;
    comp.covariance.diagonal().array() += regularization;
  }
  double total = 0;
  for (const auto& comp : components) total += comp.weight;
  for (auto& comp : components) comp.weight /= total;
  return components;
}

}  // namespace

GaussianMixture::GaussianMixture(std::vector<Component> components)
    : components_(std::move(components)) {
  if (components_.empty()) throw ConfigError("a Gaussian mixture needs at least one component");
  const Eigen::Index d = components_[0].mean.size();
  double total = 0;
  for (const Component& c : components_) {
    if (c.mean.size() != d || c.covariance.rows() != d || c.covariance.cols() != d || d == 0)
      throw ConfigError("Gaussian mixture components differ in dimension");
    if (!(c.weight >= 0) || !c.mean.allFinite() || !c.covariance.allFinite())
      throw ConfigError("Gaussian mixture component holds a negative weight or a non-finite value");
    total += c.weight;
  }
  if (!(std::fabs(total - 1.0) < 1e-6)) throw ConfigError("Gaussian mixture weights must sum to 1");
  prepare();
}

void GaussianMixture::prepare() {
  choleskyL_.clear();
  logNormaliser_.clear();
  for (const Component& c : components_) {
    Eigen::LLT<Eigen::MatrixXd> llt(c.covariance);
    if (llt.info() != Eigen::Success)
      throw ConfigError("Gaussian mixture covariance is not positive definite");
    Eigen::MatrixXd L = llt.matrixL();
    const double logDet = 2.0 * L.diagonal().array().log().sum();
    choleskyL_.push_back(std::move(L));
    logNormaliser_.push_back(
        std::log(std::max(c.weight, 1e-300)) -
        0.5 * (static_cast<double>(c.mean.size()) * std::log(2.0 * std::numbers::pi) + logDet));
  }
}

Eigen::VectorXd GaussianMixture::weightedLogDensities(const Eigen::VectorXd& x) const {
  Eigen::VectorXd out(size());
  for (int c = 0; c < size(); ++c) {
    const auto& L = choleskyL_[static_cast<size_t>(c)];
    const Eigen::VectorXd z =
        L.triangularView<Eigen::Lower>().solve(x - components_[static_cast<size_t>(c)].mean);
    out[c] = logNormaliser_[static_cast<size_t>(c)] - 0.5 * z.squaredNorm();
  }
  return out;
}

double GaussianMixture::logLikelihood(const Eigen::MatrixXd& points) const {
  double sum = 0;
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    sum += logSumExp(weightedLogDensities(points.row(i).transpose()));
  return sum;
}

int GaussianMixture::parameterCount() const {
  const int k = size(), d = dims();
  return k * d + k * d * (d + 1) / 2 + k - 1;
}

double GaussianMixture::aic(const Eigen::MatrixXd& points) const {
  return 2.0 * parameterCount() - 2.0 * logLikelihood(points);
}

GaussianMixture GaussianMixture::fit(const Eigen::MatrixXd& points, int k, Rng& rng,
                                     const FitOptions& options) {
  const auto n = static_cast<int>(points.rows());
  if (n < 1 || k < 1 || k > n)
    throw ConfigError("a Gaussian mixture of " + std::to_string(k) +
                      " components cannot be fitted to " + std::to_string(n) + " points");
  const std::vector<int> labels = kMeansLabels(points, k, rng);
  Eigen::MatrixXd resp = Eigen::MatrixXd::Zero(n, k);
  for (int i = 0; i < n; ++i) resp(i, labels[static_cast<size_t>(i)]) = 1.0;
  GaussianMixture mixture(maximise(points, resp, options.regularization));
  double previous = -std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < options.maxIterations; ++iteration) {
    double total = 0;
    for (int i = 0; i < n; ++i) {
      const Eigen::VectorXd logs = mixture.weightedLogDensities(points.row(i).transpose());
      const double norm = logSumExp(logs);
      total += norm;
      resp.row(i) = (logs.array() - norm).exp().transpose();
    }
    const double mean = total / n;
    if (std::fabs(mean - previous) < options.tolerance) break;
    previous = mean;
    mixture = GaussianMixture(maximise(points, resp, options.regularization));
  }
  return mixture;
}

GaussianMixture GaussianMixture::fitBest(const Eigen::MatrixXd& points, int kMin, int kMax,
                                         Rng& rng, const FitOptions& options) {
  kMax = std::min<int>(kMax, static_cast<int>(points.rows()));
  kMin = std::min(kMin, kMax);
  GaussianMixture best;
  double bestAic = std::numeric_limits<double>::infinity();
  for (int k = kMin; k <= kMax; ++k) {
    GaussianMixture candidate = fit(points, k, rng, options);
    const double score = candidate.aic(points);
    if (score < bestAic || best.size() == 0) {
      bestAic = score;
      best = std::move(candidate);
    }
  }
  return best;
}

Eigen::VectorXd GaussianMixture::sample(int component, Rng& rng) const {
  const Component& c = components_.at(static_cast<size_t>(component));
  Eigen::VectorXd z(c.mean.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) z[i] = rng.normal();
  return c.mean + choleskyL_[static_cast<size_t>(component)] * z;
}

std::vector<double> GaussianMixture::sampleTask(int component, int dims, Rng& rng) const {
  const Eigen::VectorXd x = sample(component, rng);
  std::vector<double> task(static_cast<size_t>(dims));
  for (int i = 0; i < dims; ++i) task[static_cast<size_t>(i)] = std::clamp(x[i], 0.0, 1.0);
  return task;
}

nlohmann::json GaussianMixture::toJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const Component& c : components_) {
    nlohmann::json covariance = nlohmann::json::array();
    for (Eigen::Index r = 0; r < c.covariance.rows(); ++r)
      covariance.push_back(
          std::vector<double>(c.covariance.row(r).begin(), c.covariance.row(r).end()));
    list.push_back({{"weight", c.weight},
                    {"mean", std::vector<double>(c.mean.begin(), c.mean.end())},
                    {"covariance", covariance}});
  }
  return list;
}

GaussianMixture GaussianMixture::fromJson(const nlohmann::json& json) {
  if (!json.is_array()) throw ConfigError("a Gaussian mixture must be a list of components");
  std::vector<Component> components;
  try {
    for (const nlohmann::json& item : json) {
      Component c;
      c.weight = item.at("weight").get<double>();
      const auto mean = item.at("mean").get<std::vector<double>>();
      c.mean =
          Eigen::Map<const Eigen::VectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
      const auto rows = item.at("covariance").get<std::vector<std::vector<double>>>();
      c.covariance.resize(static_cast<Eigen::Index>(rows.size()),
                          static_cast<Eigen::Index>(mean.size()));
      for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].size() != mean.size())
          throw ConfigError("Gaussian mixture covariance is not square");
        for (size_t col = 0; col < mean.size(); ++col)
          c.covariance(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(col)) = rows[r][col];
      }
      components.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("Gaussian mixture JSON is malformed: ") + e.what());
  }
  return GaussianMixture(std::move(components));
}

}  // namespace palaestra
