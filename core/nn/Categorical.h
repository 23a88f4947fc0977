#pragma once
// Categorical action distribution over logits; several independent ones side
// by side for a multi-discrete space (log-probs and entropies summed, as
// CleanRL's multidiscrete PPO does). A plain Discrete(n) is one block.
// Actions are carried as whole-number floats, one per block.

#include <vector>

#include "nn/Tensor.h"
#include "util/Rng.h"

namespace palaestra {

template <typename S>
class CategoricalT {
 public:
  using Matrix = MatrixR<S>;

  CategoricalT() = default;
  /// One block of counts[i] choices per action dimension.
  explicit CategoricalT(std::vector<int> counts);
  /// Action dimensions (blocks).
  int dims() const { return static_cast<int>(counts_.size()); }
  /// Logits per row (sum of the counts).
  int logitsSize() const { return logitsSize_; }

  /// Per row: log-prob of `actions` and entropy, each summed over blocks (either output may be null).
  void logProbEntropy(const Matrix& logits, const S* actions, S* logProb, S* entropy) const;
  /// Draws rows of actions (argmax when deterministic) and their log-probs; uniforms come from `rng` in row order.
  void sample(const Matrix& logits, Rng& rng, bool deterministic, S* actions, S* logProbOut) const;
  /// Given dL/dlogProb and dL/dentropy per row, writes dL/dlogits (rows x logitsSize).
  void backward(const Matrix& logits, const S* actions, const S* dLogProb, const S* dEntropy, Matrix& dLogits) const;

 private:
  std::vector<int> counts_, offsets_;
  int logitsSize_ = 0;
};

using Categorical = CategoricalT<float>;

}  // namespace palaestra
