// Tests of the walker simulation: the shared env conformance check for every
// terrain x embodiment, plus Gymnasium-specific facts (observation layout,
// reward shaping, falls), Stump Tracks task effects, config errors and the
// physics-only stepping used by the overhead benchmark.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "Simulations.h"
#include "conformance/EnvConformance.h"
#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "walker/WalkerEnv.h"

using namespace palaestra;

namespace {

std::unique_ptr<WalkerEnv> makeWalker(const std::string& terrain,
                                      const std::string& embodiment = "classic_bipedal") {
  return std::make_unique<WalkerEnv>(
      WalkerConfig::fromJson({{"terrain", terrain}, {"embodiment", embodiment}}));
}

// An open-loop gait (hips in antiphase, knees lagging) that walks the classic
// bipedal (physics v2) forward on seed 1's normal terrain and topples it on seed 2's.
void gaitAction(int t, float* a) {
  const double phase = 2 * M_PI * t / 24.0;
  const double hip = std::sin(phase), knee = std::sin(phase + 5.0);
  a[0] = static_cast<float>(std::clamp(0.4 + hip, -1.0, 1.0));
  a[1] = static_cast<float>(knee);
  a[2] = static_cast<float>(std::clamp(0.4 - hip, -1.0, 1.0));
  a[3] = static_cast<float>(-knee);
}

std::string configError(const nlohmann::json& config) {
  try {
    WalkerConfig::fromJson(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A walker with one deliberate contract violation, to show the conformance
// check catches each kind of defect.
class DefectiveWalker final : public Env {
 public:
  enum class Defect { UnstableHash, LossyRestore, LateTruncation, ObservationOutOfSpace,
                      IgnoresTaskBounds, IgnoresActions };
  explicit DefectiveWalker(Defect defect)
      : defect_(defect), inner_(WalkerConfig::fromJson({{"terrain", "stump_tracks"}})),
        spec_(inner_.spec()) {
    if (defect_ == Defect::LateTruncation) spec_.maxEpisodeSteps = 30;
  }
  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const TaskValues& task) override {
    TaskValues t = task;
    if (defect_ == Defect::IgnoresTaskBounds && t.size() == 2)
      for (double& v : t) v = std::isfinite(v) ? std::clamp(v, 0.0, 3.0) : 0.0;
    inner_.reset(seed, t);
  }
  void observe(float* out) const override {
    inner_.observe(out);
    if (defect_ == Defect::ObservationOutOfSpace && inner_.episodeStep() == 5) out[23] = 1.5f;
  }
  StepStatus step(const float* actions, float* rewards) override {
    const float zeros[4] = {0, 0, 0, 0};
    StepStatus s = inner_.step(defect_ == Defect::IgnoresActions ? zeros : actions, rewards);
    if (defect_ == Defect::LateTruncation && inner_.episodeStep() < 60) s.truncated = false;
    return s;
  }
  int episodeStep() const override { return inner_.episodeStep(); }
  std::vector<uint8_t> snapshot() const override { return inner_.snapshot(); }
  void restore(std::span<const uint8_t> data) override {
    inner_.restore(data);
    if (defect_ == Defect::LossyRestore && inner_.episodeStep() > 0) {
      const float zeros[4] = {0, 0, 0, 0};
      float reward;
      inner_.step(zeros, &reward);
    }
  }
  uint64_t stateHash() const override {
    return inner_.stateHash() ^ (defect_ == Defect::UnstableHash ? ++calls_ : 0);
  }
  void describe(Scene& scene) const override { inner_.describe(scene); }
  EpisodeInfo episodeInfo() const override { return inner_.episodeInfo(); }

 private:
  Defect defect_;
  WalkerEnv inner_;
  EnvSpec spec_;
  mutable uint64_t calls_ = 0;
};

}  // namespace

class TestWalker : public QObject {
  Q_OBJECT
 private slots:
  void conformance_data() {
    QTest::addColumn<QString>("terrain");
    QTest::addColumn<QString>("embodiment");
    for (const char* terrain : {"normal", "hardcore", "stump_tracks"})
      for (const char* embodiment : {"classic_bipedal", "small_bipedal", "big_quadruped"})
        QTest::newRow(qPrintable(QString("%1/%2").arg(terrain, embodiment)))
            << QString(terrain) << QString(embodiment);
  }
  void conformance() {
    QFETCH(QString, terrain);
    QFETCH(QString, embodiment);
    testing::ConformanceOptions options;
    options.comparedSteps = 80;
    options.snapshotStep = 25;
    testing::checkEnvConformance(
        [&]() -> EnvPtr { return makeWalker(terrain.toStdString(), embodiment.toStdString()); },
        options);
  }

  void conformanceCatchesDefects_data() {
    QTest::addColumn<int>("defect");
    using D = DefectiveWalker::Defect;
    QTest::newRow("unstable hash") << int(D::UnstableHash);
    QTest::newRow("lossy restore") << int(D::LossyRestore);
    QTest::newRow("late truncation") << int(D::LateTruncation);
    QTest::newRow("observation out of space") << int(D::ObservationOutOfSpace);
    QTest::newRow("ignores task bounds") << int(D::IgnoresTaskBounds);
    QTest::newRow("ignores actions") << int(D::IgnoresActions);
  }
  void conformanceCatchesDefects() {
    QFETCH(int, defect);
    testing::ConformanceOptions options;
    options.comparedSteps = 60;
    options.snapshotStep = 20;
    std::string failure;
    options.failure = &failure;
    const bool passed = testing::checkEnvConformance(
        [&]() -> EnvPtr {
          return std::make_unique<DefectiveWalker>(static_cast<DefectiveWalker::Defect>(defect));
        },
        options);
    QVERIFY(!passed);
    QVERIFY(!failure.empty());
    qInfo("caught: %s", failure.c_str());
  }

  void classicObservationMatchesGymnasiumLayout() {
    auto env = makeWalker("normal");
    QCOMPARE(env->spec().observationSpace.size(), 24);
    QCOMPARE(env->spec().actionSpace.size(), 4);
    QCOMPARE(env->spec().maxEpisodeSteps, 1600);
    QCOMPARE(env->spec().successReturn, 230.0);
    QCOMPARE(env->spec().tasks.size(), 0);
    env->reset(3, {});
    std::vector<float> obs(24);
    env->observe(obs.data());
    QVERIFY(std::fabs(obs[0]) < 0.05f);       // hull angle ~0 at reset
    QVERIFY(std::fabs(obs[0] - env->hullAngle()) == 0.0f);
    Rng rng(9);
    float reward = 0;
    bool sawContact = false, sawLidarHit = false;
    for (int t = 0; t < 200; ++t) {
      float a[4];
      for (float& v : a) v = static_cast<float>(rng.uniform(-1, 1));
      if (env->step(a, &reward).terminated) break;
      env->observe(obs.data());
      for (int c : {8, 13}) {
        QVERIFY(obs[c] == 0.0f || obs[c] == 1.0f);
        sawContact = sawContact || obs[c] == 1.0f;
      }
      for (int i = 14; i < 24; ++i) {
        QVERIFY(obs[i] >= 0.0f && obs[i] <= 1.0f);
        sawLidarHit = sawLidarHit || obs[i] < 1.0f;
      }
      QVERIFY(obs[6] > -1.0f && obs[6] < 1.1f);  // knee angle + 1 within the (soft) limits
      QVERIFY(obs[11] > -1.0f && obs[11] < 1.1f);
    }
    QVERIFY(sawContact);   // the feet touch the ground
    QVERIFY(sawLidarHit);  // the downward rays see the ground
  }

  // The first observation of a reset, against Gymnasium's formulas (bipedal_walker.py: reset()
  // ends with step(zeros); the state list in step()). Each value is the formula applied to the
  // simulated bodies, read independently of the env's sensing from the drawn polygons: hull angle,
  // 2 w / FPS, 0.3 v (VIEWPORT / SCALE) / FPS, hip angle = thigh angle - hull angle - reference
  // angle (the thighs' spawn tilt -0.05 / +0.05), knee angle + 1 = shin - thigh + 1, and lidar
  // fraction = height over the flat start pad / (range cos(1.5 i / 10)). Tolerance 2e-5: float
  // rounding of the polygon vertices. The absolute values are pinned too, with looser tolerances
  // stated below: the hull spawns level at TERRAIN_HEIGHT + 2 LEG_H with a +-5 N push, and in that
  // first step the hip joints pull the thighs 16 px down onto the hip anchors (Gymnasium's
  // LEG_DOWN quirk, kept), which presses the feet into the ground: contact 1, hull lifted 8 cm.
  void firstObservationMatchesGymnasiumFormulas_data() {
    QTest::addColumn<int>("seed");
    for (int seed : {1, 2, 3}) QTest::newRow(qPrintable(QString("seed %1").arg(seed))) << seed;
  }
  void firstObservationMatchesGymnasiumFormulas() {
    QFETCH(int, seed);
    auto env = makeWalker("normal");
    QCOMPARE(env->config().physicsVersion, 2);
    env->reset(static_cast<uint64_t>(seed), {});
    std::vector<float> obs(24);
    env->observe(obs.data());

    constexpr double kScale = 30.0, kFps = 50.0, kLegH = 34 / kScale;
    constexpr double kLidarRange = 160 / kScale;
    auto near = [&](int i, double expected, double tolerance, const char* what) {
      QVERIFY2(std::fabs(obs[i] - expected) <= tolerance,
               qPrintable(QString("obs[%1] (%2) = %3, Gymnasium's formula gives %4 +- %5")
                              .arg(i)
                              .arg(what)
                              .arg(obs[i], 0, 'g', 7)
                              .arg(expected, 0, 'g', 7)
                              .arg(tolerance)));
    };
    // Body angles from the scene: the last five polygons are leg 1 (thigh, shin), leg 0 (thigh,
    // shin), hull; a box's first edge runs along its local x axis.
    Scene scene;
    env->describe(scene);
    const size_t n = scene.polygons.size();
    auto angleOf = [&](size_t fromEnd) {
      const auto& p = scene.polygons[n - fromEnd].points;
      return std::atan2(static_cast<double>(p[1].y - p[0].y), static_cast<double>(p[1].x - p[0].x));
    };
    const double hull = env->hullAngle();
    const double thigh[2] = {angleOf(3), angleOf(5)}, shin[2] = {angleOf(2), angleOf(4)};
    const double reference[2] = {-0.05, +0.05};
    near(0, hull, 0.0, "hull angle");
    for (int leg : {0, 1}) {
      near(4 + 5 * leg, thigh[leg] - hull - reference[leg], 2e-5, "hip angle");
      near(6 + 5 * leg, shin[leg] - thigh[leg] + 1.0, 2e-5, "knee angle + 1");
    }
    const double height = env->hullPosition().y - walker::kTerrainHeight;
    for (int i = 0; i < 10; ++i)
      near(14 + i, std::min(1.0, height / (kLidarRange * std::cos(1.5 * i / 10.0))), 2e-5, "lidar");

    // Absolute values from the spawn pose.
    const double hullMass = (64.0 * 17.0 - 28.0 * 8.0 / 2.0) / (kScale * kScale) * 5.0;
    near(0, 0.0, 0.005, "hull angle, spawned level");
    near(1, 0.0, 0.001, "2 w / FPS, from rest");
    near(2, 0.0, 0.3 * (5.0 / kFps / hullMass) * (600 / kScale) / kFps, "vx from the 5 N push");
    near(3, 0.3 * (-10.0 / kFps) * (400 / kScale) / kFps, 2e-4, "vy, one step of gravity");
    for (int leg : {0, 1}) {
      const int o = 4 + 5 * leg;
      near(o + 0, 0.0, 0.1, "hip angle, ~0 from the reference");
      near(o + 1, 0.0, 0.01, "hip speed / SPEED_HIP");
      near(o + 2, 1.0, 0.15, "knee angle + 1 (the limit -0.1 pulls it in from 0)");
      near(o + 3, 0.0, 0.01, "knee speed / SPEED_KNEE");
      near(o + 4, 1.0, 0.0, "ground contact");
    }
    QVERIFY2(std::fabs(height - 2 * kLegH) < 0.1, qPrintable(QString("hull %1 m up").arg(height)));
    for (int i = 0; i < 10; ++i)
      near(14 + i, std::min(1.0, 2 * kLegH / (kLidarRange * std::cos(1.5 * i / 10.0))), 0.035,
           "lidar from the start height 2 LEG_H");
  }

  // Physics v1 (runs recorded before issue 9) leaves the hips' reference angle at 0: the same
  // first step, but the hip observations are shifted by the thighs' spawn tilt, -0.05 and +0.05.
  void physicsV1ShiftsTheHipsByTheLegTilt() {
    auto v1 = std::make_unique<WalkerEnv>(WalkerConfig::fromJson({{"physics_version", 1}}));
    auto v2 = std::make_unique<WalkerEnv>(WalkerConfig::fromJson({{"physics_version", 2}}));
    v1->reset(7, {});
    v2->reset(7, {});
    std::vector<float> o1(24), o2(24);
    v1->observe(o1.data());
    v2->observe(o2.data());
    for (int i = 0; i < 24; ++i) {
      if (i == 4 || i == 9) continue;
      QCOMPARE(o1[i], o2[i]);  // the limits are far: the first step is the same in both
    }
    QVERIFY(std::fabs((o1[4] - o2[4]) - (-0.05f)) < 1e-6f);
    QVERIFY(std::fabs((o1[9] - o2[9]) - (+0.05f)) < 1e-6f);
    QVERIFY(v1->stateHash() != v2->stateHash());  // v2 hashes cover the reference angles
    // The TeachMyAgent bodies spawn their legs upright: both versions agree on them.
    for (const char* body : {"small_bipedal", "big_quadruped"}) {
      auto a = std::make_unique<WalkerEnv>(
          WalkerConfig::fromJson({{"embodiment", body}, {"physics_version", 1}}));
      auto b = std::make_unique<WalkerEnv>(
          WalkerConfig::fromJson({{"embodiment", body}, {"physics_version", 2}}));
      a->reset(7, {});
      b->reset(7, {});
      std::vector<float> oa(a->spec().observationSpace.size()), ob(oa.size());
      a->observe(oa.data());
      b->observe(ob.data());
      QVERIFY(oa == ob);
    }
    QCOMPARE(configError({{"physics_version", 3}}),
             std::string("env.physics_version must be an integer in [1, 2], got 3"));
    QCOMPARE(WalkerConfig::fromJson(nullptr).physicsVersion, 2);
    QCOMPARE(WalkerConfig::fromJson(WalkerConfig::fromJson({{"physics_version", 1}}).toJson())
                 .physicsVersion,
             1);
  }

  void quadrupedHasEightMotorsAndHalvedTorqueCost() {
    auto env = makeWalker("normal", "big_quadruped");
    QCOMPARE(env->spec().actionSpace.size(), 8);
    QCOMPARE(env->spec().observationSpace.size(), 4 + 4 * 5 + 10);
    QCOMPARE(env->embodiment().motorTorque, 300.0);
    auto small = makeWalker("normal", "small_bipedal");
    QCOMPARE(small->spec().observationSpace.size(), 24);
    QVERIFY(small->embodiment().legHeight < makeWalker("normal")->embodiment().legHeight);
  }

  // reward = shaping - previous shaping - 0.00035 / pairs * 80 * sum(clip(|a|, 0, 1)),
  // shaping = 130 x / SCALE - 5 |hull angle|, checked against the hull's pose every step.
  void rewardIsShapingDeltaMinusTorqueCost_data() {
    QTest::addColumn<QString>("embodiment");
    QTest::newRow("classic") << QString("classic_bipedal");
    QTest::newRow("quadruped") << QString("big_quadruped");
  }
  void rewardIsShapingDeltaMinusTorqueCost() {
    QFETCH(QString, embodiment);
    auto env = makeWalker("normal", embodiment.toStdString());
    const int motors = env->spec().actionSpace.size();
    const double pairs = motors / 4.0;
    env->reset(5, {});
    auto shaping = [&] {
      return 130.0 * env->hullPosition().x / 30.0 - 5.0 * std::fabs(env->hullAngle());
    };
    double previous = shaping();
    Rng rng(4);
    std::vector<float> a(motors);
    for (int t = 0; t < 150; ++t) {
      for (float& v : a) v = static_cast<float>(rng.uniform(-1.5, 1.5));  // beyond 1 is clipped
      float reward = 0;
      const StepStatus s = env->step(a.data(), &reward);
      if (s.terminated) break;
      double cost = 0;
      for (float v : a) cost += std::min(std::fabs(static_cast<double>(v)), 1.0);
      const double expected = shaping() - previous - 0.00035 / pairs * 80.0 * cost;
      previous = shaping();
      QVERIFY2(
          std::fabs(reward - expected) < 1e-4,
          qPrintable(QString("step %1: reward %2, expected %3").arg(t).arg(reward).arg(expected)));
    }
  }

  void walkingForwardEarnsPositiveReward() {
    auto env = makeWalker("normal");
    env->reset(1, {});
    const float startX = env->hullPosition().x;
    double ret = 0;
    for (int t = 0; t < 500; ++t) {
      float a[4], reward = 0;
      gaitAction(t, a);
      const StepStatus s = env->step(a, &reward);
      QVERIFY2(!s.terminated, "the gait fell on seed 1");
      ret += reward;
    }
    const float progress = env->hullPosition().x - startX;
    QVERIFY2(progress > 5.0f, qPrintable(QString("walked %1 m").arg(progress)));
    QVERIFY2(ret > 0.0, qPrintable(QString("return %1").arg(ret)));
    const EpisodeInfo info = env->episodeInfo();
    QCOMPARE(info.outcome, std::string("running"));
    QCOMPARE(info.values[0].first, std::string("distance"));
    // Distance counts from the spawn point, before Gymnasium's settling step in reset.
    QVERIFY(std::fabs(info.values[0].second - progress) < 0.05);
  }

  void fallingGivesMinus100AndTerminates() {
    auto env = makeWalker("normal");
    env->reset(2, {});
    float reward = 0;
    StepStatus s;
    int t = 0;
    for (; t < 1600 && !s.terminated && !s.truncated; ++t) {
      float a[4];
      gaitAction(t, a);
      s = env->step(a, &reward);
    }
    QVERIFY2(s.terminated, "the gait did not fall on seed 2");
    QVERIFY(!s.truncated);
    QCOMPARE(reward, -100.0f);
    QCOMPARE(env->episodeInfo().outcome, std::string("fell"));
    QCOMPARE(env->episodeInfo().values[2].second, 0.0);  // no success
    float a[4] = {0, 0, 0, 0};
    QVERIFY_THROWS_EXCEPTION(std::logic_error, env->step(a, &reward));
  }

  void standingStillTimesOut() {
    // The quadruped stays up with its knees held straight (the bipeds topple when idle).
    auto env = makeWalker("normal", "big_quadruped");
    env->reset(4, {});
    float a[8] = {0, 1, 0, 1, 0, 1, 0, 1}, reward = 0;
    StepStatus s;
    while (!s.terminated && !s.truncated) s = env->step(a, &reward);
    QVERIFY(s.truncated);
    QCOMPARE(env->episodeStep(), 1600);
    QCOMPARE(env->episodeInfo().outcome, std::string("timeout"));
  }

  void stumpHeightShapesTheTrack() {
    auto env = makeWalker("stump_tracks");
    QCOMPARE(env->spec().tasks.size(), 2);
    QCOMPARE(env->spec().tasks.params()[0].name, std::string("stump_height"));
    QCOMPARE(env->spec().tasks.params()[1].name, std::string("obstacle_spacing"));
    QCOMPARE(env->spec().maxEpisodeSteps, 2000);
    const double step = walker::kTerrainStep;
    env->reset(7, {0.0, 2.0});
    const double lowTallest = env->terrain().tallestObstacle();
    const size_t lowCount = env->terrain().obstacles.size();
    env->reset(7, {3.0, 2.0});
    const double highTallest = env->terrain().tallestObstacle();
    QVERIFY2(lowTallest < 0.5 * step, qPrintable(QString::number(lowTallest / step)));
    QVERIFY2(highTallest > 2.5 * step && highTallest < 3.6 * step,
             qPrintable(QString::number(highTallest / step)));
    QCOMPARE(env->terrain().obstacles.size(), lowCount);  // same spacing, same number of stumps
    // Wider spacing, fewer stumps; every stump is one terrain step wide.
    env->reset(7, {1.0, 6.0});
    QVERIFY(env->terrain().obstacles.size() < lowCount);
    for (const auto& stump : env->terrain().obstacles)
      QVERIFY(std::fabs((stump[1].x - stump[0].x) - step) < 1e-9);
    // Tall stumps block the walker: its lidar sees the first one from the start pad.
    env->reset(7, {3.0, 0.5});
    std::vector<float> tall(24), flat(24);
    env->observe(tall.data());
    env->reset(7, {0.0, 0.5});
    env->observe(flat.data());
    QVERIFY(!std::equal(tall.begin() + 14, tall.end(), flat.begin() + 14));
  }

  void hardcoreHasObstaclesNormalHasNone() {
    auto normal = makeWalker("normal");
    auto hard = makeWalker("hardcore");
    normal->reset(11, {});
    hard->reset(11, {});
    QVERIFY(normal->terrain().obstacles.empty());
    QVERIFY(!hard->terrain().obstacles.empty());
    QCOMPARE(hard->spec().maxEpisodeSteps, 2000);
    QCOMPARE(normal->terrain().ground.size(), size_t(200));
    // The start pad is flat: no terrain noise before step 20.
    for (int i = 0; i <= 20; ++i)
      QCOMPARE(normal->terrain().ground[i].y, walker::kTerrainHeight);
  }

  void configErrorsNameTheField() {
    QCOMPARE(
        configError({{"terrain", "lava"}}),
        std::string("env.terrain must be one of normal, hardcore, stump_tracks, got \"lava\""));
    QCOMPARE(configError({{"embodiment", 3}}),
             std::string("env.embodiment must be one of classic_bipedal, small_bipedal, "
                         "big_quadruped, got 3"));
    QVERIFY(configError({{"terain", "normal"}}).find("env.terain") != std::string::npos);
    QVERIFY(configError(nlohmann::json::array()).find("env must be a JSON object") !=
            std::string::npos);
    const WalkerConfig defaults = WalkerConfig::fromJson(nullptr);
    QVERIFY(defaults.terrain == walker::TerrainKind::Normal);
    QCOMPARE(defaults.embodiment, std::string("classic_bipedal"));
    const WalkerConfig round = WalkerConfig::fromJson(
        WalkerConfig::fromJson({{"terrain", "stump_tracks"}, {"embodiment", "big_quadruped"}})
            .toJson());
    QVERIFY(round.terrain == walker::TerrainKind::StumpTracks);
    QCOMPARE(round.embodiment, std::string("big_quadruped"));
  }

  void badActionsAndSnapshotsAreRejected() {
    auto env = makeWalker("normal");
    env->reset(1, {});
    float nan[4] = {0, NAN, 0, 0}, reward = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->step(nan, &reward));
    const std::vector<uint8_t> garbage{1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->restore(garbage));
    auto quad = makeWalker("normal", "big_quadruped");
    quad->reset(1, {});
    const auto snap = quad->snapshot();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env->restore(snap));
    auto truncated = snap;
    truncated.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, quad->restore(truncated));
  }

  void stepPhysicsOnlyMatchesStep() {
    for (const char* embodiment : {"classic_bipedal", "big_quadruped"}) {
      auto full = makeWalker("hardcore", embodiment);
      auto physics = makeWalker("hardcore", embodiment);
      full->reset(21, {});
      physics->reset(21, {});
      QCOMPARE(full->stateHash(), physics->stateHash());
      const int motors = full->spec().actionSpace.size();
      std::vector<float> a(motors);
      Rng rng(2);
      for (int t = 0; t < 300; ++t) {
        for (float& v : a) v = static_cast<float>(rng.uniform(-1, 1));
        float reward = 0;
        const StepStatus s = full->step(a.data(), &reward);
        physics->stepPhysicsOnly(a.data());
        QCOMPARE(physics->stateHash(), full->stateHash());
        if (s.terminated || s.truncated) break;
      }
      QCOMPARE(physics->episodeStep(), full->episodeStep());
    }
  }

  void registryCreatesWalkers() {
    registerBuiltinSimulations();
    const EnvInfo& info = EnvRegistry::instance().get("walker");
    QCOMPARE(info.name, std::string("walker"));
    QVERIFY(!info.description.empty());
    QCOMPARE(info.defaultPreset, std::string("default"));
    QVERIFY(info.presets.count("default") == 1);
    EnvPtr env = info.create({{"terrain", "stump_tracks"}, {"embodiment", "small_bipedal"}});
    QCOMPARE(env->spec().name, std::string("walker"));
    QCOMPARE(env->spec().tasks.size(), 2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, info.create({{"terrain", "lava"}}));
  }

  void sceneShowsWalkerLayers() {
    auto env = makeWalker("hardcore");
    env->reset(3, {});
    float a[4] = {0.5f, -0.5f, 0.5f, -0.5f}, reward = 0;
    for (int t = 0; t < 30; ++t) env->step(a, &reward);
    Scene scene;
    env->describe(scene);
    auto count = [&](auto& items, SceneLayerId layer) {
      return std::count_if(items.begin(), items.end(),
                           [&](const auto& item) { return item.layer == layer; });
    };
    QCOMPARE(count(scene.lines, WalkerEnv::kLidarLayer), long(WalkerEnv::kLidarRays));
    QCOMPARE(count(scene.circles, WalkerEnv::kJointsLayer), long(4));
    QVERIFY(count(scene.circles, WalkerEnv::kContactsLayer) > 0);  // feet on the ground
    QVERIFY(scene.polygons.size() > 199 + 5);                  // terrain, obstacles, flag, walker
    QCOMPARE(scene.focus.x, env->hullPosition().x);
    QCOMPARE(scene.viewWidth, 20.0f);
  }
};

QTEST_GUILESS_MAIN(TestWalker)
#include "TestWalker.moc"
