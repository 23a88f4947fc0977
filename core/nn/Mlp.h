#pragma once
// A multilayer perceptron over batches (rows = samples). The parameters live
// in a flat buffer owned by the caller, so that a model made of several
// networks keeps one contiguous parameter vector (one Adam, one gradient
// norm, one memcpy to serialise) and per-thread gradients are plain vectors.
//
// Layout per layer: weights (inputs x outputs, row-major) then biases.
// Templated on the scalar: float for training, double for gradient checks.

#include <vector>

#include "nn/Activation.h"
#include "nn/Tensor.h"
#include "util/Rng.h"

namespace palaestra {

template <typename S>
class MlpT {
 public:
  using Matrix = MatrixR<S>;

  /// Activations of one batch kept for the backward pass; reuse it across calls to avoid allocations.
  struct Workspace {
    std::vector<Matrix> layers;  // layers[0] = input, layers[i] = output of layer i (post-activation)
    Matrix grad, gradNext;       // scratch for the backward pass
    /// Network output of the last forward pass (rows x outputs).
    const Matrix& output() const { return layers.back(); }
  };

  MlpT() = default;
  /// A network inputs -> hidden... -> outputs with `activation` after every hidden layer and none after the last.
  MlpT(int inputs, std::vector<int> hidden, int outputs, Activation activation);

  /// Input width.
  int inputs() const { return inputs_; }
  /// Output width.
  int outputs() const { return outputs_; }
  /// Hidden layer widths.
  const std::vector<int>& hiddenSizes() const { return hidden_; }
  /// Hidden activation.
  Activation activation() const { return activation_; }
  /// Number of scalars the parameter buffer holds.
  int numParams() const { return numParams_; }

  /// CleanRL layer_init: orthogonal weights (hiddenGain for hidden layers, outputGain for the last), zero biases.
  void initialize(S* params, double hiddenGain, double outputGain, Rng& rng) const;
  /// Runs `input` (rows x inputs) through the network; the result is ws.output().
  void forward(const S* params, const Eigen::Ref<const Matrix>& input, Workspace& ws) const;
  /// Adds dLoss/dParams to `grad` given dLoss/dOutput of the last forward pass made with `ws`.
  void backward(const S* params, Workspace& ws, const Eigen::Ref<const Matrix>& dOutput, S* grad) const;

 private:
  struct Layer {
    int in = 0, out = 0;
    int weightOffset = 0, biasOffset = 0;
  };
  int inputs_ = 0, outputs_ = 0, numParams_ = 0;
  std::vector<int> hidden_;
  Activation activation_ = Activation::Tanh;
  std::vector<Layer> layers_;
};

using Mlp = MlpT<float>;

}  // namespace palaestra
