// Resuming runs and choosing their result: the PPO trainer's state round trip (bit for bit),
// `train --resume` semantics on a real store (the step counter, metrics, checkpoints and
// episodes continue in the same run; a running, queued, finished or pre-resume run is refused
// with the reason), and the best-checkpoint selection that marks a run's result.
#include <QtTest>

#include <algorithm>
#include <atomic>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "env/VecEnv.h"
#include "rl/PpoTrainer.h"
#include "store/RunStore.h"
#include "train/CheckpointMeta.h"
#include "train/Evaluator.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

nlohmann::json tinyWalkerConfig() {
  return testing::tinyTrainingConfig("walker", "default", 2048, 512, 2, 3);
}

// Stops the run after `iterations` PPO iterations.
struct StopAfter : TrainingListener {
  std::atomic<bool>* stop = nullptr;
  int iterations = 0;
  int seen = 0;
  void onProgress(const TrainingProgress&) override {
    if (++seen == iterations) stop->store(true);
  }
};

int64_t interruptedRun(RunStore& store, int iterations,
                       const nlohmann::json& config = tinyWalkerConfig()) {
  TrainingSession session(TrainConfig::fromJson(config), &store, "to resume");
  std::atomic<bool> stop{false};
  StopAfter listener;
  listener.stop = &stop;
  listener.iterations = iterations;
  const TrainingResult result = session.run(stop, &listener);
  if (result.status != RunStatus::Interrupted) qFatal("the run was not interrupted");
  return session.runId();
}

QString resumeRefusal(RunStore& store, int64_t runId, const ResumeRequest& request = {}) {
  try {
    TrainingSession session(store, runId, request);
  } catch (const ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestResume : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  // The learner's state round trip: a fresh trainer given a policy and saveState() of another
  // continues with the same Adam moments and step, normaliser, random streams and counters.
  void trainerStateRestoresBitForBit() {
    const TrainConfig config = TrainConfig::fromJson(tinyWalkerConfig());
    const EnvInfo& info = EnvRegistry::instance().get("walker");
    ThreadPool pool(2);
    auto makeVec = [&] {
      std::vector<EnvPtr> envs;
      for (int i = 0; i < config.ppo.num_envs; ++i) envs.push_back(info.create(config.envConfig));
      return std::make_unique<VecEnv>(std::move(envs), pool, config.seed);
    };
    auto vecA = makeVec();
    PpoTrainer a(*vecA, config.ppo, config.seed, pool);
    for (int i = 0; i < 3; ++i) a.iterate();
    const std::vector<uint8_t> state = a.saveState();
    const std::vector<uint8_t> policy = a.policy().serialize();
    QVERIFY(a.optimizer().steps() > 0);

    auto vecB = makeVec();
    PpoTrainer b(*vecB, config.ppo, config.seed + 1, pool);  // other seed: nothing left to chance
    QVERIFY(b.saveState() != state);
    b.restoreState(Policy::deserialize(policy), state);
    QVERIFY(b.saveState() == state);
    QVERIFY(b.policy().serialize() == policy);
    QCOMPARE(b.globalStep(), a.globalStep());
    QCOMPARE(b.iterationsDone(), a.iterationsDone());
    QCOMPARE(b.optimizer().steps(), a.optimizer().steps());
    QVERIFY(b.optimizer().firstMoment() == a.optimizer().firstMoment());
    QVERIFY(b.optimizer().secondMoment() == a.optimizer().secondMoment());
    QCOMPARE(vecB->episodeIndices(), vecA->episodeIndices());
    b.iterate();  // and it trains on
    QCOMPARE(b.globalStep(), a.globalStep() + uint64_t(config.ppo.batchSize()));

    // A state of another shape is refused by name.
    nlohmann::json wider = tinyWalkerConfig();
    wider["ppo"]["hidden_sizes"] = {32};
    const TrainConfig other = TrainConfig::fromJson(wider);
    auto vecC = makeVec();
    PpoTrainer c(*vecC, other.ppo, other.seed, pool);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             c.restoreState(Policy::deserialize(policy), state));
    std::vector<uint8_t> truncated(state.begin(), state.begin() + 20);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, b.restoreState(b.policy(), truncated));
  }

  // An interrupted run resumes in the same run id at the step it stopped, with the optimiser
  // state it checkpointed, appends to its metrics, checkpoints and episodes, and finishes.
  void resumeContinuesWhereTheRunStopped() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    const int64_t runId = interruptedRun(store, 5);
    const RunInfo stopped = store.getRun(runId);
    QCOMPARE(stopped.status, RunStatus::Interrupted);
    QVERIFY(stopped.endedAt.has_value());
    const auto resume = store.resumeState(runId);
    QVERIFY(resume.has_value());
    const auto checkpointsBefore = store.checkpoints(runId);
    QCOMPARE(resume->checkpointId, checkpointsBefore.back().id);
    store.flush();
    const auto metricsBefore = store.metrics(runId, std::string("ppo/approx_kl"));
    const size_t episodesBefore = store.episodes(runId).size();

    TrainingSession session(store, runId, {});
    QCOMPARE(int64_t(session.resumedFromStep()), stopped.steps);
    QCOMPARE(session.runId(), runId);
    struct Watch : TrainingListener {
      std::vector<uint64_t> steps;
      std::vector<uint8_t> firstPolicy;
      void onPolicyUpdated(const Policy& p) override {
        if (firstPolicy.empty()) firstPolicy = p.serialize();
      }
      void onProgress(const TrainingProgress& p) override { steps.push_back(p.steps); }
    } watch;
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop, &watch);
    QCOMPARE(result.status, RunStatus::Finished);
    QCOMPARE(result.resumedFromStep, uint64_t(stopped.steps));
    // The step counter goes on from the stop: the first iteration after it adds one batch.
    QVERIFY(!watch.steps.empty());
    QCOMPARE(watch.steps.front(), uint64_t(stopped.steps) + 128);
    QVERIFY(result.steps >= 2048);
    const RunInfo done = store.getRun(runId);
    QCOMPARE(done.status, RunStatus::Finished);
    QCOMPARE(done.steps, int64_t(result.steps));
    QVERIFY(done.endedAt.has_value() && *done.endedAt >= *stopped.endedAt);
    QCOMPARE(store.listRuns().size(), size_t(1));  // the same run, no new one
    // Metrics continue: the earlier points are kept, the new ones come after the stop.
    const auto metricsAfter = store.metrics(runId, std::string("ppo/approx_kl"));
    QVERIFY(metricsAfter.size() > metricsBefore.size());
    for (size_t i = 0; i < metricsBefore.size(); ++i)
      QCOMPARE(metricsAfter[i].step, metricsBefore[i].step);
    QVERIFY(metricsAfter[metricsBefore.size()].step > stopped.steps);
    QVERIFY(store.checkpoints(runId).size() > checkpointsBefore.size());
    QVERIFY(store.episodes(runId).size() > episodesBefore);
    // The resume point moved to the new last checkpoint.
    QCOMPARE(store.resumeState(runId)->checkpointId, store.checkpoints(runId).back().id);
  }

  // The first update after a resume starts from the checkpointed policy and optimiser: the same
  // as a trainer restored by hand from the stored bytes.
  void resumedSessionStartsFromTheCheckpointedState() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    const int64_t runId = interruptedRun(store, 3);
    const ResumeState resume = *store.resumeState(runId);
    const std::vector<uint8_t> checkpointed = store.loadCheckpoint(resume.checkpointId).policy;
    // Stop the resumed session before its first iteration: the checkpoint it writes holds the
    // policy it started from, and its resume state the restored optimiser.
    TrainingSession session(store, runId, {});
    std::atomic<bool> stop{true};
    const TrainingResult result = session.run(stop);
    QCOMPARE(result.status, RunStatus::Interrupted);
    const ResumeState after = *store.resumeState(runId);
    QVERIFY(after.checkpointId != resume.checkpointId);
    QVERIFY(store.loadCheckpoint(after.checkpointId).policy == checkpointed);
    const ResumePoint before = ResumePoint::decode(resume.state, runId);
    const ResumePoint now = ResumePoint::decode(after.state, runId);
    QVERIFY2(now.trainer == before.trainer,
             "the optimiser state changed across a resume without training");
    QCOMPARE(now.step, before.step);
    QCOMPARE(now.episodes, before.episodes);
    QCOMPARE(now.nextEval, before.nextEval);
    QVERIFY(now.trainedSeconds >= before.trainedSeconds);
    QCOMPARE(result.steps, before.step);
  }

  void resumeRefusesWithTheReason() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    // A finished run within its budget.
    TrainingSession finished(TrainConfig::fromJson(tinyWalkerConfig()), &store, "finished");
    std::atomic<bool> stop{false};
    finished.run(stop);
    QString why = resumeRefusal(store, finished.runId());
    QVERIFY2(why.contains("finished its budget (2048 steps") && why.contains("larger --steps"),
             qPrintable(why));
    // ... which a larger budget lets go on; a budget not beyond what it trained does not.
    why = resumeRefusal(store, finished.runId(), ResumeRequest{.steps = 1000});
    QVERIFY2(why.contains("already trained") && why.contains("must be larger"), qPrintable(why));
    QVERIFY(resumeRefusal(store, finished.runId(), ResumeRequest{.steps = 4096}).isEmpty());

    // Running and queued runs.
    NewRun running;
    running.name = "running";
    running.env = "walker";
    running.configJson = TrainConfig::fromJson(tinyWalkerConfig()).toJson().dump();
    const int64_t runningId = store.createRun(running);
    why = resumeRefusal(store, runningId);
    QVERIFY2(why.contains("is running"), qPrintable(why));
    running.status = RunStatus::Queued;
    why = resumeRefusal(store, store.createRun(running));
    QVERIFY2(why.contains("is queued"), qPrintable(why));

    // A run of an older store: interrupted, with a checkpoint but no resume state.
    running.status = RunStatus::Running;
    const int64_t oldRun = store.createRun(running);
    const Policy policy = Policy::deserialize(
        store.loadCheckpoint(store.checkpoints(finished.runId()).back().id).policy);
    store.addCheckpoint(oldRun, 512, policy.serialize(), "{}");
    store.updateRun(oldRun, RunUpdate{.status = RunStatus::Interrupted});
    why = resumeRefusal(store, oldRun);
    QVERIFY2(why.contains("has no resume state") && why.contains("cannot be resumed"),
             qPrintable(why));
    QVERIFY_THROWS_EXCEPTION(NotFoundError, resumableConfig(store, 999, {}));
  }

  void newBudgetIsStoredWithTheRun() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    const int64_t runId = interruptedRun(store, 2);
    TrainingSession session(store, runId, ResumeRequest{.steps = 1024});
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    QCOMPARE(result.status, RunStatus::Finished);
    QVERIFY(result.steps >= 1024 && result.steps < 2048);
    const TrainConfig stored =
        TrainConfig::fromJson(nlohmann::json::parse(store.getRun(runId).configJson));
    QCOMPARE(*stored.maxSteps, uint64_t(1024));
  }

  // A finished run marks exactly one checkpoint "best": the one whose selection evaluation (as
  // many episodes as the final one) is highest, among the final policy and the candidates.
  void finishedRunMarksItsBestCheckpoint() {
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    TrainingSession session(TrainConfig::fromJson(tinyWalkerConfig()), &store, "best");
    std::atomic<bool> stop{false};
    const TrainingResult result = session.run(stop);
    const auto checkpoints = store.checkpoints(session.runId());
    QCOMPARE(checkpoints.size(), size_t(4));  // at 512, 1024, 1536 and the final one
    int marked = 0, selected = 0;
    double bestSelection = -1e9;
    for (const CheckpointInfo& c : checkpoints) {
      marked += isBestCheckpoint(c.metaJson);
      if (auto s = selectionEvalOf(c.metaJson)) {
        ++selected;
        QCOMPARE(s->episodes, 3);
        bestSelection = std::max(bestSelection, s->meanReturn);
      }
    }
    QCOMPARE(marked, 1);
    QCOMPARE(selected, 3);  // the final one and best_candidates = 2
    const RunCheckpointSummary summary = summarizeCheckpoints(checkpoints);
    QVERIFY(summary.bestIsMarked);
    QCOMPARE(summary.best->id, result.bestCheckpointId);
    QCOMPARE(summary.bestEval.meanReturn, bestSelection);
    QCOMPARE(result.bestEval.meanReturn, bestSelection);
    // The mark is the evaluation a user can reproduce: the same seeds, the same mean.
    const Policy best = Policy::deserialize(store.loadCheckpoint(result.bestCheckpointId).policy);
    const EnvInfo& info = EnvRegistry::instance().get("walker");
    ThreadPool pool(2);
    const TrainConfig config = TrainConfig::fromJson(tinyWalkerConfig());
    const EvalResult again = evaluatePolicy([&] { return info.create(config.envConfig); }, best, {},
                                            3, config.seed, pool);
    QCOMPARE(again.meanReturn, bestSelection);
    // Resuming with a larger budget chooses again over all checkpoints: still one mark.
    TrainingSession more(store, session.runId(), ResumeRequest{.steps = 3072});
    more.run(stop);
    int marks = 0;
    for (const CheckpointInfo& c : store.checkpoints(session.runId()))
      marks += isBestCheckpoint(c.metaJson);
    QCOMPARE(marks, 1);
  }

  void evaluationSummaryHasMedianAndFallRate() {
    EvalResult r;
    for (double ret : {10.0, -100.0, 30.0, 20.0}) {
      EpisodeRecord e;
      e.slotReturns = {ret};
      e.info.outcome = ret < 0 ? kFellOutcome : "timeout";
      r.episodes.push_back(e);
    }
    summarizeEvaluation(r, 15.0);
    QCOMPARE(r.meanReturn, -10.0);
    QCOMPARE(r.medianReturn, 15.0);  // mean of the middle two: 10 and 20
    QCOMPARE(r.fallRate, 0.25);
    QCOMPARE(r.successRate, 0.5);
    r.episodes.pop_back();
    summarizeEvaluation(r, 15.0);
    QCOMPARE(r.medianReturn, 10.0);
  }
};

QTEST_GUILESS_MAIN(TestResume)
#include "TestResume.moc"
