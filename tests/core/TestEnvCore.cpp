// Tests of the env contract building blocks: spaces, task spaces, RNG, thread pool.
#include <QtTest>

#include <atomic>
#include <vector>

#include "env/Space.h"
#include "env/TaskSpace.h"
#include "util/Rng.h"
#include "util/ThreadPool.h"

using namespace palaestra;

class TestEnvCore : public QObject {
  Q_OBJECT
 private slots:
  void boxContainsRespectsBounds() {
    Space s = Space::box(2, -1.0f, 1.0f);
    QCOMPARE(s.size(), 2);
    const float in[2] = {0.5f, -1.0f};
    const float out[2] = {0.5f, 1.5f};
    QVERIFY(s.contains(in));
    QVERIFY(!s.contains(out));
    const float nan[2] = {NAN, 0.0f};
    QVERIFY(!s.contains(nan));
  }
  void discreteContainsWholeChoicesOnly() {
    Space d = Space::discrete(3);
    const float ok[1] = {2.0f}, frac[1] = {1.5f}, high[1] = {3.0f};
    QVERIFY(d.contains(ok));
    QVERIFY(!d.contains(frac));
    QVERIFY(!d.contains(high));
    Space m = Space::multiDiscrete({2, 5});
    const float mOk[2] = {1.0f, 4.0f}, mBad[2] = {2.0f, 0.0f};
    QVERIFY(m.contains(mOk));
    QVERIFY(!m.contains(mBad));
  }
  void quantisedBoxRoundsContainsAndDescribes() {
    Space s = Space::box(2, -1.0f, 1.0f);
    s.quantum = 1.0f / 32.0f;
    std::vector<float> v = {0.1f, -0.999f, 1.0f, 0.015625f};  // two rows
    s.quantize(v);
    // Nearest multiples: 0.1 -> 3/32, -0.999 -> -1, 1 stays, 1/64 (a tie) rounds away from zero.
    QCOMPARE(v[0], 3.0f / 32.0f);
    QCOMPARE(v[1], -1.0f);
    QCOMPARE(v[2], 1.0f);
    QCOMPARE(v[3], 1.0f / 32.0f);
    QVERIFY(s.contains(std::span<const float>(v.data(), 2)));
    const float between[2] = {0.1f, 0.0f};
    QVERIFY2(!s.contains(between), "0.1 is no multiple of 1/32");
    QVERIFY(s.describe().find("quantum 0.03125") != std::string::npos);
    QVERIFY(Space::box(2, -1.0f, 1.0f).describe().find("quantum") == std::string::npos);

    // Bounds that are no multiples: rounding stays inside them.
    Space odd = Space::box(1, -0.3f, 0.3f);
    odd.quantum = 0.25f;
    std::vector<float> edge = {0.3f, -0.3f, 0.12f};
    odd.quantize(edge);
    QCOMPARE(edge[0], 0.25f);
    QCOMPARE(edge[1], -0.25f);
    QCOMPARE(edge[2], 0.0f);

    // A decimal quantum: k * 0.1 in float or in double both count as multiples.
    Space tenth = Space::box(1, -1.0f, 1.0f);
    tenth.quantum = 0.1f;
    const float floatMultiple[1] = {7.0f * 0.1f};
    const float doubleMultiple[1] = {static_cast<float>(7.0 * 0.1)};
    const float notMultiple[1] = {0.75f};
    QVERIFY(tenth.contains(floatMultiple));
    QVERIFY(tenth.contains(doubleMultiple));
    QVERIFY(!tenth.contains(notMultiple));

    // No quantum, or a discrete space: quantize leaves values alone.
    std::vector<float> free = {0.1234f};
    Space::box(1, -1.0f, 1.0f).quantize(free);
    QCOMPARE(free[0], 0.1234f);
  }
  void taskSpaceParsesAndRejects() {
    TaskSpace t({{"height", 0, 3, 1.0, false, ""}, {"level", 1, 8, 1, true, ""}});
    TaskValues v = t.parse("height=2.5,level=3");
    QCOMPARE(v[0], 2.5);
    QCOMPARE(v[1], 3.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.parse("height=4"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.parse("level=2.5"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.parse("width=1"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.parse("height=abc"));
  }
  void rngIsReproducibleAndSpread() {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) QCOMPARE(a.next(), b.next());
    QVERIFY(a.next() != c.next());
    double sum = 0, sq = 0;
    Rng r(7);
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
      const double x = r.normal();
      sum += x;
      sq += x * x;
    }
    QVERIFY(std::abs(sum / n) < 0.02);
    QVERIFY(std::abs(sq / n - 1.0) < 0.02);
    QVERIFY(deriveSeed(1, 0, 0) != deriveSeed(1, 0, 1));
    QVERIFY(deriveSeed(1, 0, 1) != deriveSeed(1, 1, 0));
  }
  void threadPoolCoversEveryIndexOnce() {
    ThreadPool pool(3);
    std::vector<std::atomic<int>> hits(1000);
    pool.parallelFor(1000, [&](int b, int e) {
      for (int i = b; i < e; ++i) hits[i]++;
    });
    for (auto& h : hits) QCOMPARE(h.load(), 1);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, pool.parallelFor(10, [](int, int) {
      throw std::runtime_error("boom");
    }));
  }
};

QTEST_GUILESS_MAIN(TestEnvCore)
#include "TestEnvCore.moc"
