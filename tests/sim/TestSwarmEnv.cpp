// Tests of the swarm env: the shared conformance check for each model and action kind, config
// errors that name their field, the 100k-agent memory refusal, allocation-free stepping (every
// operator new in this program is counted), quantised actions, the classic controller ignoring
// actions, observations against a hand-placed neighbourhood, picking an agent in a view,
// adversaries on a second policy slot, and a ReplayCursor putting a second swarm at any frame of
// a recorded episode.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include "Simulations.h"
#include "conformance/EnvConformance.h"
#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayCursor.h"
#include "swarm/SwarmEnv.h"
#include "train/TrainConfig.h"
#include "train/TrainingMemory.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"
#include "util/Rng.h"

// Every allocation of the process is counted, so a test can show a stretch of code makes none.
namespace {
std::atomic<long long> allocations{0};
}
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace palaestra;
using namespace palaestra::swarm;

namespace {

std::string configError(const nlohmann::json& config) {
  try {
    SwarmConfig::fromJson(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::unique_ptr<SwarmEnv> makeSwarm(const nlohmann::json& config) {
  return std::make_unique<SwarmEnv>(SwarmConfig::fromJson(config));
}

}  // namespace

class TestSwarmEnv : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { registerBuiltinSimulations(); }

  void conformance_data() {
    QTest::addColumn<QString>("config");
    const char* rows[][2] = {
        {"vicsek turn_rate", R"({"agents": 60, "density": 1.5, "episode_steps": 80})"},
        {"vicsek discrete", R"({"agents": 60, "action": "discrete_turns", "episode_steps": 80})"},
        {"vicsek classic", R"({"agents": 60, "controller": "classic", "episode_steps": 80})"},
        {"kuramoto local", R"({"model": "kuramoto", "agents": 60, "episode_steps": 80})"},
        {"kuramoto global classic",
         R"({"model": "kuramoto", "agents": 60, "controller": "classic", "reward": "order",
             "episode_steps": 80, "kuramoto": {"coupling_range": "global", "frequencies": "gaussian",
             "frequency_sampling": "quantiles"}})"},
        {"aggregation", R"({"model": "aggregation", "agents": 60, "episode_steps": 80})"},
        {"boids classic", R"({"model": "boids", "agents": 60, "controller": "classic",
                              "episode_steps": 80})"},
        {"one agent in a tiny box", R"({"agents": 1, "box_size": 2.0, "episode_steps": 50})"},
        {"vicsek with adversaries", R"({"agents": 60, "adversaries": 3, "episode_steps": 80})"},
    };
    for (const auto& row : rows) QTest::newRow(row[0]) << QString(row[1]);
  }
  void conformance() {
    QFETCH(QString, config);
    const nlohmann::json json = nlohmann::json::parse(config.toStdString());
    testing::ConformanceOptions options;
    options.comparedSteps = 50;
    options.snapshotStep = 17;
    QVERIFY(testing::checkEnvConformance([&] { return makeSwarm(json); }, options));
  }

  void badConfigNamesTheField_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("expected");
    QTest::newRow("N = 0") << R"({"agents": 0})"
                           << "env.agents must be an integer in [1, 100000]";
    QTest::newRow("N too large") << R"({"agents": 100001})"
                                 << "env.agents";
    QTest::newRow("negative radius") << R"({"radius": -1})"
                                     << "env.radius must be";
    QTest::newRow("zero radius") << R"({"radius": 0})"
                                 << "env.radius must be greater than 0";
    QTest::newRow("radius beyond half the box")
        << R"({"agents": 300, "density": 3, "radius": 6})"
        << "env.radius 6 is larger than half the box (box_size 10 = sqrt(agents / density))";
    QTest::newRow("density and box_size") << R"({"density": 2, "box_size": 10})"
                                          << "env.density and env.box_size both given";
    QTest::newRow("unknown key") << R"({"agent": 5})"
                                 << "unknown config key 'env.agent'";
    QTest::newRow("unknown model") << R"({"model": "flock"})"
                                   << "env.model must be one of";
    QTest::newRow("noise above 1") << R"({"noise": 1.5})"
                                   << "env.noise must be a number in [0, 1]";
    QTest::newRow("speed as text") << R"({"speed": "fast"})"
                                   << "env.speed must be a number";
    QTest::newRow("kuramoto section for vicsek")
        << R"({"kuramoto": {"coupling": 2}})"
        << "env.kuramoto is for model \"kuramoto\"; this config's model is \"vicsek\"";
    QTest::newRow("unknown kuramoto key") << R"({"model": "kuramoto", "kuramoto": {"K": 2}})"
                                          << "unknown config key 'env.kuramoto.K'";
    QTest::newRow("separation beyond radius")
        << R"({"model": "boids", "boids": {"separation_radius": 2}})"
        << "env.boids.separation_radius 2 is larger than env.radius 1";
    QTest::newRow("adversaries leave no swarm")
        << R"({"agents": 50, "adversaries": 50})"
        << "env.adversaries 50 leaves no swarm: it must be less than env.agents 50";
    QTest::newRow("negative adversaries") << R"({"adversaries": -1})"
                                          << "env.adversaries must be an integer in [0, 99999]";
    QTest::newRow("adversaries under the classic rule")
        << R"({"adversaries": 2, "controller": "classic"})"
        << "env.adversaries needs controller \"policy\"";
  }
  void badConfigNamesTheField() {
    QFETCH(QString, config);
    QFETCH(QString, expected);
    const std::string error = configError(nlohmann::json::parse(config.toStdString()));
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
  }

  void nonFiniteValuesAreRefusedByName() {
    // JSON text cannot hold NaN or infinity, but configs built in code (the app's form) can.
    for (const char* field : {"radius", "speed", "dt", "noise", "density", "box_size", "max_turn"})
      for (double bad : {std::nan(""), double(INFINITY), -double(INFINITY)}) {
        const std::string error = configError({{field, bad}});
        QVERIFY2(error.find(std::string("env.") + field + " must be") != std::string::npos,
                 (std::string(field) + ": " + error).c_str());
      }
    const std::string error =
        configError({{"model", "kuramoto"}, {"kuramoto", {{"frequency_width", std::nan("")}}}});
    QVERIFY2(error.find("env.kuramoto.frequency_width must be") != std::string::npos,
             error.c_str());
  }

  void canonicalConfigRoundTrips() {
    for (const auto& [name, preset] : EnvRegistry::instance().get("swarm").presets) {
      const SwarmConfig c = SwarmConfig::fromJson(preset["env_config"]);
      QCOMPARE(SwarmConfig::fromJson(c.toJson()).toJson(), c.toJson());
    }
  }

  void hundredThousandAgentTrainingIsRefusedWithTheEstimate() {
    nlohmann::json config = presetConfig("swarm", "");
    config["env_config"]["agents"] = 100000;
    config["env_config"]["density"] = 3.0;
    config["ppo"]["num_envs"] = 64;
    config["ppo"]["num_steps"] = 2048;
    const TrainConfig train = TrainConfig::fromJson(config);
    const EnvPtr env = EnvRegistry::instance().get("swarm").create(train.envConfig);
    QCOMPARE(env->spec().numAgents, 100000);
    // The env's own share is honest: every per-agent buffer, some 150 bytes per agent.
    QVERIFY(env->spec().memoryBytes > 100000 * 100.0 && env->spec().memoryBytes < 100000 * 400.0);
    const TrainingMemoryEstimate estimate = estimateTrainingMemory(train, env->spec());
    QVERIFY(estimate.total() > 1e12);  // 13 billion policy rows per rollout: no machine holds it
    try {
      checkTrainingMemory(train, env->spec());
      QFAIL("a 100k-agent x 64-env x 2048-step training was not refused");
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      QVERIFY2(message.find("ppo.num_envs 64") != std::string::npos &&
                   message.find("needs about") != std::string::npos,
               message.c_str());
    }
  }

  void steppingAllocatesNothing_data() {
    QTest::addColumn<QString>("config");
    QTest::newRow("vicsek policy") << R"({"agents": 2000, "episode_steps": 1000})";
    QTest::newRow("boids classic")
        << R"({"model": "boids", "agents": 2000, "controller": "classic", "episode_steps": 1000})";
    QTest::newRow("kuramoto global")
        << R"({"model": "kuramoto", "agents": 2000, "episode_steps": 1000,
               "kuramoto": {"coupling_range": "global"}})";
  }
  void steppingAllocatesNothing() {
    QFETCH(QString, config);
    auto env = makeSwarm(nlohmann::json::parse(config.toStdString()));
    const EnvSpec& spec = env->spec();
    std::vector<float> obs(static_cast<size_t>(spec.numAgents) * spec.observationSpace.size());
    std::vector<float> actions(static_cast<size_t>(spec.numAgents), 0.0f), rewards(actions.size());
    Rng rng(3);
    env->reset(5, spec.tasks.defaults());
    const double reserved = env->reservedBytes();
    const long long before = allocations.load();
    for (int t = 0; t < 50; ++t) {
      for (int a = 0; a < spec.numAgents; ++a)
        testing::sampleAction(spec.actionSpace, rng, actions.data() + a);
      env->step(actions.data(), rewards.data());
      env->observe(obs.data());
    }
    QCOMPARE(allocations.load() - before, 0LL);
    QCOMPARE(env->reservedBytes(), reserved);
    // The counter works: a reset of the task vector allocates.
    env->reset(6, spec.tasks.defaults());
    QVERIFY(allocations.load() > before);
  }

  void actionsAreAppliedOnTheirQuantum() {
    auto a = makeSwarm({{"agents", 50}});
    auto b = makeSwarm({{"agents", 50}});
    QCOMPARE(a->spec().actionSpace.quantum, 1.0f / 32.0f);
    std::vector<float> raw(50), rounded(50), rewards(50);
    Rng rng(8);
    a->reset(3, a->spec().tasks.defaults());
    b->reset(3, b->spec().tasks.defaults());
    for (int t = 0; t < 30; ++t) {
      for (int i = 0; i < 50; ++i) {
        raw[i] = static_cast<float>(rng.uniform(-1.2, 1.2));  // beyond the box too: clipped
        rounded[i] = std::round(std::clamp(raw[i], -1.0f, 1.0f) * 32.0f) / 32.0f;
      }
      a->step(raw.data(), rewards.data());
      b->step(rounded.data(), rewards.data());
      QCOMPARE(a->stateHash(), b->stateHash());
    }
    // A turn of half a quantum or more is a different action.
    std::fill(raw.begin(), raw.end(), 0.5f / 32.0f);
    std::fill(rounded.begin(), rounded.end(), 0.0f);
    a->step(raw.data(), rewards.data());
    b->step(rounded.data(), rewards.data());
    QVERIFY(a->stateHash() != b->stateHash());
  }

  void badActionsAreRefusedBeforeAnythingMoves() {
    auto env = makeSwarm(
        {{"agents", 10}, {"box_size", 5.0}, {"action", "discrete_turns"}, {"turn_choices", 3}});
    env->reset(1, env->spec().tasks.defaults());
    const uint64_t hash = env->stateHash();
    std::vector<float> actions(10, 1.0f), rewards(10);
    actions[7] = 3.0f;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->step(actions.data(), rewards.data()));
    actions[7] = std::nanf("");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->step(actions.data(), rewards.data()));
    QCOMPARE(env->stateHash(), hash);
    QCOMPARE(env->episodeStep(), 0);
  }

  void classicControllerIgnoresActionsAndAligns() {
    const nlohmann::json config = {
        {"agents", 400}, {"controller", "classic"}, {"noise", 0.05}, {"episode_steps", 300}};
    auto a = makeSwarm(config), b = makeSwarm(config);
    QVERIFY(a->spec().actionsIgnored);
    std::vector<float> left(400, -1.0f), right(400, 1.0f), rewards(400);
    a->reset(4, a->spec().tasks.defaults());
    b->reset(4, b->spec().tasks.defaults());
    const double start = a->order();
    for (int t = 0; t < 200; ++t) {
      a->step(left.data(), rewards.data());
      b->step(right.data(), rewards.data());
    }
    QCOMPARE(a->stateHash(), b->stateHash());
    QVERIFY2(start < 0.2 && a->order() > 0.9,
             qPrintable(QString("phi %1 -> %2").arg(start).arg(a->order())));
  }

  void observationCountsTheNeighboursWithinTheRadius() {
    // A dense swarm: the observed count and the histograms agree with a brute-force count of the
    // agents within r through the periodic boundary.
    auto env = makeSwarm(
        {{"agents", 500}, {"density", 2.0}, {"radius", 1.2}, {"bins", 6}, {"neighbour_cap", 1000}});
    env->reset(9, env->spec().tasks.defaults());
    const int width = env->observationSize();
    std::vector<float> obs(500 * static_cast<size_t>(width));
    env->observe(obs.data());
    Scene scene;
    env->describe(scene);
    const auto& xy = scene.particles.at(0).xyAngle;
    const double box = env->config().boxSize;
    for (int i = 0; i < 500; i += 37) {
      int expected = 0;
      for (int j = 0; j < 500; ++j) {
        if (j == i) continue;
        double dx = std::fabs(xy[3 * j] - xy[3 * i]), dy = std::fabs(xy[3 * j + 1] - xy[3 * i + 1]);
        dx = std::min(dx, box - dx);
        dy = std::min(dy, box - dy);
        if (dx * dx + dy * dy < 1.2 * 1.2 * (1 - 1e-6)) ++expected;
      }
      const float* row = obs.data() + static_cast<size_t>(i) * width;
      QCOMPARE(env->neighbourCounts()[i], expected);
      QVERIFY(std::fabs(row[12] - expected / 1000.0f) < 1e-6f);
      float headings = 0, bearings = 0;
      for (int b = 0; b < 6; ++b) headings += row[b], bearings += row[6 + b];
      if (expected > 0) {
        QVERIFY(std::fabs(headings - 1) < 1e-5f && std::fabs(bearings - 1) < 1e-5f);
      } else {
        QCOMPARE(headings + bearings, 0.0f);
      }
    }
  }

  void sceneAndPickingShowTheSwarm() {
    auto env = makeSwarm({{"agents", 200}, {"model", "kuramoto"}});
    env->reset(2, env->spec().tasks.defaults());
    Scene scene;
    env->describe(scene);
    QCOMPARE(scene.particles.size(), size_t(1));
    QCOMPARE(scene.particles[0].xyAngle.size(), size_t(600));
    QCOMPARE(scene.particles[0].colors.size(), size_t(200));
    QCOMPARE(env->spec().liveMetrics, std::vector<std::string>{"order"});
    const float L = static_cast<float>(env->config().boxSize);
    QVERIFY(scene.viewWidth >= L && scene.viewHeight >= L);
    // Picking: the agent under a point, none far away.
    const auto& xy = scene.particles[0].xyAngle;
    const int agent = 123;
    QCOMPARE(env->agentAt({xy[3 * agent], xy[3 * agent + 1]}, 1e-4f), agent);
    QCOMPARE(env->agentAt({-50.0f, -50.0f}, 1.0f), -1);
    Scene picked;
    env->describeAgent(agent, picked);
    QVERIFY(!picked.circles.empty());
    QCOMPARE(picked.circles[0].radius, static_cast<float>(env->config().radius));
    // One line and one ring per neighbour, each within the radius.
    QCOMPARE(static_cast<int>(picked.lines.size()), env->neighbourCounts()[agent]);
    QCOMPARE(picked.circles.size(), picked.lines.size() + 1);
    for (const SceneLine& l : picked.lines) {
      const float dx = l.points[1].x - l.points[0].x, dy = l.points[1].y - l.points[0].y;
      QVERIFY(std::sqrt(dx * dx + dy * dy) < env->config().radius);
    }
  }

  void adversariesAreASecondSlotRewardedAgainstTheSwarmsOrder() {
    const int n = 100, k = 4;
    auto env =
        makeSwarm({{"agents", n}, {"adversaries", k}, {"noise", 0.0}, {"episode_steps", 50}});
    const EnvSpec& spec = env->spec();
    QCOMPARE(spec.policySlots, (std::vector<std::string>{"swarm", "adversary"}));
    QCOMPARE(env->swarmAgents(), n - k);
    for (int i = 0; i < n; ++i) QCOMPARE(spec.policySlotOfAgent[i], i < n - k ? 0 : 1);
    // The adversaries are written into the config (and so into snapshots); swarms without them
    // keep the config they always had.
    QCOMPARE(env->config().toJson().at("adversaries"), k);
    QVERIFY(!makeSwarm({{"agents", n}})->config().toJson().contains("adversaries"));

    env->reset(3, spec.tasks.defaults());
    // The order is the swarm's alone: turning the adversaries changes nothing of it at once.
    Scene scene;
    env->describe(scene);
    const auto& xy = scene.particles.at(0).xyAngle;
    double c = 0, s = 0;
    for (int i = 0; i < n - k; ++i) c += std::cos(xy[3 * i + 2]), s += std::sin(xy[3 * i + 2]);
    QVERIFY(std::fabs(env->order() - std::hypot(c, s) / (n - k)) < 1e-6);
    for (int i = n - k; i < n; ++i) {
      const Rgba& white = scene.particles[0].colors[i];
      QVERIFY(white.r == 1.0f && white.g == 1.0f && white.b == 1.0f);
    }

    std::vector<float> actions(n, 0.0f), rewards(n);
    env->step(actions.data(), rewards.data());
    // Each adversary is paid minus the swarm's order after the step; swarm agents their alignment.
    for (int i = n - k; i < n; ++i) QCOMPARE(rewards[i], static_cast<float>(-env->order()));
    for (int i = 0; i < n - k; ++i) QVERIFY(rewards[i] >= -1.0f && rewards[i] <= 1.0f);
    Scene picked;
    env->describeAgent(n - 1, picked);
    QVERIFY(!picked.labels.empty());
    QVERIFY(picked.labels[0].text.rfind("adversary 99:", 0) == 0);
  }

  void replayCursorReachesEveryFrameCheaply() {
    const nlohmann::json config = {{"agents", 200}, {"episode_steps", 300}};
    auto recorder = makeSwarm(config);
    Rng rng(11);
    const auto record = std::make_shared<const EpisodeRecord>(testing::recordEpisode(
        *recorder, 21, recorder->spec().tasks.defaults(),
        [&rng](int, float* a) {
          for (int i = 0; i < 200; ++i) a[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
        },
        300));
    QCOMPARE(record->length, 300);
    ReplayCursor cursor(makeSwarm(config), record);
    QCOMPARE(cursor.env().stateHash(), record->hashes[0]);
    // Forward, to the end, back by less than a snapshot interval, far back, across snapshots.
    int64_t before = 0;
    for (int frame : {5, 300, 250, 31, 32, 33, 299, 0, 64, 400, -3}) {
      before = cursor.stepsSimulated();
      const int reached = cursor.seek(frame);
      const int expected = std::clamp(frame, 0, 300);
      QCOMPARE(reached, expected);
      QVERIFY2(cursor.env().stateHash() == record->hashes[static_cast<size_t>(expected)],
               qPrintable(QString("frame %1").arg(frame)));
    }
    // Once frames were visited, a seek back costs less than one snapshot interval of steps.
    cursor.seek(300);
    before = cursor.stepsSimulated();
    cursor.seek(270);
    QVERIFY(cursor.stepsSimulated() - before < ReplayCursor::kSnapshotEvery);
    QCOMPARE(cursor.env().stateHash(), record->hashes[270]);

    // A record that does not fit the env is refused, naming the problem.
    EpisodeRecord foreign = *record;
    foreign.actions.pop_back();
    QVERIFY_THROWS_EXCEPTION(
        ConfigError,
        ReplayCursor(makeSwarm(config), std::make_shared<const EpisodeRecord>(foreign)));
  }

  void episodeInfoReportsTheOrder() {
    auto env = makeSwarm({{"agents", 100}, {"episode_steps", 20}});
    env->reset(1, env->spec().tasks.defaults());
    std::vector<float> actions(100, 0.0f), rewards(100);
    StepStatus status;
    while (!status.truncated) status = env->step(actions.data(), rewards.data());
    const EpisodeInfo info = env->episodeInfo();
    QCOMPARE(info.outcome, std::string("timeout"));
    std::map<std::string, double> values(info.values.begin(), info.values.end());
    QCOMPARE(values.at("order"), env->order());
    QVERIFY(values.count("order_mean") && values.count("mean_neighbours"));
    QCOMPARE(values.at("steps"), 20.0);
  }
};

QTEST_GUILESS_MAIN(TestSwarmEnv)
#include "TestSwarmEnv.moc"
