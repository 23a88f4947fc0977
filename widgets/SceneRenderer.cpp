#include "widgets/SceneRenderer.h"

#include <QVector2D>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace palaestra {
namespace {

// Triangles: world positions with per-vertex colour.
const char* const kTriangleVertexShader = R"(#version 330 core
layout(location = 0) in vec2 position;
layout(location = 1) in vec4 color;
uniform vec2 center;  // world point at the middle of the view
uniform vec2 scale;   // normalised device units per world unit
out vec4 vColor;
void main() {
  vColor = color;
  gl_Position = vec4((position - center) * scale, 0.0, 1.0);
}
)";

// Particles: one heading triangle per instance, rotated and scaled on the GPU. A particle is
// never drawn smaller than `minSize` (world units for kMinParticlePixels at the current zoom), so a
// zoomed-out swarm stays a field of arrows instead of vanishing between pixels.
const char* const kParticleVertexShader = R"(#version 330 core
layout(location = 0) in vec2 corner;  // unit triangle pointing along +x
layout(location = 1) in vec4 pose;    // x, y, heading, size
layout(location = 2) in vec4 color;   // 8-bit RGBA, normalised
uniform vec2 center;
uniform vec2 scale;
uniform float minSize;
out vec4 vColor;
void main() {
  float c = cos(pose.z);
  float s = sin(pose.z);
  float size = max(pose.w, minSize);
  vec2 world = pose.xy + size * vec2(c * corner.x - s * corner.y, s * corner.x + c * corner.y);
  vColor = color;
  gl_Position = vec4((world - center) * scale, 0.0, 1.0);
}
)";

// Particles as point sprites: one vertex per particle straight from the flat instance array, the
// arrow cut out of the point's square in the fragment shader. Mesa's llvmpipe runs an instanced
// draw's vertices instance by instance (100,000 arrows: about 25 ms before any pixel), while a
// point list is one batch; the square is kSpriteSide arrow lengths wide so any heading fits.
const char* const kParticlePointVertexShader = R"(#version 330 core
layout(location = 1) in vec4 pose;   // x, y, heading, size
layout(location = 2) in vec4 color;  // 8-bit RGBA, normalised
uniform vec2 center;
uniform vec2 scale;
uniform float minSize;
uniform float devicePixelsPerWorld;
uniform float spriteSide;
out vec4 vColor;
flat out vec2 vDirection;
void main() {
  vColor = color;
  vDirection = vec2(cos(pose.z), sin(pose.z));
  gl_PointSize = max(pose.w, minSize) * devicePixelsPerWorld * spriteSide;
  gl_Position = vec4((pose.xy - center) * scale, 0.0, 1.0);
}
)";

// The arrow of kParticleShape within the sprite: nose at +0.5, tail corners at (-0.5, +-0.3).
const char* const kParticlePointFragmentShader = R"(#version 330 core
in vec4 vColor;
flat in vec2 vDirection;
uniform float spriteSide;
out vec4 fragColor;
void main() {
  vec2 p = (gl_PointCoord - vec2(0.5)) * vec2(1.0, -1.0) * spriteSide;  // arrow lengths, y up
  vec2 q = vec2(dot(p, vDirection), dot(p, vec2(-vDirection.y, vDirection.x)));
  if (q.x < -0.5 || abs(q.y) > 0.3 * (0.5 - q.x)) discard;
  fragColor = vColor;
}
)";

const char* const kColorFragmentShader = R"(#version 330 core
in vec4 vColor;
out vec4 fragColor;
void main() {
  fragColor = vColor;
}
)";

// A particle of `size` is that long from tail to nose, 0.6 of it wide.
const float kParticleShape[] = {0.5f, 0.0f, -0.5f, 0.3f, -0.5f, -0.3f};

}  // namespace

QString SceneRenderer::initialize() {
  release();
  initializeOpenGLFunctions();
  auto build = [](QOpenGLShaderProgram& program, const char* vertex, const char* fragment,
                  const char* what) -> QString {
    if (!program.addShaderFromSourceCode(QOpenGLShader::Vertex, vertex) ||
        !program.addShaderFromSourceCode(QOpenGLShader::Fragment, fragment) || !program.link())
      return QStringLiteral("The %1 shader failed to build: %2").arg(what, program.log().trimmed());
    return {};
  };
  triangleProgram_ = std::make_unique<QOpenGLShaderProgram>();
  particleProgram_ = std::make_unique<QOpenGLShaderProgram>();
  particlePointProgram_ = std::make_unique<QOpenGLShaderProgram>();
  QString error = build(*triangleProgram_, kTriangleVertexShader, kColorFragmentShader, "triangle");
  if (error.isEmpty())
    error = build(*particleProgram_, kParticleVertexShader, kColorFragmentShader, "particle");
  if (error.isEmpty())
    error = build(*particlePointProgram_, kParticlePointVertexShader, kParticlePointFragmentShader,
                  "particle sprite");
  if (error.isEmpty() &&
      (!triangleVao_.create() || !particleVao_.create() || !particlePointVao_.create() ||
       !triangleVbo_.create() || !particleShapeVbo_.create() || !particleInstanceVbo_.create()))
    error = QStringLiteral("OpenGL vertex arrays or buffers could not be created.");
  if (!error.isEmpty()) {
    release();
    return error;
  }
  for (QOpenGLBuffer* buffer : {&triangleVbo_, &particleInstanceVbo_})
    buffer->setUsagePattern(QOpenGLBuffer::StreamDraw);

  triangleVao_.bind();
  triangleVbo_.bind();
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ColoredVertex),
                        reinterpret_cast<void*>(offsetof(ColoredVertex, x)));
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(ColoredVertex),
                        reinterpret_cast<void*>(offsetof(ColoredVertex, r)));
  triangleVao_.release();

  particleVao_.bind();
  particleShapeVbo_.bind();
  particleShapeVbo_.allocate(kParticleShape, sizeof(kParticleShape));
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
  particleInstanceVbo_.bind();
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(ParticleInstance),
                        reinterpret_cast<void*>(offsetof(ParticleInstance, x)));
  glVertexAttribDivisor(1, 1);
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ParticleInstance),
                        reinterpret_cast<void*>(offsetof(ParticleInstance, r)));
  glVertexAttribDivisor(2, 1);
  particleVao_.release();

  // The same instance array read one particle per vertex, for the point sprites.
  particlePointVao_.bind();
  particleInstanceVbo_.bind();
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(ParticleInstance),
                        reinterpret_cast<void*>(offsetof(ParticleInstance, x)));
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ParticleInstance),
                        reinterpret_cast<void*>(offsetof(ParticleInstance, r)));
  particlePointVao_.release();
  particleInstanceVbo_.release();

  if (const GLenum glError = glGetError(); glError != GL_NO_ERROR) {
    release();
    return QStringLiteral("OpenGL reported error 0x%1 while setting up the view.")
        .arg(glError, 0, 16);
  }
  ready_ = true;
  return {};
}

void SceneRenderer::release() {
  triangleProgram_.reset();
  particleProgram_.reset();
  particlePointProgram_.reset();
  triangleVao_.destroy();
  particleVao_.destroy();
  particlePointVao_.destroy();
  triangleVbo_.destroy();
  particleShapeVbo_.destroy();
  particleInstanceVbo_.destroy();
  triangleCapacity_ = 0;
  particleCapacity_ = 0;
  ready_ = false;
}

void SceneRenderer::upload(QOpenGLBuffer& buffer, int& capacityBytes, const void* data,
                           size_t bytes) {
  buffer.bind();
  if (bytes > static_cast<size_t>(capacityBytes)) {
    // Grow geometrically so a growing scene reallocates rarely.
    const size_t grown =
        std::max<size_t>({bytes, static_cast<size_t>(capacityBytes) * 2, 64 * 1024});
    capacityBytes = static_cast<int>(std::min<size_t>(grown, 0x7fffffff));
  }
  // Re-specifying the same size orphans the old storage: the driver can keep
  // drawing the previous frame from it while we fill a fresh block.
  buffer.allocate(capacityBytes);
  buffer.write(0, data, static_cast<int>(std::min<size_t>(bytes, 0x7fffffff)));
}

void SceneRenderer::draw(const Scene& scene, SceneLayerMask layers, const SceneCamera& camera) {
  if (!ready_) return;
  glViewport(0, 0, camera.deviceSize.width(), camera.deviceSize.height());
  const Rgba bg = scene.background;
  glClearColor(bg.r, bg.g, bg.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glDisable(GL_SCISSOR_TEST);
  glEnable(GL_BLEND);
  // Keep destination alpha opaque: grabbed frames and composited windows never show through.
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);

  const double perPixel = camera.worldUnitsPerPixel;
  SceneTessellator::tessellate(scene, layers, static_cast<float>(perPixel), tessellated_);

  const QVector2D centerUniform(camera.center.x, camera.center.y);
  const QVector2D scaleUniform(
      static_cast<float>(2.0 / (perPixel * std::max(1, camera.logicalSize.width()))),
      static_cast<float>(2.0 / (perPixel * std::max(1, camera.logicalSize.height()))));

  const auto& triangles = tessellated_.triangles;
  if (!triangles.empty()) {
    upload(triangleVbo_, triangleCapacity_, triangles.data(),
           triangles.size() * sizeof(ColoredVertex));
    triangleVbo_.release();
  }
  // The largest particle on screen decides how far outside the view one may still show, and
  // whether they go out as sprites.
  const float minSize = static_cast<float>(kMinParticlePixels * perPixel);
  float largest = minSize;
  for (const SceneParticles& group : scene.particles)
    if (std::isfinite(group.size)) largest = std::max(largest, group.size);
  const double devicePerLogical =
      static_cast<double>(camera.deviceSize.width()) / std::max(1, camera.logicalSize.width());
  const double largestPixels = largest / perPixel;
  SceneTessellator::cullParticles(tessellated_.particles, camera.center, perPixel,
                                  camera.logicalSize.width(), camera.logicalSize.height(),
                                  kParticleCellPixels, largestPixels * kSpriteSide / 2 + 1,
                                  particleCells_);
  const auto& particles = tessellated_.particles;
  if (!particles.empty()) {
    upload(particleInstanceVbo_, particleCapacity_, particles.data(),
           particles.size() * sizeof(ParticleInstance));
    particleInstanceVbo_.release();
  }

  const GLsizei baseCount = static_cast<GLsizei>(tessellated_.overlayFirstVertex);
  const GLsizei overlayCount = static_cast<GLsizei>(triangles.size()) - baseCount;
  triangleProgram_->bind();
  triangleProgram_->setUniformValue("center", centerUniform);
  triangleProgram_->setUniformValue("scale", scaleUniform);
  triangleVao_.bind();
  if (baseCount > 0) glDrawArrays(GL_TRIANGLES, 0, baseCount);
  triangleVao_.release();

  if (!particles.empty()) {
    const double spritePixels = largestPixels * devicePerLogical * kSpriteSide;
    if (spritePixels <= kMaxSpritePixels) {
      particlePointProgram_->bind();
      particlePointProgram_->setUniformValue("center", centerUniform);
      particlePointProgram_->setUniformValue("scale", scaleUniform);
      particlePointProgram_->setUniformValue("minSize", minSize);
      particlePointProgram_->setUniformValue("devicePixelsPerWorld",
                                             static_cast<float>(devicePerLogical / perPixel));
      particlePointProgram_->setUniformValue("spriteSide", kSpriteSide);
      glEnable(GL_PROGRAM_POINT_SIZE);
      particlePointVao_.bind();
      glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(particles.size()));
      particlePointVao_.release();
      glDisable(GL_PROGRAM_POINT_SIZE);
    } else {
      // Zoomed in this far the sprites would be large squares of mostly discarded pixels (and
      // beyond the point sizes GL promises): arrows as instanced triangles.
      particleProgram_->bind();
      particleProgram_->setUniformValue("center", centerUniform);
      particleProgram_->setUniformValue("scale", scaleUniform);
      particleProgram_->setUniformValue("minSize", minSize);
      particleVao_.bind();
      glDrawArraysInstanced(GL_TRIANGLES, 0, 3, static_cast<GLsizei>(particles.size()));
      particleVao_.release();
    }
    lastParticlesAsSprites_ = spritePixels <= kMaxSpritePixels;
    triangleProgram_->bind();
  }

  if (overlayCount > 0) {
    triangleVao_.bind();
    glDrawArrays(GL_TRIANGLES, baseCount, overlayCount);
    triangleVao_.release();
  }
  triangleProgram_->release();
  glDisable(GL_BLEND);
}

}  // namespace palaestra
