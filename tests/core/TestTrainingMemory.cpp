// The training memory estimate (core/train/TrainingMemory) against what a real training session
// allocates: the heap in use (mallinfo2) after building a walker and a fight session must be
// covered by the estimate, and not overstated by more than a factor of 2.5. The estimate grows
// with num_envs, num_steps and the network; an absurd config is refused by checkTrainingMemory
// (and by the session) before its envs exist, naming the setting, the figure and the limit.
#include <QtTest>

#include <malloc.h>

#include <atomic>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "train/TrainingMemory.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

double heapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

TrainConfig configOf(const std::string& env, int envs, int steps) {
  nlohmann::json j = presetConfig(env, "");
  j["ppo"]["num_envs"] = envs;
  j["ppo"]["num_steps"] = steps;
  j["ppo"]["num_minibatches"] = 4;
  j["budget"] = {{"steps", 1000000}};
  j["threads"] = 1;
  return TrainConfig::fromJson(j);
}

EnvSpec specOf(const TrainConfig& config) {
  return EnvRegistry::instance().get(config.env).create(config.envConfig)->spec();
}

}  // namespace

class TestTrainingMemory : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  void estimateCoversARealSession_data() {
    QTest::addColumn<QString>("env");
    QTest::addColumn<int>("envs");
    QTest::addColumn<int>("steps");
    QTest::newRow("walker 64 x 512") << "walker" << 64 << 512;
    QTest::newRow("walker 256 x 128") << "walker" << 256 << 128;
    QTest::newRow("fight 64 x 256") << "fight" << 64 << 256;
  }
  void estimateCoversARealSession() {
    QFETCH(QString, env);
    QFETCH(int, envs);
    QFETCH(int, steps);
    const TrainConfig config = configOf(env.toStdString(), envs, steps);
    const TrainingMemoryEstimate estimate = estimateTrainingMemory(config, specOf(config));
    // What exists once the session is built: envs (after their first reset), rollout buffers,
    // the network. Update scratch and episode records come during training.
    const double built = estimate.built();
    const double before = heapInUse();
    TrainingSession session(config, nullptr, "memory");
    const double measured = heapInUse() - before;
    if (measured <= 0) QSKIP("the allocator does not report the heap in use (sanitizer build)");
    qInfo("%s: estimate %.1f MiB (of which built %.1f MiB), measured %.1f MiB", qPrintable(env),
          estimate.total() / 1048576, built / 1048576, measured / 1048576);
    QVERIFY2(estimate.total() >= measured, "the estimate is below what the session holds");
    QVERIFY2(built <= 2.5 * measured, "the estimate overstates the session by more than 2.5x");
  }

  void estimateGrowsWithTheSettings() {
    const TrainConfig small = configOf("walker", 16, 512);
    const EnvSpec spec = specOf(small);
    const double base = estimateTrainingMemory(small, spec).total();
    QVERIFY(estimateTrainingMemory(configOf("walker", 32, 512), spec).total() > 1.7 * base);
    QVERIFY(estimateTrainingMemory(configOf("walker", 16, 1024), spec).total() > 1.1 * base);
    TrainConfig wide = small;
    wide.ppo.hidden_sizes = std::vector<int>(8, 4096);
    QVERIFY(estimateTrainingMemory(wide, spec).networkBytes > 1e10);
  }

  void absurdConfigsAreRefusedWithTheFigure() {
    TrainConfig huge = configOf("walker", 65536, 1 << 20);
    try {
      checkTrainingMemory(huge, specOf(huge));
      QFAIL("65536 envs x 2^20 steps were accepted");
    } catch (const ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith("ppo.num_envs 65536 (x num_steps 1048576) needs about "),
               e.what());
      QVERIFY2(message.contains("TiB (envs ") && message.contains("rollout buffers"), e.what());
      QVERIFY2(message.contains("this machine has") || message.contains("ulimit") ||
                   message.contains("cgroup"),
               e.what());
    }
    TrainConfig wide = configOf("walker", 1, 64);
    wide.ppo.hidden_sizes = std::vector<int>(8, 4096);
    wide.ppo.num_minibatches = 1;
    // 8 x 4096^2 weights with 24 copies is about 12 GiB: refused on a machine with less free.
    const TrainingMemoryEstimate e = estimateTrainingMemory(wide, specOf(wide));
    QVERIFY(e.networkBytes > e.total() / 2);
    // The session refuses before building its envs (it would take minutes to build them).
    QElapsedTimer clock;
    clock.start();
    QVERIFY_THROWS_EXCEPTION(ConfigError, TrainingSession(huge, nullptr, "huge"));
    QVERIFY(clock.elapsed() < 10000);
  }
};

QTEST_GUILESS_MAIN(TestTrainingMemory)
#include "TestTrainingMemory.moc"
