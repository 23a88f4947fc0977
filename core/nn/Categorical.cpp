#include "nn/Categorical.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace palaestra {

namespace {

// log-sum-exp of a block, shifted by its maximum for stability.
template <typename S>
S logSumExp(const S* l, int n) {
  S m = l[0];
  for (int k = 1; k < n; ++k) m = std::max(m, l[k]);
  S sum = 0;
  for (int k = 0; k < n; ++k) sum += std::exp(l[k] - m);
  return m + std::log(sum);
}

// The choice a float action encodes; the training data only ever holds whole numbers in range.
int choiceOf(double a, int n) {
  const int c = static_cast<int>(a);
  if (c < 0 || c >= n || static_cast<double>(c) != a)
    throw std::invalid_argument("categorical action out of range: " + std::to_string(a));
  return c;
}

}  // namespace

template <typename S>
CategoricalT<S>::CategoricalT(std::vector<int> counts) : counts_(std::move(counts)) {
  if (counts_.empty()) throw std::invalid_argument("categorical head needs at least one block");
  for (int n : counts_) {
    if (n < 1) throw std::invalid_argument("categorical block needs at least one choice");
    offsets_.push_back(logitsSize_);
    logitsSize_ += n;
  }
}

template <typename S>
void CategoricalT<S>::logProbEntropy(const Matrix& logits, const S* actions, S* logProb, S* entropy) const {
  const int d = dims();
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    S lp = 0, ent = 0;
    for (int b = 0; b < d; ++b) {
      const S* l = logits.data() + i * logitsSize_ + offsets_[b];
      const int n = counts_[b];
      const S lse = logSumExp(l, n);
      if (logProb) lp += l[choiceOf(actions[i * d + b], n)] - lse;
      if (entropy)
        for (int k = 0; k < n; ++k) {
          const S logp = l[k] - lse;
          ent -= std::exp(logp) * logp;
        }
    }
    if (logProb) logProb[i] = lp;
    if (entropy) entropy[i] = ent;
  }
}

template <typename S>
void CategoricalT<S>::sample(const Matrix& logits, Rng& rng, bool deterministic, S* actions, S* logProbOut) const {
  const int d = dims();
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    for (int b = 0; b < d; ++b) {
      const S* l = logits.data() + i * logitsSize_ + offsets_[b];
      const int n = counts_[b];
      int choice = 0;
      if (deterministic) {
        for (int k = 1; k < n; ++k)
          if (l[k] > l[choice]) choice = k;
      } else {
        const double lse = static_cast<double>(logSumExp(l, n));
        const double u = rng.uniform();
        double cumulative = 0;
        choice = n - 1;  // rounding may leave the cumulative sum just below 1
        for (int k = 0; k < n; ++k) {
          cumulative += std::exp(static_cast<double>(l[k]) - lse);
          if (u < cumulative) {
            choice = k;
            break;
          }
        }
      }
      actions[i * d + b] = static_cast<S>(choice);
    }
  }
  if (logProbOut) logProbEntropy(logits, actions, logProbOut, nullptr);
}

template <typename S>
void CategoricalT<S>::backward(const Matrix& logits, const S* actions, const S* dLogProb, const S* dEntropy,
                               Matrix& dLogits) const {
  const int d = dims();
  dLogits.resize(logits.rows(), logitsSize_);
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    for (int b = 0; b < d; ++b) {
      const S* l = logits.data() + i * logitsSize_ + offsets_[b];
      S* g = dLogits.data() + i * logitsSize_ + offsets_[b];
      const int n = counts_[b];
      const S lse = logSumExp(l, n);
      S ent = 0;
      for (int k = 0; k < n; ++k) {
        const S logp = l[k] - lse;
        ent -= std::exp(logp) * logp;
      }
      const int a = choiceOf(actions[i * d + b], n);
      for (int k = 0; k < n; ++k) {
        const S logp = l[k] - lse, p = std::exp(logp);
        // d logp(a) / d l_k = [k == a] - p_k ; d H / d l_k = -p_k (log p_k + H).
        g[k] = dLogProb[i] * ((k == a ? S(1) : S(0)) - p) - dEntropy[i] * p * (logp + ent);
      }
    }
  }
}

template class CategoricalT<float>;
template class CategoricalT<double>;

}  // namespace palaestra
