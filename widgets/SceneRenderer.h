#pragma once
// Draws a palaestra::Scene with OpenGL 3.3 core shaders into whatever framebuffer
// is bound: triangles tessellated on the CPU by SceneTessellator, particles
// instanced. No window, no painter: SimView owns the context, picks the target
// (its native window or a framebuffer object for a grab) and paints text on top.

#include <QOpenGLBuffer>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QSize>
#include <QString>

#include <memory>
#include <vector>

#include "env/Scene.h"
#include "widgets/SceneTessellator.h"

namespace palaestra {

/// Where the camera looks: the world point at the centre and the scale.
struct SceneCamera {
  Vec2f center;                   // world point at the middle of the view
  double worldUnitsPerPixel = 1;  // per logical pixel
  QSize logicalSize;              // the view in logical pixels
  QSize deviceSize;               // the framebuffer in device pixels
};

class SceneRenderer : protected QOpenGLExtraFunctions {
 public:
  SceneRenderer() = default;
  SceneRenderer(const SceneRenderer&) = delete;
  SceneRenderer& operator=(const SceneRenderer&) = delete;

  /// Builds shaders, buffers and vertex layouts in the current context; an error text or empty.
  QString initialize();
  /// Frees the GL objects; the context that made them must be current.
  void release();
  /// Whether initialize() succeeded and release() has not been called since.
  bool ready() const { return ready_; }
  /// Shortest a particle is drawn from tail to nose, in logical pixels, however far out the view
  /// is zoomed (its heading stays readable).
  static constexpr double kMinParticlePixels = 6.0;
  /// Of particles closer together than this (logical pixels, a cell of the view) only the one on
  /// top is drawn: half the shortest arrow, so a dense swarm still reads as arrows.
  static constexpr double kParticleCellPixels = kMinParticlePixels / 2;
  /// Particles are drawn as point sprites up to this many device pixels across (the arrow's
  /// bounding square), as instanced triangles when larger.
  static constexpr double kMaxSpritePixels = 64.0;
  /// Side of a particle's sprite square in arrow lengths: the arrow fits at any heading.
  static constexpr float kSpriteSide = 1.17f;
  /// Whether the last draw's particles went out as point sprites (false: instanced triangles).
  bool lastParticlesAsSprites() const { return lastParticlesAsSprites_; }

  /// Clears the bound framebuffer to the scene's background and draws the scene's visible layers.
  void draw(const Scene& scene, SceneLayerMask layers, const SceneCamera& camera);

 private:
  // Writes `bytes` to `buffer`, growing it geometrically and orphaning otherwise.
  void upload(QOpenGLBuffer& buffer, int& capacityBytes, const void* data, size_t bytes);

  bool ready_ = false;
  TessellatedScene tessellated_;
  std::unique_ptr<QOpenGLShaderProgram> triangleProgram_;
  std::unique_ptr<QOpenGLShaderProgram> particleProgram_;
  std::unique_ptr<QOpenGLShaderProgram> particlePointProgram_;
  QOpenGLVertexArrayObject triangleVao_;
  QOpenGLVertexArrayObject particleVao_;
  QOpenGLVertexArrayObject particlePointVao_;
  QOpenGLBuffer triangleVbo_{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer particleShapeVbo_{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer particleInstanceVbo_{QOpenGLBuffer::VertexBuffer};
  int triangleCapacity_ = 0;
  int particleCapacity_ = 0;
  bool lastParticlesAsSprites_ = false;
  std::vector<uint32_t> particleCells_;  // scratch of cullParticles, kept between frames
};

}  // namespace palaestra
