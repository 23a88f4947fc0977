#pragma once
// Orthogonal weight initialisation with the semantics of torch.nn.init.orthogonal_
// (QR of a Gaussian matrix, columns sign-corrected by diag(R), scaled by a gain),
// drawn with palaestra::Rng so that the weights are the same on every platform.

#include <Eigen/Core>

#include "util/Rng.h"

namespace palaestra {

/// A rows x cols matrix with orthonormal rows (rows <= cols) or columns (rows >= cols), times `gain`.
Eigen::MatrixXd orthogonalMatrix(int rows, int cols, double gain, Rng& rng);

}  // namespace palaestra
