#include "train/TrainingSession.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <iomanip>
#include <sstream>

#include "curriculum/CurriculumTasks.h"
#include "env/VecEnv.h"
#include "rl/PpoTrainer.h"
#include "train/BestCheckpointSelection.h"
#include "train/EpisodeKeeper.h"
#include "train/KeptEpisodeWriter.h"
#include "train/PolicySlots.h"
#include "train/StoredRunConfig.h"
#include "train/TestSet.h"
#include "train/TrainingMemory.h"
#include "util/Errors.h"
#include "util/Rng.h"
#include "util/SnapshotBytes.h"
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
constexpr uint32_t kResumeMagic = 0x53524c50;  // "PLRS"
// Version 2 added the curriculum's state; version 1 points (no curriculum) still read.
constexpr uint32_t kResumeVersion = 2;
// The teacher's random stream: its own, apart from the episode seeds of deriveSeed(seed, env, k).
constexpr uint64_t kCurriculumStream = 0x6375727269637521ULL;
}  // namespace

std::vector<uint8_t> ResumePoint::encode() const {
  std::vector<uint8_t> out;
  snapshotPut(out, kResumeMagic);
  snapshotPut(out, kResumeVersion);
  snapshotPut(out, step);
  snapshotPut(out, trainedSeconds);
  snapshotPut(out, nextEval);
  snapshotPut(out, episodes);
  snapshotPut(out, keeper);
  snapshotPutBytes(out, trainer.data(), trainer.size());
  snapshotPutBytes(out, curriculum.data(), curriculum.size());
  return out;
}

ResumePoint ResumePoint::decode(std::span<const uint8_t> bytes, int64_t runId) {
  const std::string what = "the resume state of run " + std::to_string(runId);
  try {
    SnapshotReader in(bytes, what);
    if (in.take<uint32_t>() != kResumeMagic) throw std::invalid_argument(what + " is not one");
    const auto version = in.take<uint32_t>();
    if (version != kResumeVersion && version != 1)
      throw std::invalid_argument(what + " has version " + std::to_string(version) +
                                  "; this build reads version " + std::to_string(kResumeVersion));
    ResumePoint p;
    p.step = in.take<uint64_t>();
    p.trainedSeconds = in.take<double>();
    p.nextEval = in.take<uint64_t>();
    p.episodes = in.take<int64_t>();
    p.keeper = in.take<Rng::State>();
    const auto trainer = in.takeBytes();
    p.trainer.assign(trainer.begin(), trainer.end());
    if (version >= 2) {
      const auto curriculum = in.takeBytes();
      p.curriculum.assign(curriculum.begin(), curriculum.end());
    }
    if (!in.rest().empty()) throw std::invalid_argument(what + " has trailing bytes");
    return p;
  } catch (const std::invalid_argument& e) {
    throw StoreError(e.what());
  }
}

namespace {

std::string fixedText(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << value;
  return out.str();
}

// Share of the budget spent after `steps` steps and `seconds` of training (the nearer limit).
double budgetFractionOf(const TrainConfig& config, uint64_t steps, double seconds) {
  double f = 0.0;
  if (config.maxSteps) f = std::max(f, double(steps) / double(*config.maxSteps));
  if (config.maxMinutes) f = std::max(f, seconds / (*config.maxMinutes * 60.0));
  return f;
}

std::string describeBudget(const TrainConfig& config) {
  if (config.maxSteps && config.maxMinutes)
    return std::to_string(*config.maxSteps) + " steps or " + fixedText(*config.maxMinutes) +
           " minutes";
  if (config.maxSteps) return std::to_string(*config.maxSteps) + " steps";
  return fixedText(*config.maxMinutes) + " minutes";
}

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
  const EnvPtr env = firstCheckedEnv(config, task);
  learnerSlotOf(config, env->spec());
  const TaskValues evalTask = config.evalTaskValues(env->spec().tasks);
  if (!config.opponents.is_null()) {
    // The pool's and its members' tasks fit the env (stored members load with the store).
    TrainConfig withoutStored = config;
    nlohmann::json& section = withoutStored.opponents;
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : section["members"])
      if (!m.contains("run")) members.push_back(m);
    section["members"] = members;
    section["self_weight"] = 1.0;
    loadOpponentPool(withoutStored, env->spec(), nullptr, 1);
  }
  if (!config.curriculum.is_null()) Curriculum(config.curriculum, env->spec().tasks, task, 0);
  if (!config.testSet.is_null()) TestSet::fromJson(config.testSet, env->spec().tasks, evalTask);
}

struct TrainingSession::State {
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<VecEnv> envs;
  std::unique_ptr<PpoTrainer> trainer;
  std::unique_ptr<EpisodeKeeper> keeper;
  FrozenSlots frozen;    // slots driven by stored checkpoints (none by default)
  std::unique_ptr<CurriculumTasks> curriculum;  // chooses each episode's task (none: s.task)
  std::atomic<int64_t> curriculumStep{0};
  std::optional<TestSet> testSet;  // played at every checkpoint  // env steps when the curriculum
                                   // last drew or observed
  int learnerSlot = 0;   // the slot PPO learns, whose returns the metrics report
  TaskValues task;
  TaskValues evalTask;  // what evaluations and the test set play (task with eval.task over it)
  std::shared_ptr<OpponentPool> opponents;  // draws each episode's opponent (none by default)
  // Carried over from the resume state (zero for a new run).
  ResumePoint resumed;
  int64_t resumedCheckpointId = 0;
};

bool isStoppedRunStatus(RunStatus status) {
  return status == RunStatus::Interrupted || status == RunStatus::Failed ||
         status == RunStatus::Crashed;
}

TrainConfig resumableConfig(const RunStore& store, int64_t runId, const ResumeRequest& request) {
  const RunInfo run = store.getRun(runId);
  const std::string name = "run " + std::to_string(runId);
  switch (run.status) {
    case RunStatus::Running:
      throw ConfigError(name +
                        " is running: only a stopped run (interrupted, crashed or failed) can be resumed");
    case RunStatus::Queued:
      throw ConfigError(name +
                        " is queued and has not trained yet: it starts by itself, there is "
                        "nothing to resume");
    default:
      break;
  }
  const StoredRunConfig stored = readStoredRunConfig(run);
  if (!stored.training)
    throw ConfigError(name + " is a people's match, not a training run: there is nothing to resume");
  TrainConfig config = *stored.training;
  if (request.steps || request.minutes) {
    config.maxSteps = request.steps;
    config.maxMinutes = request.minutes;
  }
  if (request.threads) config.threads = *request.threads;
  if (!request.opponents.is_null()) {
    if (config.opponents.is_null())
      throw ConfigError(name + " trains without opponents: a league cannot give it new ones");
    nlohmann::json json = config.toJson();
    json["opponents"] = request.opponents;
    config = TrainConfig::fromJson(json);
  }
  const auto resume = store.resumeState(runId);
  if (!resume)
    throw ConfigError(name +
                      " has no resume state: it stopped before its first checkpoint, or "
                      "was trained before checkpoints kept the optimiser state, so it "
                      "cannot be resumed (its checkpoints still evaluate and replay)");
  const ResumePoint state = ResumePoint::decode(resume->state, runId);
  if (budgetFractionOf(config, state.step, state.trainedSeconds) >= 1.0) {
    const std::string done = std::to_string(state.step) + " steps in " +
                             fixedText(state.trainedSeconds / 60.0) + " minutes";
    if (request.steps || request.minutes)
      throw ConfigError(name + " has already trained " + done + ": the new budget (" +
                        describeBudget(config) + ") must be larger");
    throw ConfigError(name + (run.status == RunStatus::Finished ? " finished" : " used") +
                      " its budget (" + describeBudget(config) + ", " + done +
                      "): give a larger --steps or --minutes to train it further");
  }
  return config;
}

TrainingSession::TrainingSession(TrainConfig config, RunStore* store, const std::string& runName)
    : config_(configForNewRun(std::move(config))),
      store_(store),
      state_(std::make_unique<State>()) {
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

TrainingSession::TrainingSession(RunStore& store, int64_t runId, const ResumeRequest& request)
    : config_(resumableConfig(store, runId, request)),
      store_(&store),
      runId_(runId),
      resumesRun_(true),
      configChanged_(request.steps || request.minutes || !request.opponents.is_null()),
      state_(std::make_unique<State>()) {
  prepare();
  State& s = *state_;
  const ResumeState resume = *store.resumeState(runId);
  s.resumed = ResumePoint::decode(resume.state, runId);
  s.resumedCheckpointId = resume.checkpointId;
  // Before the trainer restarts the episodes in progress: they replay on the tasks they had.
  if (s.curriculum && !s.resumed.curriculum.empty()) {
    try {
      s.curriculum->restore(nlohmann::json::parse(s.resumed.curriculum));
    } catch (const std::exception& e) {
      throw ConfigError("run " + std::to_string(runId) + " cannot be resumed: " + e.what());
    }
  }
  const Policy policy = Policy::deserialize(store.loadCheckpoint(resume.checkpointId).policy);
  try {
    s.trainer->restoreState(policy, s.resumed.trainer);
  } catch (const std::invalid_argument& e) {
    throw ConfigError("run " + std::to_string(runId) + " cannot be resumed: " + e.what());
  }
  s.keeper->setSamplingState(s.resumed.keeper);
}

uint64_t TrainingSession::resumedFromStep() const {
  return resumesRun_ ? state_->resumed.step : 0;
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
  const EnvSpec& spec = s.envs->spec();
  s.learnerSlot = learnerSlotOf(config_, spec);
  VecEnv::TaskSource taskSource;
  VecEnv::EpisodeEndHook episodeEnd;
  if (!config_.curriculum.is_null()) {
    Curriculum curriculum(config_.curriculum, spec.tasks, s.task,
                          deriveSeed(config_.seed, kCurriculumStream, 0));
    config_.curriculum = curriculum.canonical();  // stored with every default written out
    s.curriculum = std::make_unique<CurriculumTasks>(std::move(curriculum), config_.ppo.num_envs,
                                                     s.learnerSlot);
    CurriculumTasks* tasks = s.curriculum.get();
    VecEnv* envs = s.envs.get();
    std::atomic<int64_t>* step = &s.curriculumStep;  // stamps the events, edits' too
    taskSource = [tasks, envs, step](int env, uint64_t episode) {
      step->store(static_cast<int64_t>(envs->totalSteps()), std::memory_order_relaxed);
      return tasks->taskFor(env, episode);
    };
    episodeEnd = [tasks, envs, step](const EpisodeRecord& r) {
      step->store(static_cast<int64_t>(envs->totalSteps()), std::memory_order_relaxed);
      tasks->episodeEnded(r);
    };
  } else {
    const TaskValues task = s.task;
    taskSource = [task](int, uint64_t) { return task; };
  }
  s.opponents = loadOpponentPool(config_, spec, store_, config_.ppo.num_envs);
  if (s.opponents) {
    // The opponent is drawn after the task (a member may override part of it) and scored when
    // the episode ends, before the next draw.
    OpponentPool* pool = s.opponents.get();
    taskSource = [pool, inner = std::move(taskSource)](int env, uint64_t episode) {
      return pool->beginEpisode(env, episode, inner(env, episode));
    };
    episodeEnd = [pool, inner = std::move(episodeEnd)](const EpisodeRecord& r) {
      pool->recordScore(r.envIndex, episodeScore(r.info));
      if (inner) inner(r);
    };
  }
  s.envs->setTaskSource(std::move(taskSource));
  if (episodeEnd) s.envs->setEpisodeEndHook(std::move(episodeEnd));
  s.evalTask = config_.evalTaskValues(spec.tasks);
  if (!config_.testSet.is_null()) {
    s.testSet = TestSet::fromJson(config_.testSet, spec.tasks, s.evalTask);
    config_.testSet = s.testSet->canonical();  // stored with every default written out
  }
  if (!config_.frozenSlots.empty()) {
    if (!store_)
      throw ConfigError("frozen_slots need a run store: the frozen policies are its checkpoints");
    s.frozen = loadFrozenSlots(config_, spec, *store_);
  }
  s.trainer = std::make_unique<PpoTrainer>(*s.envs, config_.ppo, config_.seed, *s.pool, s.frozen,
                                           s.opponents);
  s.keeper = std::make_unique<EpisodeKeeper>(config_.keep, config_.seed, s.learnerSlot);
}

TrainingSession::~TrainingSession() = default;

nlohmann::json TrainingSession::editCurriculum(const nlohmann::json& section) {
  if (!state_->curriculum)
    throw ConfigError("run " + std::to_string(runId_) +
                      " trains without a curriculum: there is none to edit (give the config a "
                      "\"curriculum\" section)");
  return state_->curriculum->edit(section);
}

std::vector<OpponentTally> TrainingSession::opponentTallies() const {
  return state_->opponents ? state_->opponents->tallies() : std::vector<OpponentTally>{};
}

nlohmann::json TrainingSession::curriculumSection() const {
  return state_->curriculum ? state_->curriculum->section() : nlohmann::json(nullptr);
}

TrainingResult TrainingSession::run(const std::atomic<bool>& stop, TrainingListener* listener) {
  using Clock = std::chrono::steady_clock;
  State& s = *state_;
  if (startsQueuedRun_) {
    // A queued run starts now, not when it was created; a second run() continues it.
    store_->updateRun(runId_, RunUpdate{.status = RunStatus::Running, .startedAt = nowSeconds()});
    startsQueuedRun_ = false;
  }
  if (resumesRun_ && store_) {
    RunUpdate update{.status = RunStatus::Running, .clearEndedAt = true};
    if (configChanged_) update.configJson = config_.toJson().dump();
    store_->updateRun(runId_, update);
  }
  if (s.curriculum) {
    CurriculumTasks::EventSink sink;
    if (store_)
      sink = [store = store_, run = runId_, step = &s.curriculumStep](CurriculumEvent event) {
        event.step = step->load(std::memory_order_relaxed);
        store->addCurriculumEvent(run, std::move(event));
      };
    s.curriculum->start(std::move(sink), resumesRun_);
  }
  PpoTrainer& trainer = *s.trainer;
  EpisodeKeeper& keeper = *s.keeper;
  const auto start = Clock::now();
  // Time spent paused is left out of the clock, so a paused run neither eats its minutes budget
  // nor stretches its ETA. A resumed run starts with the time its earlier sessions trained.
  double pausedSeconds = 0.0;
  const double secondsBefore = s.resumed.trainedSeconds;
  auto elapsed = [&] {
    return secondsBefore + std::chrono::duration<double>(Clock::now() - start).count() -
           pausedSeconds;
  };
  auto budgetFraction = [&] { return budgetFractionOf(config_, trainer.globalStep(), elapsed()); };
  auto makeEnv = [this] { return envInfo_->create(config_.envConfig); };

  KeptEpisodeWriter kept(store_, runId_);
  TrainingProgress progress;
  progress.episodes = s.resumed.episodes;
  TrainingResult result;
  result.runId = runId_;
  result.resumedFromStep = resumedFromStep();
  std::deque<double> recent;
  uint64_t nextEval =
      resumesRun_ ? s.resumed.nextEval : static_cast<uint64_t>(config_.eval.everySteps);
  if (resumesRun_ && store_) {
    const RunCheckpointSummary summary = summarizeCheckpoints(store_->checkpoints(runId_));
    progress.bestEvalReturn = summary.best ? evalMeanReturnOf(summary.best->metaJson)
                                           : std::numeric_limits<double>::quiet_NaN();
    progress.lastEvalReturn = summary.lastEvalReturn;
  }

  auto metric = [&](const std::string& name, double value) {
    if (store_) store_->logMetric(runId_, static_cast<int64_t>(trainer.globalStep()), name, value);
  };
  // Saves a checkpoint, evaluates it, and links the interval's kept episodes to it: the
  // checkpoint, its evaluation episodes, those links and the run's resume state commit in one
  // transaction. Returns the checkpoint id (0 without a store).
  auto checkpointAndEvaluate = [&](int episodes, EvalResult& eval) -> int64_t {
    const Policy policy = trainer.policy().copy();
    int64_t checkpointId = 0;
    eval = evaluatePolicy(makeEnv, policy, s.evalTask, episodes, config_.seed, *s.pool, s.frozen,
                          s.learnerSlot);
    const uint64_t step = trainer.globalStep();
    RunStore::CheckpointEpisodes stored;
    stored.train = kept.finishInterval(keeper);
    std::optional<TestSetResult> tested;
    if (s.testSet)
      tested = s.testSet->evaluate(makeEnv, policy, config_.seed, *s.pool, s.frozen, s.learnerSlot);
    if (store_) {
      nlohmann::json meta = checkpointMeta(eval, episodes);
      if (tested) {
        meta["test_set"] = tested->toJson();
        metric("test/mastered_pct", 100.0 * tested->masteredFraction);
        metric("test/mean_score", tested->meanScore);
      }
      if (config_.keep.eval) stored.eval = eval.episodes;
      // The keeper's sampling stream is saved at the start of the next interval.
      ResumePoint state;
      state.step = step;
      state.trainedSeconds = elapsed();
      state.nextEval = nextEval;
      state.episodes = progress.episodes;
      state.keeper = keeper.samplingState();
      state.trainer = trainer.saveState();
      if (s.curriculum) state.curriculum = s.curriculum->state().dump();
      stored.resumeState = state.encode();
      checkpointId = store_->addCheckpoint(runId_, static_cast<int64_t>(step), policy.serialize(),
                                           meta.dump(), stored);
      metric("eval/mean_return", eval.meanReturn);
      metric("eval/std_return", eval.stdReturn);
      metric("eval/median_return", eval.medianReturn);
      metric("eval/fall_rate", eval.fallRate);
      metric("eval/success_rate", eval.successRate);
      store_->updateRun(runId_, RunUpdate{.steps = static_cast<int64_t>(step)});
    }
    progress.lastEvalReturn = eval.meanReturn;
    if (std::isnan(progress.bestEvalReturn) || eval.meanReturn > progress.bestEvalReturn)
      progress.bestEvalReturn = eval.meanReturn;
    if (listener) listener->onEvaluation(step, eval);
    return checkpointId;
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
        // The learner's return (slot 0 without frozen slots, as always).
        const size_t slot = static_cast<size_t>(s.learnerSlot);
        finished.emplace_back(slot < e.slotReturns.size() ? e.slotReturns[slot] : 0.0, e.length);
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
      const double sessionFraction =
          progress.fractionDone - budgetFractionOf(config_, result.resumedFromStep, secondsBefore);
      const double sessionSeconds = progress.wallSeconds - secondsBefore;
      progress.etaSeconds = sessionFraction > 0
                                ? sessionSeconds * (1.0 - progress.fractionDone) / sessionFraction
                                : std::numeric_limits<double>::quiet_NaN();
      if (trainer.globalStep() >= nextEval && budgetFraction() < 1.0) {
        nextEval += static_cast<uint64_t>(config_.eval.everySteps);
        EvalResult eval;
        checkpointAndEvaluate(config_.eval.episodes, eval);
      }
      if (listener) listener->onProgress(progress);
    }
    result.wallSeconds = elapsed();
    result.steps = trainer.globalStep();
    const double sessionSeconds = result.wallSeconds - secondsBefore;
    result.trainStepsPerSecond =
        sessionSeconds > 0 ? (result.steps - result.resumedFromStep) / sessionSeconds : 0;
    // The last policy is always checkpointed and evaluated, also after Ctrl-C; a stopped run is
    // evaluated as briefly as during training, so stopping stays quick, and its result is chosen
    // when it is resumed and finishes.
    const auto finalStart = Clock::now();
    const int finalEpisodes =
        status == RunStatus::Finished ? config_.eval.finalEpisodes : config_.eval.episodes;
    EvalResult final;
    result.finalCheckpointId = checkpointAndEvaluate(finalEpisodes, final);
    result.finalEpisodes = finalEpisodes;
    result.evalMeanReturn = final.meanReturn;
    result.evalStdReturn = final.stdReturn;
    result.evalMedianReturn = final.medianReturn;
    result.evalFallRate = final.fallRate;
    result.evalSuccessRate = final.successRate;
    result.bestEval = EvalFigures{final.meanReturn, final.stdReturn,   final.medianReturn,
                                  final.fallRate,   final.successRate, finalEpisodes};
    result.bestCheckpointId = result.finalCheckpointId;
    result.bestStep = static_cast<int64_t>(result.steps);
    if (store_) {
      metric("eval/final_mean_return", final.meanReturn);
      if (status == RunStatus::Finished) {
        const BestCheckpointChoice best = selectBestCheckpoint(
            *store_, runId_, makeEnv, s.evalTask, config_.seed, finalEpisodes,
            config_.eval.bestCandidates, *s.pool, result.finalCheckpointId, final, s.frozen,
            s.learnerSlot);
        result.bestCheckpointId = best.checkpointId;
        result.bestStep = best.step;
        result.bestEval = best.eval;
        metric("eval/best_mean_return", best.eval.meanReturn);
        metric("eval/best_checkpoint_step", static_cast<double>(best.step));
      }
      store_->flush();
    }
    result.selectionSeconds = std::chrono::duration<double>(Clock::now() - finalStart).count();
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
