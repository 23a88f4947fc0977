#pragma once
// Global gradient-norm clipping with the semantics of torch.nn.utils.clip_grad_norm_.

namespace palaestra {

/// Scales `grad` by maxNorm / (norm + 1e-6) when that is below 1; returns the norm before clipping.
double clipGradientNorm(float* grad, int size, double maxNorm);

}  // namespace palaestra
