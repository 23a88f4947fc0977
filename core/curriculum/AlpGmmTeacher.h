#pragma once
// ALP-GMM (Portelas et al. 2019, "Teacher algorithms for curriculum learning of deep RL in
// continuously parameterized environments"): each observed episode gets an absolute learning
// progress ALP = |r - r_old|, r its return mapped to [0, 1] and r_old that of the nearest earlier
// task; every `fit_rate` episodes Gaussian mixtures with k in [k_min, k_max] components are fitted
// to the last `fit_rate` (task, ALP) points and the one of lowest AIC is kept. A task is then drawn
// from a component chosen with probability proportional to its mean ALP, except for a
// `random_fraction` of tasks (and every task before the first fit) drawn uniformly.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/GaussianMixture.h"
#include "curriculum/GmmTeacherConfig.h"
#include "curriculum/Teacher.h"
#include "util/Rng.h"

namespace palaestra {

class AlpGmmTeacher final : public Teacher {
 public:
  /// A teacher over a `dims`-dimensional box drawing from `seed`.
  AlpGmmTeacher(int dims, const GmmTeacherConfig& config, uint64_t seed);

  /// "alp_gmm".
  std::string kind() const override { return "alp_gmm"; }
  /// The next task (uniform before the first fit and for a random_fraction of tasks).
  std::vector<double> sample() override;
  /// Records the episode's ALP; refits the mixture every fit_rate episodes.
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// History, mixture, counters and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not an ALP-GMM state of this size.
  void restore(const nlohmann::json& state) override;

  /// The last mixture over the tasks, each component's progress its mean ALP.
  nlohmann::json model() const override;
  /// Mixtures fitted so far.
  int modelVersion() const override { return fits_; }

  /// The mixture last fitted over (task, ALP) (empty before the first fit).
  const GaussianMixture& mixture() const { return mixture_; }
  /// Mixtures fitted so far.
  int fits() const { return fits_; }
  /// Episodes observed so far.
  int episodes() const { return static_cast<int>(alps_.size()); }

 private:
  void refit();

  int dims_;
  GmmTeacherConfig config_;
  Rng rng_;
  std::vector<std::vector<double>> tasks_;  // every observed task
  std::vector<double> returns_;             // their returns mapped to [0, 1]
  std::vector<double> alps_;
  GaussianMixture mixture_;
  int fits_ = 0;
};

}  // namespace palaestra
