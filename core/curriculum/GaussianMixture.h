#pragma once
// A Gaussian mixture with full covariances, fitted by expectation-maximisation from a k-means++
// start (as scikit-learn's GaussianMixture, which TeachMyAgent's ALP-GMM uses), with the Akaike
// information criterion to choose the number of components. Deterministic given the Rng.

#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "util/Rng.h"

namespace palaestra {

class GaussianMixture {
 public:
  struct Component {
    double weight = 0.0;
    Eigen::VectorXd mean;
    Eigen::MatrixXd covariance;
  };

  /// Fitting settings (scikit-learn's defaults).
  struct FitOptions {
    int maxIterations = 100;
    double tolerance = 1e-3;       // stop when the mean log-likelihood per point gains less
    double regularization = 1e-6;  // added to every covariance's diagonal
  };

  GaussianMixture() = default;
  /// A mixture of `components` (weights summing to 1); throws ConfigError on a malformed one.
  explicit GaussianMixture(std::vector<Component> components);

  /// Fits `k` components to the rows of `points` (n x d, n >= 1, k <= n) drawing the start from
  /// `rng`.
  static GaussianMixture fit(const Eigen::MatrixXd& points, int k, Rng& rng,
                             const FitOptions& options);
  /// Fits one mixture per k in [kMin, kMax] (capped at the number of points) and keeps the one
  /// of the lowest AIC.
  static GaussianMixture fitBest(const Eigen::MatrixXd& points, int kMin, int kMax, Rng& rng,
                                 const FitOptions& options);

  /// The components.
  const std::vector<Component>& components() const { return components_; }
  /// Number of components.
  int size() const { return static_cast<int>(components_.size()); }
  /// Dimension of the points.
  int dims() const {
    return components_.empty() ? 0 : static_cast<int>(components_[0].mean.size());
  }
  /// Log density of each component (weight included) at point `x`.
  Eigen::VectorXd weightedLogDensities(const Eigen::VectorXd& x) const;
  /// Total log-likelihood of the rows of `points`.
  double logLikelihood(const Eigen::MatrixXd& points) const;
  /// Free parameters: k d means, k d (d + 1) / 2 covariances, k - 1 weights.
  int parameterCount() const;
  /// Akaike information criterion on `points`: 2 parameterCount() - 2 logLikelihood.
  double aic(const Eigen::MatrixXd& points) const;
  /// A draw from component `component`.
  Eigen::VectorXd sample(int component, Rng& rng) const;
  /// A draw from component `component`, its first `dims` coordinates each clamped to [0, 1] (a
  /// teacher's task drawn from a mixture over (task, progress...)).
  std::vector<double> sampleTask(int component, int dims, Rng& rng) const;

  /// The mixture as JSON: [{weight, mean, covariance (rows)}].
  nlohmann::json toJson() const;
  /// A mixture from toJson(); throws ConfigError when the JSON is not one.
  static GaussianMixture fromJson(const nlohmann::json& json);

 private:
  void prepare();  // Cholesky factors and log determinants of the covariances

  std::vector<Component> components_;
  std::vector<Eigen::MatrixXd> choleskyL_;  // lower factor of each covariance
  std::vector<double> logNormaliser_;       // log weight - (d log 2 pi + log det) / 2
};

}  // namespace palaestra
