// The walker's env overhead over raw Box2D stepping must stay within 25%:
// a full step (motors, world step, lidar, observation, reward, termination,
// then observe) against stepPhysicsOnly (motors and world step) on the same
// episodes and actions. Times are this thread's CPU time (other processes on
// the shared cores do not count), each episode is run three times per mode in
// alternation and its fastest run kept; the median ratio over several rounds
// is checked and printed with the throughput.
#include <QtTest>

#include <algorithm>
#include <ctime>

#include "util/Rng.h"
#include "walker/WalkerEnv.h"

using namespace palaestra;

namespace {

struct Timing {
  double fullSeconds = 0, physicsSeconds = 0;
  long steps = 0;
};

double threadSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// One round: `episodes` episodes of at most `maxSteps` random-action steps each.
Timing timeRound(WalkerEnv& env, uint64_t seedBase, int episodes, int maxSteps) {
  const int motors = env.spec().actionSpace.size();
  std::vector<float> actions(static_cast<size_t>(maxSteps) * motors);
  std::vector<float> obs(env.spec().observationSpace.size());
  Timing timing;
  for (int e = 0; e < episodes; ++e) {
    Rng rng(seedBase + e);
    for (float& a : actions) a = static_cast<float>(rng.uniform(-1, 1));
    double bestFull = 1e9, bestPhysics = 1e9;
    int length = 0;
    for (int repeat = 0; repeat < 3; ++repeat) {
      env.reset(seedBase + e, env.spec().tasks.defaults());
      float reward = 0;
      length = 0;
      const double t0 = threadSeconds();
      for (; length < maxSteps; ++length) {
        const StepStatus s = env.step(actions.data() + length * motors, &reward);
        env.observe(obs.data());
        if (s.terminated || s.truncated) {
          ++length;
          break;
        }
      }
      const double t1 = threadSeconds();
      env.reset(seedBase + e, env.spec().tasks.defaults());
      const double t2 = threadSeconds();
      for (int t = 0; t < length; ++t) env.stepPhysicsOnly(actions.data() + t * motors);
      const double t3 = threadSeconds();
      bestFull = std::min(bestFull, t1 - t0);
      bestPhysics = std::min(bestPhysics, t3 - t2);
    }
    timing.fullSeconds += bestFull;
    timing.physicsSeconds += bestPhysics;
    timing.steps += length;
  }
  return timing;
}

}  // namespace

class TestWalkerOverhead : public QObject {
  Q_OBJECT
 private slots:
  void envOverheadWithin25Percent_data() {
    QTest::addColumn<QString>("terrain");
    QTest::addColumn<QString>("embodiment");
    QTest::newRow("normal/classic_bipedal") << QString("normal") << QString("classic_bipedal");
    QTest::newRow("hardcore/classic_bipedal") << QString("hardcore") << QString("classic_bipedal");
    QTest::newRow("stump_tracks/big_quadruped")
        << QString("stump_tracks") << QString("big_quadruped");
  }
  void envOverheadWithin25Percent() {
    QFETCH(QString, terrain);
    QFETCH(QString, embodiment);
    WalkerEnv env(WalkerConfig::fromJson(
        {{"terrain", terrain.toStdString()}, {"embodiment", embodiment.toStdString()}}));
    timeRound(env, 1, 2, 100);  // warm-up
    std::vector<double> ratios, stepsPerSecond;
    for (int round = 0; round < 5; ++round) {
      const Timing t = timeRound(env, 100 + 10 * round, 4, 250);
      ratios.push_back(t.fullSeconds / t.physicsSeconds);
      stepsPerSecond.push_back(t.steps / t.fullSeconds);
    }
    std::sort(ratios.begin(), ratios.end());
    std::sort(stepsPerSecond.begin(), stepsPerSecond.end());
    const double ratio = ratios[ratios.size() / 2];
    qInfo("%s: full step / physics-only step = %.3f (median of 5 rounds, range %.3f-%.3f); "
          "%.0f env steps/s on one core",
          qPrintable(QString("%1/%2").arg(terrain, embodiment)), ratio, ratios.front(),
          ratios.back(), stepsPerSecond[stepsPerSecond.size() / 2]);
    QVERIFY2(ratio <= 1.25, qPrintable(QString("env overhead ratio %1 > 1.25").arg(ratio)));
  }
};

QTEST_GUILESS_MAIN(TestWalkerOverhead)
#include "TestWalkerOverhead.moc"
