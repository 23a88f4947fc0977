// SceneTessellator and FrameTimeMeter: pure geometry and statistics, no GL.
#include <QtTest/QtTest>

#include <cmath>

#include "widgets/FrameTimeMeter.h"
#include "widgets/SceneTessellator.h"

using namespace palaestra;

namespace {
// Overlay ids as an env would declare them (the tessellator knows no env).
constexpr SceneLayerId kRayLayer = 1;
constexpr SceneLayerId kJointLayer = 3;
constexpr SceneLayerId kOtherLayer = 4;
}  // namespace

namespace {

double triangleArea(Vec2f a, Vec2f b, Vec2f c) {
  return ((static_cast<double>(b.x) - a.x) * (static_cast<double>(c.y) - a.y) -
          (static_cast<double>(b.y) - a.y) * (static_cast<double>(c.x) - a.x)) /
         2;
}

double totalArea(const std::vector<ColoredVertex>& v, size_t first = 0) {
  double sum = 0;
  for (size_t i = first; i + 2 < v.size(); i += 3)
    sum += std::abs(triangleArea({v[i].x, v[i].y}, {v[i + 1].x, v[i + 1].y},
                                 {v[i + 2].x, v[i + 2].y}));
  return sum;
}

// A concave "comb" with three teeth: any fan triangulation would cover the gaps.
std::vector<Vec2f> comb() {
  return {{0, 0}, {7, 0}, {7, 4}, {6, 4}, {6, 1}, {4, 1}, {4, 4},
          {3, 4}, {3, 1}, {1, 1}, {1, 4}, {0, 4}};
}

}  // namespace

class TestSceneTessellator : public QObject {
  Q_OBJECT

 private slots:
  void earClippingConcavePolygonKeepsArea() {
    for (bool clockwise : {false, true}) {
      std::vector<Vec2f> points = comb();
      if (clockwise) std::reverse(points.begin(), points.end());
      const double area = std::abs(SceneTessellator::signedArea(points));
      QCOMPARE(area, 7.0 * 1 + 3 * 3.0 * 1);  // base 7x1 plus three 1x3 teeth
      const std::vector<uint32_t> indices = SceneTessellator::triangulate(points);
      QCOMPARE(indices.size(), 3 * (points.size() - 2));
      double sum = 0;
      for (size_t i = 0; i < indices.size(); i += 3) {
        const double a = triangleArea(points[indices[i]], points[indices[i + 1]],
                                      points[indices[i + 2]]);
        // Every triangle comes out counter-clockwise whatever the input winding.
        QVERIFY2(a >= -1e-12, "triangle winding flipped");
        sum += std::abs(a);
      }
      QVERIFY(std::abs(sum - area) < 1e-9);
    }
  }

  void earClippingHandlesConvexCollinearAndDegenerateInput() {
    const std::vector<Vec2f> square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    QCOMPARE(SceneTessellator::triangulate(square).size(), size_t{6});
    // A collinear midpoint on an edge still gives n - 2 triangles with the same area.
    const std::vector<Vec2f> withMid{{0, 0}, {1, 0}, {2, 0}, {2, 2}, {0, 2}};
    const auto idx = SceneTessellator::triangulate(withMid);
    QCOMPARE(idx.size(), size_t{9});
    double sum = 0;
    for (size_t i = 0; i < idx.size(); i += 3)
      sum += std::abs(triangleArea(withMid[idx[i]], withMid[idx[i + 1]], withMid[idx[i + 2]]));
    QVERIFY(std::abs(sum - 4.0) < 1e-9);
    QVERIFY(SceneTessellator::triangulate(std::vector<Vec2f>{{0, 0}, {1, 1}}).empty());
    // All points on one line: terminates with n - 2 (empty) triangles.
    const std::vector<Vec2f> line{{0, 0}, {1, 0}, {2, 0}, {3, 0}};
    QCOMPARE(SceneTessellator::triangulate(line).size(), size_t{6});
  }

  void lineExpansionHasRequestedWidth() {
    std::vector<ColoredVertex> out;
    const float width = 0.5f;
    SceneTessellator::appendLineStrip(std::vector<Vec2f>{{1, 1}, {4, 5}}, width, false, Rgba{}, out);
    QCOMPARE(out.size(), size_t{6});  // one quad
    QVERIFY(std::abs(totalArea(out) - 5.0 * width) < 1e-5);  // length 5
    // Every corner lies width/2 from the centre line.
    for (const ColoredVertex& v : out) {
      const double distance = std::abs(4.0 * (v.x - 1) - 3.0 * (v.y - 1)) / 5.0;
      QVERIFY2(std::abs(distance - width / 2) < 1e-5, qPrintable(QString::number(distance)));
    }
    // A strip of three points: two quads plus the two bevel triangles of the joint.
    out.clear();
    SceneTessellator::appendLineStrip(std::vector<Vec2f>{{0, 0}, {2, 0}, {2, 2}}, 0.2f, false,
                                      Rgba{}, out);
    QCOMPARE(out.size(), size_t{6 * 2 + 3 * 2});
    // Repeated points and zero width add nothing.
    out.clear();
    SceneTessellator::appendLineStrip(std::vector<Vec2f>{{1, 1}, {1, 1}}, 1.0f, false, Rgba{}, out);
    SceneTessellator::appendLineStrip(std::vector<Vec2f>{{0, 0}, {1, 1}}, 0.0f, false, Rgba{}, out);
    QVERIFY(out.empty());
  }

  void pixelWidthFollowsTheScale() {
    Scene scene;
    SceneLine line;
    line.points = {{0, 0}, {10, 0}};
    line.width = 4.0f;  // pixels
    scene.lines.push_back(line);
    TessellatedScene out;
    SceneTessellator::tessellate(scene, 0, 0.05f, out);  // 0.05 world units per pixel
    float minY = 1e9f, maxY = -1e9f;
    for (const ColoredVertex& v : out.triangles) {
      minY = std::min(minY, v.y);
      maxY = std::max(maxY, v.y);
    }
    QVERIFY(std::abs((maxY - minY) - 4.0f * 0.05f) < 1e-6f);
  }

  void circleTessellation() {
    std::vector<ColoredVertex> out;
    const int segments = 64;
    SceneTessellator::appendDisc({1, 2}, 3.0f, segments, Rgba{}, out);
    QCOMPARE(out.size(), size_t{3 * segments});
    const double polygonArea = 0.5 * segments * 9.0 * std::sin(2 * M_PI / segments);
    QVERIFY(std::abs(totalArea(out) - polygonArea) < 1e-3);
    QVERIFY(std::abs(totalArea(out) - M_PI * 9.0) / (M_PI * 9.0) < 0.01);
    for (size_t i = 0; i < out.size(); i += 3) {
      QCOMPARE(out[i].x, 1.0f);  // fans from the centre
      QVERIFY(std::abs(std::hypot(out[i + 1].x - 1, out[i + 1].y - 2) - 3.0) < 1e-5);
    }
    out.clear();
    SceneTessellator::appendRing({0, 0}, 2.0f, 0.5f, segments, Rgba{}, out);
    const double ringArea = 0.5 * segments * (4.0 - 2.25) * std::sin(2 * M_PI / segments);
    QVERIFY(std::abs(totalArea(out) - ringArea) < 1e-3);
    QCOMPARE(SceneTessellator::circleSegments(1.0f), 12);
    QCOMPARE(SceneTessellator::circleSegments(1000.0f), 96);
    QVERIFY(SceneTessellator::circleSegments(20.0f) > 12);
  }

  void layerFilteringAndOrder() {
    Scene scene;
    ScenePolygon body;
    body.points = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    body.outline.a = 0;  // fill only: 2 triangles
    scene.polygons.push_back(body);
    SceneLine ray;
    ray.points = {{0, 0}, {5, 0}};
    ray.layer = kRayLayer;
    scene.lines.push_back(ray);
    SceneCircle joint;
    joint.radius = 0.1f;
    joint.outline.a = 0;
    joint.layer = kJointLayer;
    scene.circles.push_back(joint);

    TessellatedScene out;
    SceneTessellator::tessellate(scene, 0, 0.01f, out);
    QCOMPARE(out.triangles.size(), size_t{6});  // Base only
    QCOMPARE(out.overlayFirstVertex, size_t{6});

    SceneTessellator::tessellate(scene, sceneLayerBit(kRayLayer), 0.01f, out);
    QCOMPARE(out.triangles.size(), size_t{12});  // plus the ray's quad
    QCOMPARE(out.overlayFirstVertex, size_t{6});
    QCOMPARE(out.triangles[6].r, ray.color.r);

    SceneTessellator::tessellate(
        scene, sceneLayerBit(kRayLayer) | sceneLayerBit(kJointLayer), 0.01f, out);
    const size_t disc = 3 * static_cast<size_t>(SceneTessellator::circleSegments(10.0f));
    QCOMPARE(out.triangles.size(), size_t{12} + disc);
    // Base is drawn even when the mask omits it; other layers follow it.
    body.layer = kOtherLayer;
    scene.polygons.push_back(body);
    SceneTessellator::tessellate(scene, 0, 0.01f, out);
    QCOMPARE(out.triangles.size(), size_t{6});
  }

  void badPrimitivesAreSkipped() {
    Scene scene;
    ScenePolygon twoPoints;
    twoPoints.points = {{0, 0}, {1, 1}};
    scene.polygons.push_back(twoPoints);
    ScenePolygon nanPoly;
    nanPoly.points = {{0, 0}, {NAN, 1}, {1, 0}};
    scene.polygons.push_back(nanPoly);
    SceneCircle negative;
    negative.radius = -1;
    scene.circles.push_back(negative);
    SceneParticles particles;
    particles.xyAngle = {0, 0, 0, 1, INFINITY, 0, 2, 2};  // one good, one infinite, one partial
    scene.particles.push_back(particles);
    TessellatedScene out;
    SceneTessellator::tessellate(scene, ~SceneLayerMask{0}, 0.01f, out);
    QVERIFY(out.triangles.empty());
    QCOMPARE(out.particles.size(), size_t{1});
    SceneTessellator::tessellate(scene, 0, 0.0f, out);  // bad scale: nothing
    QVERIFY(out.particles.empty());
  }

  void particlesTakeTheirOwnColours() {
    Scene scene;
    SceneParticles group;
    group.xyAngle = {0, 0, 0, 1, 1, 0.5f, 2, 2, 1.0f};
    group.color = {0.5f, 0.5f, 0.5f, 1.0f};
    group.colors = {{1, 0, 0, 1}, {0, 1, 0, 0}, {0, 0.2f, 2.0f, 1}};  // the second is invisible
    scene.particles.push_back(group);
    TessellatedScene out;
    SceneTessellator::tessellate(scene, 0, 0.01f, out);
    QCOMPARE(out.particles.size(), size_t{2});
    QCOMPARE(out.particles[0].r, uint8_t{255});
    QCOMPARE(out.particles[0].g, uint8_t{0});
    QCOMPARE(out.particles[1].x, 2.0f);
    QCOMPARE(out.particles[1].heading, 1.0f);
    QCOMPARE(out.particles[1].g, uint8_t{51});   // 0.2 of 255, rounded
    QCOMPARE(out.particles[1].b, uint8_t{255});  // clamped
    // Colours are per particle only when there is one each; otherwise the group's colour.
    scene.particles[0].colors.pop_back();
    SceneTessellator::tessellate(scene, 0, 0.01f, out);
    QCOMPARE(out.particles.size(), size_t{3});
    for (const ParticleInstance& p : out.particles) QCOMPARE(p.r, uint8_t{128});
    QCOMPARE(colorByte(NAN), uint8_t{0});
    QCOMPARE(colorByte(-3.0f), uint8_t{0});
  }

  void particlesHiddenOrOffViewAreCulled() {
    // A 100 x 50 px view of 1 world unit per pixel centred on (0, 0), cells of 3 px, margin 2 px.
    std::vector<ParticleInstance> particles;
    auto add = [&](float x, float y) { particles.push_back({x, y, 0, 1, 255, 255, 255, 255}); };
    add(0.5f, 0.5f);     // 0: under particle 1 (same cell), dropped
    add(1.0f, 1.0f);     // 1: kept
    add(10.0f, 0.5f);    // 2: a cell of its own, kept
    add(51.0f, 0.0f);    // 3: 1 px beyond the right edge, within the margin: kept
    add(60.0f, 0.0f);    // 4: beyond the margin: dropped
    add(0.0f, -26.5f);   // 5: 1.5 px below the bottom edge: kept
    add(0.0f, NAN);      // 6: not a place: dropped
    add(-20.0f, 20.0f);  // 7: kept
    add(-19.5f, 20.5f);  // 8: on top of 7 in its cell: kept, 7 dropped
    std::vector<uint32_t> cells;
    SceneTessellator::cullParticles(particles, {0, 0}, 1.0, 100, 50, 3.0, 2.0, cells);
    std::vector<float> xs;
    for (const ParticleInstance& p : particles) xs.push_back(p.x);
    QCOMPARE(xs, (std::vector<float>{1.0f, 10.0f, 51.0f, 0.0f, -19.5f}));
    // Spread out (one per cell) nothing in view is dropped, and the order is kept.
    particles.clear();
    for (int i = 0; i < 10; ++i) add(-45.0f + 10 * i, 0.0f);
    SceneTessellator::cullParticles(particles, {0, 0}, 1.0, 100, 50, 3.0, 2.0, cells);
    QCOMPARE(particles.size(), size_t{10});
    QCOMPARE(particles[9].x, 45.0f);
    // A nonsense camera culls nothing.
    SceneTessellator::cullParticles(particles, {0, 0}, 0.0, 100, 50, 3.0, 2.0, cells);
    QCOMPARE(particles.size(), size_t{10});
  }

  void tenThousandParticlesAreCheap() {
    Scene scene;
    SceneParticles swarm;
    for (int i = 0; i < 10000; ++i) {
      swarm.xyAngle.push_back(static_cast<float>(i % 100));
      swarm.xyAngle.push_back(static_cast<float>(i / 100));
      swarm.xyAngle.push_back(0.1f * static_cast<float>(i));
    }
    swarm.color = {0.2f, 0.4f, 0.8f, 1.0f};
    scene.particles.push_back(swarm);
    TessellatedScene out;
    QElapsedTimer timer;
    timer.start();
    for (int repeat = 0; repeat < 10; ++repeat) SceneTessellator::tessellate(scene, 0, 0.01f, out);
    const double msPerFrame = static_cast<double>(timer.nsecsElapsed()) / 1e6 / 10;
    qInfo("10,000 particles: %.3f ms per tessellation", msPerFrame);
    QCOMPARE(out.particles.size(), size_t{10000});
    QCOMPARE(out.particles[1].heading, 0.1f);
    QVERIFY2(msPerFrame < 5.0, "tessellating 10,000 particles should take well under a frame");
  }

  void frameTimePercentiles() {
    FrameTimeMeter meter(100);
    QCOMPARE(meter.p95Milliseconds(), 0.0);
    for (int i = 1; i <= 100; ++i) meter.recordFrame(i, i / 10.0);
    QCOMPARE(meter.p50Milliseconds(), 50.0);
    QCOMPARE(meter.p95Milliseconds(), 95.0);
    QCOMPARE(meter.paintP95Milliseconds(), 9.5);
    // The ring keeps only the latest 100 frames.
    for (int i = 0; i < 100; ++i) meter.recordFrame(10.0, 1.0);
    QCOMPARE(meter.p95Milliseconds(), 10.0);
    QCOMPARE(meter.sampleCount(), size_t{100});
    QCOMPARE(meter.totalFrames(), size_t{200});
    meter.recordFrame(NAN, 1.0);
    meter.recordFrame(-1.0, 1.0);
    QCOMPARE(meter.totalFrames(), size_t{200});
    meter.clear();
    QCOMPARE(meter.sampleCount(), size_t{0});
    QCOMPARE(FrameTimeMeter::percentile({3.0}, 0.95), 3.0);
  }
};

QTEST_MAIN(TestSceneTessellator)
#include "TestSceneTessellator.moc"
