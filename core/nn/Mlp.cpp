#include "nn/Mlp.h"

#include <stdexcept>
#include <string>

#include "nn/Orthogonal.h"

namespace palaestra {

template <typename S>
MlpT<S>::MlpT(int inputs, std::vector<int> hidden, int outputs, Activation activation)
    : inputs_(inputs), outputs_(outputs), hidden_(std::move(hidden)), activation_(activation) {
  if (inputs <= 0 || outputs <= 0) throw std::invalid_argument("MLP needs positive input and output sizes");
  int in = inputs, offset = 0;
  for (size_t i = 0; i <= hidden_.size(); ++i) {
    const int out = i < hidden_.size() ? hidden_[i] : outputs;
    if (out <= 0) throw std::invalid_argument("MLP hidden layer " + std::to_string(i) + " must be positive");
    Layer l;
    l.in = in;
    l.out = out;
    l.weightOffset = offset;
    l.biasOffset = offset + in * out;
    offset += in * out + out;
    layers_.push_back(l);
    in = out;
  }
  numParams_ = offset;
}

template <typename S>
void MlpT<S>::initialize(S* params, double hiddenGain, double outputGain, Rng& rng) const {
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    const double gain = i + 1 == layers_.size() ? outputGain : hiddenGain;
    // torch stores weights as (out, in); ours is the transpose (in, out) so that y = x W + b.
    const Eigen::MatrixXd q = orthogonalMatrix(l.out, l.in, gain, rng);
    Eigen::Map<Matrix> w(params + l.weightOffset, l.in, l.out);
    w = q.transpose().cast<S>();
    Eigen::Map<RowVectorX<S>>(params + l.biasOffset, l.out).setZero();
  }
}

template <typename S>
void MlpT<S>::forward(const S* params, const Eigen::Ref<const Matrix>& input, Workspace& ws) const {
  if (input.cols() != inputs_) throw std::invalid_argument("MLP input has the wrong width");
  ws.layers.resize(layers_.size() + 1);
  ws.layers[0] = input;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    Eigen::Map<const Matrix> w(params + l.weightOffset, l.in, l.out);
    Eigen::Map<const RowVectorX<S>> b(params + l.biasOffset, l.out);
    Matrix& y = ws.layers[i + 1];
    y.noalias() = ws.layers[i] * w;
    y.rowwise() += b;
    if (i + 1 < layers_.size()) {
      if (activation_ == Activation::Tanh)
        y = y.array().tanh().matrix();
      else
        y = y.cwiseMax(S(0));
    }
  }
}

template <typename S>
void MlpT<S>::backward(const S* params, Workspace& ws, const Eigen::Ref<const Matrix>& dOutput, S* grad) const {
  if (ws.layers.size() != layers_.size() + 1) throw std::logic_error("MLP backward without a forward pass");
  ws.grad = dOutput;
  for (size_t k = layers_.size(); k-- > 0;) {
    const Layer& l = layers_[k];
    Eigen::Map<Matrix> dw(grad + l.weightOffset, l.in, l.out);
    Eigen::Map<RowVectorX<S>> db(grad + l.biasOffset, l.out);
    dw.noalias() += ws.layers[k].transpose() * ws.grad;
    db += ws.grad.colwise().sum();
    if (k == 0) break;
    Eigen::Map<const Matrix> w(params + l.weightOffset, l.in, l.out);
    ws.gradNext.noalias() = ws.grad * w.transpose();
    const Matrix& h = ws.layers[k];  // post-activation output of layer k-1
    if (activation_ == Activation::Tanh)
      ws.gradNext.array() *= (S(1) - h.array().square());
    else
      ws.gradNext.array() *= (h.array() > S(0)).template cast<S>();
    ws.grad.swap(ws.gradNext);
  }
}

template class MlpT<float>;
template class MlpT<double>;

}  // namespace palaestra
