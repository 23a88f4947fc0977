#pragma once
// Diagonal Gaussian action distribution with a state-independent log standard
// deviation (one learned scalar per action dimension), as in CleanRL's
// continuous PPO: log-prob and entropy are summed over dimensions.

#include "nn/Tensor.h"
#include "util/Rng.h"

namespace palaestra {

template <typename S>
class DiagGaussianT {
 public:
  using Matrix = MatrixR<S>;

  explicit DiagGaussianT(int dims = 1) : dims_(dims) {}
  /// Action dimensions.
  int dims() const { return dims_; }

  /// Per row: log N(action | mean, exp(logStd)) summed over dimensions.
  void logProb(const Matrix& mean, const S* logStd, const S* actions, S* out) const;
  /// Entropy of one row's distribution (the same for every row), summed over dimensions.
  S entropy(const S* logStd) const;
  /// Draws rows of actions (mean when deterministic) and their log-probs; normals come from `rng` in row order.
  void sample(const Matrix& mean, const S* logStd, Rng& rng, bool deterministic, S* actions, S* logProbOut) const;
  /// Given dL/dlogProb and dL/dentropy per row, writes dL/dmean (rows x dims) and adds dL/dlogStd to dLogStd.
  void backward(const Matrix& mean, const S* logStd, const S* actions, const S* dLogProb, const S* dEntropy,
                Matrix& dMean, S* dLogStd) const;

 private:
  int dims_;
};

using DiagGaussian = DiagGaussianT<float>;

}  // namespace palaestra
