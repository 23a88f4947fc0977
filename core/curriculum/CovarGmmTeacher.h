#pragma once
// Covar-GMM (Moulin-Frier et al. 2014, as TeachMyAgent runs it): every `fit_rate` episodes
// Gaussian mixtures with k in [k_min, k_max] are fitted to the last `fit_rate` points
// (task, time, competence), time being the episode's place in that window scaled to [0, 1] and
// competence its return mapped to [0, 1]; the lowest AIC is kept. A component is then chosen with
// probability proportional to its positive time-competence covariance (competence rising over
// time: progress) and a task drawn from it; `random_fraction` of tasks, and every task before the
// first fit, are uniform.

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/GaussianMixture.h"
#include "curriculum/GmmTeacherConfig.h"
#include "curriculum/Teacher.h"
#include "util/Rng.h"

namespace palaestra {

class CovarGmmTeacher final : public Teacher {
 public:
  /// A teacher over a `dims`-dimensional box drawing from `seed`.
  CovarGmmTeacher(int dims, const GmmTeacherConfig& config, uint64_t seed);

  /// "covar_gmm".
  std::string kind() const override { return "covar_gmm"; }
  /// The next task.
  std::vector<double> sample() override;
  /// Keeps the episode in the window; refits every fit_rate episodes.
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// Window, mixture, counters and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not a Covar-GMM state of this size.
  void restore(const nlohmann::json& state) override;

  /// The mixture last fitted over (task, time, competence) (empty before the first fit).
  const GaussianMixture& mixture() const { return mixture_; }
  /// Mixtures fitted so far.
  int fits() const { return fits_; }
  /// The last mixture over the tasks, each component's progress its time-competence covariance.
  nlohmann::json model() const override;
  /// Mixtures fitted so far.
  int modelVersion() const override { return fits_; }

 private:
  std::vector<double> componentProgress() const;

  int dims_;
  GmmTeacherConfig config_;
  Rng rng_;
  std::deque<std::vector<double>> window_;  // the last fit_rate (task..., competence)
  int episodes_ = 0;
  GaussianMixture mixture_;
  int fits_ = 0;
};

}  // namespace palaestra
