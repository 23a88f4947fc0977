#include "nn/Orthogonal.h"

#include <Eigen/QR>
#include <stdexcept>

namespace palaestra {

Eigen::MatrixXd orthogonalMatrix(int rows, int cols, double gain, Rng& rng) {
  if (rows <= 0 || cols <= 0) throw std::invalid_argument("orthogonalMatrix needs positive sizes");
  // Draw in row-major order (as torch fills its (rows, cols) tensor), then make it tall.
  Eigen::MatrixXd g(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) g(r, c) = rng.normal();
  const bool wide = rows < cols;
  if (wide) g.transposeInPlace();
  const Eigen::Index m = g.rows(), n = g.cols();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(m, n);
  // Sign correction makes the distribution uniform (Haar) rather than biased by the QR convention.
  const auto diag = qr.matrixQR().diagonal();
  for (Eigen::Index j = 0; j < n; ++j) {
    const double d = diag(j);
    const double sign = d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
    q.col(j) *= sign;
  }
  if (wide) q.transposeInPlace();
  return q * gain;
}

}  // namespace palaestra
