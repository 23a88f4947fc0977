// Writes the generated part of the fuzz targets' seed corpus (tests/fuzz/seeds):
//   config/<env>-<preset>.json  every preset of every env, as a config file
//   policy/<env>-*.bin          real policies after one PPO iteration (walker: Gaussian head,
//                               fight: categorical), raw (first byte 0) and as a payload behind a
//                               header the target writes itself (first byte 1)
// The character seeds are the built-in roster files themselves. Deterministic: running it again
// gives the same files.  Usage: fuzz_seeds OUTPUT_FOLDER
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "env/VecEnv.h"
#include "rl/PpoTrainer.h"
#include "train/TrainingSession.h"
#include "util/ThreadPool.h"

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
  return 0;
}
