// PPO end to end on toy tasks small enough to learn in seconds: a 1-D
// "move to the target" task (Gaussian head, clipped actions) and a two-agent
// "answer the cue" task (categorical head, one policy for both agents). Also
// checks GAE against a hand-worked case, determinism of training across
// thread counts, interruption, and learning-rate annealing.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <set>

#include "env/VecEnv.h"
#include "rl/Gae.h"
#include "rl/PpoTrainer.h"
#include "train/Evaluator.h"
#include "util/Errors.h"
#include "util/Hash.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

using namespace palaestra;

namespace {

// Shared plumbing of the toy envs: state is a trivially copyable struct, snapshots are its bytes.
template <typename State>
class ToyEnv : public Env {
 public:
  int episodeStep() const override { return state_.steps; }
  std::vector<uint8_t> snapshot() const override {
    std::vector<uint8_t> out(sizeof(State));
    std::memcpy(out.data(), &state_, sizeof(State));
    return out;
  }
  void restore(std::span<const uint8_t> data) override {
    if (data.size() != sizeof(State)) throw std::invalid_argument("toy env snapshot has the wrong size");
    std::memcpy(&state_, data.data(), sizeof(State));
  }
  uint64_t stateHash() const override {
    StateHasher h;
    h.add(state_);
    return h.value();
  }

 protected:
  State state_;
};

// One agent on a line must walk to a target and stay there: reward -|position - target| per step.
struct MoveState {
  float position = 0, target = 0;
  int steps = 0;
};

class MoveToTargetEnv : public ToyEnv<MoveState> {
 public:
  static constexpr int kSteps = 20;
  /// With a quantum, the env refuses any action that is not a multiple of it.
  explicit MoveToTargetEnv(float quantum = 0.0f) {
    spec_.name = "move-to-target";
    spec_.observationSpace = Space::box(2, -3.0f, 3.0f);
    spec_.actionSpace = Space::box(1, -1.0f, 1.0f);
    spec_.actionSpace.quantum = quantum;
    spec_.policySlotOfAgent = {0};
    spec_.policySlots = {"mover"};
    spec_.maxEpisodeSteps = kSteps;
  }
  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const TaskValues&) override {
    Rng rng(seed);
    state_.position = static_cast<float>(rng.uniform(-1, 1));
    state_.target = static_cast<float>(rng.uniform(-1, 1));
    state_.steps = 0;
  }
  void observe(float* out) const override {
    out[0] = state_.position;
    out[1] = state_.target;
  }
  StepStatus step(const float* actions, float* rewards) override {
    if (!spec_.actionSpace.contains(std::span<const float>(actions, 1)))
      throw std::invalid_argument("action outside " + spec_.actionSpace.describe());
    state_.position += 0.25f * actions[0];
    state_.steps++;
    rewards[0] = -std::abs(state_.position - state_.target);
    StepStatus s;
    s.truncated = state_.steps >= kSteps;
    return s;
  }
  void describe(Scene& scene) const override {
    scene.circles.push_back({{state_.position, 0}, 0.1f, {0, 0, 1, 1}, {0, 0, 0, 1}, kBaseLayer});
    scene.circles.push_back({{state_.target, 0}, 0.05f, {1, 0, 0, 1}, {0, 0, 0, 1}, kBaseLayer});
  }
  EpisodeInfo episodeInfo() const override {
    return {"timeout", {{"distance", std::abs(state_.position - state_.target)}}};
  }

 private:
  EnvSpec spec_;
};

// Two agents each see a one-hot cue among three and earn 1 for naming it; a wrong answer ends the episode
// for both (so the done flag is shared), and ten right answers in a row finish it.
struct CueState {
  Rng rng;
  int cue[2] = {0, 0};
  int steps = 0;
};

class CueEnv : public ToyEnv<CueState> {
 public:
  static constexpr int kSteps = 10;
  CueEnv() {
    spec_.name = "cue";
    spec_.observationSpace = Space::box(3, 0.0f, 1.0f);
    spec_.actionSpace = Space::discrete(3);
    spec_.numAgents = 2;
    spec_.policySlotOfAgent = {0, 0};
    spec_.policySlots = {"answerer"};
    spec_.maxEpisodeSteps = kSteps;
  }
  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const TaskValues&) override {
    state_.rng.reseed(seed);
    state_.steps = 0;
    drawCues();
  }
  void observe(float* out) const override {
    for (int a = 0; a < 2; ++a)
      for (int k = 0; k < 3; ++k) out[a * 3 + k] = state_.cue[a] == k ? 1.0f : 0.0f;
  }
  StepStatus step(const float* actions, float* rewards) override {
    bool wrong = false;
    for (int a = 0; a < 2; ++a) {
      const bool right = static_cast<int>(actions[a]) == state_.cue[a];
      rewards[a] = right ? 1.0f : 0.0f;
      wrong = wrong || !right;
    }
    state_.steps++;
    drawCues();
    StepStatus s;
    s.terminated = wrong;
    s.truncated = !wrong && state_.steps >= kSteps;
    return s;
  }
  void describe(Scene& scene) const override {
    scene.labels.push_back({{0, 0}, true, "cues " + std::to_string(state_.cue[0]) + std::to_string(state_.cue[1]), {}});
  }
  EpisodeInfo episodeInfo() const override { return {state_.steps >= kSteps ? "finished" : "wrong", {}}; }

 private:
  void drawCues() {
    for (int& c : state_.cue) c = static_cast<int>(state_.rng.below(3));
  }
  EnvSpec spec_;
};

template <typename E>
std::vector<EnvPtr> makeEnvs(int n) {
  std::vector<EnvPtr> envs;
  for (int i = 0; i < n; ++i) envs.push_back(std::make_unique<E>());
  return envs;
}

// Mean per-agent return of `episodes` episodes played by the deterministic policy (or uniformly random actions).
template <typename E>
double evaluate(const Policy* policy, int episodes, uint64_t seed) {
  E env;
  const EnvSpec& spec = env.spec();
  const int agents = spec.numAgents, od = spec.observationSpace.size(), ad = spec.actionSpace.size();
  std::vector<float> obs(agents * od), act(agents * ad), rew(agents);
  Rng rng(seed);
  double total = 0;
  for (int ep = 0; ep < episodes; ++ep) {
    env.reset(deriveSeed(seed, 0, ep), spec.tasks.defaults());
    for (;;) {
      env.observe(obs.data());
      if (policy) {
        policy->act(obs.data(), agents, true, rng, act.data());
      } else {
        for (int i = 0; i < agents * ad; ++i)
          act[i] = spec.actionSpace.kind == SpaceKind::Box
                       ? static_cast<float>(rng.uniform(spec.actionSpace.low[0], spec.actionSpace.high[0]))
                       : static_cast<float>(rng.below(spec.actionSpace.counts[0]));
      }
      const StepStatus s = env.step(act.data(), rew.data());
      for (float r : rew) total += r;
      if (s.terminated || s.truncated) break;
    }
  }
  return total / (episodes * agents);
}

PpoConfig smallConfig(int numEnvs, int numSteps, int iterations) {
  PpoConfig cfg;
  cfg.num_envs = numEnvs;
  cfg.num_steps = numSteps;
  cfg.num_minibatches = 4;
  cfg.update_epochs = 10;
  cfg.learning_rate = 3e-3;
  cfg.total_timesteps = static_cast<int64_t>(numEnvs) * numSteps * iterations;
  return cfg;
}

}  // namespace

class TestPpo : public QObject {
  Q_OBJECT
 private slots:
  void gaeMatchesHandComputation() {
    // dones[2] = 1: observation 2 starts a new episode, so step 1 does not bootstrap.
    const float rewards[3] = {1, 2, 3}, values[3] = {0.5f, 1.0f, 1.5f}, dones[3] = {0, 0, 1};
    const float nextValue = 2.0f, nextDone = 0.0f;
    float adv[3], ret[3];
    computeGae(3, 1, rewards, values, dones, &nextValue, &nextDone, 0.9, 0.8, adv, ret);
    // t=2: 3 + 0.9*2 - 1.5 = 3.3 ; t=1: 2 - 1 = 1 ; t=0: (1 + 0.9*1 - 0.5) + 0.72 * 1 = 2.12.
    QVERIFY(std::abs(adv[2] - 3.3f) < 1e-6f);
    QVERIFY(std::abs(adv[1] - 1.0f) < 1e-6f);
    QVERIFY(std::abs(adv[0] - 2.12f) < 1e-6f);
    QVERIFY(std::abs(ret[0] - 2.62f) < 1e-6f && std::abs(ret[2] - 4.8f) < 1e-6f);
  }

  void learnsMoveToTarget() {
    ThreadPool pool(2);
    VecEnv envs(makeEnvs<MoveToTargetEnv>(8), pool, 1);
    const int iterations = 40;
    PpoTrainer trainer(envs, smallConfig(8, 64, iterations), 7, pool);
    const double before = evaluate<MoveToTargetEnv>(&trainer.policy(), 50, 99);
    const double random = evaluate<MoveToTargetEnv>(nullptr, 50, 99);
    PpoIterationStats last;
    for (int i = 0; i < iterations; ++i) last = trainer.iterate();
    const double after = evaluate<MoveToTargetEnv>(&trainer.policy(), 50, 99);
    qInfo("move-to-target: random %.2f, untrained %.2f, trained %.2f (%.0f update samples/s)", random, before, after,
          last.value("update_samples_per_second"));
    QCOMPARE(trainer.globalStep(), uint64_t(8 * 64 * iterations));
    QVERIFY(random < -8.0);
    QVERIFY(after > -4.0);
    QVERIFY(std::isfinite(last.value("explained_variance")));
    for (const char* name : {"policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "learning_rate",
                             "rollout_seconds", "update_seconds"})
      QVERIFY2(last.has(name), name);
  }

  void learnsCueWithTwoAgents() {
    ThreadPool pool(2);
    VecEnv envs(makeEnvs<CueEnv>(8), pool, 2);
    const int iterations = 25;
    PpoConfig cfg = smallConfig(8, 32, iterations);
    cfg.ent_coef = 0.01;
    PpoTrainer trainer(envs, cfg, 3, pool);
    for (int i = 0; i < iterations; ++i) trainer.iterate();
    const double random = evaluate<CueEnv>(nullptr, 50, 5);
    const double after = evaluate<CueEnv>(&trainer.policy(), 50, 5);
    qInfo("cue: random %.2f, trained %.2f", random, after);
    QVERIFY(random < 1.0);  // a wrong answer by either agent ends the episode
    QVERIFY(after > 9.0);
  }

  void quantisedActionsAreWhatTheEnvAndTheLogGet() {
    // Policy outputs are rounded to the env's quantum after clipping, by the trainer, the
    // evaluator and the checkpointed policy alike; the env throws on anything else.
    static constexpr float kQuantum = 1.0f / 32.0f;
    auto makeEnv = [] { return EnvPtr(std::make_unique<MoveToTargetEnv>(kQuantum)); };
    ThreadPool pool(2);
    std::vector<EnvPtr> list;
    for (int i = 0; i < 4; ++i) list.push_back(makeEnv());
    VecEnv envs(std::move(list), pool, 5);
    envs.setRecording(true);
    PpoTrainer trainer(envs, smallConfig(4, 40, 3), 9, pool);
    for (int i = 0; i < 3; ++i) trainer.iterate();
    const auto episodes = envs.takeFinishedEpisodes();
    QVERIFY(!episodes.empty());
    std::set<float> distinct;
    for (const EpisodeRecord& e : episodes)
      for (float a : e.actions) {
        QVERIFY2(std::ldexp(a, 5) == std::round(std::ldexp(a, 5)), "a logged action is no multiple of 1/32");
        distinct.insert(a);
      }
    QVERIFY2(distinct.size() > 4, "the log holds several distinct quantised values");

    // The quantum travels with a checkpointed policy (format version 2) ...
    const Policy restored = Policy::deserialize(trainer.policy().serialize());
    QCOMPARE(restored.actionSpace().quantum, kQuantum);
    // ... while a policy without one still writes version 1, byte for byte as before.
    const std::vector<uint8_t> plain =
        Policy(Space::box(2, -3.0f, 3.0f), Space::box(1, -1.0f, 1.0f), PolicyArchitecture{}, 1).serialize();
    uint32_t version = 0;
    std::memcpy(&version, plain.data() + 8, sizeof(version));
    QCOMPARE(version, 1u);

    // The evaluator rounds with the env's space even for a policy that lacks the quantum.
    Policy unquantised(Space::box(2, -3.0f, 3.0f), Space::box(1, -1.0f, 1.0f), PolicyArchitecture{}, 4);
    const EvalResult eval = evaluatePolicy(makeEnv, unquantised, {}, 3, 17, pool);
    for (const EpisodeRecord& e : eval.episodes)
      for (float a : e.actions) QVERIFY(std::ldexp(a, 5) == std::round(std::ldexp(a, 5)));
  }

  void trainingIsDeterministicAcrossThreadCounts() {
    auto train = [](int threads, uint64_t seed) {
      ThreadPool pool(threads);
      VecEnv envs(makeEnvs<MoveToTargetEnv>(6), pool, 11);
      PpoConfig cfg = smallConfig(6, 48, 10);
      cfg.num_minibatches = 2;  // 144-sample minibatches: split into 4 gradient shards
      PpoTrainer trainer(envs, cfg, seed, pool);
      trainer.iterate();
      trainer.iterate();
      return trainer.policy().serialize();
    };
    const auto a = train(1, 5), b = train(2, 5), c = train(3, 5), d = train(2, 6);
    QVERIFY(a == b);
    QVERIFY(a == c);
    QVERIFY(a != d);
  }

  void stopsPromptlyWithoutUpdating() {
    ThreadPool pool(2);
    VecEnv envs(makeEnvs<CueEnv>(4), pool, 1);
    PpoTrainer trainer(envs, smallConfig(4, 32, 10), 1, pool);
    const auto before = trainer.policy().model().params();
    int calls = 0;
    const PpoIterationStats s = trainer.iterate([&] { return ++calls > 5; });
    QVERIFY(s.interrupted);
    QCOMPARE(s.globalStep, uint64_t(5 * 4));
    QVERIFY(trainer.policy().model().params() == before);
    QCOMPARE(trainer.iterationsDone(), int64_t(0));
    const PpoIterationStats full = trainer.iterate();
    QVERIFY(!full.interrupted);
    QCOMPARE(full.globalStep, uint64_t(5 * 4 + 32 * 4));
    QVERIFY(trainer.policy().model().params() != before);
  }

  void annealsLearningRateLinearly() {
    ThreadPool pool(1);
    VecEnv envs(makeEnvs<MoveToTargetEnv>(2), pool, 1);
    PpoConfig cfg = smallConfig(2, 16, 4);
    cfg.update_epochs = 1;
    PpoTrainer trainer(envs, cfg, 1, pool);
    for (int i = 0; i < 5; ++i) {
      const double expected = std::max(0.0, 1.0 - i / 4.0) * cfg.learning_rate;
      QVERIFY(std::abs(trainer.iterate().value("learning_rate") - expected) < 1e-12);
    }
  }

  void rejectsMismatchedEnvCount() {
    ThreadPool pool(1);
    VecEnv envs(makeEnvs<MoveToTargetEnv>(3), pool, 1);
    try {
      PpoTrainer trainer(envs, smallConfig(4, 16, 1), 1, pool);
      QFAIL("a config for 4 envs accepted a batch of 3");
    } catch (const ConfigError& e) {
      QVERIFY(QString(e.what()).contains("ppo.num_envs"));
    }
  }

  void reportsUpdateThroughput() {
    // Walker-sized networks (24 -> 64 -> 64 -> 4, critic alike) on CleanRL-sized minibatches of 64.
    class WideEnv : public MoveToTargetEnv {
     public:
      WideEnv() {
        wide_ = spec();
        wide_.observationSpace = Space::box(24, -3.0f, 3.0f);
        wide_.actionSpace = Space::box(4, -1.0f, 1.0f);
      }
      const EnvSpec& spec() const override { return wide_.name.empty() ? MoveToTargetEnv::spec() : wide_; }
      void observe(float* out) const override {
        for (int i = 0; i < 24; ++i) out[i] = state_.position * static_cast<float>(i % 5) - state_.target;
      }

     private:
      EnvSpec wide_;
    };
    ThreadPool pool(2);
    VecEnv envs(makeEnvs<WideEnv>(4), pool, 1);
    PpoConfig cfg = smallConfig(4, 512, 1);
    cfg.num_minibatches = 32;
    PpoTrainer trainer(envs, cfg, 1, pool);
    const PpoIterationStats s = trainer.iterate();
    qInfo("update: %.0f samples/s through forward+backward (%.3f s for %d epochs of 2048), rollout %.3f s",
          s.value("update_samples_per_second"), s.value("update_seconds"), cfg.update_epochs,
          s.value("rollout_seconds"));
    QVERIFY(s.value("update_samples_per_second") > 1000);
  }
};

QTEST_GUILESS_MAIN(TestPpo)
#include "TestPpo.moc"
