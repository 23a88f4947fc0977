#include "SceneTessellator.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace palaestra {
namespace {

double cross(Vec2f a, Vec2f b, Vec2f c) {
  return (static_cast<double>(b.x) - a.x) * (static_cast<double>(c.y) - a.y) -
         (static_cast<double>(b.y) - a.y) * (static_cast<double>(c.x) - a.x);
}

// Inclusive test, so a vertex lying on an edge of a candidate ear blocks it.
bool insideTriangle(Vec2f p, Vec2f a, Vec2f b, Vec2f c) {
  return cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0;
}

bool samePoint(Vec2f p, Vec2f q) { return p.x == q.x && p.y == q.y; }

bool finite(Vec2f p) { return std::isfinite(p.x) && std::isfinite(p.y); }

bool allFinite(std::span<const Vec2f> points) {
  return std::all_of(points.begin(), points.end(), finite);
}

bool visible(Rgba c) { return c.a > 0.0f; }

void pushVertex(std::vector<ColoredVertex>& out, Vec2f p, Rgba c) {
  out.push_back({p.x, p.y, c.r, c.g, c.b, c.a});
}

void pushTriangle(std::vector<ColoredVertex>& out, Vec2f a, Vec2f b, Vec2f c, Rgba color) {
  pushVertex(out, a, color);
  pushVertex(out, b, color);
  pushVertex(out, c, color);
}

bool layerVisible(SceneLayerId layer, SceneLayerMask mask) {
  return layer == kBaseLayer || (mask & sceneLayerBit(layer)) != 0;
}

// Appends everything of one pass: the Base layer, or the toggleable overlays.
void appendPass(const Scene& scene, bool overlays, SceneLayerMask mask, float worldPerPixel,
                std::vector<ColoredVertex>& out) {
  auto inPass = [&](SceneLayerId layer) {
    return (layer != kBaseLayer) == overlays && layerVisible(layer, mask);
  };
  const float outlineWidth = SceneTessellator::kOutlineWidthPixels * worldPerPixel;
  for (const ScenePolygon& poly : scene.polygons) {
    if (!inPass(poly.layer) || poly.points.size() < 3 || !allFinite(poly.points)) continue;
    if (visible(poly.fill)) SceneTessellator::appendPolygonFill(poly.points, poly.fill, out);
    if (visible(poly.outline))
      SceneTessellator::appendLineStrip(poly.points, outlineWidth, true, poly.outline, out);
  }
  for (const SceneLine& line : scene.lines) {
    if (!inPass(line.layer) || line.points.size() < 2 || !allFinite(line.points)) continue;
    if (!std::isfinite(line.width) || line.width <= 0 || !visible(line.color)) continue;
    SceneTessellator::appendLineStrip(line.points, line.width * worldPerPixel, false, line.color,
                                      out);
  }
  for (const SceneCircle& circle : scene.circles) {
    if (!inPass(circle.layer) || !finite(circle.center) || !std::isfinite(circle.radius) ||
        circle.radius <= 0)
      continue;
    const int segments = SceneTessellator::circleSegments(circle.radius / worldPerPixel);
    if (visible(circle.fill))
      SceneTessellator::appendDisc(circle.center, circle.radius, segments, circle.fill, out);
    if (visible(circle.outline))
      SceneTessellator::appendRing(circle.center, circle.radius,
                                   std::min(outlineWidth, circle.radius), segments, circle.outline,
                                   out);
  }
}

}  // namespace

uint8_t colorByte(float channel) {
  // Not NaN-safe through clamp, so NaN is caught first; + 0.5 rounds (lround per channel cost
  // about 2 ms a frame for 100,000 particles).
  if (!std::isfinite(channel)) return 0;
  return static_cast<uint8_t>(std::clamp(channel, 0.0f, 1.0f) * 255.0f + 0.5f);
}

void SceneTessellator::cullParticles(std::vector<ParticleInstance>& particles, Vec2f center,
                                     double worldUnitsPerPixel, int widthPixels, int heightPixels,
                                     double cellPixels, double marginPixels,
                                     std::vector<uint32_t>& cells) {
  if (!(worldUnitsPerPixel > 0) || !(cellPixels > 0) || widthPixels <= 0 || heightPixels <= 0 ||
      !std::isfinite(worldUnitsPerPixel) || !(marginPixels >= 0))
    return;
  // Cells cover the view plus the margin on every side; cell (0, 0) is the bottom-left one.
  const double cellWorld = cellPixels * worldUnitsPerPixel;
  const double left = center.x - (widthPixels / 2.0 + marginPixels) * worldUnitsPerPixel;
  const double bottom = center.y - (heightPixels / 2.0 + marginPixels) * worldUnitsPerPixel;
  const auto columns =
      static_cast<int64_t>(std::ceil((widthPixels + 2 * marginPixels) / cellPixels));
  const auto rows = static_cast<int64_t>(std::ceil((heightPixels + 2 * marginPixels) / cellPixels));
  if (columns <= 0 || rows <= 0 || columns * rows > (int64_t{1} << 26)) return;  // absurd: keep all
  constexpr uint32_t kEmpty = 0xffffffffu;
  cells.assign(static_cast<size_t>(columns * rows), kEmpty);
  const double inverse = 1.0 / cellWorld;
  auto cellOf = [&](const ParticleInstance& p) -> int64_t {
    const double cx = (p.x - left) * inverse, cy = (p.y - bottom) * inverse;
    if (!(cx >= 0 && cy >= 0 && cx < static_cast<double>(columns) &&
          cy < static_cast<double>(rows)))
      return -1;
    return static_cast<int64_t>(cy) * columns + static_cast<int64_t>(cx);
  };
  const size_t n = std::min<size_t>(particles.size(), kEmpty - 1);
  for (size_t i = 0; i < n; ++i)
    if (const int64_t cell = cellOf(particles[i]); cell >= 0)
      cells[static_cast<size_t>(cell)] = static_cast<uint32_t>(i);
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t cell = cellOf(particles[i]);
    if (cell >= 0 && cells[static_cast<size_t>(cell)] == static_cast<uint32_t>(i))
      particles[kept++] = particles[i];
  }
  particles.resize(kept);
}

double SceneTessellator::signedArea(std::span<const Vec2f> points) {
  double twice = 0;
  for (size_t i = 0, n = points.size(); i < n; ++i) {
    const Vec2f a = points[i];
    const Vec2f b = points[(i + 1) % n];
    twice += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
  }
  return twice / 2;
}

std::vector<uint32_t> SceneTessellator::triangulate(std::span<const Vec2f> points) {
  std::vector<uint32_t> result;
  const size_t n = points.size();
  if (n < 3) return result;
  result.reserve(3 * (n - 2));
  std::vector<uint32_t> ring(n);
  std::iota(ring.begin(), ring.end(), 0u);
  // Ears are convex corners of a counter-clockwise ring.
  if (signedArea(points) < 0) std::reverse(ring.begin(), ring.end());

  while (ring.size() > 3) {
    const size_t m = ring.size();
    size_t ear = m;
    for (size_t i = 0; i < m && ear == m; ++i) {
      const Vec2f a = points[ring[(i + m - 1) % m]];
      const Vec2f b = points[ring[i]];
      const Vec2f c = points[ring[(i + 1) % m]];
      if (cross(a, b, c) <= 0) continue;  // reflex or degenerate corner
      bool blocked = false;
      for (size_t j = 0; j < m && !blocked; ++j) {
        if (j == i || j == (i + 1) % m || j == (i + m - 1) % m) continue;
        const Vec2f p = points[ring[j]];
        if (samePoint(p, a) || samePoint(p, b) || samePoint(p, c)) continue;
        blocked = insideTriangle(p, a, b, c);
      }
      if (!blocked) ear = i;
    }
    // A self-intersecting or fully collinear remainder has no ear: clip the first
    // corner anyway so the result still has n - 2 triangles and the loop ends.
    if (ear == m) ear = 0;
    result.push_back(ring[(ear + m - 1) % m]);
    result.push_back(ring[ear]);
    result.push_back(ring[(ear + 1) % m]);
    ring.erase(ring.begin() + static_cast<std::ptrdiff_t>(ear));
  }
  result.insert(result.end(), ring.begin(), ring.end());
  return result;
}

void SceneTessellator::appendPolygonFill(std::span<const Vec2f> points, Rgba color,
                                         std::vector<ColoredVertex>& out) {
  if (points.size() == 3) {  // the common case needs no index list
    pushTriangle(out, points[0], points[1], points[2], color);
    return;
  }
  for (uint32_t index : triangulate(points)) pushVertex(out, points[index], color);
}

void SceneTessellator::appendLineStrip(std::span<const Vec2f> points, float widthInWorld,
                                       bool closed, Rgba color, std::vector<ColoredVertex>& out) {
  const size_t n = points.size();
  if (n < 2 || !(widthInWorld > 0)) return;
  const float half = widthInWorld / 2;
  const size_t segments = closed ? n : n - 1;
  bool havePrevious = false;
  Vec2f previousNormal{};
  Vec2f firstNormal{};
  bool haveFirst = false;
  for (size_t s = 0; s < segments; ++s) {
    const Vec2f a = points[s];
    const Vec2f b = points[(s + 1) % n];
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float length = std::hypot(dx, dy);
    if (!(length > 0)) continue;  // repeated point
    const Vec2f normal{-dy / length * half, dx / length * half};
    const Vec2f a0{a.x + normal.x, a.y + normal.y}, a1{a.x - normal.x, a.y - normal.y};
    const Vec2f b0{b.x + normal.x, b.y + normal.y}, b1{b.x - normal.x, b.y - normal.y};
    pushTriangle(out, a0, a1, b0, color);
    pushTriangle(out, b0, a1, b1, color);
    // Bevel the joint at `a` on both sides; the inner one is hidden under the quads.
    if (havePrevious) {
      pushTriangle(out, a, {a.x + previousNormal.x, a.y + previousNormal.y}, a0, color);
      pushTriangle(out, a, {a.x - previousNormal.x, a.y - previousNormal.y}, a1, color);
    }
    if (!haveFirst) {
      firstNormal = normal;
      haveFirst = true;
    }
    previousNormal = normal;
    havePrevious = true;
  }
  if (closed && haveFirst) {
    const Vec2f a = points[0];
    pushTriangle(out, a, {a.x + previousNormal.x, a.y + previousNormal.y},
                 {a.x + firstNormal.x, a.y + firstNormal.y}, color);
    pushTriangle(out, a, {a.x - previousNormal.x, a.y - previousNormal.y},
                 {a.x - firstNormal.x, a.y - firstNormal.y}, color);
  }
}

void SceneTessellator::appendDisc(Vec2f center, float radius, int segments, Rgba color,
                                  std::vector<ColoredVertex>& out) {
  const double step = 2 * std::numbers::pi / segments;
  Vec2f previous{center.x + radius, center.y};
  for (int i = 1; i <= segments; ++i) {
    const double angle = step * i;
    const Vec2f next{center.x + radius * static_cast<float>(std::cos(angle)),
                     center.y + radius * static_cast<float>(std::sin(angle))};
    pushTriangle(out, center, previous, next, color);
    previous = next;
  }
}

void SceneTessellator::appendRing(Vec2f center, float radius, float widthInWorld, int segments,
                                  Rgba color, std::vector<ColoredVertex>& out) {
  const float inner = std::max(0.0f, radius - widthInWorld);
  const double step = 2 * std::numbers::pi / segments;
  for (int i = 0; i < segments; ++i) {
    const float c0 = static_cast<float>(std::cos(step * i));
    const float s0 = static_cast<float>(std::sin(step * i));
    const float c1 = static_cast<float>(std::cos(step * (i + 1)));
    const float s1 = static_cast<float>(std::sin(step * (i + 1)));
    const Vec2f o0{center.x + radius * c0, center.y + radius * s0};
    const Vec2f o1{center.x + radius * c1, center.y + radius * s1};
    const Vec2f i0{center.x + inner * c0, center.y + inner * s0};
    const Vec2f i1{center.x + inner * c1, center.y + inner * s1};
    pushTriangle(out, o0, i0, o1, color);
    pushTriangle(out, o1, i0, i1, color);
  }
}

int SceneTessellator::circleSegments(float radiusInPixels) {
  // About one segment per 3 pixels of circumference keeps the edge within a
  // fraction of a pixel of the true circle.
  if (!std::isfinite(radiusInPixels)) return 64;
  const double perimeter = 2 * std::numbers::pi * std::max(0.0f, radiusInPixels);
  return static_cast<int>(std::clamp(std::ceil(perimeter / 3.0), 12.0, 96.0));
}

void SceneTessellator::tessellate(const Scene& scene, SceneLayerMask visibleLayers,
                                  float worldUnitsPerPixel, TessellatedScene& out) {
  out.clear();
  if (!std::isfinite(worldUnitsPerPixel) || worldUnitsPerPixel <= 0) return;
  appendPass(scene, false, visibleLayers, worldUnitsPerPixel, out.triangles);
  out.overlayFirstVertex = out.triangles.size();
  appendPass(scene, true, visibleLayers, worldUnitsPerPixel, out.triangles);

  size_t total = 0;
  for (const SceneParticles& group : scene.particles) total += group.xyAngle.size() / 3;
  // Sized once and written by index: the buffer keeps its capacity between frames, and the loop
  // does no capacity checks (100,000 agents per frame).
  out.particles.resize(total);
  ParticleInstance* next = out.particles.data();
  for (const SceneParticles& group : scene.particles) {
    if (!std::isfinite(group.size) || group.size <= 0) continue;
    const size_t count = group.xyAngle.size() / 3;
    const bool ownColors = group.colors.size() == count;
    if (!ownColors && !visible(group.color)) continue;
    const ParticleInstance shared{0,
                                  0,
                                  0,
                                  group.size,
                                  colorByte(group.color.r),
                                  colorByte(group.color.g),
                                  colorByte(group.color.b),
                                  colorByte(group.color.a)};
    const float* v = group.xyAngle.data();
    for (size_t i = 0; i < count; ++i, v += 3) {
      if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2])) continue;
      ParticleInstance p = shared;
      p.x = v[0];
      p.y = v[1];
      p.heading = v[2];
      if (ownColors) {
        const Rgba& c = group.colors[i];
        if (!visible(c)) continue;
        p.r = colorByte(c.r);
        p.g = colorByte(c.g);
        p.b = colorByte(c.b);
        p.a = colorByte(c.a);
      }
      *next++ = p;
    }
  }
  out.particles.resize(static_cast<size_t>(next - out.particles.data()));
}

}  // namespace palaestra
