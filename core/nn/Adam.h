#pragma once
// Adam over one flat parameter vector, with PyTorch's update rule (bias
// corrections folded into the step size and the denominator).

#include <cstdint>
#include <vector>

namespace palaestra {

class Adam {
 public:
  /// Adam for `numParams` parameters; CleanRL's PPO uses eps 1e-5 instead of PyTorch's 1e-8.
  explicit Adam(int numParams = 0, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-5);

  /// One update: params -= lr * mhat / (sqrt(vhat) + eps).
  void step(float* params, const float* grad, double learningRate);
  /// Updates taken so far.
  int64_t steps() const { return steps_; }
  /// First-moment estimates.
  const std::vector<float>& firstMoment() const { return m_; }
  /// Second-moment estimates.
  const std::vector<float>& secondMoment() const { return v_; }
  /// Replaces the moments and the update count (resuming a run); throws std::invalid_argument
  /// if a moment's size differs from the parameter count.
  void setState(int64_t steps, std::vector<float> firstMoment, std::vector<float> secondMoment);

 private:
  double beta1_, beta2_, eps_;
  int64_t steps_ = 0;
  std::vector<float> m_, v_;
};

}  // namespace palaestra
