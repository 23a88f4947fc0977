// Tests of ReplayTimeline on the real Box2D walker: frames equal a fresh
// re-simulation, rewards add up to the recorded return, divergence is found at
// the right step, incremental building gives the same frames, and seeks on a
// 2000-step episode return the right frame (their speed is reported, not asserted).
#include <QtTest>

#include <chrono>
#include <climits>
#include <cstring>
#include <functional>

#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayTimeline.h"
#include "replay/ReplayVerifier.h"
#include "Simulations.h"
#include "util/Rng.h"

using namespace palaestra;

namespace {

EnvPtr makeEnv(const nlohmann::json& config) {
  registerBuiltinSimulations();
  return EnvRegistry::instance().get("walker").create(config);
}

// Uniform random actions in [-1, 1] from a fixed stream.
std::function<void(int, float*)> randomPolicy(int actionSize, uint64_t seed) {
  auto rng = std::make_shared<Rng>(seed);
  return [rng, actionSize](int, float* a) {
    for (int i = 0; i < actionSize; ++i) a[i] = static_cast<float>(rng->uniform(-1.0, 1.0));
  };
}

// FNV-1a over every field of a scene, floats by bit pattern: equal digests, equal scenes.
class SceneDigest {
 public:
  explicit SceneDigest(const Scene& s) {
    add(s.polygons.size());
    for (const auto& p : s.polygons) addPoints(p.points), add(p.fill), add(p.outline), add(p.layer);
    add(s.lines.size());
    for (const auto& l : s.lines) addPoints(l.points), add(l.color), add(l.width), add(l.layer);
    add(s.circles.size());
    for (const auto& c : s.circles)
      add(c.center), add(c.radius), add(c.fill), add(c.outline), add(c.layer);
    add(s.particles.size());
    for (const auto& p : s.particles) {
      add(p.xyAngle.size());
      for (float v : p.xyAngle) add(v);
      add(p.size), add(p.color);
    }
    add(s.labels.size());
    for (const auto& l : s.labels) {
      add(l.position), add(l.screenSpace), add(l.color);
      for (char ch : l.text) add(ch);
    }
    add(s.focus), add(s.viewWidth), add(s.viewHeight), add(s.background);
  }
  uint64_t value() const { return h_; }

 private:
  template <class T>
  void add(const T& v) {
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    for (unsigned char b : bytes) h_ = (h_ ^ b) * 0x100000001b3ULL;
  }
  void add(const Vec2f& v) { add(v.x), add(v.y); }
  void add(const Rgba& c) { add(c.r), add(c.g), add(c.b), add(c.a); }
  void addPoints(const std::vector<Vec2f>& points) {
    add(points.size());
    for (const auto& p : points) add(p);
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

uint64_t digest(const Scene& s) { return SceneDigest(s).value(); }

// Digest of every frame of a fresh re-simulation of `record` (frame 0 after reset).
std::vector<uint64_t> freshDigests(Env& env, const EpisodeRecord& record) {
  std::vector<uint64_t> out;
  std::vector<float> rewards(static_cast<size_t>(env.spec().numAgents));
  Scene scene;
  env.reset(record.seed, record.task);
  env.describe(scene);
  out.push_back(digest(scene));
  for (int t = 0; t < record.length; ++t) {
    env.step(record.actions.data() + static_cast<size_t>(t) * record.actionSize, rewards.data());
    scene.clear();
    env.describe(scene);
    out.push_back(digest(scene));
  }
  return out;
}

}  // namespace

class TestReplayTimeline : public QObject {
  Q_OBJECT
 private slots:
  void framesEqualAFreshReSimulation() {
    auto env = makeEnv(nlohmann::json::object());
    const EpisodeRecord record = testing::recordEpisode(*env, 3, {}, randomPolicy(4, 11));
    QVERIFY(record.length > 20);
    ReplayTimeline timeline(*env, record);
    QVERIFY(timeline.buildSome(INT_MAX));
    QCOMPARE(timeline.frameCount(), record.length + 1);
    QCOMPARE(timeline.length(), record.length);
    const ReplayCheck check = timeline.check();
    QVERIFY2(check.ok, check.message.c_str());
    QCOMPARE(check.stepsChecked, record.length + 1);
    for (int i = 0; i < timeline.frameCount(); ++i) QVERIFY(timeline.hashMatches(i));
    QCOMPARE(timeline.info().outcome, record.info.outcome);

    // Rewards add up (in the recorder's order) to the recorded return.
    QCOMPARE(static_cast<int>(timeline.rewards().size()), record.length);
    double sum = 0;
    for (float r : timeline.rewards()) sum += r;
    QCOMPARE(sum, record.episodeReturn());
    QCOMPARE(timeline.returnUpTo(record.length), record.episodeReturn());
    QCOMPARE(timeline.returnUpTo(0), 0.0);
    QCOMPARE(timeline.returnUpTo(1), static_cast<double>(timeline.rewards()[0]));

    // Field by field: the hull (the last body polygon drawn) of frame k equals a fresh env's after k steps.
    auto fresh = makeEnv(nlohmann::json::object());
    fresh->reset(record.seed, record.task);
    std::vector<float> rewards(1);
    const int mid = record.length / 2;
    for (int k = 0; k <= record.length; ++k) {
      if (k > 0)
        fresh->step(record.actions.data() + static_cast<size_t>(k - 1) * 4, rewards.data());
      if (k != 0 && k != 1 && k != mid && k != record.length) continue;
      Scene expected;
      fresh->describe(expected);
      const Scene& got = timeline.frame(k);
      QCOMPARE(got.polygons.size(), expected.polygons.size());
      QCOMPARE(got.lines.size(), expected.lines.size());
      QCOMPARE(got.circles.size(), expected.circles.size());
      const auto& hullGot = got.polygons.back().points;
      const auto& hullExpected = expected.polygons.back().points;
      QCOMPARE(hullGot.size(), hullExpected.size());
      for (size_t i = 0; i < hullGot.size(); ++i) {
        QCOMPARE(hullGot[i].x, hullExpected[i].x);
        QCOMPARE(hullGot[i].y, hullExpected[i].y);
      }
      QCOMPARE(got.focus.x, expected.focus.x);
      QCOMPARE(digest(got), digest(expected));
    }
    // The hull moves: the first and the last frame differ.
    QVERIFY(digest(timeline.frame(0)) != digest(timeline.frame(record.length)));

    // Every frame, visited backwards (each seek rebuilds the cache), equals the fresh one.
    const std::vector<uint64_t> expected = freshDigests(*fresh, record);
    for (int k = record.length; k >= 0; --k) QCOMPARE(digest(timeline.frame(k)), expected[k]);
  }

  void alteredActionIsFoundAtItsStep() {
    auto env = makeEnv(nlohmann::json::object());
    EpisodeRecord record = testing::recordEpisode(*env, 5, {}, randomPolicy(4, 21));
    QVERIFY(record.length > 12);
    const int altered = 10;  // action of step 11 (hash index 11 is the state after it)
    record.actions[altered * 4 + 0] = record.actions[altered * 4 + 0] > 0 ? -1.0f : 1.0f;
    ReplayTimeline timeline(*env, record);
    timeline.buildSome(INT_MAX);
    QVERIFY(timeline.complete());
    const ReplayCheck check = timeline.check();
    QVERIFY(!check.ok);
    QCOMPARE(check.firstMismatch, altered + 1);
    QVERIFY2(check.message.find("diverges at step 11") != std::string::npos, check.message.c_str());
    QVERIFY(timeline.hashMatches(altered));
    QVERIFY(!timeline.hashMatches(altered + 1));
    // The same verdict as the one-shot verifier.
    const ReplayCheck verified = verifyReplay(*env, record);
    QCOMPARE(verified.firstMismatch, check.firstMismatch);
    QCOMPARE(verified.expectedHash, check.expectedHash);
    QCOMPARE(verified.actualHash, check.actualHash);
    QCOMPARE(verified.message, check.message);
    // The diverged replay is still watchable up to where the env lets it run.
    QVERIFY(timeline.frameCount() > altered + 1);
  }

  void incrementalBuildGivesTheSameFrames() {
    auto env = makeEnv(nlohmann::json::object());
    const EpisodeRecord record = testing::recordEpisode(*env, 8, {}, randomPolicy(4, 31));
    QVERIFY(record.length > 20);
    ReplayTimeline oneGo(*env, record);
    oneGo.buildSome(INT_MAX);
    std::vector<uint64_t> expected;
    for (int k = 0; k < oneGo.frameCount(); ++k) expected.push_back(digest(oneGo.frame(k)));

    ReplayTimeline stepwise(*env, record);
    QCOMPARE(stepwise.frameCount(), 0);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, stepwise.frame(0));
    QVERIFY(!stepwise.check().ok);
    int calls = 0;
    while (!stepwise.buildSome(7)) {
      ++calls;
      QCOMPARE(stepwise.frameCount(), 1 + 7 * calls);
      QVERIFY(!stepwise.check().ok);  // not verdict-ready before the end
      QVERIFY2(stepwise.check().message.find("so far") != std::string::npos,
               stepwise.check().message.c_str());
      // Early frames are watchable while the rest builds.
      QCOMPARE(digest(stepwise.frame(stepwise.frameCount() - 1)),
               expected[stepwise.frameCount() - 1]);
    }
    QCOMPARE(calls, (record.length - 1) / 7);
    QVERIFY(stepwise.check().ok);
    QCOMPARE(stepwise.frameCount(), oneGo.frameCount());
    for (int k = 0; k < stepwise.frameCount(); ++k) QCOMPARE(digest(stepwise.frame(k)), expected[k]);
    QCOMPARE(stepwise.returnUpTo(record.length), oneGo.returnUpTo(record.length));
    QVERIFY(stepwise.buildSome(7));  // building a complete timeline is a no-op
    QCOMPARE(stepwise.frameCount(), oneGo.frameCount());
  }

  void badInputGivesClearMessages() {
    auto env = makeEnv(nlohmann::json::object());
    EpisodeRecord record = testing::recordEpisode(*env, 2, {}, randomPolicy(4, 41));
    record.hashes.pop_back();
    ReplayTimeline timeline(*env, record);
    QVERIFY(timeline.complete());
    QVERIFY(timeline.buildSome(10));
    QCOMPARE(timeline.frameCount(), 0);
    QVERIFY(!timeline.check().ok);
    QVERIFY2(timeline.check().message.find("malformed") != std::string::npos,
             timeline.check().message.c_str());
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, timeline.frame(0));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, timeline.returnUpTo(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, measureSeeks(timeline, 10, 1));

    EpisodeRecord good = testing::recordEpisode(*env, 2, {}, randomPolicy(4, 41));
    ReplayTimeline ok(*env, good);
    ok.buildSome(INT_MAX);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, ok.frame(-1));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, ok.frame(ok.frameCount()));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, ok.hashMatches(ok.frameCount()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, measureSeeks(ok, 0, 1));
  }

  void seeksOnA2000StepEpisodeReturnTheRightFrame() {
    // The quadruped stands with its knees held straight; on hardcore terrain that lasts the full
    // 2000-step limit. Small random hip torques keep every frame different.
    const nlohmann::json config = {{"embodiment", "big_quadruped"}, {"terrain", "hardcore"}};
    auto env = makeEnv(config);
    QCOMPARE(env->spec().maxEpisodeSteps, 2000);
    auto rng = std::make_shared<Rng>(51);
    const EpisodeRecord record = testing::recordEpisode(*env, 9, {}, [rng](int, float* a) {
      for (int leg = 0; leg < 4; ++leg) {
        a[2 * leg] = static_cast<float>(rng->uniform(-0.01, 0.01));
        a[2 * leg + 1] = 1.0f;
      }
    });
    QCOMPARE(record.length, 2000);
    QVERIFY(record.truncated);

    ReplayTimeline timeline(*env, record);
    const auto t0 = std::chrono::steady_clock::now();
    timeline.buildSome(INT_MAX);
    const double buildMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    QCOMPARE(timeline.frameCount(), 2001);
    QVERIFY2(timeline.check().ok, timeline.check().message.c_str());
    QCOMPARE(timeline.info().outcome, std::string("timeout"));

    const SeekTimings seeks = measureSeeks(timeline, 1000, 77);
    QCOMPARE(seeks.seeks, 1000);
    QVERIFY(seeks.maxMs >= seeks.p95Ms && seeks.p95Ms >= seeks.medianMs);
    qInfo("2000-step big_quadruped hardcore episode: build %.1f ms (%.3f ms/frame), %.0f bytes per "
          "frame (%.1f MB in all; a full frame has %d polygons, %d lines); 1000 random seeks: median %.4f ms, p95 %.4f ms, max %.4f ms",
          buildMs, buildMs / 2001, timeline.bytesPerFrame(),
          timeline.bytesPerFrame() * 2001 / 1e6,
          static_cast<int>(timeline.frame(0).polygons.size()),
          static_cast<int>(timeline.frame(0).lines.size()), seeks.medianMs, seeks.p95Ms, seeks.maxMs);

    // Random seeks land on the right frame: each equals a fresh re-simulation's scene.
    auto fresh = makeEnv(config);
    const std::vector<uint64_t> expected = freshDigests(*fresh, record);
    Rng pick(88);
    for (int i = 0; i < 300; ++i) {
      const int k = static_cast<int>(pick.below(2001));
      QCOMPARE(digest(timeline.frame(k)), expected[k]);
    }
    QVERIFY(expected[0] != expected[2000]);
  }
};

QTEST_MAIN(TestReplayTimeline)
#include "TestReplayTimeline.moc"
