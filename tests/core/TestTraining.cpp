// The training session's parts: config validation and merging, which training
// episodes are kept, deterministic evaluation, and a short real walker session
// into a real store (checkpoints, eval episodes, metrics, status).
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "Simulations.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "store/Sqlite.h"
#include "train/EpisodeKeeper.h"
#include "train/Evaluator.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

EpisodeRecord episodeWithReturn(double ret, uint64_t index) {
  EpisodeRecord r;
  r.episodeIndex = index;
  r.slotReturns = {ret};
  return r;
}

// The kept set a keeper's changes describe: added episodes in order, minus the dropped ones.
struct KeptSet {
  std::vector<EpisodeKeeper::Kept> episodes;
  void apply(EpisodeKeeper::Changes&& changes) {
    for (auto& kept : changes.added) {
      for (const auto& have : episodes) QVERIFY(have.serial != kept.serial);  // no duplicates
      episodes.push_back(std::move(kept));
    }
    for (uint64_t serial : changes.dropped) {
      const auto it = std::find_if(episodes.begin(), episodes.end(),
                                   [&](const auto& e) { return e.serial == serial; });
      QVERIFY(it != episodes.end());  // only what was added can be dropped
      episodes.erase(it);
    }
  }
};

std::vector<double> returnsOf(EpisodeKeeper::Changes&& changes) {
  KeptSet kept;
  kept.apply(std::move(changes));
  std::vector<double> out;
  for (const auto& e : kept.episodes) out.push_back(e.episode.episodeReturn());
  return out;
}

nlohmann::json smallWalkerConfig() {
  nlohmann::json c = presetConfig("walker", "default");
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 64;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 1;
  c["budget"] = {{"steps", 1024}};
  c["eval"] = {{"every_steps", 512}, {"episodes", 2}, {"final_episodes", 3}};
  return c;
}

QString messageOf(const nlohmann::json& config) {
  try {
    TrainConfig::fromJson(config);
  } catch (const ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestTraining : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  void keeperKeepsBestAndLastOfEachInterval() {
    EpisodeKeepConfig cfg;
    cfg.sampleRate = 0.0;
    EpisodeKeeper keeper(cfg, 1);
    for (double r : {5.0, 40.0, -3.0, 12.0}) keeper.offer(episodeWithReturn(r, 0));
    QCOMPARE(returnsOf(keeper.endInterval()), (std::vector<double>{40.0, 12.0}));
    // A new interval starts empty; a last episode that is also the best is kept once.
    for (double r : {1.0, 2.0, 30.0}) keeper.offer(episodeWithReturn(r, 0));
    QCOMPARE(returnsOf(keeper.endInterval()), (std::vector<double>{30.0}));
    QVERIFY(keeper.endInterval().empty());
  }

  void keeperSamplesTheRest() {
    EpisodeKeepConfig cfg;
    cfg.bestAndLast = false;
    cfg.sampleRate = 0.25;
    EpisodeKeeper keeper(cfg, 7);
    for (int i = 0; i < 4000; ++i) keeper.offer(episodeWithReturn(i, i));
    const std::vector<double> kept = returnsOf(keeper.endInterval());
    QVERIFY2(kept.size() > 850 && kept.size() < 1150, qPrintable(QString::number(kept.size())));
    EpisodeKeeper same(cfg, 7);
    for (int i = 0; i < 4000; ++i) same.offer(episodeWithReturn(i, i));
    QCOMPARE(returnsOf(same.endInterval()), kept);  // deterministic
    cfg.sampleRate = 0.0;
    EpisodeKeeper none(cfg, 7);
    for (int i = 0; i < 100; ++i) none.offer(episodeWithReturn(i, i));
    QVERIFY(none.endInterval().empty());
  }

  // Changes taken along the way (as training writes them) end in the same kept set as changes
  // taken once at the end, whatever the interleaving.
  void keeperChangesAlongTheWayEndInTheSameSet() {
    EpisodeKeepConfig cfg;
    cfg.sampleRate = 0.1;
    std::mt19937_64 rng(3);
    for (int round = 0; round < 20; ++round) {
      EpisodeKeeper once(cfg, round), along(cfg, round);
      KeptSet kept;
      const int count = 1 + static_cast<int>(rng() % 60);
      for (int i = 0; i < count; ++i) {
        const double ret = static_cast<double>(rng() % 100);
        once.offer(episodeWithReturn(ret, i));
        along.offer(episodeWithReturn(ret, i));
        if (rng() % 3 == 0) kept.apply(along.takeChanges());
      }
      kept.apply(along.endInterval());
      KeptSet expected;
      expected.apply(once.endInterval());
      std::vector<uint64_t> a, b;
      for (const auto& e : kept.episodes) a.push_back(e.serial);
      for (const auto& e : expected.episodes) b.push_back(e.serial);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      QCOMPARE(a, b);
    }
  }

  void configRejectsBadValuesNamingTheField() {
    const nlohmann::json good = smallWalkerConfig();
    QVERIFY(messageOf(good).isEmpty());
    auto with = [&](const std::string& section, const std::string& key, nlohmann::json value) {
      nlohmann::json c = good;
      c[section][key] = std::move(value);
      return messageOf(c);
    };
    QVERIFY(with("eval", "episodes", 0).startsWith("eval.episodes must be an integer in [1, 1000]"));
    QVERIFY(with("eval", "every_steps", "often").startsWith("eval.every_steps must be an integer"));
    QVERIFY(with("keep_episodes", "sample_rate", 2).startsWith("keep_episodes.sample_rate must be a number in [0, 1]"));
    QVERIFY(with("budget", "minutes", -1).startsWith("budget.minutes must be a number"));
    QVERIFY(with("eval", "evry_steps", 5).startsWith("unknown config key 'eval.evry_steps'"));
    QVERIFY(with("ppo", "gamma", 2).startsWith("ppo.gamma"));
    nlohmann::json noBudget = good;
    noBudget["budget"] = nlohmann::json::object();
    QVERIFY(messageOf(noBudget).startsWith("budget needs steps or minutes"));
    nlohmann::json badTask = good;
    badTask["task"] = {{"stump_height", "tall"}};
    QVERIFY(messageOf(badTask).startsWith("task.stump_height must be a number"));
    // Round trip: the stored config reads back to the same config.
    const TrainConfig parsed = TrainConfig::fromJson(good);
    QCOMPARE(TrainConfig::fromJson(parsed.toJson()).toJson(), parsed.toJson());
  }

  void mergeOverridesRecursively() {
    const nlohmann::json base = {{"ppo", {{"gamma", 0.99}, {"num_envs", 16}}}, {"seed", 1}};
    const nlohmann::json merged = mergeConfig(base, {{"ppo", {{"gamma", 0.9}}}, {"seed", 2}});
    QCOMPARE(merged["ppo"]["gamma"].get<double>(), 0.9);
    QCOMPARE(merged["ppo"]["num_envs"].get<int>(), 16);
    QCOMPARE(merged["seed"].get<int>(), 2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, presetConfig("walker", "turbo"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, presetConfig("lava", ""));
  }

  void evaluationIsDeterministicAndRecorded() {
    const EnvInfo& info = EnvRegistry::instance().get("walker");
    auto makeEnv = [&] { return info.create(nlohmann::json::object()); };
    EnvPtr probe = makeEnv();
    const PpoConfig ppo;
    Policy policy(probe->spec().observationSpace, probe->spec().actionSpace, ppo.architecture(), 3);
    ThreadPool one(1), two(2);
    const TaskValues task = probe->spec().tasks.defaults();
    const EvalResult a = evaluatePolicy(makeEnv, policy, task, 3, 11, one);
    const EvalResult b = evaluatePolicy(makeEnv, policy, task, 3, 11, two);
    QCOMPARE(a.episodes.size(), size_t(3));
    for (int k = 0; k < 3; ++k) {
      QCOMPARE(a.episodes[k].hashes, b.episodes[k].hashes);
      QCOMPARE(a.episodes[k].episodeReturn(), b.episodes[k].episodeReturn());
      QCOMPARE(a.episodes[k].hashes.size(), size_t(a.episodes[k].length) + 1);
      EnvPtr env = makeEnv();
      QVERIFY(verifyReplay(*env, a.episodes[k]).ok);
    }
    QVERIFY(a.episodes[0].seed != a.episodes[1].seed);
    QCOMPARE(a.meanReturn, b.meanReturn);
  }

  void shortSessionStoresEverything() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    TrainingSession session(TrainConfig::fromJson(smallWalkerConfig()), &store, "short");
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    QCOMPARE(result.status, RunStatus::Finished);
    QVERIFY(result.steps >= 1024);
    const RunInfo run = store.getRun(session.runId());
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.steps, int64_t(result.steps));
    QVERIFY(run.endedAt.has_value());
    QCOMPARE(TrainConfig::fromJson(nlohmann::json::parse(run.configJson)).toJson(),
             TrainConfig::fromJson(smallWalkerConfig()).toJson());
    // Evaluations at 512 and the final one: a checkpoint each, eval episodes linked to it.
    const auto checkpoints = store.checkpoints(run.id);
    QCOMPARE(checkpoints.size(), size_t(2));
    const auto evalEpisodes = store.episodes(run.id, EpisodeKind::Eval);
    QCOMPARE(evalEpisodes.size(), size_t(2 + 3));
    QCOMPARE(*evalEpisodes.back().checkpointId, checkpoints.back().id);
    QVERIFY(!store.episodes(run.id, EpisodeKind::Train).empty());
    const auto names = store.metricNames(run.id);
    for (const char* name : {"eval/mean_return", "train/episode_return", "ppo/approx_kl", "ppo/value_loss"})
      QVERIFY2(std::find(names.begin(), names.end(), name) != names.end(), name);
    // The stored policy is the one evaluated: re-evaluating it gives the stored mean.
    const Policy policy = Policy::deserialize(store.loadCheckpoint(checkpoints.back().id).policy);
    const EnvInfo& info = EnvRegistry::instance().get("walker");
    ThreadPool pool(2);
    const EvalResult again = evaluatePolicy([&] { return info.create(nlohmann::json::object()); },
                                            policy, {}, 3, run.seed, pool);
    QCOMPARE(again.meanReturn, result.evalMeanReturn);
  }

  void stopRequestMarksTheRunInterrupted() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    nlohmann::json config = smallWalkerConfig();
    config["budget"] = {{"minutes", 10}};
    TrainingSession session(TrainConfig::fromJson(config), &store, "stopped");
    struct StopAfterTwo : TrainingListener {
      std::atomic<bool>* stop;
      int seen = 0;
      void onProgress(const TrainingProgress&) override {
        if (++seen == 2) stop->store(true);
      }
    } listener;
    std::atomic<bool> stop{false};
    listener.stop = &stop;
    const TrainingResult result = session.run(stop, &listener);
    QCOMPARE(result.status, RunStatus::Interrupted);
    QCOMPARE(store.getRun(session.runId()).status, RunStatus::Interrupted);
    QVERIFY(store.latestCheckpoint(session.runId()).has_value());
  }

  void listenerSeesEveryPolicyUpdate() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    TrainingSession session(TrainConfig::fromJson(smallWalkerConfig()), &store, "hooks");
    struct Recorder : TrainingListener {
      int updates = 0;
      int waits = 0;
      std::vector<uint8_t> lastPolicy;
      void onPolicyUpdated(const Policy& policy) override {
        ++updates;
        lastPolicy = policy.serialize();
      }
      void waitWhilePaused(const std::atomic<bool>&) override { ++waits; }
    } listener;
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop, &listener);
    QCOMPARE(result.status, RunStatus::Finished);
    // 1024 steps of 2 envs x 64 steps: 8 iterations, each preceded by a pause check.
    QCOMPARE(listener.updates, 8);
    QCOMPARE(listener.waits, 8);
    // The last policy seen is the one the final checkpoint stored.
    const auto latest = store.latestCheckpoint(session.runId());
    QVERIFY(latest.has_value());
    QVERIFY(store.loadCheckpoint(latest->id).policy == listener.lastPolicy);
  }

  void pausedTimeDoesNotCountTowardTheMinutesBudget() {
    nlohmann::json config = smallWalkerConfig();
    config["budget"] = {{"minutes", 0.01}};  // 0.6 s of training
    config["eval"] = {{"every_steps", 1000000}, {"episodes", 1}, {"final_episodes", 1}};
    TrainingSession session(TrainConfig::fromJson(config), nullptr, "paused");
    struct PauseOnce : TrainingListener {
      int waits = 0;
      uint64_t stepsBeforePause = 0;
      std::vector<TrainingProgress> progress;
      void onProgress(const TrainingProgress& p) override { progress.push_back(p); }
      void waitWhilePaused(const std::atomic<bool>&) override {
        // A 1.5 s pause after the second iteration: longer than the whole budget.
        if (++waits == 3) {
          stepsBeforePause = progress.back().steps;
          std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        }
      }
    } listener;
    std::atomic<bool> stop{false};
    const auto start = std::chrono::steady_clock::now();
    const TrainingResult result = session.run(stop, &listener);
    const double realSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(result.status, RunStatus::Finished);
    QVERIFY(listener.waits >= 3);
    // Training went on after the pause, and the pause is not in the reported training time.
    QVERIFY2(result.steps > listener.stepsBeforePause,
             qPrintable(QString("%1 steps, %2 before the pause").arg(result.steps).arg(listener.stepsBeforePause)));
    QVERIFY2(result.wallSeconds < realSeconds - 1.4,
             qPrintable(QString("training %1 s of %2 s").arg(result.wallSeconds).arg(realSeconds)));
    // Progress right after the pause leaves it out: the budget is not spent, the ETA is positive.
    const TrainingProgress& afterPause = listener.progress.at(2);
    QVERIFY2(afterPause.wallSeconds < 1.0, qPrintable(QString::number(afterPause.wallSeconds)));
    QVERIFY(afterPause.fractionDone < 1.0);
    QVERIFY(afterPause.etaSeconds > 0.0);
  }

  void stopDuringPauseInterruptsWithoutAnotherUpdate() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    nlohmann::json config = smallWalkerConfig();
    config["budget"] = {{"minutes", 10}};
    TrainingSession session(TrainConfig::fromJson(config), &store, "stopped while paused");
    struct StopWhilePaused : TrainingListener {
      std::atomic<bool>* stopFlag = nullptr;
      int updates = 0;
      int waits = 0;
      void onPolicyUpdated(const Policy&) override { ++updates; }
      void waitWhilePaused(const std::atomic<bool>&) override {
        // The user stops a paused run: the wait must end, and no iteration may follow.
        if (++waits == 3) stopFlag->store(true);
      }
    } listener;
    std::atomic<bool> stop{false};
    listener.stopFlag = &stop;
    const TrainingResult result = session.run(stop, &listener);
    QCOMPARE(result.status, RunStatus::Interrupted);
    QCOMPARE(listener.updates, 2);
    QCOMPARE(store.getRun(session.runId()).status, RunStatus::Interrupted);
    QVERIFY(store.latestCheckpoint(session.runId()).has_value());
  }

  void queuedRunStartsWhenTrained() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    const TrainConfig config = TrainConfig::fromJson(smallWalkerConfig());
    NewRun queued;
    queued.name = "queued";
    queued.env = config.env;
    queued.configJson = config.toJson().dump();
    queued.seed = config.seed;
    queued.status = RunStatus::Queued;
    const int64_t id = store.createRun(queued);
    TrainingSession session(config, store, id);
    QCOMPARE(session.runId(), id);
    // Preparing is not starting: the run waits as queued until run().
    QCOMPARE(store.getRun(id).status, RunStatus::Queued);
    QVERIFY(!store.getRun(id).startedAt.has_value());
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    QCOMPARE(result.status, RunStatus::Finished);
    QCOMPARE(result.runId, id);
    const RunInfo run = store.getRun(id);
    QCOMPARE(run.status, RunStatus::Finished);
    QVERIFY(run.startedAt.has_value() && *run.startedAt >= run.createdAt);
    QCOMPARE(run.steps, int64_t(result.steps));
    QCOMPARE(store.checkpoints(id).size(), size_t(2));
    QCOMPARE(store.listRuns().size(), size_t(1));  // no second row

    // Only a queued run of the same env can be started this way.
    try {
      TrainingSession again(config, store, id);
      QFAIL("a finished run was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("finished, not queued"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(NotFoundError, TrainingSession(config, store, id + 100));
    NewRun other = queued;
    other.env = "somewhere_else";
    const int64_t otherId = store.createRun(other);
    try {
      TrainingSession wrongEnv(config, store, otherId);
      QFAIL("a run of another env was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("somewhere_else"), e.what());
    }
  }

  // A full disk (the store's size quota) ends the run failed; everything committed before stays
  // whole: checkpoints load, episodes replay, the file passes its integrity check.
  void fullDiskFailsTheRunAndKeepsWhatWasCommitted() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("small.sqlite").toStdString();
    nlohmann::json config = smallWalkerConfig();
    config["budget"] = {{"minutes", 5}};
    config["eval"] = {{"every_steps", 256}, {"episodes", 2}, {"final_episodes", 2}};
    int64_t runId = 0;
    {
      RunStore::Options options;
      options.maxSizeBytes = 400 * 1024;
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, options);
      TrainingSession session(TrainConfig::fromJson(config), &store, "fills the disk");
      runId = session.runId();
      std::atomic<bool> stop{false};
      QString message;
      try {
        session.run(stop);
      } catch (const StoreError& e) {
        message = e.what();
      }
      QVERIFY2(
          message.contains("disk full") && message.contains("everything written before is kept"),
          qPrintable(message));
    }
    RunStore store(path, RunStore::OpenMode::OpenExisting);
    QVERIFY(store.crashedRunsFound().empty());
    const RunInfo run = store.getRun(runId);
    QCOMPARE(run.status, RunStatus::Failed);
    QVERIFY(run.endedAt.has_value());
    QVERIFY(!store.metrics(runId, std::string("train/episode_return")).empty());
    const auto checkpoints = store.checkpoints(runId);
    QVERIFY(!checkpoints.empty());
    for (const CheckpointInfo& c : checkpoints)
      Policy::deserialize(store.loadCheckpoint(c.id).policy);
    const EnvPtr env = EnvRegistry::instance().get("walker").create(nlohmann::json::object());
    const auto episodes = store.episodes(runId);
    QVERIFY(!episodes.empty());
    for (const EpisodeSummary& e : episodes)
      QVERIFY(verifyReplay(*env, store.loadEpisode(e.id).record).ok);
    SqliteConnection raw(path, SQLITE_OPEN_READONLY);
    QCOMPARE(
        raw.queryInt("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
        int64_t{1});
  }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "TestTraining.moc"
