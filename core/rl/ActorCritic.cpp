#include "rl/ActorCritic.h"

#include <cmath>
#include <stdexcept>

namespace palaestra {

template <typename S>
ActorCriticT<S>::ActorCriticT(int obsDim, const Space& actionSpace, const std::vector<int>& hidden,
                              Activation activation)
    : actionSpace_(actionSpace) {
  int headWidth = 0;
  if (actionSpace.kind == SpaceKind::Box) {
    head_ = HeadKind::Gaussian;
    gaussian_ = DiagGaussianT<S>(actionSpace.size());
    headWidth = actionSpace.size();
  } else {
    head_ = HeadKind::Categorical;
    categorical_ = CategoricalT<S>(actionSpace.counts);
    headWidth = categorical_.logitsSize();
  }
  if (headWidth <= 0) throw std::invalid_argument("policy needs a non-empty action space");
  actor_ = MlpT<S>(obsDim, hidden, headWidth, activation);
  critic_ = MlpT<S>(obsDim, hidden, 1, activation);
  int offset = actor_.numParams();
  if (head_ == HeadKind::Gaussian) {
    logStdOffset_ = offset;
    offset += gaussian_.dims();
  }
  criticOffset_ = offset;
  offset += critic_.numParams();
  params_ = VectorX<S>::Zero(offset);
}

template <typename S>
void ActorCriticT<S>::initialize(Rng& rng, double initLogStd) {
  const double hiddenGain = std::sqrt(2.0);
  // CleanRL builds the critic before the actor; draw in the same order.
  critic_.initialize(params_.data() + criticOffset_, hiddenGain, 1.0, rng);
  actor_.initialize(params_.data(), hiddenGain, 0.01, rng);
  if (head_ == HeadKind::Gaussian)
    for (int j = 0; j < gaussian_.dims(); ++j) params_[logStdOffset_ + j] = static_cast<S>(initLogStd);
}

template <typename S>
void ActorCriticT<S>::forward(const Eigen::Ref<const Matrix>& obs, Workspace& ws, bool withValue) const {
  actor_.forward(params_.data(), obs, ws.actor);
  if (withValue) critic_.forward(params_.data() + criticOffset_, obs, ws.critic);
}

template <typename S>
void ActorCriticT<S>::sample(const Workspace& ws, Rng& rng, bool deterministic, S* rawActions, S* logProb) const {
  if (head_ == HeadKind::Gaussian)
    gaussian_.sample(ws.actor.output(), params_.data() + logStdOffset_, rng, deterministic, rawActions, logProb);
  else
    categorical_.sample(ws.actor.output(), rng, deterministic, rawActions, logProb);
}

template <typename S>
void ActorCriticT<S>::sampleRows(const Workspace& ws, Rng* const* rngs, S* rawActions) const {
  const Matrix& out = ws.actor.output();
  const int width = actionDim();
  Matrix row(1, out.cols());
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    row = out.row(r);
    S* raw = rawActions + static_cast<size_t>(r) * width;
    if (head_ == HeadKind::Gaussian)
      gaussian_.sample(row, params_.data() + logStdOffset_, *rngs[r], false, raw, nullptr);
    else
      categorical_.sample(row, *rngs[r], false, raw, nullptr);
  }
}

template <typename S>
void ActorCriticT<S>::evaluate(Workspace& ws, const S* rawActions) const {
  const Matrix& out = ws.actor.output();
  const auto rows = static_cast<size_t>(out.rows());
  ws.logProb.resize(rows);
  ws.entropy.resize(rows);
  if (head_ == HeadKind::Gaussian) {
    const S* logStd = params_.data() + logStdOffset_;
    gaussian_.logProb(out, logStd, rawActions, ws.logProb.data());
    const S e = gaussian_.entropy(logStd);
    for (auto& x : ws.entropy) x = e;
  } else {
    categorical_.logProbEntropy(out, rawActions, ws.logProb.data(), ws.entropy.data());
  }
}

template <typename S>
void ActorCriticT<S>::backward(Workspace& ws, const S* rawActions, const S* dLogProb, const S* dEntropy,
                               const S* dValue, S* grad) const {
  const Matrix& out = ws.actor.output();
  if (head_ == HeadKind::Gaussian)
    gaussian_.backward(out, params_.data() + logStdOffset_, rawActions, dLogProb, dEntropy, ws.dHead,
                       grad + logStdOffset_);
  else
    categorical_.backward(out, rawActions, dLogProb, dEntropy, ws.dHead);
  actor_.backward(params_.data(), ws.actor, ws.dHead, grad);
  if (dValue) {
    ws.dValue = Eigen::Map<const Matrix>(dValue, out.rows(), 1);
    critic_.backward(params_.data() + criticOffset_, ws.critic, ws.dValue, grad + criticOffset_);
  }
}

template class ActorCriticT<float>;
template class ActorCriticT<double>;

}  // namespace palaestra
