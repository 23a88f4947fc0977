#include "rl/PpoTrainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include "nn/GradientClipping.h"
#include "rl/Gae.h"
#include "util/Errors.h"
#include "util/SnapshotBytes.h"

namespace palaestra {

namespace {

// Rows per chunk of a batched rollout forward pass; fixed so that results do not depend on the thread count.
constexpr int kForwardChunkRows = 256;
// Minibatch rows per gradient shard (at least), and the most shards a minibatch is split into.
constexpr int kShardRows = 32;
constexpr int kMaxShards = 16;
constexpr double kRewardEpsilon = 1e-8;  // gym NormalizeReward's epsilon

uint64_t nextSeed(uint64_t& state) { return splitMix64(state); }

const Space& checkedObservationSpace(const VecEnv& envs, const PpoConfig& cfg) {
  cfg.validate();
  if (cfg.num_envs != envs.numEnvs())
    throw ConfigError("ppo.num_envs is " + std::to_string(cfg.num_envs) + " but the batch has " +
                      std::to_string(envs.numEnvs()) + " envs");
  return envs.spec().observationSpace;
}

uint64_t policySeed(uint64_t seed) {
  uint64_t s = seed;
  return nextSeed(s);
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

PpoTrainer::PpoTrainer(VecEnv& envs, const PpoConfig& cfg, uint64_t seed, ThreadPool& pool,
                       FrozenSlots frozen, std::shared_ptr<OpponentPool> opponents)
    : envs_(envs),
      cfg_(cfg),
      frozen_(std::move(frozen)),
      opponents_(std::move(opponents)),
      pool_(pool),
      policy_(checkedObservationSpace(envs, cfg), envs.spec().actionSpace, cfg.architecture(), policySeed(seed)),
      returnStats_(1) {
  uint64_t s = seed;
  nextSeed(s);  // the policy's init seed
  actionRng_.reseed(nextSeed(s));
  shuffleRng_.reseed(nextSeed(s));
  adam_ = Adam(policy_.model().numParams());

  rows_ = envs_.numRows();
  obsDim_ = envs_.obsDim();
  actDim_ = envs_.actDim();
  agents_ = envs_.agentsPerEnv();
  if (obsDim_ != policy_.obsDim() || actDim_ != policy_.actionDim())
    throw ConfigError("the env batch's observation or action width does not match its spec");

  for (int r = 0; r < rows_; ++r)
    if (!frozen_.isFrozenAgent(r % agents_) && !(opponents_ && opponents_->isOpponentAgent(r % agents_)))
      learnerRows_.push_back(r);
  if (learnerRows_.empty())
    throw ConfigError("every agent of " + envs_.spec().name + " is driven by a frozen slot: nothing to learn");
  for (int t = 0; t < cfg_.num_steps; ++t)
    for (int r : learnerRows_) learnerSamples_.push_back(t * rows_ + r);

  const size_t n = static_cast<size_t>(cfg_.num_steps) * rows_;
  obs_.assign(n * obsDim_, 0.0f);
  actions_.assign(n * actDim_, 0.0f);
  logProbs_.assign(n, 0.0f);
  values_.assign(n, 0.0f);
  rewards_.assign(n, 0.0f);
  dones_.assign(n, 0.0f);
  advantages_.assign(n, 0.0f);
  returns_.assign(n, 0.0f);
  nextObs_.assign(static_cast<size_t>(rows_) * obsDim_, 0.0f);
  nextDones_.assign(rows_, 0.0f);
  nextValues_.assign(rows_, 0.0f);
  envActions_.assign(static_cast<size_t>(rows_) * actDim_, 0.0f);
  discountedReturns_.assign(rows_, 0.0);
  forwardWorkspaces_.resize((rows_ + kForwardChunkRows - 1) / kForwardChunkRows);
  indices_.resize(learnerSamples_.size());
  shards_.resize(kMaxShards);
  for (auto& shard : shards_) shard.grad.assign(policy_.model().numParams(), 0.0f);
  grad_.assign(policy_.model().numParams(), 0.0f);

  envs_.resetAll();
  readObservations();
}

double PpoTrainer::currentLearningRate() const {
  if (!cfg_.anneal_lr) return cfg_.learning_rate;
  // CleanRL: frac = 1 - (iteration - 1) / num_iterations, iteration being 1-based; past the horizon the rate stays 0.
  const double spent = annealFraction_ ? *annealFraction_
                                       : static_cast<double>(iterationsDone_) /
                                             static_cast<double>(cfg_.numIterations());
  const double frac = 1.0 - spent;
  return std::max(0.0, frac) * cfg_.learning_rate;
}

template <typename T>
const T* PpoTrainer::learnerRowsOf(const T* values, int width, std::vector<T>& scratch) const {
  if (learnerRows_.size() == static_cast<size_t>(rows_)) return values;
  scratch.resize(learnerRows_.size() * static_cast<size_t>(width));
  for (size_t k = 0; k < learnerRows_.size(); ++k)
    std::copy_n(values + static_cast<size_t>(learnerRows_[k]) * width, width, scratch.data() + k * width);
  return scratch.data();
}

void PpoTrainer::readObservations(bool updateStatistics) {
  const float* raw = envs_.observations();
  // gym's NormalizeObservation updates its statistics with each observation before normalising it
  // (the learner's observations only: frozen agents keep their own normalisers).
  if (cfg_.normalize_obs && updateStatistics)
    policy_.observationStats().update(learnerRowsOf(raw, obsDim_, gatherScratch_),
                                      static_cast<int>(learnerRows_.size()));
  policy_.normalizeObservations(raw, rows_, nextObs_.data());
}

namespace {
constexpr uint32_t kStateMagic = 0x53505050;  // "PPPS": PPO trainer state
constexpr uint32_t kStateVersion = 1;

void putFloats(std::vector<uint8_t>& out, const std::vector<float>& values) {
  snapshotPutBytes(out, values.data(), values.size() * sizeof(float));
}
std::vector<float> takeFloats(SnapshotReader& in) {
  const auto bytes = in.takeBytes();
  if (bytes.size() % sizeof(float)) throw std::invalid_argument("PPO trainer state is malformed");
  std::vector<float> values(bytes.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}
}  // namespace

std::vector<uint8_t> PpoTrainer::saveState() const {
  std::vector<uint8_t> out;
  snapshotPut(out, kStateMagic);
  snapshotPut(out, kStateVersion);
  snapshotPut(out, static_cast<int64_t>(policy_.model().numParams()));
  snapshotPut(out, static_cast<int64_t>(rows_));
  snapshotPut(out, adam_.steps());
  putFloats(out, adam_.firstMoment());
  putFloats(out, adam_.secondMoment());
  snapshotPut(out, returnStats_.mean()[0]);
  snapshotPut(out, returnStats_.var()[0]);
  snapshotPut(out, returnStats_.count());
  snapshotPut(out, actionRng_.state());
  snapshotPut(out, shuffleRng_.state());
  snapshotPut(out, globalStep_);
  snapshotPut(out, iterationsDone_);
  snapshotPut(out, static_cast<uint8_t>(annealFraction_ ? 1 : 0));
  snapshotPut(out, annealFraction_.value_or(0.0));
  const std::vector<uint64_t> episodes = envs_.episodeIndices();
  snapshotPutBytes(out, episodes.data(), episodes.size() * sizeof(uint64_t));
  snapshotPut(out, envs_.totalSteps());
  return out;
}

void PpoTrainer::restoreState(const Policy& policy, std::span<const uint8_t> state) {
  SnapshotReader in(state, "PPO trainer state");
  if (in.take<uint32_t>() != kStateMagic) throw std::invalid_argument("not a PPO trainer state");
  if (const auto version = in.take<uint32_t>(); version != kStateVersion)
    throw std::invalid_argument("PPO trainer state version " + std::to_string(version) +
                                " is not supported (this build reads version " +
                                std::to_string(kStateVersion) + ")");
  const auto params = in.take<int64_t>();
  const auto rows = in.take<int64_t>();
  if (params != policy_.model().numParams() || rows != rows_)
    throw std::invalid_argument(
        "PPO trainer state is for " + std::to_string(params) + " parameters and " +
        std::to_string(rows) + " env rows, this trainer has " +
        std::to_string(policy_.model().numParams()) + " and " + std::to_string(rows_));
  if (policy.model().numParams() != policy_.model().numParams() ||
      policy.obsDim() != policy_.obsDim() || policy.actionDim() != policy_.actionDim() ||
      policy.architecture().hiddenSizes != policy_.architecture().hiddenSizes)
    throw std::invalid_argument("the checkpointed policy's shape differs from this trainer's");
  const auto adamSteps = in.take<int64_t>();
  std::vector<float> m = takeFloats(in), v = takeFloats(in);
  const double returnMean = in.take<double>(), returnVar = in.take<double>();
  const double returnCount = in.take<double>();
  const auto actionRng = in.take<Rng::State>(), shuffleRng = in.take<Rng::State>();
  const auto globalStep = in.take<uint64_t>();
  const auto iterations = in.take<int64_t>();
  const bool hasAnneal = in.take<uint8_t>() != 0;
  const double anneal = in.take<double>();
  const auto episodeBytes = in.takeBytes();
  const auto totalSteps = in.take<uint64_t>();
  if (!in.rest().empty()) throw std::invalid_argument("PPO trainer state has trailing bytes");
  if (episodeBytes.size() != static_cast<size_t>(envs_.numEnvs()) * sizeof(uint64_t))
    throw std::invalid_argument(
        "PPO trainer state holds episode counters for another number of envs");
  std::vector<uint64_t> episodes(static_cast<size_t>(envs_.numEnvs()));
  std::memcpy(episodes.data(), episodeBytes.data(), episodeBytes.size());

  adam_.setState(adamSteps, std::move(m), std::move(v));
  policy_ = policy.copy();
  returnStats_.setState({returnMean}, {returnVar}, returnCount);
  actionRng_.setState(actionRng);
  shuffleRng_.setState(shuffleRng);
  globalStep_ = globalStep;
  iterationsDone_ = iterations;
  annealFraction_ = hasAnneal ? std::optional<double>(anneal) : std::nullopt;
  // The envs' episodes in progress were not saved: they start again, with fresh reward returns.
  std::fill(discountedReturns_.begin(), discountedReturns_.end(), 0.0);
  std::fill(nextDones_.begin(), nextDones_.end(), 0.0f);
  envs_.restartEpisodes(episodes, totalSteps);
  // The checkpointed statistics already saw these envs' observations up to the checkpoint; the
  // restarted episodes' first ones are read without counting them twice.
  readObservations(false);
}

void PpoTrainer::forwardBatch(const float* obs, bool sampleActions, float* rawActions, float* logProbs,
                              float* values) {
  const ActorCritic& model = policy_.model();
  const int chunks = static_cast<int>(forwardWorkspaces_.size());
  pool_.parallelFor(chunks, [&](int begin, int end) {
    for (int c = begin; c < end; ++c) {
      const int r0 = c * kForwardChunkRows, nr = std::min(kForwardChunkRows, rows_ - r0);
      auto& ws = forwardWorkspaces_[c];
      Eigen::Map<const MatrixR<float>> x(obs + static_cast<size_t>(r0) * obsDim_, nr, obsDim_);
      if (sampleActions)
        model.forward(x, ws, true);
      else
        model.critic().forward(model.params().data() + model.criticOffset(), x, ws.critic);
      for (int i = 0; i < nr; ++i) values[r0 + i] = ws.critic.output()(i, 0);
    }
  });
  if (!sampleActions) return;
  // Sampling draws from one stream in row order, so it stays serial.
  for (int c = 0; c < chunks; ++c) {
    const int r0 = c * kForwardChunkRows;
    model.sample(forwardWorkspaces_[c], actionRng_, false, rawActions + static_cast<size_t>(r0) * actDim_,
                 logProbs + r0);
  }
}

bool PpoTrainer::collectRollout(const std::function<bool()>& shouldStop) {
  const auto& terminated = envs_.terminated();
  const auto& truncated = envs_.truncated();
  const float returnGamma = static_cast<float>(cfg_.gamma);
  for (int t = 0; t < cfg_.num_steps; ++t) {
    if (shouldStop && shouldStop()) return false;
    const size_t base = static_cast<size_t>(t) * rows_;
    std::copy(nextObs_.begin(), nextObs_.end(), obs_.begin() + base * obsDim_);
    std::copy(nextDones_.begin(), nextDones_.end(), dones_.begin() + base);
    float* raw = actions_.data() + base * actDim_;
    forwardBatch(nextObs_.data(), true, raw, logProbs_.data() + base, values_.data() + base);
    policy_.toEnvActions(raw, rows_, envActions_.data());
    frozen_.act(envs_.observations(), envs_.numEnvs(), envActions_.data());
    if (opponents_) opponents_->act(envs_.observations(), envs_.numEnvs(), envActions_.data());

    envs_.step(envActions_.data());
    globalStep_ += static_cast<uint64_t>(envs_.numEnvs());

    const float* reward = envs_.rewards();
    float* stored = rewards_.data() + base;
    if (cfg_.normalize_reward) {
      // gym NormalizeReward: a discounted return per stream (reset only by termination) feeds the variance.
      for (int r = 0; r < rows_; ++r) {
        const double keep = terminated[r / agents_] ? 0.0 : static_cast<double>(returnGamma);
        discountedReturns_[r] = discountedReturns_[r] * keep + static_cast<double>(reward[r]);
      }
      returnStats_.update(learnerRowsOf(discountedReturns_.data(), 1, learnerReturns_),
                          static_cast<int>(learnerRows_.size()));
      const double scale = 1.0 / std::sqrt(returnStats_.var()[0] + kRewardEpsilon);
      const double clip = cfg_.reward_clip;
      for (int r = 0; r < rows_; ++r)
        stored[r] = static_cast<float>(std::clamp(static_cast<double>(reward[r]) * scale, -clip, clip));
    } else {
      std::copy(reward, reward + rows_, stored);
    }
    for (int r = 0; r < rows_; ++r) {
      const int e = r / agents_;
      nextDones_[r] = (terminated[e] || truncated[e]) ? 1.0f : 0.0f;
    }
    readObservations();
  }
  return true;
}

PpoIterationStats PpoTrainer::iterate(const std::function<bool()>& shouldStop) {
  PpoIterationStats stats;
  stats.iteration = iterationsDone_ + 1;
  const double learningRate = currentLearningRate();

  const auto rolloutStart = std::chrono::steady_clock::now();
  const bool complete = collectRollout(shouldStop);
  const double rolloutSeconds = secondsSince(rolloutStart);
  stats.globalStep = globalStep_;
  if (!complete) {
    stats.interrupted = true;
    stats.values.emplace_back("rollout_seconds", rolloutSeconds);
    return stats;
  }

  const auto updateStart = std::chrono::steady_clock::now();
  forwardBatch(nextObs_.data(), false, nullptr, nullptr, nextValues_.data());
  computeGae(cfg_.num_steps, rows_, rewards_.data(), values_.data(), dones_.data(), nextValues_.data(),
             nextDones_.data(), cfg_.gamma, cfg_.gae_lambda, advantages_.data(), returns_.data());
  update(stats, learningRate);
  const double updateSeconds = secondsSince(updateStart);
  ++iterationsDone_;

  const double samplesThroughNet = stats.value("epochs") * static_cast<double>(indices_.size());
  stats.values.emplace_back("rollout_seconds", rolloutSeconds);
  stats.values.emplace_back("update_seconds", updateSeconds);
  stats.values.emplace_back("update_samples_per_second", updateSeconds > 0 ? samplesThroughNet / updateSeconds : 0);
  stats.values.emplace_back("steps_per_second",
                            static_cast<double>(cfg_.num_steps) * envs_.numEnvs() / (rolloutSeconds + updateSeconds));
  return stats;
}

void PpoTrainer::update(PpoIterationStats& stats, double learningRate) {
  ActorCritic& model = policy_.model();
  const int batch = static_cast<int>(indices_.size());
  const int numParams = model.numParams();
  // The learner's samples only (all of them without frozen slots).
  std::copy(learnerSamples_.begin(), learnerSamples_.end(), indices_.begin());
  PpoLossSettings settings;
  settings.clipCoef = cfg_.clip_coef;
  settings.clipValueLoss = cfg_.clip_vloss;
  settings.entCoef = cfg_.ent_coef;
  settings.vfCoef = cfg_.vf_coef;

  // Exactly num_minibatches minibatches; sizes differ by at most one when the batch does not divide evenly.
  const int numMinibatches = std::min(cfg_.num_minibatches, batch);
  const int mbBase = batch / numMinibatches, mbExtra = batch % numMinibatches;

  double policyLoss = 0, valueLoss = 0, entropy = 0, oldKl = 0, kl = 0, clipFrac = 0, gradNorm = 0;
  int minibatchesRun = 0, epochsRun = 0;
  for (int epoch = 0; epoch < cfg_.update_epochs; ++epoch) {
    for (int i = batch - 1; i > 0; --i)
      std::swap(indices_[i], indices_[static_cast<int>(shuffleRng_.below(static_cast<uint64_t>(i) + 1))]);
    double lastApproxKl = 0;
    for (int mb = 0; mb < numMinibatches; ++mb) {
      const int start = mb * mbBase + std::min(mb, mbExtra);
      const int size = mbBase + (mb < mbExtra ? 1 : 0);
      const int* idx = indices_.data() + start;
      minibatchAdvantages_.resize(size);
      for (int k = 0; k < size; ++k) minibatchAdvantages_[k] = advantages_[idx[k]];
      if (cfg_.norm_adv) normalizeAdvantages(minibatchAdvantages_.data(), size);

      const int numShards = std::clamp(size / kShardRows, 1, kMaxShards);
      pool_.parallelFor(numShards, [&](int begin, int end) {
        for (int s = begin; s < end; ++s) {
          Shard& shard = shards_[s];
          const int r0 = static_cast<int>(static_cast<int64_t>(size) * s / numShards);
          const int r1 = static_cast<int>(static_cast<int64_t>(size) * (s + 1) / numShards);
          const int n = r1 - r0;
          shard.obs.resize(static_cast<size_t>(n) * obsDim_);
          shard.actions.resize(static_cast<size_t>(n) * actDim_);
          shard.oldLogProb.resize(n);
          shard.advantages.resize(n);
          shard.returns.resize(n);
          shard.oldValues.resize(n);
          for (int k = 0; k < n; ++k) {
            const size_t j = static_cast<size_t>(idx[r0 + k]);
            std::copy_n(obs_.data() + j * obsDim_, obsDim_, shard.obs.data() + static_cast<size_t>(k) * obsDim_);
            std::copy_n(actions_.data() + j * actDim_, actDim_,
                        shard.actions.data() + static_cast<size_t>(k) * actDim_);
            shard.oldLogProb[k] = logProbs_[j];
            shard.advantages[k] = minibatchAdvantages_[r0 + k];
            shard.returns[k] = returns_[j];
            shard.oldValues[k] = values_[j];
          }
          PpoSamples<float> samples{shard.obs.data(),        shard.actions.data(), shard.oldLogProb.data(),
                                    shard.advantages.data(), shard.returns.data(), shard.oldValues.data(), n};
          std::fill(shard.grad.begin(), shard.grad.end(), 0.0f);
          shard.sums = ppoLossAndGradient(model, settings, samples, size, shard.scratch, shard.grad.data());
        }
      });
      // Fixed summation order keeps the update bit-identical whatever thread ran which shard.
      PpoLossSums sums = shards_[0].sums;
      std::copy(shards_[0].grad.begin(), shards_[0].grad.end(), grad_.begin());
      for (int s = 1; s < numShards; ++s) {
        sums.add(shards_[s].sums);
        const float* g = shards_[s].grad.data();
        for (int p = 0; p < numParams; ++p) grad_[p] += g[p];
      }
      gradNorm += clipGradientNorm(grad_.data(), numParams, cfg_.max_grad_norm);
      adam_.step(model.params().data(), grad_.data(), learningRate);

      policyLoss += sums.policyLoss / size;
      valueLoss += sums.valueLoss / size;
      entropy += sums.entropy / size;
      oldKl += sums.oldApproxKl / size;
      lastApproxKl = sums.approxKl / size;
      kl += lastApproxKl;
      clipFrac += sums.clipped / size;
      ++minibatchesRun;
    }
    ++epochsRun;
    // CleanRL checks the last minibatch's approx_kl after each epoch.
    if (cfg_.target_kl && lastApproxKl > *cfg_.target_kl) break;
  }

  // Explained variance of the rollout's value estimates w.r.t. the returns (np.var, population).
  double meanY = 0, meanD = 0;
  for (int i : learnerSamples_) {
    meanY += returns_[i];
    meanD += static_cast<double>(returns_[i]) - values_[i];
  }
  meanY /= batch;
  meanD /= batch;
  double varY = 0, varD = 0;
  for (int i : learnerSamples_) {
    const double y = returns_[i] - meanY, d = static_cast<double>(returns_[i]) - values_[i] - meanD;
    varY += y * y;
    varD += d * d;
  }
  const double explainedVariance = varY == 0 ? std::nan("") : 1.0 - varD / varY;

  const double m = minibatchesRun;
  stats.values.emplace_back("policy_loss", policyLoss / m);
  stats.values.emplace_back("value_loss", valueLoss / m);
  stats.values.emplace_back("entropy", entropy / m);
  stats.values.emplace_back("old_approx_kl", oldKl / m);
  stats.values.emplace_back("approx_kl", kl / m);
  stats.values.emplace_back("clipfrac", clipFrac / m);
  stats.values.emplace_back("explained_variance", explainedVariance);
  stats.values.emplace_back("learning_rate", learningRate);
  stats.values.emplace_back("grad_norm", gradNorm / m);
  stats.values.emplace_back("epochs", epochsRun);
  if (model.head() == HeadKind::Gaussian) {
    double stdSum = 0;
    for (int j = 0; j < actDim_; ++j) stdSum += std::exp(static_cast<double>(model.params()[model.logStdOffset() + j]));
    stats.values.emplace_back("action_std", stdSum / actDim_);
  }
  if (cfg_.normalize_reward) stats.values.emplace_back("return_std", std::sqrt(returnStats_.var()[0]));
}

}  // namespace palaestra
