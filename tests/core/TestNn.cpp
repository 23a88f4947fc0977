// Tests of the neural-network building blocks and the PPO loss: analytic
// gradients against central finite differences (in double precision), the
// orthogonal init, Adam, gradient clipping, running statistics, the policy's
// byte format and the PPO config's validation.
//
// Why the gradient tolerances catch real bugs: with h = 1e-6 in double, the
// central difference has truncation error ~h^2 * |f'''| (~1e-12 here) and
// round-off ~1e-16 * |f| / h (~1e-10 here). Each component must agree within
// 1e-7 + 1e-6 |g|. A wrong sign changes a component by 2|g| and a missing
// term by the size of that term; the tests also require the gradients to be
// substantial (largest component > 1e-2, every parameter block non-zero), so
// such errors exceed the tolerance by four orders of magnitude or more.
#include <QtTest>

#include <cmath>
#include <functional>

#include "nn/Adam.h"
#include "nn/Categorical.h"
#include "nn/DiagGaussian.h"
#include "nn/GradientClipping.h"
#include "nn/Mlp.h"
#include "nn/Orthogonal.h"
#include "nn/RunningMeanStd.h"
#include "rl/ActorCritic.h"
#include "rl/Policy.h"
#include "rl/PpoConfig.h"
#include "rl/PpoLoss.h"
#include "util/Errors.h"
#include "util/Rng.h"

using namespace palaestra;
using MatD = MatrixR<double>;

namespace {

MatD randomMatrix(int rows, int cols, Rng& rng, double scale = 1.0) {
  MatD m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = rng.normal() * scale;
  return m;
}

// Central differences of f over x (modified in place and restored).
std::vector<double> finiteDifferences(double* x, int n, const std::function<double()>& f, double h = 1e-6) {
  std::vector<double> g(n);
  for (int i = 0; i < n; ++i) {
    const double keep = x[i];
    x[i] = keep + h;
    const double up = f();
    x[i] = keep - h;
    const double down = f();
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

// Checks analytic against numeric gradients component by component; returns the largest |component|.
double compareGradients(const double* analytic, const std::vector<double>& numeric, const char* what) {
  double largest = 0;
  for (size_t i = 0; i < numeric.size(); ++i) {
    const double a = analytic[i], n = numeric[i];
    largest = std::max(largest, std::abs(n));
    if (std::abs(a - n) > 1e-7 + 1e-6 * std::abs(n)) {
      qWarning("%s: component %zu analytic %.12g numeric %.12g", what, i, a, n);
      return -1;
    }
  }
  return largest;
}

bool blockNonZero(const double* g, int begin, int end) {
  for (int i = begin; i < end; ++i)
    if (std::abs(g[i]) > 1e-6) return true;
  return false;
}

}  // namespace

class TestNn : public QObject {
  Q_OBJECT

  void checkMlpGradient(Activation act) {
    Rng rng(11);
    MlpT<double> mlp(4, {7, 5}, 3, act);
    VectorX<double> params(mlp.numParams());
    mlp.initialize(params.data(), std::sqrt(2.0), 1.0, rng);
    for (int i = 0; i < params.size(); ++i) params[i] += 0.1 * rng.normal();  // non-zero biases too
    const MatD x = randomMatrix(6, 4, rng);
    const MatD upstream = randomMatrix(6, 3, rng);  // loss = sum(upstream .* output)
    MlpT<double>::Workspace ws;
    auto loss = [&] {
      mlp.forward(params.data(), x, ws);
      return (ws.output().array() * upstream.array()).sum();
    };
    loss();
    VectorX<double> grad = VectorX<double>::Zero(mlp.numParams());
    mlp.backward(params.data(), ws, upstream, grad.data());
    const auto numeric = finiteDifferences(params.data(), mlp.numParams(), loss);
    const double largest = compareGradients(grad.data(), numeric, "mlp");
    QVERIFY2(largest >= 0, "analytic and numeric gradients differ");
    QVERIFY(largest > 1e-2);
    // Every layer's weights and biases receive gradient: (4x7 + 7), (7x5 + 5), (5x3 + 3).
    QVERIFY(blockNonZero(grad.data(), 0, 28));
    QVERIFY(blockNonZero(grad.data(), 28, 35));
    QVERIFY(blockNonZero(grad.data(), 35, 70));
    QVERIFY(blockNonZero(grad.data(), 70, 75));
    QVERIFY(blockNonZero(grad.data(), 75, 93));
    // Backward accumulates: a second call doubles the gradient.
    mlp.backward(params.data(), ws, upstream, grad.data());
    for (int i = 0; i < grad.size(); ++i) QVERIFY(std::abs(grad[i] - 2 * numeric[i]) < 1e-6 + 1e-5 * std::abs(grad[i]));
  }

  // Builds PPO samples around the model's current outputs so that some ratios and value changes fall outside
  // the clip range and some inside.
  struct LossCase {
    std::vector<double> obs, actions, oldLogProb, advantages, returns, oldValues;
    int rows = 0;
    PpoSamples<double> samples() const {
      return {obs.data(), actions.data(), oldLogProb.data(), advantages.data(), returns.data(), oldValues.data(),
              rows};
    }
  };

  LossCase makeLossCase(const ActorCriticT<double>& model, int rows, Rng& rng) {
    LossCase c;
    c.rows = rows;
    const int od = model.obsDim(), ad = model.actionDim();
    c.obs.resize(rows * od);
    for (auto& v : c.obs) v = rng.normal();
    typename ActorCriticT<double>::Workspace ws;
    model.forward(Eigen::Map<const MatD>(c.obs.data(), rows, od), ws, true);
    c.actions.resize(rows * ad);
    model.sample(ws, rng, false, c.actions.data(), nullptr);
    model.evaluate(ws, c.actions.data());
    for (int i = 0; i < rows; ++i) {
      c.oldLogProb.push_back(ws.logProb[i] + rng.uniform(-0.5, 0.5));
      c.advantages.push_back(rng.normal());
      c.oldValues.push_back(model.value(ws, i) + rng.uniform(-0.5, 0.5));
      c.returns.push_back(model.value(ws, i) + rng.normal());
    }
    normalizeAdvantages(c.advantages.data(), rows);
    return c;
  }

  void checkPpoLossGradient(const Space& actionSpace, bool clipValueLoss) {
    Rng rng(5);
    ActorCriticT<double> model(3, actionSpace, {8, 6}, Activation::Tanh);
    model.initialize(rng, -0.3);
    for (int i = 0; i < model.numParams(); ++i) model.params()[i] += 0.2 * rng.normal();
    const LossCase c = makeLossCase(model, 40, rng);
    PpoLossSettings settings;
    settings.clipCoef = 0.2;
    settings.clipValueLoss = clipValueLoss;
    settings.entCoef = 0.05;
    settings.vfCoef = 0.5;
    PpoLossScratch<double> scratch;
    std::vector<double> scratchGrad(model.numParams());
    auto loss = [&] {
      return ppoLossAndGradient(model, settings, c.samples(), c.rows, scratch, scratchGrad.data())
          .loss(settings, c.rows);
    };
    std::vector<double> grad(model.numParams(), 0.0);
    const PpoLossSums sums = ppoLossAndGradient(model, settings, c.samples(), c.rows, scratch, grad.data());
    // The case must exercise both sides of the policy clip.
    QVERIFY(sums.clipped > 0 && sums.clipped < c.rows);
    const auto numeric = finiteDifferences(model.params().data(), model.numParams(), loss);
    const double largest = compareGradients(grad.data(), numeric, "ppo loss");
    QVERIFY2(largest >= 0, "analytic and numeric gradients differ");
    QVERIFY(largest > 1e-2);
    QVERIFY(blockNonZero(grad.data(), 0, model.actor().numParams()));
    QVERIFY(blockNonZero(grad.data(), model.criticOffset(), model.numParams()));
    if (model.head() == HeadKind::Gaussian) QVERIFY(blockNonZero(grad.data(), model.logStdOffset(), model.criticOffset()));

    // Splitting the minibatch into shards (each dividing by the whole size) gives the same gradient.
    std::vector<double> sharded(model.numParams(), 0.0);
    PpoLossSums total;
    for (int s = 0; s < 3; ++s) {
      const int r0 = c.rows * s / 3, r1 = c.rows * (s + 1) / 3, od = model.obsDim(), ad = model.actionDim();
      PpoSamples<double> part{c.obs.data() + r0 * od,      c.actions.data() + r0 * ad, c.oldLogProb.data() + r0,
                              c.advantages.data() + r0,    c.returns.data() + r0,      c.oldValues.data() + r0,
                              r1 - r0};
      total.add(ppoLossAndGradient(model, settings, part, c.rows, scratch, sharded.data()));
    }
    QVERIFY(std::abs(total.loss(settings, c.rows) - sums.loss(settings, c.rows)) < 1e-12);
    for (int i = 0; i < model.numParams(); ++i) QVERIFY(std::abs(sharded[i] - grad[i]) < 1e-12);
  }

 private slots:
  void mlpTanhGradientMatchesFiniteDifferences() { checkMlpGradient(Activation::Tanh); }
  void mlpReluGradientMatchesFiniteDifferences() { checkMlpGradient(Activation::Relu); }

  void mlpFloatMatchesDouble() {
    Rng rng(3);
    MlpT<double> md(5, {16}, 2, Activation::Tanh);
    MlpT<float> mf(5, {16}, 2, Activation::Tanh);
    VectorX<double> pd(md.numParams());
    md.initialize(pd.data(), std::sqrt(2.0), 1.0, rng);
    VectorX<float> pf = pd.cast<float>();
    const MatD x = randomMatrix(9, 5, rng);
    MlpT<double>::Workspace wd;
    MlpT<float>::Workspace wf;
    md.forward(pd.data(), x, wd);
    mf.forward(pf.data(), x.cast<float>(), wf);
    QVERIFY((wd.output() - wf.output().cast<double>()).cwiseAbs().maxCoeff() < 1e-4);
  }

  void gaussianLogProbAndEntropyValues() {
    DiagGaussianT<double> g(2);
    MatD mean(1, 2);
    mean << 0.0, 1.0;
    const double logStd[2] = {0.0, std::log(2.0)};
    const double action[2] = {1.0, 0.0};
    double lp;
    g.logProb(mean, logStd, action, &lp);
    // N(1 | 0, 1): -0.5 - 0.5 log 2pi ; N(0 | 1, 2): -0.5 * 0.25 - log 2 - 0.5 log 2pi.
    const double halfLog2Pi = 0.5 * std::log(2 * M_PI);
    QVERIFY(std::abs(lp - (-0.5 - halfLog2Pi - 0.125 - std::log(2.0) - halfLog2Pi)) < 1e-12);
    QVERIFY(std::abs(g.entropy(logStd) - (2 * (0.5 + halfLog2Pi) + std::log(2.0))) < 1e-12);
  }

  void gaussianGradientsMatchFiniteDifferences() {
    Rng rng(8);
    const int rows = 7, dims = 3;
    DiagGaussianT<double> g(dims);
    MatD mean = randomMatrix(rows, dims, rng);
    std::vector<double> logStd = {-0.5, 0.2, 0.7};
    std::vector<double> actions(rows * dims);
    for (auto& a : actions) a = rng.normal();
    std::vector<double> wLogProb(rows), wEntropy(rows);
    for (int i = 0; i < rows; ++i) {
      wLogProb[i] = rng.normal();
      wEntropy[i] = rng.normal();
    }
    auto loss = [&] {
      std::vector<double> lp(rows);
      g.logProb(mean, logStd.data(), actions.data(), lp.data());
      double l = 0;
      for (int i = 0; i < rows; ++i) l += wLogProb[i] * lp[i] + wEntropy[i] * g.entropy(logStd.data());
      return l;
    };
    MatD dMean;
    std::vector<double> dLogStd(dims, 0.0);
    g.backward(mean, logStd.data(), actions.data(), wLogProb.data(), wEntropy.data(), dMean, dLogStd.data());
    const auto numMean = finiteDifferences(mean.data(), rows * dims, loss);
    const auto numStd = finiteDifferences(logStd.data(), dims, loss);
    QVERIFY(compareGradients(dMean.data(), numMean, "gaussian mean") > 1e-2);
    QVERIFY(compareGradients(dLogStd.data(), numStd, "gaussian log std") > 1e-2);
  }

  void categoricalGradientsMatchFiniteDifferences() {
    Rng rng(9);
    const int rows = 6;
    CategoricalT<double> c({3, 2});
    MatD logits = randomMatrix(rows, 5, rng);
    std::vector<double> actions;
    for (int i = 0; i < rows; ++i) {
      actions.push_back(static_cast<double>(rng.below(3)));
      actions.push_back(static_cast<double>(rng.below(2)));
    }
    std::vector<double> wLogProb(rows), wEntropy(rows);
    for (int i = 0; i < rows; ++i) {
      wLogProb[i] = rng.normal();
      wEntropy[i] = rng.normal();
    }
    auto loss = [&] {
      std::vector<double> lp(rows), ent(rows);
      c.logProbEntropy(logits, actions.data(), lp.data(), ent.data());
      double l = 0;
      for (int i = 0; i < rows; ++i) l += wLogProb[i] * lp[i] + wEntropy[i] * ent[i];
      return l;
    };
    MatD dLogits;
    c.backward(logits, actions.data(), wLogProb.data(), wEntropy.data(), dLogits);
    const auto numeric = finiteDifferences(logits.data(), rows * 5, loss);
    QVERIFY(compareGradients(dLogits.data(), numeric, "categorical") > 1e-2);
    // Uniform logits: entropy log 3 + log 2, log-prob -log 6.
    MatD uniform = MatD::Zero(1, 5);
    const double a[2] = {2, 1};
    double lp, ent;
    c.logProbEntropy(uniform, a, &lp, &ent);
    QVERIFY(std::abs(ent - std::log(6.0)) < 1e-12);
    QVERIFY(std::abs(lp + std::log(6.0)) < 1e-12);
  }

  void categoricalSamplesFollowProbabilities() {
    CategoricalT<float> c({3});
    MatrixR<float> logits(1, 3);
    logits << 0.0f, std::log(2.0f), std::log(5.0f);  // probabilities 1/8, 2/8, 5/8
    Rng rng(4);
    int counts[3] = {0, 0, 0};
    const int n = 40000;
    for (int i = 0; i < n; ++i) {
      float a;
      c.sample(logits, rng, false, &a, nullptr);
      counts[static_cast<int>(a)]++;
    }
    QVERIFY(std::abs(counts[0] / double(n) - 0.125) < 0.01);
    QVERIFY(std::abs(counts[2] / double(n) - 0.625) < 0.01);
    float greedy;
    c.sample(logits, rng, true, &greedy, nullptr);
    QCOMPARE(greedy, 2.0f);
  }

  void ppoLossGradientGaussianClippedValue() { checkPpoLossGradient(Space::box(2, -1.0f, 1.0f), true); }
  void ppoLossGradientGaussianPlainValue() { checkPpoLossGradient(Space::box(2, -1.0f, 1.0f), false); }
  void ppoLossGradientMultiDiscrete() { checkPpoLossGradient(Space::multiDiscrete({3, 4}), true); }

  void orthogonalInitIsOrthogonal() {
    Rng rng(1);
    const double gain = std::sqrt(2.0);
    const Eigen::MatrixXd tall = orthogonalMatrix(64, 24, gain, rng);
    QVERIFY((tall.transpose() * tall - gain * gain * Eigen::MatrixXd::Identity(24, 24)).cwiseAbs().maxCoeff() < 1e-12);
    const Eigen::MatrixXd wide = orthogonalMatrix(4, 64, 0.01, rng);
    QVERIFY((wide * wide.transpose() - 1e-4 * Eigen::MatrixXd::Identity(4, 4)).cwiseAbs().maxCoeff() < 1e-15);
    // Same seed, same matrix; other seed, another.
    Rng a(77), b(77), c(78);
    QVERIFY(orthogonalMatrix(8, 8, 1.0, a) == orthogonalMatrix(8, 8, 1.0, b));
    QVERIFY(orthogonalMatrix(8, 8, 1.0, a) != orthogonalMatrix(8, 8, 1.0, c));

    // The actor-critic init: gains sqrt(2) hidden, 0.01 policy output, 1.0 value output, zero biases, log std.
    Rng r(2);
    ActorCritic model(24, Space::box(4, -1.0f, 1.0f), {64, 64}, Activation::Tanh);
    model.initialize(r, -0.5);
    const float* p = model.params().data();
    Eigen::Map<const MatrixR<float>> w0(p, 24, 64);  // torch (64 x 24) transposed: orthonormal rows here
    QVERIFY(((w0 * w0.transpose()).cast<double>() - 2.0 * Eigen::MatrixXd::Identity(24, 24)).cwiseAbs().maxCoeff() < 1e-5);
    for (int i = 0; i < 64; ++i) QCOMPARE(p[24 * 64 + i], 0.0f);
    const int outW = 24 * 64 + 64 + 64 * 64 + 64;
    Eigen::Map<const MatrixR<float>> wOut(p + outW, 64, 4);
    QVERIFY(((wOut.transpose() * wOut).cast<double>() - 1e-4 * Eigen::MatrixXd::Identity(4, 4)).cwiseAbs().maxCoeff() < 1e-9);
    for (int j = 0; j < 4; ++j) QCOMPARE(p[model.logStdOffset() + j], -0.5f);
    const int criticOut = model.criticOffset() + 24 * 64 + 64 + 64 * 64 + 64;
    Eigen::Map<const MatrixR<float>> vOut(p + criticOut, 64, 1);
    QVERIFY(std::abs(vOut.squaredNorm() - 1.0f) < 1e-5);
  }

  void adamStepMatchesHandComputed() {
    // Values from the Adam formulas worked out separately (lr 0.1, betas 0.9/0.999, eps 1e-5).
    Adam adam(2);
    float p[2] = {1.0f, -2.0f};
    const float g1[2] = {0.5f, -0.1f}, g2[2] = {0.5f, 0.2f};
    adam.step(p, g1, 0.1);
    QVERIFY(std::abs(p[0] - 0.9000019999600007) < 1e-6);
    QVERIFY(std::abs(p[1] - -1.9000099990000998) < 1e-6);
    adam.step(p, g2, 0.1);
    QVERIFY(std::abs(p[0] - 0.8000039999200022) < 1e-6);
    QVERIFY(std::abs(p[1] - -1.9366180367554744) < 1e-6);
    QCOMPARE(adam.steps(), int64_t(2));
  }

  void gradientClippingScalesToMaxNorm() {
    float g[2] = {3.0f, 4.0f};
    QCOMPARE(clipGradientNorm(g, 2, 1.0), 5.0);
    QVERIFY(std::abs(g[0] - 0.6f) < 1e-6f && std::abs(g[1] - 0.8f) < 1e-6f);
    float small[2] = {0.3f, 0.4f};
    clipGradientNorm(small, 2, 1.0);
    QCOMPARE(small[0], 0.3f);  // below the limit: untouched
  }

  void runningMeanStdMatchesWholeData() {
    Rng rng(6);
    RunningMeanStd rms(2);
    std::vector<float> all;
    for (int batch = 0; batch < 5; ++batch) {
      std::vector<float> x;
      for (int r = 0; r < 7 + batch; ++r) {
        x.push_back(static_cast<float>(3.0 + 2.0 * rng.normal()));
        x.push_back(static_cast<float>(-1.0 + 0.5 * rng.normal()));
      }
      rms.update(x.data(), static_cast<int>(x.size() / 2));
      all.insert(all.end(), x.begin(), x.end());
    }
    const int n = static_cast<int>(all.size() / 2);
    for (int j = 0; j < 2; ++j) {
      double mean = 0, var = 0;
      for (int i = 0; i < n; ++i) mean += all[2 * i + j];
      mean /= n;
      for (int i = 0; i < n; ++i) var += (all[2 * i + j] - mean) * (all[2 * i + j] - mean);
      var /= n;
      QVERIFY(std::abs(rms.mean()[j] - mean) < 1e-4);
      QVERIFY(std::abs(rms.var()[j] - var) < 1e-4);
    }
    QVERIFY(std::abs(rms.count() - (n + 1e-4)) < 1e-9);
  }

  void policyRoundTripIsBitExact() {
    PolicyArchitecture arch;
    arch.hiddenSizes = {16, 8};
    arch.initLogStd = -0.7;
    Policy policy(Space::box(5, -INFINITY, INFINITY), Space::box(2, -1.0f, 1.0f), arch, 99);
    Rng rng(1);
    std::vector<float> obs(20 * 5);
    for (auto& v : obs) v = static_cast<float>(rng.normal(2.0, 3.0));
    policy.observationStats().update(obs.data(), 20);
    const auto bytes = policy.serialize();
    const Policy back = Policy::deserialize(bytes);
    QVERIFY(back.serialize() == bytes);
    QVERIFY(back.model().params() == policy.model().params());
    QCOMPARE(back.observationStats().mean(), policy.observationStats().mean());
    std::vector<float> a1(40), a2(40);
    Rng r1(5), r2(5);
    policy.act(obs.data(), 20, false, r1, a1.data());
    back.act(obs.data(), 20, false, r2, a2.data());
    QVERIFY(a1 == a2);
    const Policy copied = policy.copy();
    QVERIFY(copied.serialize() == bytes);

    Policy discrete(Space::box(3, -1.0f, 1.0f), Space::multiDiscrete({4, 2}), PolicyArchitecture{}, 3);
    const auto dBytes = discrete.serialize();
    QVERIFY(Policy::deserialize(dBytes).serialize() == dBytes);
  }

  void policyRejectsCorruptBytes() {
    Policy policy(Space::box(3, -1.0f, 1.0f), Space::discrete(4), PolicyArchitecture{}, 1);
    const auto bytes = policy.serialize();
    auto expectError = [](std::vector<uint8_t> b, const char* fragment) {
      try {
        Policy::deserialize(b);
      } catch (const StoreError& e) {
        if (!QString(e.what()).contains(fragment)) qWarning("unexpected message: %s", e.what());
        return QString(e.what()).contains(fragment);
      }
      return false;
    };
    for (size_t at : {size_t(40), bytes.size() / 2, bytes.size() - 1}) {
      auto flipped = bytes;
      flipped[at] ^= 0x10;
      QVERIFY(expectError(flipped, "checksum"));
    }
    QVERIFY(expectError(std::vector<uint8_t>(bytes.begin(), bytes.end() - 3), "truncated"));
    QVERIFY(expectError(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 10), "not a Palaestra policy"));
    auto badMagic = bytes;
    badMagic[0] = 'X';
    QVERIFY(expectError(badMagic, "not a Palaestra policy"));
    auto badVersion = bytes;
    badVersion[8] = 7;
    QVERIFY(expectError(badVersion, "version 7"));
    QVERIFY(expectError({}, "not a Palaestra policy"));
  }

  void policyBoundsActions() {
    PolicyArchitecture arch;
    Policy clip(Space::box(1, -1.0f, 1.0f), Space::box(2, -0.5f, 0.5f), arch, 1);
    const float raw[4] = {2.0f, -0.25f, -3.0f, 0.5f};
    float env[4];
    clip.toEnvActions(raw, 2, env);
    QCOMPARE(env[0], 0.5f);
    QCOMPARE(env[1], -0.25f);
    QCOMPARE(env[2], -0.5f);
    arch.actionBounding = ActionBounding::Tanh;
    Policy squash(Space::box(1, -1.0f, 1.0f), Space::box(2, 0.0f, 4.0f), arch, 1);
    squash.toEnvActions(raw, 2, env);
    QVERIFY(std::abs(env[0] - 2.0f * (std::tanh(2.0f) + 1.0f)) < 1e-6f);
    QVERIFY(std::abs(env[3] - 2.0f * (std::tanh(0.5f) + 1.0f)) < 1e-6f);
    try {
      Policy bad(Space::box(1, -1.0f, 1.0f), Space::box(1, -INFINITY, INFINITY), arch, 1);
      QFAIL("tanh bounding with infinite bounds accepted");
    } catch (const ConfigError& e) {
      QVERIFY(QString(e.what()).contains("finite action bounds"));
    }
    // Deterministic acting is repeatable and uses no randomness.
    float obs[3] = {0.1f, -0.2f, 0.3f};
    float a1[6], a2[6];
    Rng r1(1), r2(2);
    clip.act(obs, 3, true, r1, a1);
    clip.act(obs, 3, true, r2, a2);
    QVERIFY(std::equal(a1, a1 + 6, a2));
  }

  void configDefaultsAreCleanRl() {
    const PpoConfig c = PpoConfig::fromJson(nlohmann::json::object());
    QCOMPARE(c.learning_rate, 3e-4);
    QCOMPARE(c.num_steps, 2048);
    QCOMPARE(c.num_minibatches, 32);
    QCOMPARE(c.update_epochs, 10);
    QCOMPARE(c.gamma, 0.99);
    QCOMPARE(c.gae_lambda, 0.95);
    QCOMPARE(c.clip_coef, 0.2);
    QCOMPARE(c.ent_coef, 0.0);
    QCOMPARE(c.vf_coef, 0.5);
    QCOMPARE(c.max_grad_norm, 0.5);
    QVERIFY(c.anneal_lr && c.norm_adv && c.clip_vloss);
    QVERIFY(!c.target_kl.has_value());
    QVERIFY(c.hidden_sizes == std::vector<int>({64, 64}));
    // Round trip through JSON.
    nlohmann::json j = c.toJson();
    j["target_kl"] = 0.015;
    j["activation"] = "relu";
    j["num_steps"] = 2048.0;  // a whole float is a whole number
    const PpoConfig d = PpoConfig::fromJson(j);
    QCOMPARE(*d.target_kl, 0.015);
    QVERIFY(d.activation == Activation::Relu);
    QCOMPARE(d.num_steps, 2048);
    QVERIFY(PpoConfig::fromJson(d.toJson()).toJson() == d.toJson());
    // The run's budget is its one limit: CleanRL's total_timesteps is not a second one.
    QVERIFY(!d.toJson().contains("total_timesteps"));
    j["total_timesteps"] = 2e6;
    try {
      PpoConfig::fromJson(j);
      QFAIL("ppo.total_timesteps was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith("ppo.total_timesteps") &&
                   QString(e.what()).contains("budget"),
               e.what());
    }
  }

  void configErrorsNameTheField() {
    auto messageOf = [](const nlohmann::json& j) -> QString {
      try {
        PpoConfig::fromJson(j);
      } catch (const ConfigError& e) {
        return QString(e.what());
      }
      return QString();
    };
    const QString wrongType = messageOf({{"learning_rate", "abc"}});
    QCOMPARE(wrongType, QString("ppo.learning_rate must be a number > 0, got \"abc\""));
    const QString negative = messageOf({{"learning_rate", -1}});
    QVERIFY(negative.startsWith("ppo.learning_rate must be a number > 0, got -1"));
    QVERIFY(messageOf({{"gamma", 1.5}}).startsWith("ppo.gamma must be a number in [0, 1], got 1.5"));
    QVERIFY(messageOf({{"num_steps", 2.5}}).startsWith("ppo.num_steps must be a whole number"));
    QVERIFY(messageOf({{"norm_adv", 1}}).startsWith("ppo.norm_adv must be true or false"));
    QVERIFY(messageOf({{"hidden_sizes", {64, 0}}}).startsWith("ppo.hidden_sizes must be"));
    QVERIFY(messageOf({{"activation", "sigmoid"}}).contains("ppo.activation must be \"tanh\" or \"relu\""));
    QVERIFY(messageOf({{"action_bounding", "squash"}}).contains("ppo.action_bounding"));
    QVERIFY(messageOf({{"target_kl", 0}}).startsWith("ppo.target_kl must be null or a number > 0"));
    QVERIFY(messageOf({{"lerning_rate", 0.1}}).startsWith("ppo.lerning_rate is not a known setting"));
    QVERIFY(messageOf({{"num_steps", 4}, {"num_minibatches", 8}}).startsWith("ppo.num_minibatches (8)"));
    QVERIFY(messageOf(nlohmann::json::array()).startsWith("ppo must be an object"));
    QVERIFY(messageOf({{"target_kl", nullptr}, {"num_envs", 4}}).isEmpty());
  }
};

QTEST_GUILESS_MAIN(TestNn)
#include "TestNn.moc"
