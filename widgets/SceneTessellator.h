#pragma once
// Turns a palaestra::Scene into flat GPU vertex data: coloured triangles in
// world units plus one instance record per particle. Pure C++ (no Qt, no GL),
// so it is tested offscreen and reused by anything that draws a Scene.

#include <cstdint>
#include <span>
#include <vector>

#include "env/Scene.h"

namespace palaestra {

/// A set of scene layer ids as bits; the base layer is drawn whatever the mask says.
using SceneLayerMask = uint32_t;
static_assert(kMaxSceneLayerId < 32, "every layer id needs a bit of SceneLayerMask");

/// The mask bit of one layer (none for ids beyond kMaxSceneLayerId).
constexpr SceneLayerMask sceneLayerBit(SceneLayerId layer) {
  return layer > kMaxSceneLayerId ? 0 : SceneLayerMask{1} << static_cast<uint32_t>(layer);
}

/// One triangle corner: world position and straight (not premultiplied) RGBA.
struct ColoredVertex {
  float x, y;
  float r, g, b, a;
};

/// One particle as the instanced draw reads it: 20 bytes, colour as 8-bit RGBA (a 100,000-agent
/// swarm uploads 2 MB per frame instead of 3.2 MB with float colours).
struct ParticleInstance {
  float x, y, heading, size;
  uint8_t r, g, b, a;
};
static_assert(sizeof(ParticleInstance) == 20, "particles are uploaded as one flat array");

/// A colour channel in [0, 1] as the 8-bit value particles carry (non-finite: 0).
uint8_t colorByte(float channel);

/// GPU-ready geometry of one scene. Base geometry comes first, then particles
/// are drawn, then the overlay layers (vertices from `overlayFirstVertex`), so
/// overlays such as lidar rays stay visible on top of bodies and swarms.
struct TessellatedScene {
  std::vector<ColoredVertex> triangles;  // three vertices per triangle
  size_t overlayFirstVertex = 0;
  std::vector<ParticleInstance> particles;

  /// Empties the lists, keeping their capacity (one instance is reused per frame).
  void clear() {
    triangles.clear();
    overlayFirstVertex = 0;
    particles.clear();
  }
};

class SceneTessellator {
 public:
  /// Fills `out` (cleared first) with the scene's visible primitives. Line and
  /// outline widths are in pixels, so the current `worldUnitsPerPixel` is needed.
  /// Primitives with fewer points than they need or non-finite values are skipped.
  /// Particles take their own colour from SceneParticles::colors when it holds one per
  /// particle, else the group's colour (conformance requires one per particle or none).
  static void tessellate(const Scene& scene, SceneLayerMask visibleLayers,
                         float worldUnitsPerPixel, TessellatedScene& out);

  /// Drops the particles a view of `widthPixels` x `heightPixels` logical pixels centred on
  /// `center` cannot show: those farther outside it than `marginPixels`, and, where several fall
  /// in one cell of `cellPixels` x `cellPixels`, all but the last (drawn on top, it covers most of
  /// the others). Keeps the order. `cells` is scratch kept between frames. A zoomed-out swarm of
  /// 100,000 arrows at least 6 px long over a few hundred thousand pixels is mostly arrows hidden
  /// under others, and a software rasteriser pays for each one.
  static void cullParticles(std::vector<ParticleInstance>& particles, Vec2f center,
                            double worldUnitsPerPixel, int widthPixels, int heightPixels,
                            double cellPixels, double marginPixels, std::vector<uint32_t>& cells);

  /// Triangulates a simple polygon (convex or concave, either winding) by ear
  /// clipping; returns 3 * (n - 2) indices into `points`, none if n < 3.
  static std::vector<uint32_t> triangulate(std::span<const Vec2f> points);

  /// Signed area of a polygon: positive when counter-clockwise.
  static double signedArea(std::span<const Vec2f> points);

  /// Appends a filled polygon (triangulated) in `color`.
  static void appendPolygonFill(std::span<const Vec2f> points, Rgba color,
                                std::vector<ColoredVertex>& out);

  /// Appends a line strip `widthInWorld` wide: one quad per segment and bevel
  /// triangles at the joints; `closed` also joins the last point to the first.
  static void appendLineStrip(std::span<const Vec2f> points, float widthInWorld, bool closed,
                              Rgba color, std::vector<ColoredVertex>& out);

  /// Appends a disc as a triangle fan of `segments` triangles.
  static void appendDisc(Vec2f center, float radius, int segments, Rgba color,
                         std::vector<ColoredVertex>& out);

  /// Appends a ring between `radius - widthInWorld` and `radius` (a circle outline).
  static void appendRing(Vec2f center, float radius, float widthInWorld, int segments, Rgba color,
                         std::vector<ColoredVertex>& out);

  /// Segments for a circle of that radius in pixels: smooth when large, cheap when small.
  static int circleSegments(float radiusInPixels);

  /// Width of polygon and circle outlines, in pixels.
  static constexpr float kOutlineWidthPixels = 1.0f;
};

}  // namespace palaestra
