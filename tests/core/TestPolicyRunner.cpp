// Tests of PolicyRunner on the real Box2D walker: the episodes it plays are the
// evaluator's deterministic evaluation episodes (same seeds, same returns, bit
// for bit), it resets itself after an episode, runs with no policy (zero
// actions), applies a task change at the next episode, restarts an episode
// identically, and rejects bad input (null env, bad task, mismatched policy)
// with a clear message.
#include <QtTest>

#include <memory>
#include <stdexcept>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "play/PolicyRunner.h"
#include "train/Evaluator.h"
#include "util/Errors.h"
#include "util/ThreadPool.h"

using namespace palaestra;

namespace {

EnvPtr makeWalker(const nlohmann::json& config = nlohmann::json::object()) {
  registerBuiltinSimulations();
  return EnvRegistry::instance().get("walker").create(config);
}

std::shared_ptr<const Policy> makePolicy(const Env& env, uint64_t initSeed) {
  return std::make_shared<const Policy>(env.spec().observationSpace, env.spec().actionSpace,
                                        PolicyArchitecture{}, initSeed);
}

// Steps until `episodes` episodes have finished; returns their returns.
std::vector<double> playEpisodes(PolicyRunner& runner, int episodes) {
  std::vector<double> returns;
  while (runner.episodesFinished() < episodes) {
    runner.step();
    if (runner.lastStepEndedEpisode()) returns.push_back(runner.lastEpisodeReturn());
  }
  return returns;
}

}  // namespace

class TestPolicyRunner : public QObject {
  Q_OBJECT

 private slots:
  void matchesDeterministicEvaluation() {
    const uint64_t seed = 77;
    EnvPtr probe = makeWalker();
    auto policy = makePolicy(*probe, 5);
    ThreadPool pool(1);
    const EvalResult eval = evaluatePolicy([] { return makeWalker(); }, *policy, {}, 2, seed, pool);

    PolicyRunner runner(makeWalker(), seed, {});
    runner.setPolicy(policy);
    QCOMPARE(runner.episodeSeed(), evalEpisodeSeed(seed, 0));
    int steps = 0;
    while (runner.episodesFinished() < 1) {
      runner.step();
      ++steps;
    }
    QCOMPARE(steps, eval.episodes[0].length);
    QCOMPARE(runner.lastEpisodeReturn(), eval.episodes[0].episodeReturn());
    QCOMPARE(runner.episodeSeed(), evalEpisodeSeed(seed, 1));
    QCOMPARE(runner.episodeStep(), 0);  // reset itself
    QCOMPARE(runner.episodeReturn(), 0.0);
    QVERIFY(runner.lastStepEndedEpisode());
    const std::vector<double> second = playEpisodes(runner, 2);
    QCOMPARE(second.size(), size_t(1));
    QCOMPARE(second[0], eval.episodes[1].episodeReturn());
    QCOMPARE(runner.episodesFinished(), 2);
  }

  void returnIsSumOfRewards() {
    PolicyRunner runner(makeWalker(), 3, {});
    runner.setPolicy(makePolicy(runner.env(), 9));
    double sum = 0;
    for (int i = 0; i < 50; ++i) {
      runner.step();
      if (runner.lastStepEndedEpisode()) break;
      sum += runner.lastReward();
      QCOMPARE(runner.episodeStep(), i + 1);
    }
    QVERIFY(runner.lastStepEndedEpisode() || qAbs(runner.episodeReturn() - sum) < 1e-9);
  }

  void nullPolicyPlaysZeroActions() {
    const uint64_t seed = 11;
    PolicyRunner runner(makeWalker(), seed, {});
    QVERIFY(!runner.policy());
    // Reference: the same episode with explicit zero actions.
    EnvPtr reference = makeWalker();
    reference->reset(evalEpisodeSeed(seed, 0), {});
    std::vector<float> zeros(static_cast<size_t>(reference->spec().actionSpace.size()), 0.0f);
    float reward = 0;
    double sum = 0;
    for (int i = 0; i < 100; ++i) {
      reference->step(zeros.data(), &reward);
      sum += reward;
      runner.step();
    }
    QCOMPARE(runner.env().stateHash(), reference->stateHash());
    QCOMPARE(runner.episodeReturn(), sum);
    QCOMPARE(runner.lastReward(), static_cast<double>(reward));
  }

  void policyChangeTakesEffectAtNextStep() {
    PolicyRunner runner(makeWalker(), 4, {});
    for (int i = 0; i < 10; ++i) runner.step();
    runner.setPolicy(makePolicy(runner.env(), 21));
    QCOMPARE(runner.episodeStep(), 10);  // no reset on a policy change
    runner.setPolicy(nullptr);
    runner.step();
    QCOMPARE(runner.episodeStep(), 11);
  }

  void restartReplaysTheSameEpisode() {
    PolicyRunner runner(makeWalker(), 8, {});
    runner.setPolicy(makePolicy(runner.env(), 2));
    const uint64_t start = runner.env().stateHash();
    for (int i = 0; i < 30; ++i) runner.step();
    const uint64_t at30 = runner.env().stateHash();
    const double return30 = runner.episodeReturn();
    runner.restartEpisode();
    QCOMPARE(runner.episodeStep(), 0);
    QCOMPARE(runner.env().stateHash(), start);
    QCOMPARE(runner.episodeReturn(), 0.0);
    for (int i = 0; i < 30; ++i) runner.step();
    QCOMPARE(runner.env().stateHash(), at30);
    QCOMPARE(runner.episodeReturn(), return30);
    QCOMPARE(runner.episodesFinished(), 0);
  }

  void taskAppliesAtNextReset() {
    EnvPtr env = makeWalker({{"terrain", "stump_tracks"}});
    const TaskValues defaults = env->spec().tasks.defaults();
    QVERIFY(!defaults.empty());
    PolicyRunner runner(std::move(env), 6, defaults);
    for (int i = 0; i < 5; ++i) runner.step();
    const uint64_t before = runner.env().stateHash();
    TaskValues taller = defaults;
    taller[0] = 2.5;
    runner.setTask(taller);
    QCOMPARE(runner.task(), taller);
    QCOMPARE(runner.env().stateHash(), before);  // the running episode is untouched
    QCOMPARE(runner.episodeStep(), 5);
    runner.restartEpisode();

    EnvPtr reference = makeWalker({{"terrain", "stump_tracks"}});
    reference->reset(evalEpisodeSeed(6, 0), taller);
    QCOMPARE(runner.env().stateHash(), reference->stateHash());
  }

  void badInputIsReported() {
    try {
      PolicyRunner runner(nullptr, 1, {});
      QFAIL("a null env was accepted");
    } catch (const ConfigError& e) {
      QVERIFY(QString::fromStdString(e.what()).contains("env"));
    }
    try {
      PolicyRunner runner(makeWalker(), 1, {0.5, 0.5, 0.5});
      QFAIL("a task for another env was accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY(QString::fromStdString(e.what()).contains("task"));
    }
    PolicyRunner runner(makeWalker(), 1, {});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, runner.setTask({1.0}));
    QVERIFY(runner.task().empty());
    auto foreign = std::make_shared<const Policy>(Space::box(3, -1.0f, 1.0f),
                                                  Space::box(2, -1.0f, 1.0f),
                                                  PolicyArchitecture{}, 1);
    try {
      runner.setPolicy(foreign);
      QFAIL("a policy for another env was accepted");
    } catch (const ConfigError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains("3 observations") && message.contains("walker"), e.what());
    }
    QVERIFY(!runner.policy());
    runner.step();  // still usable
    QCOMPARE(runner.episodeStep(), 1);
  }
};

QTEST_MAIN(TestPolicyRunner)
#include "TestPolicyRunner.moc"
