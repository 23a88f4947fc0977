#include "nn/GradientClipping.h"

#include <cmath>

namespace palaestra {

double clipGradientNorm(float* grad, int size, double maxNorm) {
  double sq = 0;
  for (int i = 0; i < size; ++i) sq += static_cast<double>(grad[i]) * grad[i];
  const double norm = std::sqrt(sq);
  const double coef = maxNorm / (norm + 1e-6);
  if (coef < 1.0) {
    const float c = static_cast<float>(coef);
    for (int i = 0; i < size; ++i) grad[i] *= c;
  }
  return norm;
}

}  // namespace palaestra
