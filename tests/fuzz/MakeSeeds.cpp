// Writes the generated part of the fuzz targets' seed corpus (tests/fuzz/seeds):
//   config/<env>-<preset>.json  every preset of every env, as a config file
//   policy/<env>-*.bin          real policies after one PPO iteration (walker: Gaussian head,
//                               fight: categorical), raw (first byte 0) and as a payload behind a
//                               header the target writes itself (first byte 1)
//   episode/<env>-*.bin         real episodes (random actions, up to 300 steps) in their stored
//                               form, in the episode target's layout, blobs compressed and raw,
//                               and with the action log as a plain zstd frame (-plain-zstd: how
//                               stores before the byte planes hold it); the walker-3 episode's
//                               actions are multiples of 1/32, as a quantised env receives them
// The character seeds are the built-in roster files themselves. Deterministic: running it again
// gives the same files.  Usage: fuzz_seeds OUTPUT_FOLDER
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <tuple>
#include <vector>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "env/VecEnv.h"
#include "rl/PpoTrainer.h"
#include "store/EpisodeCodec.h"
#include "util/Compression.h"
#include "train/TrainingSession.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

#include "FuzzSupport.h"

using namespace palaestra;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& file, const std::vector<uint8_t>& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  std::printf("wrote %s (%zu bytes)\n", file.c_str(), bytes.size());
}

// The fuzz target's input: a selector byte, then `bytes`. (Built by copying: GCC 12 misreports
// vector::insert of a small range as an overflow.)
std::vector<uint8_t> withSelector(uint8_t selector, std::span<const uint8_t> bytes) {
  std::vector<uint8_t> out(bytes.size() + 1);
  out[0] = selector;
  std::memcpy(out.data() + 1, bytes.data(), bytes.size());
  return out;
}

// A policy after one small PPO iteration on `env` (normaliser statistics and weights moved).
Policy trainedPolicy(const std::string& env, std::vector<int> hidden, ThreadPool& pool) {
  std::vector<EnvPtr> envs;
  envs.push_back(EnvRegistry::instance().get(env).create(nlohmann::json::object()));
  VecEnv vec(std::move(envs), pool, 11);
  PpoConfig ppo;
  ppo.num_envs = 1;
  ppo.num_steps = 64;
  ppo.num_minibatches = 2;
  ppo.update_epochs = 1;
  ppo.hidden_sizes = std::move(hidden);
  PpoTrainer trainer(vec, ppo, 11, pool);
  trainer.iterate();
  return trainer.policy();
}

// An episode of `env` with random actions (at most `maxSteps`), recorded as a training session
// records it: seed, task, every action, the hash after reset and after each step, returns, info.
EpisodeRecord randomEpisode(const std::string& env, const nlohmann::json& envConfig, uint64_t seed,
                            int maxSteps, float quantum = 0.0f) {
  EnvPtr e = EnvRegistry::instance().get(env).create(envConfig);
  const EnvSpec& spec = e->spec();
  EpisodeRecord r;
  r.seed = seed;
  r.task = spec.tasks.defaults();
  r.episodeIndex = 3;
  r.actionSize = spec.numAgents * spec.actionSpace.size();
  r.slotReturns.assign(spec.policySlots.size(), 0.0);
  e->reset(seed, r.task);
  r.hashes.push_back(e->stateHash());
  Rng rng(seed);
  std::vector<float> actions(static_cast<size_t>(r.actionSize)), rewards(spec.numAgents);
  StepStatus status;
  while (!status.terminated && !status.truncated && r.length < maxSteps) {
    for (size_t i = 0; i < actions.size(); ++i) {
      const int d = static_cast<int>(i) % spec.actionSpace.size();
      actions[i] =
          spec.actionSpace.kind == SpaceKind::Box
              ? static_cast<float>(rng.uniform(-1.0, 1.0))
              : static_cast<float>(rng.below(static_cast<uint64_t>(
                    spec.actionSpace.kind == SpaceKind::Discrete ? spec.actionSpace.counts[0]
                                                                 : spec.actionSpace.counts[d])));
    }
    if (quantum > 0.0f) {
      Space quantised = spec.actionSpace;
      quantised.quantum = quantum;
      quantised.quantize(actions);
    }
    status = e->step(actions.data(), rewards.data());
    for (float a : actions) r.actions.push_back(a);
    r.hashes.push_back(e->stateHash());
    for (int a = 0; a < spec.numAgents; ++a) r.slotReturns[spec.policySlotOfAgent[a]] += rewards[a];
    ++r.length;
  }
  r.terminated = status.terminated;
  r.truncated = status.truncated;
  r.info = e->episodeInfo();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUTPUT_FOLDER\n");
    return 2;
  }
  const fs::path out(argv[1]);
  registerBuiltinSimulations();
  for (const std::string& env : EnvRegistry::instance().names())
    for (const auto& [preset, _] : EnvRegistry::instance().get(env).presets) {
      const std::string text = presetConfig(env, preset).dump(2) + "\n";
      writeBytes(out / "config" / (env + "-" + preset + ".json"), {text.begin(), text.end()});
    }

  ThreadPool pool(1);
  for (const auto& [env, hidden] : std::vector<std::pair<std::string, std::vector<int>>>{
           {"walker", {16, 16}}, {"walker", {4}}, {"fight", {8}}}) {
    const std::vector<uint8_t> bytes = trainedPolicy(env, hidden, pool).serialize();
    std::string shape;
    for (int h : hidden) shape.append("-").append(std::to_string(h));
    writeBytes(out / "policy" / (env + shape + "-raw.bin"), withSelector(0, bytes));
    // The payload behind the 28-byte header (magic, version, size, checksum).
    writeBytes(out / "policy" / (env + shape + "-payload.bin"),
               withSelector(1, std::span<const uint8_t>(bytes).subspan(28)));
  }

  const std::vector<std::tuple<std::string, nlohmann::json, float>> episodes = {
      {"walker", nlohmann::json::object(), 0.0f},
      {"walker", {{"terrain", "stump_tracks"}}, 0.0f},
      {"fight", {{"mode", "two"}, {"control", "pad"}}, 0.0f},
      {"walker", nlohmann::json::object(), 1.0f / 32.0f}};
  for (size_t i = 0; i < episodes.size(); ++i) {
    const auto& [env, config, quantum] = episodes[i];
    const EpisodeRecord record = randomEpisode(env, config, 40 + i, 300, quantum);
    EncodedEpisode encoded = encodeEpisode(record, 3);
    const std::string name = env + "-" + std::to_string(i);
    writeBytes(out / "episode" / (name + "-stored.bin"),
               fuzzing::EpisodeInput::write(encoded, false));
    writeBytes(out / "episode" / (name + "-raw.bin"), fuzzing::EpisodeInput::write(encoded, true));
    encoded.actions = compressBytes(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(record.actions.data()),
                                 record.actions.size() * sizeof(float)),
        3);
    writeBytes(out / "episode" / (name + "-plain-zstd.bin"),
               fuzzing::EpisodeInput::write(encoded, false));
  }
  return 0;
}
