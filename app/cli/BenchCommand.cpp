// palaestra-cli bench: one path for every env: env stepping speed (1 thread,
// all threads), the raw engine cost of the same steps (envs implementing
// PhysicsOnlyStepping), PPO training speed, the cost of storing a run, and the
// simulation's own engine benchmark where it registers one (EnvInfo::engineBench).
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "CliSupport.h"
#include "Commands.h"
#include "Simulations.h"
#include "env/PhysicsOnlyStepping.h"
#include "replay/ReplayTimeline.h"
#include "swarm/SwarmPhaseCurves.h"
#include "train/StoredRunConfig.h"
#include "train/TrainingSession.h"
#include "util/CpuTime.h"
#include "util/Errors.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

namespace palaestra::cli {

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Random actions inside the action space (all agents of one step).
void randomActions(const EnvSpec& spec, Rng& rng, std::vector<float>& out) {
  const Space& a = spec.actionSpace;
  const int dim = a.size();
  out.resize(static_cast<size_t>(spec.numAgents) * dim);
  for (int k = 0; k < spec.numAgents; ++k)
    for (int d = 0; d < dim; ++d) {
      float& v = out[static_cast<size_t>(k) * dim + d];
      if (a.kind == SpaceKind::Box) {
        const float lo = std::max(a.low[d], -1.0f), hi = std::min(a.high[d], 1.0f);
        v = static_cast<float>(rng.uniform(lo, hi));
      } else {
        const int n = a.kind == SpaceKind::Discrete ? a.counts[0] : a.counts[d];
        v = static_cast<float>(rng.below(static_cast<uint64_t>(n)));
      }
    }
  a.quantize(out);
}

/// Env steps per second of one env stepped with random actions for `seconds`.
double envStepsPerSecond(const EnvInfo& info, const nlohmann::json& envConfig, double seconds,
                         uint64_t seed) {
  EnvPtr env = info.create(envConfig);
  const EnvSpec& spec = env->spec();
  Rng rng(seed);
  std::vector<float> actions,
      obs(static_cast<size_t>(spec.numAgents) * spec.observationSpace.size()),
      rewards(spec.numAgents);
  uint64_t steps = 0, episode = 0;
  env->reset(deriveSeed(seed, 0, episode), spec.tasks.defaults());
  const auto start = Clock::now();
  while (true) {
    for (int i = 0; i < 256; ++i) {
      randomActions(spec, rng, actions);
      const StepStatus s = env->step(actions.data(), rewards.data());
      env->observe(obs.data());
      ++steps;
      if (s.terminated || s.truncated)
        env->reset(deriveSeed(seed, 0, ++episode), spec.tasks.defaults());
    }
    if (secondsSince(start) >= seconds) break;
  }
  return steps / secondsSince(start);
}

struct PhysicsComparison {
  double envStepsPerSecond = 0, rawStepsPerSecond = 0, ratio = 0;
};

/// The same episodes (seeds and actions) stepped by the full env and by the bare physics.
/// Each episode runs three times per mode, alternating, and its fastest run counts, so
/// a burst of machine noise hits neither mode alone.
PhysicsComparison comparePhysics(const EnvInfo& info, const nlohmann::json& envConfig,
                                 double seconds, uint64_t seed) {
  EnvPtr env = info.create(envConfig);
  auto* raw = dynamic_cast<PhysicsOnlyStepping*>(env.get());
  PhysicsComparison out;
  if (!raw) return out;
  const EnvSpec& spec = env->spec();
  Rng rng(seed);
  std::vector<float> actions, rewards(spec.numAgents),
      obs(static_cast<size_t>(spec.numAgents) * spec.observationSpace.size());
  std::vector<float> log;
  double envTime = 0, rawTime = 0;
  uint64_t steps = 0;
  const auto start = Clock::now();
  for (uint64_t episode = 0; secondsSince(start) < seconds; ++episode) {
    const uint64_t episodeSeed = deriveSeed(seed, 1, episode);
    // Record the episode's actions and length with the full env first.
    log.clear();
    env->reset(episodeSeed, spec.tasks.defaults());
    int length = 0;
    for (StepStatus s; !s.terminated && !s.truncated; ++length) {
      randomActions(spec, rng, actions);
      log.insert(log.end(), actions.begin(), actions.end());
      s = env->step(actions.data(), rewards.data());
    }
    const size_t width = actions.size();
    double bestEnv = 1e30, bestRaw = 1e30;
    for (int repeat = 0; repeat < 3; ++repeat) {
      env->reset(episodeSeed, spec.tasks.defaults());
      double t0 = threadCpuSeconds();
      for (int t = 0; t < length; ++t) {
        env->step(log.data() + t * width, rewards.data());
        env->observe(obs.data());
      }
      bestEnv = std::min(bestEnv, threadCpuSeconds() - t0);
      env->reset(episodeSeed, spec.tasks.defaults());
      t0 = threadCpuSeconds();
      for (int t = 0; t < length; ++t) raw->stepPhysicsOnly(log.data() + t * width);
      bestRaw = std::min(bestRaw, threadCpuSeconds() - t0);
    }
    envTime += bestEnv;
    rawTime += bestRaw;
    steps += length;
  }
  out.envStepsPerSecond = steps / envTime;
  out.rawStepsPerSecond = steps / rawTime;
  out.ratio = envTime / rawTime;
  return out;
}

/// Steps per second of a training session of `seconds` (with or without a store).
double trainStepsPerSecond(const std::string& envName, double seconds, int threads,
                           RunStore* store, const std::string& preset = "",
                           const nlohmann::json& overrides = nlohmann::json::object(),
                           int64_t* checkpointId = nullptr) {
  nlohmann::json config = mergeConfig(presetConfig(envName, preset), overrides);
  config["budget"] = {{"minutes", seconds / 60.0}};
  config["threads"] = threads;
  config["eval"] = {{"every_steps", 1'000'000'000}, {"episodes", 1}, {"final_episodes", 1}};
  TrainingSession session(TrainConfig::fromJson(config), store, "bench");
  std::atomic<bool> stop{false};
  const TrainingResult result = session.run(stop);
  if (checkpointId) *checkpointId = result.finalCheckpointId;
  return result.trainStepsPerSecond;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

/// Replay scrubbing: build the timeline of a stored episode once, then seek random frames.
int benchReplaySeek(const CommonOptions& common, const BenchOptions& options) {
  auto store = openExistingStore(common);
  const StoredEpisode stored = store->loadEpisode(*options.seekEpisodeId);
  const StoredRunConfig config = readStoredRunConfig(store->getRun(stored.runId));
  if (config.env != options.env)
    throw ConfigError("episode " + std::to_string(stored.id) + " is a " + config.env +
                      " episode, not " + options.env);
  EnvPtr env = EnvRegistry::instance().get(config.env).create(config.envConfig);
  const auto start = Clock::now();
  ReplayTimeline timeline(*env, stored.record);
  while (!timeline.buildSome(256)) {
  }
  const double buildMs = 1000.0 * secondsSince(start);
  const SeekTimings seeks = measureSeeks(timeline, 1000, 1);
  std::printf("episode %lld: %d frames, built in %.1f ms (%.0f bytes per frame), %s\n",
              static_cast<long long>(stored.id), timeline.frameCount(), buildMs,
              timeline.bytesPerFrame(), timeline.check().message.c_str());
  std::printf("seek to a random frame (%d seeks): median %.4f ms, p95 %.4f ms, max %.4f ms\n",
              seeks.seeks, seeks.medianMs, seeks.p95Ms, seeks.maxMs);
  if (common.json)
    printJsonLine({{"episode_id", stored.id},
                   {"frames", timeline.frameCount()},
                   {"replay_build_ms", buildMs},
                   {"bytes_per_frame", timeline.bytesPerFrame()},
                   {"replay_matches", timeline.check().ok},
                   {"seek_median_ms", seeks.medianMs},
                   {"seek_p95_ms", seeks.p95Ms},
                   {"seek_max_ms", seeks.maxMs}});
  return 0;
}

/// The swarm's order-disorder curves (classic rules), as a table and one JSON line.
int benchSwarmPhaseCurves(const CommonOptions& common) {
  const swarm::VicsekCurveSettings vicsek;
  const swarm::KuramotoCurveSettings kuramoto;
  std::cerr << "bench swarm --phase-curve: Vicsek, " << vicsek.noises.size() << " noise values...\n";
  const auto phi = swarm::vicsekPhaseCurve(vicsek);
  std::cerr << "bench swarm --phase-curve: Kuramoto, " << kuramoto.couplings.size()
            << " couplings...\n";
  const auto r = swarm::kuramotoPhaseCurve(kuramoto);
  std::printf("Vicsek (classic rule, N = %d, density %g, r %g, v0 %g; mean over %d steps after %d, "
              "%d seeds)\n",
              vicsek.agents, vicsek.density, vicsek.radius, vicsek.speed, vicsek.measuredSteps,
              vicsek.transientSteps, vicsek.seeds);
  std::printf("  eta     phi     +-\n");
  for (const auto& p : phi) std::printf("  %-6.2f  %.3f   %.3f\n", p.control, p.order, p.spread);
  std::printf("Kuramoto (all-to-all, N = %d, Lorentzian gamma %g, K_c = %g, dt %g; mean over t = "
              "%g..%g)\n",
              kuramoto.agents, kuramoto.frequencyWidth, 2 * kuramoto.frequencyWidth, kuramoto.dt,
              kuramoto.transientTime, kuramoto.transientTime + kuramoto.measuredTime);
  std::printf("  K       r       sqrt(1-K_c/K)\n");
  for (const auto& p : r) std::printf("  %-6.2f  %.3f   %.3f\n", p.control, p.order, p.theory);
  if (common.json) {
    nlohmann::json j;
    for (const auto& p : phi) j["vicsek"].push_back({{"eta", p.control}, {"phi", p.order}, {"spread", p.spread}});
    for (const auto& p : r)
      j["kuramoto"].push_back({{"K", p.control}, {"r", p.order}, {"theory", p.theory}});
    j["vicsek_setting"] = {{"agents", vicsek.agents}, {"density", vicsek.density},
                           {"radius", vicsek.radius}, {"speed", vicsek.speed},
                           {"transient_steps", vicsek.transientSteps},
                           {"measured_steps", vicsek.measuredSteps}, {"seeds", vicsek.seeds}};
    j["kuramoto_setting"] = {{"agents", kuramoto.agents}, {"gamma", kuramoto.frequencyWidth},
                             {"K_c", 2 * kuramoto.frequencyWidth}, {"dt", kuramoto.dt},
                             {"transient_time", kuramoto.transientTime},
                             {"measured_time", kuramoto.measuredTime}};
    printJsonLine(j);
  }
  return 0;
}

int bench(const CommonOptions& common, const BenchOptions& options) {
  registerBuiltinSimulations();
  if (options.seekEpisodeId) return benchReplaySeek(common, options);
  if (options.phaseCurve) {
    if (options.env != "swarm")
      throw ConfigError("--phase-curve is for the swarm (bench swarm --phase-curve), not " +
                        options.env);
    return benchSwarmPhaseCurves(common);
  }
  const EnvInfo& info = EnvRegistry::instance().get(options.env);
  const nlohmann::json envConfig =
      presetConfig(options.env, "").value("env_config", nlohmann::json::object());
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const double s = options.seconds;
  nlohmann::json j;

  std::cerr << "bench " << options.env << ": env stepping on 1 thread...\n";
  const double oneThread = envStepsPerSecond(info, envConfig, s, 1);
  j["env_steps_per_s_1t"] = oneThread;

  std::cerr << "bench " << options.env << ": env stepping on " << threads << " threads...\n";
  std::vector<double> perThread(threads);
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back(
          [&, t] { perThread[t] = envStepsPerSecond(info, envConfig, s, 100 + t); });
    for (auto& w : workers) w.join();
  }
  double all = 0;
  for (double v : perThread) all += v;
  j["env_steps_per_s_all"] = all;
  j["threads"] = threads;

  const PhysicsComparison physics = comparePhysics(info, envConfig, s, 7);
  if (physics.ratio > 0) {
    std::cerr << "bench " << options.env << ": full env vs raw physics on the same episodes...\n";
    j["raw_engine_steps_per_s"] = physics.rawStepsPerSecond;
    j["env_steps_per_s_same_episodes"] = physics.envStepsPerSecond;
    j["overhead_ratio"] = physics.ratio;
  }

  // Training speed without and with a store, in back-to-back pairs so that each
  // pair shares the machine's state; the overhead is the median over the pairs.
  const int rounds = 5;
  const std::string dbPath = (std::filesystem::temp_directory_path() /
                              ("palaestra-bench-" + std::to_string(getpid()) + ".sqlite"))
                                 .string();
  std::vector<double> bare, stored, overheads;
  {
    RunStore store(dbPath, RunStore::OpenMode::CreateOrOpen);
    for (int r = 0; r < rounds; ++r) {
      std::cerr << "bench " << options.env << ": PPO training, round " << r + 1 << " of " << rounds
                << "...\n";
      bare.push_back(trainStepsPerSecond(options.env, s, threads, nullptr));
      stored.push_back(trainStepsPerSecond(options.env, s, threads, &store));
      overheads.push_back(100.0 * (bare.back() - stored.back()) / bare.back());
    }
  }
  // Two-player training (envs with league presets): self play, one shared policy whose forward
  // pass takes both players' rows of every env at once; and a league learner whose opponent is a
  // stored policy, acting in one batch over every env that plays it.
  std::vector<double> selfPlay, leagueLearner;
  if (!info.leaguePresets.empty() && info.presets.count("self_play")) {
    RunStore store(dbPath, RunStore::OpenMode::CreateOrOpen);
    int64_t opponent = 0;
    for (int r = 0; r < 3; ++r) {
      std::cerr << "bench " << options.env << ": self-play training, round " << r + 1
                << " of 3...\n";
      selfPlay.push_back(trainStepsPerSecond(options.env, s, threads, &store, "self_play",
                                             nlohmann::json::object(), &opponent));
    }
    nlohmann::json learner = info.leaguePresets.begin()->second["base"];
    learner["learn_slot"] = "p1";
    learner["eval"]["best_candidates"] = 0;
    learner["opponents"] = {
        {"slot", "p2"},
        {"sample_actions", true},
        {"task", {{"cpu_level", 0}}},
        {"members",
         {{{"name", "bench opponent"}, {"run", store.loadCheckpoint(opponent).info.runId},
           {"checkpoint", opponent}}}}};
    learner["env_config"]["shared_policy"] = false;
    learner["env_config"]["mode"] = "two";
    for (int r = 0; r < 3; ++r) {
      std::cerr << "bench " << options.env << ": league learner against a stored policy, round "
                << r + 1 << " of 3...\n";
      leagueLearner.push_back(
          trainStepsPerSecond(options.env, s, threads, &store, "", learner));
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dbPath + suffix);
  EngineBenchReport engine;
  if (info.engineBench) {
    std::cerr << "bench " << options.env << ": the engine's own benchmark...\n";
    engine = info.engineBench(s, threads);
    j.update(engine.values);
  }
  const double trainBare = median(bare), trainStored = median(stored);
  j["train_sps"] = trainStored;
  j["train_sps_without_store"] = trainBare;
  j["store_overhead_pct"] = median(overheads);
  j["store_overhead_pct_rounds"] = overheads;
  if (!selfPlay.empty()) {
    j["self_play_train_sps"] = median(selfPlay);
    j["self_play_train_sps_rounds"] = selfPlay;
    j["league_train_sps"] = median(leagueLearner);
    j["league_train_sps_rounds"] = leagueLearner;
  }

  std::printf("env steps/s, 1 thread:          %.0f\n", oneThread);
  std::printf("env steps/s, %d threads:         %.0f (%.0f per thread)\n", threads, all,
              all / threads);
  if (physics.ratio > 0) {
    std::printf("raw engine steps/s (same eps):  %.0f\n", physics.rawStepsPerSecond);
    std::printf("full env steps/s (same eps):    %.0f\n", physics.envStepsPerSecond);
    std::printf("env overhead ratio:             %.3f (env cost / raw engine cost)\n",
                physics.ratio);
  }
  std::printf("PPO training steps/s:           %.0f with store, %.0f without (median of %d)\n",
              trainStored, trainBare, rounds);
  std::printf("store overhead:                 %.1f%% (median of %d back-to-back pairs)\n",
              j["store_overhead_pct"].get<double>(), rounds);
  if (!selfPlay.empty()) {
    std::printf("self-play training steps/s:     %.0f on %d threads (median of 3; both players "
                "in one forward pass)\n",
                median(selfPlay), threads);
    std::printf("league learner steps/s:         %.0f on %d threads (median of 3; opponent "
                "batched over the envs)\n",
                median(leagueLearner), threads);
  }
  for (const std::string& line : engine.lines) std::printf("%s\n", line.c_str());
  if (common.json) printJsonLine(j);
  return 0;
}

}  // namespace palaestra::cli
