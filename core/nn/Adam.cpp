#include "nn/Adam.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace palaestra {

Adam::Adam(int numParams, double beta1, double beta2, double eps)
    : beta1_(beta1), beta2_(beta2), eps_(eps), m_(numParams, 0.0f), v_(numParams, 0.0f) {
  if (numParams < 0) throw std::invalid_argument("Adam needs a non-negative parameter count");
}

void Adam::setState(int64_t steps, std::vector<float> firstMoment,
                    std::vector<float> secondMoment) {
  if (firstMoment.size() != m_.size() || secondMoment.size() != v_.size() || steps < 0)
    throw std::invalid_argument("Adam state for " + std::to_string(firstMoment.size()) +
                                " parameters does not fit " + std::to_string(m_.size()));
  steps_ = steps;
  m_ = std::move(firstMoment);
  v_ = std::move(secondMoment);
}

void Adam::step(float* params, const float* grad, double learningRate) {
  ++steps_;
  const double bias1 = 1.0 - std::pow(beta1_, static_cast<double>(steps_));
  const double bias2 = 1.0 - std::pow(beta2_, static_cast<double>(steps_));
  const float stepSize = static_cast<float>(learningRate / bias1);
  const float bias2Sqrt = static_cast<float>(std::sqrt(bias2));
  // (1 - beta) is formed in double before rounding, as PyTorch does: 1 - float(0.999) is off by 1e-5 relative.
  const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
  const float c1 = static_cast<float>(1.0 - beta1_), c2 = static_cast<float>(1.0 - beta2_);
  const float eps = static_cast<float>(eps_);
  const size_t n = m_.size();
  for (size_t i = 0; i < n; ++i) {
    const float g = grad[i];
    m_[i] = b1 * m_[i] + c1 * g;
    v_[i] = b2 * v_[i] + c2 * g * g;
    const float denom = std::sqrt(v_[i]) / bias2Sqrt + eps;
    params[i] -= stepSize * m_[i] / denom;
  }
}

}  // namespace palaestra
