// Frozen policy slots on the fight env in "two" mode with separate slots (p1, p2): a first short
// run trains a policy; a second run learns p1 against that run's best checkpoint frozen in p2.
// The frozen policy never changes and drives every p2 action (re-derived here step by step from
// the stored episodes), the stored episodes replay bit-exactly, the metrics are p1's, the same
// seed gives the same run, and every bad frozen-slot config is refused naming the field.
#include <QtTest>

#include <algorithm>
#include <cstring>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "env/VecEnv.h"
#include "replay/ReplayVerifier.h"
#include "rl/FrozenSlots.h"
#include "rl/PpoTrainer.h"
#include "store/RunStore.h"
#include "train/BestCheckpointSelection.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

const nlohmann::json kEnvConfig = {
    {"mode", "two"}, {"shared_policy", false}, {"round_seconds", 4}, {"action_repeat", 4}};

// Under a second of fight training: 2 envs x 32 steps per iteration, 16 iterations (rounds of
// 4 s are about 60 decisions, so several episodes finish).
nlohmann::json fightConfig() {
  nlohmann::json c = presetConfig("fight", "default");
  c["env_config"] = kEnvConfig;
  c["ppo"]["num_envs"] = 2;
  c["ppo"]["num_steps"] = 32;
  c["ppo"]["num_minibatches"] = 2;
  c["ppo"]["update_epochs"] = 2;
  c["ppo"]["hidden_sizes"] = {16};
  c["budget"] = {{"steps", 1024}};
  c["eval"] = {
      {"every_steps", 128}, {"episodes", 2}, {"final_episodes", 2}, {"best_candidates", 1}};
  c["keep_episodes"] = {{"sample_rate", 1.0}};
  c["threads"] = 2;
  return c;
}

nlohmann::json frozenConfig(int64_t run, const nlohmann::json& checkpoint = "best") {
  nlohmann::json c = fightConfig();
  c["frozen_slots"] = {{"p2", {{"run", run}, {"checkpoint", checkpoint}}}};
  c["learn_slot"] = "p1";
  c["seed"] = 5;
  return c;
}

TrainingResult train(RunStore& store, const nlohmann::json& config, const std::string& name) {
  TrainingSession session(TrainConfig::fromJson(config), &store, name);
  std::atomic<bool> stop{false};
  return session.run(stop);
}

// The ConfigError building a session of `config` gives (empty if it builds).
QString sessionError(RunStore* store, const nlohmann::json& config) {
  try {
    TrainingSession session(TrainConfig::fromJson(config), store, "refused");
  } catch (const ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

struct FrozenCheck {
  std::string problem;  // empty when every episode passed
  int trainEpisodes = 0, steps = 0;
};

// Replays every stored episode of `run` (hashes verified) and compares each p2 action with
// `frozen`'s deterministic action for the observation at that step.
FrozenCheck checkEpisodes(const RunStore& store, int64_t run, const Policy& frozen) {
  FrozenCheck result;
  const EnvInfo& info = EnvRegistry::instance().get("fight");
  EnvPtr env = info.create(kEnvConfig);
  EnvPtr replay = info.create(kEnvConfig);
  const int obsDim = env->spec().observationSpace.size();
  std::vector<float> obs(static_cast<size_t>(2 * obsDim)), rewards(2);
  Rng unused(0);
  for (const EpisodeSummary& summary : store.episodes(run)) {
    const EpisodeRecord record = store.loadEpisode(summary.id).record;
    const ReplayCheck check = verifyReplay(*replay, record);
    if (!check.ok) return {"episode " + std::to_string(summary.id) + ": " + check.message};
    result.trainEpisodes += summary.kind == EpisodeKind::Train;
    env->reset(record.seed, record.task);
    for (int t = 0; t < record.length; ++t, ++result.steps) {
      env->observe(obs.data());
      float p2 = -1.0f;
      frozen.act(obs.data() + obsDim, 1, true, unused, &p2);
      const float* step = record.actions.data() + static_cast<size_t>(t) * 2;
      if (step[1] != p2)
        return {"episode " + std::to_string(summary.id) + " step " + std::to_string(t) +
                ": p2 played " + std::to_string(step[1]) + ", the frozen policy plays " +
                std::to_string(p2)};
      env->step(step, rewards.data());
    }
  }
  return result;
}

}  // namespace

class TestFrozenSlots : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<RunStore> store_;
  int64_t firstRun_ = 0;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    store_ = std::make_unique<RunStore>(dir_.filePath("runs.sqlite").toStdString());
    firstRun_ = train(*store_, fightConfig(), "first").runId;
  }

  void learnerPlaysAgainstAnUnchangingFrozenPolicy() {
    const int64_t bestId = summarizeCheckpoints(store_->checkpoints(firstRun_)).best->id;
    const std::vector<uint8_t> frozenBytes = store_->loadCheckpoint(bestId).policy;
    const Policy frozen = Policy::deserialize(frozenBytes);

    const TrainingResult result = train(*store_, frozenConfig(firstRun_), "against frozen");
    QCOMPARE(result.status, RunStatus::Finished);
    const int64_t run = result.runId;

    // The frozen checkpoint is untouched, and the learner's checkpoints are not it.
    QVERIFY(store_->loadCheckpoint(bestId).policy == frozenBytes);
    const auto checkpoints = store_->checkpoints(run);
    QVERIFY(checkpoints.size() >= 2);
    QVERIFY(store_->loadCheckpoint(checkpoints.front().id).policy !=
            store_->loadCheckpoint(checkpoints.back().id).policy);

    // Every stored episode (training and evaluation) replays bit-exactly from its action log, and
    // every p2 action in it is the frozen policy's deterministic action at that state.
    const FrozenCheck check = checkEpisodes(*store_, run, frozen);
    QVERIFY2(check.problem.empty(), check.problem.c_str());
    const int trainEpisodes = check.trainEpisodes, checked = check.steps;
    QVERIFY(trainEpisodes > 0);
    QVERIFY2(checked > 200, qPrintable(QString::number(checked)));

    // The run's evaluation is p1's: its mean is the mean of the eval episodes' p1 returns.
    const auto evals = store_->episodes(run, EpisodeKind::Eval);
    double p1 = 0.0;
    const size_t n = 2;  // the final evaluation's episodes, stored last
    for (size_t k = evals.size() - n; k < evals.size(); ++k) p1 += evals[k].slotReturns[0];
    QCOMPARE(result.evalMeanReturn, p1 / static_cast<double>(n));
  }

  void sameSeedTrainsTheSameRun() {
    const TrainingResult a = train(*store_, frozenConfig(firstRun_), "same seed a");
    const TrainingResult b = train(*store_, frozenConfig(firstRun_), "same seed b");
    QVERIFY(store_->loadCheckpoint(a.finalCheckpointId).policy ==
            store_->loadCheckpoint(b.finalCheckpointId).policy);
    QCOMPARE(a.evalMeanReturn, b.evalMeanReturn);
  }

  // A frozen run stopped after its first checkpoint resumes with the same frozen policy (loaded
  // again from its config): every episode before and after the resume has the frozen p2.
  void interruptedFrozenRunResumesAsIfUninterrupted() {
    struct StopAtFirstEvaluation : TrainingListener {
      std::atomic<bool>* stop = nullptr;
      void onEvaluation(uint64_t, const EvalResult&) override { stop->store(true); }
    };
    nlohmann::json config = frozenConfig(firstRun_);
    config["seed"] = 9;
    TrainingSession first(TrainConfig::fromJson(config), store_.get(), "interrupted");
    std::atomic<bool> stop{false};
    StopAtFirstEvaluation listener;
    listener.stop = &stop;
    QCOMPARE(first.run(stop, &listener).status, RunStatus::Interrupted);
    TrainingSession resumed(*store_, first.runId(), {});
    QVERIFY(resumed.resumedFromStep() > 0);
    std::atomic<bool> noStop{false};
    const TrainingResult finished = resumed.run(noStop);
    QCOMPARE(finished.status, RunStatus::Finished);
    const Policy frozen = Policy::deserialize(
        store_->loadCheckpoint(summarizeCheckpoints(store_->checkpoints(firstRun_)).best->id)
            .policy);
    const FrozenCheck check = checkEpisodes(*store_, first.runId(), frozen);
    QVERIFY2(check.problem.empty(), check.problem.c_str());
    QVERIFY(check.trainEpisodes > 0);
  }

  // The trainer itself: frozen rows feed neither the observation statistics nor the update, and a
  // batch with every agent frozen is refused.
  void frozenRowsStayOutOfTheLearnersStatistics() {
    const TrainConfig config = TrainConfig::fromJson(fightConfig());
    const EnvInfo& info = EnvRegistry::instance().get("fight");
    ThreadPool pool(2);
    auto makeVec = [&] {
      std::vector<EnvPtr> envs;
      for (int i = 0; i < config.ppo.num_envs; ++i) envs.push_back(info.create(kEnvConfig));
      return std::make_unique<VecEnv>(std::move(envs), pool, 3);
    };
    const EnvSpec spec = info.create(kEnvConfig)->spec();
    auto frozen = std::make_shared<const Policy>(spec.observationSpace, spec.actionSpace,
                                                 config.ppo.architecture(), 77);
    auto vecA = makeVec(), vecB = makeVec();
    PpoTrainer all(*vecA, config.ppo, 1, pool);
    PpoTrainer half(*vecB, config.ppo, 1, pool, FrozenSlots(spec, {nullptr, frozen}));
    const double before = frozen->observationStats().count();  // a fresh policy's
    QCOMPARE(half.policy().observationStats().count() - before,
             (all.policy().observationStats().count() - before) / 2);
    const PpoIterationStats a = all.iterate(), b = half.iterate();
    QCOMPARE(half.policy().observationStats().count() - before,
             (all.policy().observationStats().count() - before) / 2);
    // Half the samples went through the update.
    QCOMPARE(b.value("update_samples_per_second") * b.value("update_seconds") * 2,
             a.value("update_samples_per_second") * a.value("update_seconds"));
    auto vecC = makeVec();
    QVERIFY_THROWS_EXCEPTION(
        ConfigError, PpoTrainer(*vecC, config.ppo, 1, pool, FrozenSlots(spec, {frozen, frozen})));
  }

  void configSpellingRoundTrips() {
    const TrainConfig c = TrainConfig::fromJson(frozenConfig(3, 12));
    QCOMPARE(c.frozenSlots.at("p2").run, int64_t{3});
    QCOMPARE(c.frozenSlots.at("p2").checkpoint, std::string("12"));
    QCOMPARE(c.learnSlot, std::string("p1"));
    QCOMPARE(TrainConfig::fromJson(c.toJson()).toJson(), c.toJson());
    QCOMPARE(c.toJson()["frozen_slots"]["p2"]["checkpoint"], nlohmann::json(12));
    // Without frozen slots the config is as it was, learn_slot absent.
    const nlohmann::json plain = TrainConfig::fromJson(fightConfig()).toJson();
    QCOMPARE(plain["frozen_slots"], nlohmann::json::object());
    QVERIFY(!plain.contains("learn_slot"));
  }

  void badFrozenSlotsAreRefusedNamingTheField() {
    auto configError = [](const nlohmann::json& config) {
      try {
        TrainConfig::fromJson(config);
      } catch (const ConfigError& e) {
        return QString::fromStdString(e.what());
      }
      return QString();
    };
    nlohmann::json c = frozenConfig(firstRun_);
    c["frozen_slots"]["p2"].erase("run");
    QVERIFY(configError(c).contains("frozen_slots.p2.run must name the run"));
    c = frozenConfig(firstRun_, "newest");
    QVERIFY(configError(c).contains(
        "frozen_slots.p2.checkpoint must be \"best\", \"latest\" or a checkpoint id"));
    c = frozenConfig(firstRun_);
    c["frozen_slots"]["p2"]["policy"] = "x";
    QVERIFY(configError(c).contains("frozen_slots.p2.policy"));
    c = fightConfig();
    c["learn_slot"] = "p1";
    QVERIFY(configError(c).contains("learn_slot needs frozen_slots"));
    c = frozenConfig(firstRun_);
    c["learn_slot"] = "p2";
    QVERIFY(configError(c).contains("is also in frozen_slots"));

    // Checked against the env and the store when a session is built.
    c = frozenConfig(firstRun_);
    c["frozen_slots"] = {{"p3", {{"run", firstRun_}}}};
    c.erase("learn_slot");
    QVERIFY(sessionError(store_.get(), c)
                .contains("frozen_slots.p3: fight has no policy slot \"p3\" (its slots: p1, p2)"));
    c = frozenConfig(firstRun_);
    c["learn_slot"] = "p9";
    QVERIFY(sessionError(store_.get(), c).contains("learn_slot: fight has no policy slot \"p9\""));
    c = frozenConfig(firstRun_);
    c["env_config"]["shared_policy"] = true;
    QVERIFY(sessionError(store_.get(), c).contains("no agent of fight is driven by slot \"p2\""));
    QVERIFY(sessionError(store_.get(), frozenConfig(999))
                .contains("frozen_slots.p2.run: there is no run 999"));
    QVERIFY(sessionError(store_.get(), frozenConfig(firstRun_, 99999))
                .contains("frozen_slots.p2.checkpoint: there is no checkpoint 99999"));
    QVERIFY(
        sessionError(nullptr, frozenConfig(firstRun_)).contains("frozen_slots need a run store"));

    // A run without checkpoints, and a checkpoint of another run.
    NewRun empty;
    empty.name = "empty";
    empty.env = "fight";
    const int64_t emptyRun = store_->createRun(empty);
    QVERIFY(sessionError(store_.get(), frozenConfig(emptyRun))
                .contains("run " + QString::number(emptyRun) + " has no checkpoint yet"));
    const int64_t otherId = store_->checkpoints(firstRun_).front().id;
    QVERIFY(sessionError(store_.get(), frozenConfig(emptyRun, otherId)).contains("belongs to run"));

    // A policy whose spaces are not the env's.
    const Policy wrong(Space::box(3, -1.0f, 1.0f), Space::discrete(4), PolicyArchitecture{}, 1);
    store_->addCheckpoint(emptyRun, 1, wrong.serialize());
    QVERIFY(sessionError(store_.get(), frozenConfig(emptyRun, "latest"))
                .contains("frozen_slots.p2: the policy observes Box(3, [-1, 1]) and acts in "
                          "Discrete(4), but fight observes"));
    // No run was created for any refused config.
    for (const RunInfo& run : store_->listRuns()) QVERIFY(run.name != "refused");
  }
};

QTEST_GUILESS_MAIN(TestFrozenSlots)
#include "TestFrozenSlots.moc"
