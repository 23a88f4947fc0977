#include "rl/PpoLoss.h"

#include <algorithm>
#include <cmath>

namespace palaestra {

void PpoLossSums::add(const PpoLossSums& o) {
  policyLoss += o.policyLoss;
  valueLoss += o.valueLoss;
  entropy += o.entropy;
  oldApproxKl += o.oldApproxKl;
  approxKl += o.approxKl;
  clipped += o.clipped;
}

double PpoLossSums::loss(const PpoLossSettings& s, int n) const {
  return (policyLoss - s.entCoef * entropy + s.vfCoef * valueLoss) / n;
}

namespace {

// Derivative weights of torch.max(a, b): the larger side takes the gradient, ties split it evenly.
template <typename S>
void maxWeights(S a, S b, S& wa, S& wb) {
  if (a > b) {
    wa = 1;
    wb = 0;
  } else if (b > a) {
    wa = 0;
    wb = 1;
  } else {
    wa = wb = S(0.5);
  }
}

}  // namespace

template <typename S>
PpoLossSums ppoLossAndGradient(const ActorCriticT<S>& model, const PpoLossSettings& settings,
                               const PpoSamples<S>& samples, int minibatchSize, PpoLossScratch<S>& scratch, S* grad) {
  const int n = samples.rows;
  PpoLossSums sums;
  if (n <= 0) return sums;
  auto& ws = scratch.ws;
  model.forward(Eigen::Map<const MatrixR<S>>(samples.obs, n, model.obsDim()), ws, true);
  model.evaluate(ws, samples.actions);
  scratch.dLogProb.resize(n);
  scratch.dEntropy.resize(n);
  scratch.dValue.resize(n);

  const S inv = S(1) / static_cast<S>(minibatchSize);
  const S clip = static_cast<S>(settings.clipCoef);
  const S lo = S(1) - clip, hi = S(1) + clip;
  for (int i = 0; i < n; ++i) {
    const S logRatio = ws.logProb[i] - samples.oldLogProb[i];
    const S ratio = std::exp(logRatio);
    const S adv = samples.advantages[i];
    sums.oldApproxKl += static_cast<double>(-logRatio);
    sums.approxKl += static_cast<double>((ratio - S(1)) - logRatio);
    if (std::abs(ratio - S(1)) > clip) sums.clipped += 1;

    // Policy: max(-A r, -A clamp(r, 1-c, 1+c)); clamp passes the gradient inside [lo, hi] inclusive.
    const S pg1 = -adv * ratio;
    const S pg2 = -adv * std::clamp(ratio, lo, hi);
    sums.policyLoss += static_cast<double>(std::max(pg1, pg2));
    S w1, w2;
    maxWeights(pg1, pg2, w1, w2);
    const S clampPass = (ratio >= lo && ratio <= hi) ? S(1) : S(0);
    const S dRatio = (-adv) * (w1 + w2 * clampPass) * inv;
    scratch.dLogProb[i] = dRatio * ratio;

    scratch.dEntropy[i] = -static_cast<S>(settings.entCoef) * inv;
    sums.entropy += static_cast<double>(ws.entropy[i]);

    // Value: 0.5 * max((v - R)^2, (V_old + clamp(v - V_old, -c, c) - R)^2), or 0.5 (v - R)^2.
    const S v = model.value(ws, i);
    const S ret = samples.returns[i];
    const S vf = static_cast<S>(settings.vfCoef);
    if (settings.clipValueLoss) {
      const S vOld = samples.oldValues[i];
      const S diff = v - vOld;
      const S vClipped = vOld + std::clamp(diff, -clip, clip);
      const S lu = (v - ret) * (v - ret), lc = (vClipped - ret) * (vClipped - ret);
      sums.valueLoss += static_cast<double>(S(0.5) * std::max(lu, lc));
      S wu, wc;
      maxWeights(lu, lc, wu, wc);
      const S pass = (diff >= -clip && diff <= clip) ? S(1) : S(0);
      scratch.dValue[i] = vf * S(0.5) * (wu * S(2) * (v - ret) + wc * S(2) * (vClipped - ret) * pass) * inv;
    } else {
      sums.valueLoss += static_cast<double>(S(0.5) * (v - ret) * (v - ret));
      scratch.dValue[i] = vf * (v - ret) * inv;
    }
  }
  model.backward(ws, samples.actions, scratch.dLogProb.data(), scratch.dEntropy.data(), scratch.dValue.data(), grad);
  return sums;
}

template <typename S>
void normalizeAdvantages(S* advantages, int n) {
  if (n <= 0) return;
  double mean = 0;
  for (int i = 0; i < n; ++i) mean += static_cast<double>(advantages[i]);
  mean /= n;
  double sq = 0;
  for (int i = 0; i < n; ++i) {
    const double d = static_cast<double>(advantages[i]) - mean;
    sq += d * d;
  }
  // torch.Tensor.std is the unbiased estimate; one sample has none, so treat its spread as 0.
  const double stdev = n > 1 ? std::sqrt(sq / (n - 1)) : 0.0;
  const double scale = 1.0 / (stdev + 1e-8);
  for (int i = 0; i < n; ++i) advantages[i] = static_cast<S>((static_cast<double>(advantages[i]) - mean) * scale);
}

template PpoLossSums ppoLossAndGradient<float>(const ActorCriticT<float>&, const PpoLossSettings&,
                                               const PpoSamples<float>&, int, PpoLossScratch<float>&, float*);
template PpoLossSums ppoLossAndGradient<double>(const ActorCriticT<double>&, const PpoLossSettings&,
                                                const PpoSamples<double>&, int, PpoLossScratch<double>&, double*);
template void normalizeAdvantages<float>(float*, int);
template void normalizeAdvantages<double>(double*, int);

}  // namespace palaestra
