#pragma once
// Eigen shorthands for the networks. Batches are row-major: one row per sample,
// so a batch of observations from the VecEnv maps onto a matrix without copying.

#include <Eigen/Core>

namespace palaestra {

/// A row-major dynamic matrix (rows = samples).
template <typename S>
using MatrixR = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A dynamic column vector.
template <typename S>
using VectorX = Eigen::Matrix<S, Eigen::Dynamic, 1>;
/// A dynamic row vector.
template <typename S>
using RowVectorX = Eigen::Matrix<S, 1, Eigen::Dynamic>;

}  // namespace palaestra
