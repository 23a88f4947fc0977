#include "train/TrainingSession.h"

#include <chrono>
#include <cmath>
#include <deque>

#include "env/VecEnv.h"
#include "rl/PpoTrainer.h"
#include "train/CheckpointMeta.h"
#include "train/EpisodeKeeper.h"
#include "train/KeptEpisodeWriter.h"
#include "train/TrainingMemory.h"
#include "util/Errors.h"
#include "util/WallClock.h"

namespace palaestra {

nlohmann::json presetConfig(const std::string& env, const std::string& preset) {
  const EnvInfo& info = EnvRegistry::instance().get(env);
  const std::string name = preset.empty() ? info.defaultPreset : preset;
  auto it = info.presets.find(name);
  if (it == info.presets.end()) {
    std::string known;
    for (const auto& [n, _] : info.presets) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("unknown preset '" + name + "' for " + env + " (known: " + known + ")");
  }
  nlohmann::json config = it->second;
  config["env"] = env;
  return config;
}

namespace {

// One env of `config`, with the task and the memory estimate checked against it: before the other
// envs and the rollout buffers exist, so an absurd num_envs is refused with the figure instead of
// exhausting memory.
EnvPtr firstCheckedEnv(const TrainConfig& config, TaskValues& task) {
  EnvPtr env = EnvRegistry::instance().get(config.env).create(config.envConfig);
  task = config.taskValues(env->spec().tasks);
  checkTrainingMemory(config, env->spec());
  return env;
}

}  // namespace

void TrainingSession::check(const TrainConfig& config) {
  TaskValues task;
  firstCheckedEnv(config, task);
}

struct TrainingSession::State {
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<VecEnv> envs;
  std::unique_ptr<PpoTrainer> trainer;
  TaskValues task;
};

TrainingSession::TrainingSession(TrainConfig config, RunStore* store, const std::string& runName)
    : config_(std::move(config)), store_(store), state_(std::make_unique<State>()) {
  prepare();
  if (store_) {
    NewRun run;
    run.name = runName;
    run.env = config_.env;
    run.configJson = config_.toJson().dump();
    run.seed = config_.seed;
    runId_ = store_->createRun(run);
  }
}

TrainingSession::TrainingSession(TrainConfig config, RunStore& store, int64_t queuedRunId)
    : config_(std::move(config)), store_(&store), runId_(queuedRunId), startsQueuedRun_(true),
      state_(std::make_unique<State>()) {
  const RunInfo run = store.getRun(queuedRunId);
  if (run.status != RunStatus::Queued)
    throw ConfigError("run " + std::to_string(queuedRunId) + " is " + runStatusName(run.status) +
                      ", not queued: only a queued run can be started");
  if (run.env != config_.env)
    throw ConfigError("run " + std::to_string(queuedRunId) + " is a " + run.env +
                      " run, the config trains " + config_.env);
  prepare();
}

// Builds the pool, the envs and the learner (throws ConfigError for a task that does not fit).
void TrainingSession::prepare() {
  envInfo_ = &EnvRegistry::instance().get(config_.env);
  State& s = *state_;
  s.pool = std::make_unique<ThreadPool>(config_.threads);
  std::vector<EnvPtr> envs;
  envs.push_back(firstCheckedEnv(config_, s.task));
  for (int i = 1; i < config_.ppo.num_envs; ++i)
    envs.push_back(envInfo_->create(config_.envConfig));
  s.envs = std::make_unique<VecEnv>(std::move(envs), *s.pool, config_.seed);
  s.envs->setRecording(true);
  const TaskValues task = s.task;
  s.envs->setTaskSource([task](int, uint64_t) { return task; });
  s.trainer = std::make_unique<PpoTrainer>(*s.envs, config_.ppo, config_.seed, *s.pool);
}

TrainingSession::~TrainingSession() = default;

TrainingResult TrainingSession::run(const std::atomic<bool>& stop, TrainingListener* listener) {
  using Clock = std::chrono::steady_clock;
  State& s = *state_;
  if (startsQueuedRun_) {
    // A queued run starts now, not when it was created; a second run() continues it.
    store_->updateRun(runId_, RunUpdate{.status = RunStatus::Running, .startedAt = nowSeconds()});
    startsQueuedRun_ = false;
  }
  PpoTrainer& trainer = *s.trainer;
  const auto start = Clock::now();
  // Time spent paused is left out of the clock, so a paused run neither eats its minutes budget
  // nor stretches its ETA.
  double pausedSeconds = 0.0;
  auto elapsed = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count() - pausedSeconds;
  };
  auto budgetFraction = [&] {
    double f = 0.0;
    if (config_.maxSteps) f = std::max(f, double(trainer.globalStep()) / double(*config_.maxSteps));
    if (config_.maxMinutes) f = std::max(f, elapsed() / (*config_.maxMinutes * 60.0));
    return f;
  };
  auto makeEnv = [this] { return envInfo_->create(config_.envConfig); };

  EpisodeKeeper keeper(config_.keep, config_.seed);
  KeptEpisodeWriter kept(store_, runId_);
  TrainingProgress progress;
  TrainingResult result;
  result.runId = runId_;
  std::deque<double> recent;
  uint64_t nextEval = static_cast<uint64_t>(config_.eval.everySteps);

  auto metric = [&](const std::string& name, double value) {
    if (store_) store_->logMetric(runId_, static_cast<int64_t>(trainer.globalStep()), name, value);
  };
  // Saves a checkpoint, evaluates it, and links the interval's kept episodes to it: the
  // checkpoint, its evaluation episodes and those links commit in one transaction.
  auto checkpointAndEvaluate = [&](int episodes) {
    const Policy policy = trainer.policy().copy();
    EvalResult eval = evaluatePolicy(makeEnv, policy, s.task, episodes, config_.seed, *s.pool);
    const uint64_t step = trainer.globalStep();
    RunStore::CheckpointEpisodes stored;
    stored.train = kept.finishInterval(keeper);
    if (store_) {
      const nlohmann::json meta = checkpointMeta(eval, episodes);
      if (config_.keep.eval) stored.eval = eval.episodes;
      store_->addCheckpoint(runId_, static_cast<int64_t>(step), policy.serialize(), meta.dump(),
                            stored);
      metric("eval/mean_return", eval.meanReturn);
      metric("eval/std_return", eval.stdReturn);
      metric("eval/success_rate", eval.successRate);
      store_->updateRun(runId_, RunUpdate{.steps = static_cast<int64_t>(step)});
    }
    progress.lastEvalReturn = eval.meanReturn;
    if (std::isnan(progress.bestEvalReturn) || eval.meanReturn > progress.bestEvalReturn)
      progress.bestEvalReturn = eval.meanReturn;
    if (listener) listener->onEvaluation(step, eval);
    return eval;
  };

  RunStatus status = RunStatus::Finished;
  try {
    while (budgetFraction() < 1.0) {
      if (stop.load()) {
        status = RunStatus::Interrupted;
        break;
      }
      if (listener) {
        const auto pauseStart = Clock::now();
        listener->waitWhilePaused(stop);
        pausedSeconds += std::chrono::duration<double>(Clock::now() - pauseStart).count();
        if (stop.load()) {
          status = RunStatus::Interrupted;
          break;
        }
      }
      trainer.setAnnealFraction(budgetFraction());
      const auto iterStart = Clock::now();
      const uint64_t stepsBefore = trainer.globalStep();
      PpoIterationStats stats = trainer.iterate([&] { return stop.load(); });
      std::vector<std::pair<double, int>> finished;  // return and length of each episode
      for (EpisodeRecord& e : s.envs->takeFinishedEpisodes()) {
        finished.emplace_back(e.episodeReturn(), e.length);
        keeper.offer(std::move(e));
      }
      // The kept episodes are queued before the metrics reporting them, so the store never
      // holds an episode's metrics without the kept episodes finished by then.
      kept.update(keeper);
      for (const auto& [ret, length] : finished) {
        recent.push_back(ret);
        if (recent.size() > 20) recent.pop_front();
        progress.episodes++;
        metric("train/episode_return", ret);
        metric("train/episode_length", length);
      }
      if (stats.interrupted) {
        status = RunStatus::Interrupted;
        break;
      }
      if (listener) listener->onPolicyUpdated(trainer.policy());
      const double iterSeconds = std::chrono::duration<double>(Clock::now() - iterStart).count();
      progress.steps = trainer.globalStep();
      progress.wallSeconds = elapsed();
      progress.stepsPerSecond = iterSeconds > 0 ? (progress.steps - stepsBefore) / iterSeconds : 0;
      if (!recent.empty()) {
        double sum = 0;
        for (double r : recent) sum += r;
        progress.recentReturn = sum / recent.size();
      }
      for (const auto& [name, value] : stats.values) metric("ppo/" + name, value);
      metric("train/steps_per_second", progress.stepsPerSecond);
      if (!recent.empty()) metric("train/recent_return", progress.recentReturn);
      progress.fractionDone = std::min(1.0, budgetFraction());
      progress.etaSeconds = progress.fractionDone > 0
                                ? progress.wallSeconds * (1.0 - progress.fractionDone) /
                                      progress.fractionDone
                                : std::numeric_limits<double>::quiet_NaN();
      if (trainer.globalStep() >= nextEval && budgetFraction() < 1.0) {
        checkpointAndEvaluate(config_.eval.episodes);
        nextEval += static_cast<uint64_t>(config_.eval.everySteps);
      }
      if (listener) listener->onProgress(progress);
    }
    result.wallSeconds = elapsed();
    result.steps = trainer.globalStep();
    result.trainStepsPerSecond = result.wallSeconds > 0 ? result.steps / result.wallSeconds : 0;
    // The final policy is always checkpointed and evaluated, also after Ctrl-C.
    const EvalResult final = checkpointAndEvaluate(config_.eval.finalEpisodes);
    result.evalMeanReturn = final.meanReturn;
    result.evalStdReturn = final.stdReturn;
    result.evalSuccessRate = final.successRate;
    if (store_) {
      metric("eval/final_mean_return", final.meanReturn);
      store_->flush();
    }
  } catch (...) {
    // Keep what is stored and mark the run failed (if the store still answers).
    if (store_) {
      try {
        store_->updateRun(runId_, RunUpdate{.status = RunStatus::Failed,
                                            .steps = static_cast<int64_t>(trainer.globalStep()),
                                            .endedAt = nowSeconds()});
      } catch (...) {
      }
    }
    throw;
  }
  result.status = status;
  if (store_)
    store_->updateRun(runId_, RunUpdate{.status = status,
                                        .steps = static_cast<int64_t>(result.steps),
                                        .endedAt = nowSeconds()});
  return result;
}

}  // namespace palaestra
