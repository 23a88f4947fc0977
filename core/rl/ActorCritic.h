#pragma once
// The numerical core of a PPO agent: an actor MLP feeding a Gaussian head
// (continuous actions, state-independent log std) or categorical heads
// (discrete / multi-discrete), and a separate critic MLP. All parameters sit
// in one flat vector: [actor | log std (Gaussian only) | critic].
// Templated on the scalar: float for training, double for gradient checks.

#include <vector>

#include "env/Space.h"
#include "nn/Categorical.h"
#include "nn/DiagGaussian.h"
#include "nn/Mlp.h"
#include "util/Rng.h"

namespace palaestra {

enum class HeadKind { Gaussian, Categorical };

template <typename S>
class ActorCriticT {
 public:
  using Matrix = MatrixR<S>;

  /// Per-batch buffers; keep one per thread and reuse it to avoid allocations.
  struct Workspace {
    typename MlpT<S>::Workspace actor, critic;
    Matrix dHead, dValue;
    std::vector<S> logProb, entropy;
  };

  ActorCriticT() = default;
  /// A model for `obsDim`-wide observations and `actionSpace`, hidden layers `hidden` in both networks.
  ActorCriticT(int obsDim, const Space& actionSpace, const std::vector<int>& hidden, Activation activation);

  /// Observation width.
  int obsDim() const { return actor_.inputs(); }
  /// Floats per raw action row (Gaussian sample or one choice per categorical block).
  int actionDim() const { return head_ == HeadKind::Gaussian ? gaussian_.dims() : categorical_.dims(); }
  /// Head type.
  HeadKind head() const { return head_; }
  /// The actor network.
  const MlpT<S>& actor() const { return actor_; }
  /// The critic network.
  const MlpT<S>& critic() const { return critic_; }
  /// Total parameter count.
  int numParams() const { return static_cast<int>(params_.size()); }
  /// Offset of the log-std block in params() (-1 without a Gaussian head).
  int logStdOffset() const { return logStdOffset_; }
  /// Offset of the critic's parameters in params().
  int criticOffset() const { return criticOffset_; }
  /// The flat parameter vector.
  VectorX<S>& params() { return params_; }
  /// The flat parameter vector.
  const VectorX<S>& params() const { return params_; }

  /// CleanRL init: orthogonal sqrt(2) hidden, 0.01 policy output, 1.0 value output, zero biases, log std = initLogStd.
  void initialize(Rng& rng, double initLogStd);
  /// Runs the actor (and the critic if withValue) on `obs` (rows x obsDim).
  void forward(const Eigen::Ref<const Matrix>& obs, Workspace& ws, bool withValue) const;
  /// Head output of the last forward pass: action means or logits (rows x head width).
  const Matrix& headOutput(const Workspace& ws) const { return ws.actor.output(); }
  /// Value of row i of the last forward pass (made withValue).
  S value(const Workspace& ws, int i) const { return ws.critic.output()(i, 0); }
  /// Samples raw actions for the rows of the last forward pass and writes their log-probs (may be null).
  void sample(const Workspace& ws, Rng& rng, bool deterministic, S* rawActions, S* logProb) const;
  /// Samples row r of the forward pass with its own stream rngs[r] (rows of different episodes
  /// drawing independently of how they were batched).
  void sampleRows(const Workspace& ws, Rng* const* rngs, S* rawActions) const;
  /// Log-probs and entropies of `rawActions` under the last forward pass, into ws.logProb / ws.entropy.
  void evaluate(Workspace& ws, const S* rawActions) const;
  /// Adds to `grad` the gradient of a loss with the given per-row derivatives w.r.t. log-prob, entropy and
  /// value (dValue may be null for none), for the last forward pass (made withValue if dValue is given).
  void backward(Workspace& ws, const S* rawActions, const S* dLogProb, const S* dEntropy, const S* dValue,
                S* grad) const;

  /// The same model with another scalar type (parameters converted).
  template <typename T>
  ActorCriticT<T> cast() const {
    ActorCriticT<T> out(obsDim(), actionSpace_, actor_.hiddenSizes(), actor_.activation());
    out.params() = params_.template cast<T>();
    return out;
  }

 private:
  Space actionSpace_;
  HeadKind head_ = HeadKind::Gaussian;
  MlpT<S> actor_, critic_;
  DiagGaussianT<S> gaussian_;
  CategoricalT<S> categorical_;
  int logStdOffset_ = -1, criticOffset_ = 0;
  VectorX<S> params_;
};

using ActorCritic = ActorCriticT<float>;

}  // namespace palaestra
