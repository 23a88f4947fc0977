#include "nn/DiagGaussian.h"

#include <cmath>

namespace palaestra {

namespace {
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // 0.5 * log(2 pi)
}

template <typename S>
void DiagGaussianT<S>::logProb(const Matrix& mean, const S* logStd, const S* actions, S* out) const {
  const Eigen::Index rows = mean.rows();
  for (Eigen::Index i = 0; i < rows; ++i) {
    S sum = 0;
    for (int j = 0; j < dims_; ++j) {
      const S z = (actions[i * dims_ + j] - mean(i, j)) / std::exp(logStd[j]);
      sum += S(-0.5) * z * z - logStd[j] - S(kHalfLog2Pi);
    }
    out[i] = sum;
  }
}

template <typename S>
S DiagGaussianT<S>::entropy(const S* logStd) const {
  S sum = 0;
  for (int j = 0; j < dims_; ++j) sum += S(0.5) + S(kHalfLog2Pi) + logStd[j];
  return sum;
}

template <typename S>
void DiagGaussianT<S>::sample(const Matrix& mean, const S* logStd, Rng& rng, bool deterministic, S* actions,
                              S* logProbOut) const {
  const Eigen::Index rows = mean.rows();
  for (Eigen::Index i = 0; i < rows; ++i)
    for (int j = 0; j < dims_; ++j) {
      const S noise = deterministic ? S(0) : static_cast<S>(rng.normal());
      actions[i * dims_ + j] = mean(i, j) + std::exp(logStd[j]) * noise;
    }
  if (logProbOut) logProb(mean, logStd, actions, logProbOut);
}

template <typename S>
void DiagGaussianT<S>::backward(const Matrix& mean, const S* logStd, const S* actions, const S* dLogProb,
                                const S* dEntropy, Matrix& dMean, S* dLogStd) const {
  const Eigen::Index rows = mean.rows();
  dMean.resize(rows, dims_);
  for (int j = 0; j < dims_; ++j) {
    const S invStd = std::exp(-logStd[j]);
    S dls = 0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const S z = (actions[i * dims_ + j] - mean(i, j)) * invStd;
      // d logp / d mean = z / std ; d logp / d logStd = z^2 - 1 ; d entropy / d logStd = 1.
      dMean(i, j) = dLogProb[i] * z * invStd;
      dls += dLogProb[i] * (z * z - S(1)) + dEntropy[i];
    }
    dLogStd[j] += dls;
  }
}

template class DiagGaussianT<float>;
template class DiagGaussianT<double>;

}  // namespace palaestra
