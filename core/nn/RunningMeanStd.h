#pragma once
// Running mean and variance of a stream of vectors, merged batch by batch with
// the parallel (Chan et al.) update that gym's RunningMeanStd uses; starts at
// mean 0, variance 1 and a pseudo-count of 1e-4 like gym's.

#include <vector>

namespace palaestra {

class RunningMeanStd {
 public:
  /// Statistics of `dims`-wide vectors.
  explicit RunningMeanStd(int dims = 0, double initialCount = 1e-4);

  /// Merges a batch of `rows` row-major vectors.
  void update(const float* batch, int rows);
  /// Merges a batch of `rows` row-major vectors (double precision input).
  void update(const double* batch, int rows);
  /// Merges precomputed batch moments (population variance).
  void updateFromMoments(const std::vector<double>& batchMean, const std::vector<double>& batchVar, double batchCount);

  /// Vector width.
  int dims() const { return static_cast<int>(mean_.size()); }
  /// Running mean per dimension.
  const std::vector<double>& mean() const { return mean_; }
  /// Running (population) variance per dimension.
  const std::vector<double>& var() const { return var_; }
  /// Samples seen (plus the initial pseudo-count).
  double count() const { return count_; }
  /// Replaces the statistics (e.g. when loading a checkpoint); sizes must match dims().
  void setState(std::vector<double> mean, std::vector<double> var, double count);

 private:
  template <typename T>
  void updateBatch(const T* batch, int rows);
  std::vector<double> mean_, var_;
  double count_;
  std::vector<double> batchMean_, batchVar_;  // scratch, reused
};

}  // namespace palaestra
