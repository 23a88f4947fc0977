// The episode codec on its own: a record survives encode/decode bit for bit,
// and every kind of malformed stored input (what a damaged file or a fuzzer
// feeds decodeEpisode) is an EpisodeDecodeError naming the problem, never a
// crash, a huge allocation or a silently wrong record.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "store/EpisodeCodec.h"
#include "util/Compression.h"

using namespace palaestra;

namespace {

EpisodeRecord sampleRecord() {
  EpisodeRecord r;
  r.seed = 0x8000000000000123ULL;
  r.task = {0.1 + 0.2, -0.0, std::numeric_limits<double>::quiet_NaN(), -1e308};
  r.envIndex = 3;
  r.episodeIndex = ~uint64_t{0};
  r.length = 5;
  r.actionSize = 2;
  for (int i = 0; i < 10; ++i) r.actions.push_back(i == 0 ? -0.0f : 0.1f * static_cast<float>(i));
  for (int i = 0; i < 6; ++i)
    r.hashes.push_back(0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(i + 1));
  r.slotReturns = {-12.5, std::numeric_limits<double>::infinity()};
  r.terminated = true;
  r.info.outcome = "fell";
  r.info.values = {{"distance", 1.0 / 3.0}, {"distance", -0.0}};
  return r;
}

bool sameBits(const void* a, const void* b, size_t n) {
  return std::memcmp(a, b, n) == 0;
}

// Expects decodeEpisode(e) to throw EpisodeDecodeError mentioning `needle`.
bool refused(const EncodedEpisode& e, const std::string& needle) {
  try {
    decodeEpisode(e);
  } catch (const EpisodeDecodeError& error) {
    const std::string message = error.what();
    if (message.find(needle) != std::string::npos) return true;
    qWarning("message '%s' lacks '%s'", message.c_str(), needle.c_str());
    return false;
  } catch (const std::exception& error) {
    qWarning("wrong exception type: %s", error.what());
    return false;
  }
  qWarning("accepted");
  return false;
}

// An action log of `agents` x `steps` agent-steps of `dims` floats each, step-major as a
// multi-agent env records it, drawn by `draw(agent, dim, step)`.
template <typename Draw>
std::vector<float> actionLog(int agents, int steps, int dims, Draw draw) {
  std::vector<float> log;
  log.reserve(static_cast<size_t>(agents) * steps * dims);
  for (int t = 0; t < steps; ++t)
    for (int a = 0; a < agents; ++a)
      for (int d = 0; d < dims; ++d) log.push_back(draw(a, d, t));
  return log;
}

float quantised(double v, double quantum) {
  return static_cast<float>(std::round(std::clamp(v, -1.0, 1.0) / quantum) * quantum);
}

// Stored bytes per agent-step of `log` in the current (byte-plane) form and in the plain zstd
// form of earlier stores, at the store's default level 3; also checks the log decodes back.
std::pair<double, double> bytesPerAgentStep(const std::vector<float>& log, int agents, int steps,
                                            const char* what) {
  EpisodeRecord r;
  r.length = steps;
  r.actionSize = static_cast<int>(log.size()) / steps;
  r.actions = log;
  r.hashes.assign(static_cast<size_t>(steps) + 1, 0);
  const EncodedEpisode e = encodeEpisode(r, 3);
  const EpisodeRecord back = decodeEpisode(e);
  if (!sameBits(back.actions.data(), log.data(), log.size() * sizeof(float)))
    qFatal("%s: the action log does not decode back bit for bit", what);
  const std::vector<uint8_t> plain = compressBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(log.data()), log.size() * 4), 3);
  const double agentSteps = static_cast<double>(agents) * steps;
  const double after = static_cast<double>(e.actions.size()) / agentSteps;
  const double before = static_cast<double>(plain.size()) / agentSteps;
  qInfo("%-44s %6.3f -> %6.3f bytes per agent-step (raw %zu, plain zstd %zu, planes %zu bytes)",
        what, before, after, log.size() * 4, plain.size(), e.actions.size());
  return {before, after};
}

}  // namespace

class TestEpisodeCodec : public QObject {
  Q_OBJECT

 private slots:
  void roundTripIsBitExact() {
    const EpisodeRecord r = sampleRecord();
    const EpisodeRecord back = decodeEpisode(encodeEpisode(r, 3));
    QCOMPARE(back.seed, r.seed);
    QCOMPARE(back.envIndex, r.envIndex);
    QCOMPARE(back.episodeIndex, r.episodeIndex);
    QCOMPARE(back.length, r.length);
    QCOMPARE(back.actionSize, r.actionSize);
    QCOMPARE(back.task.size(), r.task.size());
    QVERIFY(sameBits(back.task.data(), r.task.data(), r.task.size() * sizeof(double)));
    QVERIFY(sameBits(back.actions.data(), r.actions.data(), r.actions.size() * sizeof(float)));
    QVERIFY(back.hashes == r.hashes);
    QVERIFY(sameBits(back.slotReturns.data(), r.slotReturns.data(), 2 * sizeof(double)));
    QCOMPARE(back.terminated, true);
    QCOMPARE(back.info.outcome, std::string("fell"));
    QCOMPARE(back.info.values.size(), size_t{2});
    QVERIFY(std::signbit(back.info.values[1].second));
  }

  // Issue 10's budget: at most 2 stored bytes per agent-step for a swarm's action log. Measured
  // on 1000 agents x 200 steps at the store's zstd level 3 (figures in the test log).
  void actionLogsOfManyAgentsStayWithinTwoBytesPerAgentStep() {
    constexpr int kAgents = 1000, kSteps = 200;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::normal_distribution<double> noise(0.0, 1.0);

    // (a) uniformly random multiples of 1/32 in [-1, 1], two per agent (65 values: 6 bits each).
    const auto random = actionLog(kAgents, kSteps, 2, [&](int, int, int) {
      return quantised(uniform(rng), 1.0 / 32);
    });
    const auto [randomBefore, randomAfter] =
        bytesPerAgentStep(random, kAgents, kSteps, "(a) random 2 x quantum 1/32");
    QVERIFY2(randomAfter <= 2.0, "random quantised actions exceed 2 bytes per agent-step");
    QVERIFY(randomAfter < randomBefore);

    // (b) Discrete(5): one whole-number float per agent.
    const auto discrete = actionLog(kAgents, kSteps, 1, [&](int, int, int) {
      return static_cast<float>(rng() % 5);
    });
    const auto [discreteBefore, discreteAfter] =
        bytesPerAgentStep(discrete, kAgents, kSteps, "(b) Discrete(5)");
    QVERIFY2(discreteAfter <= 0.6, "Discrete(5) actions exceed 0.6 bytes per agent-step");
    QVERIFY(discreteAfter < discreteBefore);

    // (c) a smooth policy-like signal: per agent and dimension a slow AR(1) around a sine,
    // as continuous floats and at quantum 1/32.
    std::vector<double> state(static_cast<size_t>(kAgents) * 2, 0.0);
    auto smooth = [&](int a, int d, int t) {
      double& x = state[static_cast<size_t>(a) * 2 + d];
      x = 0.95 * x + 0.05 * noise(rng);
      return 0.6 * std::sin(0.05 * t + a * 0.37 + d) + x;
    };
    const auto smoothFloat = actionLog(kAgents, kSteps, 2, [&](int a, int d, int t) {
      return static_cast<float>(std::clamp(smooth(a, d, t), -1.0, 1.0));
    });
    bytesPerAgentStep(smoothFloat, kAgents, kSteps, "(c) smooth 2 x float");
    std::fill(state.begin(), state.end(), 0.0);
    const auto smoothQuantised = actionLog(kAgents, kSteps, 2, [&](int a, int d, int t) {
      return quantised(smooth(a, d, t), 1.0 / 32);
    });
    const auto [smoothBefore, smoothAfter] =
        bytesPerAgentStep(smoothQuantised, kAgents, kSteps, "(c) smooth 2 x quantum 1/32");
    QVERIFY(smoothAfter <= 2.0);
    QVERIFY(smoothAfter < smoothBefore);
  }

  void plainZstdActionLogsOfEarlierStoresStillDecode() {
    // Every episode stored before the byte planes holds a plain zstd frame of the floats.
    const EpisodeRecord r = sampleRecord();
    EncodedEpisode e = encodeEpisode(r, 3);
    QVERIFY(isByteShuffledActionLog(e.actions));
    e.actions = compressBytes(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(r.actions.data()), r.actions.size() * sizeof(float)));
    QVERIFY(!isByteShuffledActionLog(e.actions));
    const EpisodeRecord back = decodeEpisode(e);
    QVERIFY(sameBits(back.actions.data(), r.actions.data(), r.actions.size() * sizeof(float)));
    // The marker alone, or the marker before a frame of the wrong size, is refused.
    EncodedEpisode marked = encodeEpisode(r, 3);
    marked.actions.resize(4);
    QVERIFY(refused(marked, "actions: corrupt compressed data"));
    marked = encodeEpisode(r, 3);
    const std::vector<uint8_t> shortFrame = compressBytes(std::vector<uint8_t>(36, 0));
    marked.actions.resize(4);
    marked.actions.insert(marked.actions.end(), shortFrame.begin(), shortFrame.end());
    QVERIFY(refused(marked, "actions holds 36 bytes, expected 40"));
  }

  void malformedJsonIsRefused() {
    const EncodedEpisode good = encodeEpisode(sampleRecord(), 3);
    EncodedEpisode e = good;
    e.taskJson = "[1, 2";
    QVERIFY(refused(e, "task_json is not valid JSON"));
    e = good;
    e.slotReturnsJson = R"({"a": 1})";
    QVERIFY(refused(e, "slot_returns_json: expected an array"));
    e = good;
    e.taskJson = R"([1, "lots"])";
    QVERIFY(refused(e, "task_json: expected a number"));
    e = good;
    e.infoJson = R"([["distance"]])";
    QVERIFY(refused(e, "info_json: expected [name, value]"));
    e = good;
    e.infoJson = R"([[1, 2]])";
    QVERIFY(refused(e, "info_json: expected [name, value]"));
    // Deep nesting is refused while parsing, before anything recursive touches it.
    e = good;
    e.taskJson = std::string(200000, '[') + std::string(200000, ']');
    QVERIFY(refused(e, "task_json nests arrays and objects deeper than 2 levels"));
    e = good;
    e.infoJson = std::string(100000, '[');
    QVERIFY(refused(e, "info_json nests arrays and objects deeper than 2 levels"));
    // A number beyond a double is named by its place in the column.
    e = good;
    e.taskJson = "[0.5, 1e400]";
    QVERIFY(refused(e, "task_json[1] is 1e400"));
    e = good;
    e.infoJson = R"([["distance", -1e999]])";
    QVERIFY(refused(e, "info_json[0][1] is -1e999"));
  }

  void badCountsAreRefusedBeforeAllocating() {
    const EncodedEpisode good = encodeEpisode(sampleRecord(), 3);
    EncodedEpisode e = good;
    e.length = -1;
    QVERIFY(refused(e, "length -1 is out of range"));
    e = good;
    e.length = int64_t{1} << 40;
    QVERIFY(refused(e, "is out of range"));
    e = good;
    e.actionSize = -3;
    QVERIFY(refused(e, "action size -3 is out of range"));
    e = good;
    e.envIndex = int64_t{1} << 33;
    QVERIFY(refused(e, "env index"));
    e = good;
    e.length = std::numeric_limits<int>::max() - 1;
    e.actionSize = std::numeric_limits<int>::max();
    QVERIFY(refused(e, "MiB blob limit"));
  }

  void blobsThatDisagreeWithTheCountsAreRefused() {
    const EpisodeRecord r = sampleRecord();
    const EncodedEpisode good = encodeEpisode(r, 3);
    EncodedEpisode e = good;
    e.length = 4;  // 8 actions and 5 hashes expected; the frames hold 10 and 6
    QVERIFY(refused(e, "actions: corrupt compressed data"));
    e = good;
    e.length = 6;
    QVERIFY(refused(e, "actions holds 40 bytes, expected 48"));
    e = good;
    e.hashes = compressBytes(std::vector<uint8_t>(5 * 8, 1));
    QVERIFY(refused(e, "hashes holds 40 bytes, expected 48"));
    e = good;
    e.actions.resize(e.actions.size() / 2);
    QVERIFY(refused(e, "actions: corrupt compressed data"));
    e = good;
    e.hashes.clear();
    QVERIFY(refused(e, "hashes: corrupt compressed data"));
    e = good;
    e.actions.back() ^= 0x40;  // the frame's checksum catches flipped bits
    QVERIFY(refused(e, "actions: corrupt compressed data"));
  }

  // A cheap stand-in for the fuzzer: random damage to every field decodes or is refused cleanly.
  void randomDamageNeverCrashes() {
    const EncodedEpisode good = encodeEpisode(sampleRecord(), 3);
    std::mt19937_64 rng(42);
    int refusedCount = 0;
    for (int round = 0; round < 3000; ++round) {
      EncodedEpisode e = good;
      auto damage = [&](auto& bytes) {
        if (bytes.empty()) return;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < flips; ++i)
          bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
      };
      switch (rng() % 6) {
        case 0:
          damage(e.taskJson);
          break;
        case 1:
          damage(e.slotReturnsJson);
          break;
        case 2:
          damage(e.infoJson);
          break;
        case 3:
          damage(e.actions);
          break;
        case 4:
          damage(e.hashes);
          break;
        default:
          e.length = static_cast<int64_t>(rng() % 64) - 8;
          break;
      }
      try {
        const EpisodeRecord r = decodeEpisode(e);
        validateEpisodeRecord(r);  // whatever decodes is self-consistent
      } catch (const EpisodeDecodeError&) {
        ++refusedCount;
      }
    }
    QVERIFY(refusedCount > 1000);
  }
};

QTEST_GUILESS_MAIN(TestEpisodeCodec)
#include "TestEpisodeCodec.moc"
