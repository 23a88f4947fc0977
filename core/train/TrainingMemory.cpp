#include "train/TrainingMemory.h"

#include <algorithm>
#include <numeric>

#include "util/Errors.h"
#include "util/Files.h"
#include "util/SystemMemory.h"

namespace palaestra {

namespace {

constexpr double kFloat = sizeof(float);

// Weights of an MLP inputs -> hidden... -> outputs (weights and biases).
double mlpParams(int inputs, const std::vector<int>& hidden, int outputs) {
  double params = 0;
  int width = inputs;
  for (int h : hidden) {
    params += static_cast<double>(width) * h + h;
    width = h;
  }
  return params + static_cast<double>(width) * outputs + outputs;
}

// Floats of one row's activations through an MLP (input, each layer, and the backward scratch).
double mlpRowFloats(int inputs, const std::vector<int>& hidden, int outputs) {
  const double layers = std::accumulate(hidden.begin(), hidden.end(), 0.0) + inputs + outputs;
  const int widest = std::max(
      {inputs, outputs, hidden.empty() ? 0 : *std::max_element(hidden.begin(), hidden.end())});
  return layers + 2.0 * widest;
}

}  // namespace

TrainingMemoryEstimate estimateTrainingMemory(const TrainConfig& config, const EnvSpec& spec) {
  const PpoConfig& ppo = config.ppo;
  const double envs = ppo.num_envs;
  const double rows = envs * spec.numAgents;  // one row per agent
  const double obs = spec.observationSpace.size();
  const double act = spec.actionSpace.size();
  const double headOutputs =
      spec.actionSpace.kind == SpaceKind::Box
          ? act
          : std::accumulate(spec.actionSpace.counts.begin(), spec.actionSpace.counts.end(), 0.0);
  // One recorded step: every agent's actions and one state hash.
  const double recordedStep = spec.numAgents * act * kFloat + sizeof(uint64_t);
  const double maxEpisode = std::max(spec.maxEpisodeSteps, 1);

  TrainingMemoryEstimate e;
  e.envBytes = envs * spec.memoryBytes;

  // PpoTrainer: per stored step and row: obs, actions, log-prob, value, reward, done, advantage,
  // return (floats) and a shuffle index; the next-step rows; forward workspaces over all rows.
  const double stepsRows = static_cast<double>(ppo.num_steps) * rows;
  const std::vector<int>& hidden = ppo.hidden_sizes;
  const double rowActivations =
      mlpRowFloats(static_cast<int>(obs), hidden, static_cast<int>(headOutputs)) +
      mlpRowFloats(static_cast<int>(obs), hidden, 1);
  e.rolloutBytes = stepsRows * ((obs + act + 6) * kFloat + sizeof(int)) +
                   rows * (obs * 2 + act + 4) * kFloat + rows * rowActivations * kFloat;
  // An update copies one minibatch into the shards, with the activations of its rows.
  const double minibatchRows = stepsRows / std::max(ppo.num_minibatches, 1);
  e.updateBytes = minibatchRows * (obs + act + 6 + rowActivations) * kFloat;

  // Actor and critic weights; the trainer holds them, a gradient, Adam's two moments and a
  // gradient per shard (16), and a few policy copies exist (viewer, evaluation, checkpoint).
  const double params = mlpParams(static_cast<int>(obs), hidden, static_cast<int>(headOutputs)) +
                        mlpParams(static_cast<int>(obs), hidden, 1) + headOutputs;
  e.networkBytes = params * kFloat * (1 + 1 + 2 + 16 + 4);

  // Each env's episode being recorded (up to the step limit), the episodes finished during one
  // rollout (every step of it recorded, at most) and the records of the largest evaluation.
  const int evalEpisodes = std::max(config.eval.episodes, config.eval.finalEpisodes);
  e.recordingBytes = envs * maxEpisode * recordedStep + envs * ppo.num_steps * recordedStep +
                     evalEpisodes * maxEpisode * recordedStep;
  return e;
}

void checkTrainingMemory(const TrainConfig& config, const EnvSpec& spec) {
  const TrainingMemoryEstimate e = estimateTrainingMemory(config, spec);
  const MemoryLimit limit = currentMemoryLimit();
  if (e.total() <= limit.bytes) return;
  // Lead with the setting that costs most, so the message (and the app's form) points at it.
  const PpoConfig& ppo = config.ppo;
  const std::string culprit = e.networkBytes > e.total() / 2
                                  ? "ppo.hidden_sizes " + nlohmann::json(ppo.hidden_sizes).dump()
                                  : "ppo.num_envs " + std::to_string(ppo.num_envs) +
                                        " (x num_steps " + std::to_string(ppo.num_steps) + ")";
  throw ConfigError(culprit + " needs about " + formatBytes(e.total()) + " (envs " +
                    formatBytes(e.envBytes) + ", rollout buffers " +
                    formatBytes(e.rolloutBytes + e.updateBytes) + ", network " +
                    formatBytes(e.networkBytes) + ", episode records " +
                    formatBytes(e.recordingBytes) + "); " + limit.source);
}

}  // namespace palaestra
