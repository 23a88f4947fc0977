#pragma once
// Renderer-neutral scene description. A simulation fills it in `Env::describe`;
// widgets draw it. Nothing here knows about Box2D, Qt or OpenGL, so every
// simulation (walker, fight, swarm) is drawn by the same view.

#include <cstdint>
#include <string>
#include <vector>

namespace palaestra {

struct Vec2f {
  float x = 0, y = 0;
};

struct Rgba {
  float r = 1, g = 1, b = 1, a = 1;
};

/// The overlay group a primitive belongs to: an id its env declares in EnvSpec::overlayLayers
/// (1 .. kMaxSceneLayerId), or kBaseLayer, which is always drawn. Ids mean something only
/// within one env (the walker's 1 is lidar, the fight's 1 hitboxes).
using SceneLayerId = uint8_t;
/// The layer of everything that is not an overlay: always drawn, never declared.
inline constexpr SceneLayerId kBaseLayer = 0;
/// The largest overlay id, so that a viewer keeps the visible layers as bits of one word.
inline constexpr SceneLayerId kMaxSceneLayerId = 31;

/// One overlay group an env draws, as its viewers offer it to be toggled.
struct SceneLayerInfo {
  SceneLayerId id = kBaseLayer;  // what the env's primitives carry in `layer`
  std::string label;             // the toggle's text, e.g. "Lidar rays"
  bool visibleByDefault = false; // shown before the user toggles it
};

/// A filled and/or outlined convex or concave polygon in world units.
struct ScenePolygon {
  std::vector<Vec2f> points;
  Rgba fill;
  Rgba outline;
  SceneLayerId layer = kBaseLayer;
};

/// A line strip (two or more points) in world units.
struct SceneLine {
  std::vector<Vec2f> points;
  Rgba color;
  float width = 1.0f;  // in pixels
  SceneLayerId layer = kBaseLayer;
};

struct SceneCircle {
  Vec2f center;
  float radius = 1.0f;
  Rgba fill;
  Rgba outline;
  SceneLayerId layer = kBaseLayer;
};

/// Many identical small shapes at once (swarms): drawn instanced.
struct SceneParticles {
  std::vector<float> xyAngle;  // x, y, heading per particle
  float size = 0.1f;           // world units
  Rgba color;                  // of every particle, unless `colors` is given
  std::vector<Rgba> colors;    // empty, or one colour per particle (e.g. by heading or phase)
};

struct SceneLabel {
  Vec2f position;       // world units, or pixels from the top-left when screenSpace
  bool screenSpace = false;
  std::string text;
  Rgba color;
  SceneLayerId layer = kBaseLayer;  // overlay group (e.g. the fight's state names), toggled like shapes
};

struct Scene {
  std::vector<ScenePolygon> polygons;
  std::vector<SceneLine> lines;
  std::vector<SceneCircle> circles;
  std::vector<SceneParticles> particles;
  std::vector<SceneLabel> labels;
  Vec2f focus;                 // where a following camera looks
  float viewWidth = 20.0f;     // world width a viewer should show by default
  float viewHeight = 0.0f;     // world height it must show too (0: none); a view of another
                               // aspect than viewWidth:viewHeight shows more of the other direction
  Rgba background{0.9f, 0.92f, 1.0f, 1.0f};

  /// Empties every list, keeping capacity (a viewer reuses one Scene per frame).
  void clear() {
    polygons.clear();
    lines.clear();
    circles.clear();
    particles.clear();
    labels.clear();
  }
};

}  // namespace palaestra
