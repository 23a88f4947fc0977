#include "SimView.h"

#include <QFontMetrics>
#include <QGuiApplication>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QPainter>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace palaestra {
namespace {

constexpr double kMinZoom = 1e-3;
constexpr double kMaxZoom = 1e3;
constexpr float kDefaultViewWidth = 20.0f;

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

// Particles: one heading triangle per instance, rotated and scaled on the GPU.
const char* const kParticleVertexShader = R"(#version 330 core
layout(location = 0) in vec2 corner;  // unit triangle pointing along +x
layout(location = 1) in vec4 pose;    // x, y, heading, size
layout(location = 2) in vec4 color;
uniform vec2 center;
uniform vec2 scale;
out vec4 vColor;
void main() {
  float c = cos(pose.z);
  float s = sin(pose.z);
  vec2 world = pose.xy + pose.w * vec2(c * corner.x - s * corner.y, s * corner.x + c * corner.y);
  vColor = color;
  gl_Position = vec4((world - center) * scale, 0.0, 1.0);
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

// Multisampling per pixel: 4 on a GPU; none on a software rasteriser (Mesa llvmpipe), where 4x
// MSAA roughly doubled the frame time of a 1000x700 view (23 -> ~12 ms measured under Xvfb) and
// the view missed its 20 ms budget while training kept the cores busy. openGlProblem() decides;
// PALAESTRA_MSAA_SAMPLES overrides.
int& msaaSamples() {
  static int samples = 4;
  return samples;
}

QSurfaceFormat requestedFormat() {
  QSurfaceFormat format = QSurfaceFormat::defaultFormat();
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 3);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setSamples(msaaSamples());
  return format;
}

// Chooses the multisampling for views from the renderer of a current context.
void chooseSamples(QOpenGLContext& ctx) {
  bool overridden = false;
  const int forced = qEnvironmentVariableIntValue("PALAESTRA_MSAA_SAMPLES", &overridden);
  if (overridden) {
    msaaSamples() = std::clamp(forced, 0, 16);
    return;
  }
  const auto* renderer = reinterpret_cast<const char*>(ctx.functions()->glGetString(GL_RENDERER));
  const QString name = QString::fromLatin1(renderer ? renderer : "").toLower();
  const bool software = name.contains(QLatin1String("llvmpipe")) || name.contains(QLatin1String("softpipe")) ||
                        name.contains(QLatin1String("swiftshader")) || name.contains(QLatin1String("software"));
  msaaSamples() = software ? 0 : 4;
}

// Empty when `ctx` is a desktop OpenGL 3.3+ context, else what is wrong with it.
QString versionProblem(const QOpenGLContext& ctx) {
  const QSurfaceFormat got = ctx.format();
  if (!ctx.isOpenGLES() && got.version() >= qMakePair(3, 3)) return {};
  return QStringLiteral("The simulation view needs OpenGL 3.3; this display offers %1 %2.%3.")
      .arg(ctx.isOpenGLES() ? QStringLiteral("OpenGL ES") : QStringLiteral("OpenGL"))
      .arg(got.majorVersion())
      .arg(got.minorVersion());
}

QColor toQColor(Rgba c) {
  auto channel = [](float v) { return std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f; };
  return QColor::fromRgbF(channel(c.r), channel(c.g), channel(c.b), channel(c.a));
}

}  // namespace

SimView::SimView(QWidget* parent) : QOpenGLWidget(parent) {
  setFormat(requestedFormat());
  setMinimumSize(160, 120);
  clock_.start();
  connect(this, &QOpenGLWidget::frameSwapped, this, &SimView::recordSwappedFrame);
}

SimView::~SimView() {
  if (context()) {
    // Our members die before the base class destroys the context: no callback then.
    disconnect(context(), nullptr, this, nullptr);
    makeCurrent();
    releaseGl();
    doneCurrent();
  }
}

void SimView::setScene(const Scene& scene) {
  scene_ = scene;
  requestFrame();
}

void SimView::setLayerVisible(SceneLayer layer, bool visible) {
  if (layer == SceneLayer::Base) return;
  if (visible)
    layers_ |= sceneLayerBit(layer);
  else
    layers_ &= ~sceneLayerBit(layer);
  requestFrame();
}

bool SimView::layerVisible(SceneLayer layer) const {
  return layer == SceneLayer::Base || (layers_ & sceneLayerBit(layer)) != 0;
}

void SimView::setOverlayLines(const QStringList& lines) {
  overlayLines_ = lines;
  requestFrame();
}

void SimView::setFrameTimesVisible(bool visible) {
  showFrameTimes_ = visible;
  requestFrame();
}

// ---- camera ----------------------------------------------------------------

double SimView::viewWidthInWorld() const {
  const float width = std::isfinite(scene_.viewWidth) && scene_.viewWidth > 0 ? scene_.viewWidth
                                                                               : kDefaultViewWidth;
  return width / zoom_;
}

double SimView::worldUnitsPerPixel() const {
  return viewWidthInWorld() / std::max(1, width());
}

Vec2f SimView::cameraCenter() const {
  if (!following_) return freeCenter_;
  const Vec2f focus = scene_.focus;
  if (!std::isfinite(focus.x) || !std::isfinite(focus.y)) return followOffset_;
  return {focus.x + followOffset_.x, focus.y + followOffset_.y};
}

QPointF SimView::worldToPixel(Vec2f world) const {
  const Vec2f c = cameraCenter();
  const double perPixel = worldUnitsPerPixel();
  return {width() / 2.0 + (static_cast<double>(world.x) - c.x) / perPixel,
          height() / 2.0 - (static_cast<double>(world.y) - c.y) / perPixel};
}

Vec2f SimView::pixelToWorld(QPointF pixel) const {
  const Vec2f c = cameraCenter();
  const double perPixel = worldUnitsPerPixel();
  return {static_cast<float>(c.x + (pixel.x() - width() / 2.0) * perPixel),
          static_cast<float>(c.y - (pixel.y() - height() / 2.0) * perPixel)};
}

void SimView::resetCamera() {
  following_ = true;
  followOffset_ = {};
  zoom_ = 1.0;
  emit cameraChanged();
  requestFrame();
}

void SimView::setZoom(double zoom) {
  if (!std::isfinite(zoom) || zoom <= 0) return;
  zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
  emit cameraChanged();
  requestFrame();
}

void SimView::zoomAbout(QPointF pixel, double factor) {
  if (!std::isfinite(factor) || factor <= 0) return;
  const Vec2f anchor = pixelToWorld(pixel);
  zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  // Put the centre where it keeps `anchor` under `pixel` at the new scale.
  const double perPixel = worldUnitsPerPixel();
  const Vec2f center{static_cast<float>(anchor.x - (pixel.x() - width() / 2.0) * perPixel),
                     static_cast<float>(anchor.y + (pixel.y() - height() / 2.0) * perPixel)};
  if (following_)
    followOffset_ = {center.x - scene_.focus.x, center.y - scene_.focus.y};
  else
    freeCenter_ = center;
  emit cameraChanged();
  requestFrame();
}

void SimView::panByPixels(QPointF delta) {
  const Vec2f c = cameraCenter();
  const double perPixel = worldUnitsPerPixel();
  freeCenter_ = {static_cast<float>(c.x - delta.x() * perPixel),
                 static_cast<float>(c.y + delta.y() * perPixel)};
  following_ = false;
  emit cameraChanged();
  requestFrame();
}

void SimView::followFocus() {
  following_ = true;
  followOffset_ = {};
  emit cameraChanged();
  requestFrame();
}

void SimView::wheelEvent(QWheelEvent* event) {
  // 120 units per notch: one notch zooms by about 20 %.
  const double factor = std::pow(1.0015, event->angleDelta().y());
  zoomAbout(event->position(), factor);
  event->accept();
}

void SimView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    dragging_ = true;
    lastDragPos_ = event->position();
    event->accept();
    return;
  }
  QOpenGLWidget::mousePressEvent(event);
}

void SimView::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_ && (event->buttons() & Qt::LeftButton)) {
    const QPointF delta = event->position() - lastDragPos_;
    lastDragPos_ = event->position();
    if (!delta.isNull()) panByPixels(delta);
    event->accept();
    return;
  }
  QOpenGLWidget::mouseMoveEvent(event);
}

void SimView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) dragging_ = false;
  QOpenGLWidget::mouseReleaseEvent(event);
}

void SimView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    dragging_ = false;
    followFocus();
    event->accept();
    return;
  }
  QOpenGLWidget::mouseDoubleClickEvent(event);
}

// ---- frame timing ----------------------------------------------------------

void SimView::requestFrame() {
  // A hidden view (a page not shown) paints nothing until it is shown: the time it spends hidden
  // is not a slow frame, so the frame becomes due when it is shown (showEvent).
  if (!frameDue_ && isVisible()) {
    frameDue_ = true;
    dueNs_ = clock_.nsecsElapsed();
  }
  update();
}

void SimView::showEvent(QShowEvent* event) {
  QOpenGLWidget::showEvent(event);
  frameDue_ = true;
  dueNs_ = clock_.nsecsElapsed();
  lastSwapNs_ = -1;  // frames before it was hidden say nothing about this one
}

void SimView::recordSwappedFrame() {
  const qint64 now = clock_.nsecsElapsed();
  if (swapPending_) {
    // A frame is due from the later of the previous swap and the first request
    // after it: idle time is not a slow frame, a blocked event loop is.
    const qint64 due = std::max(pendingDueNs_, lastSwapNs_ < 0 ? pendingDueNs_ : lastSwapNs_);
    frameTimes_.recordFrame(static_cast<double>(now - due) / 1e6, pendingPaintMs_);
    swapPending_ = false;
  }
  lastSwapNs_ = now;
  ++fpsWindowFrames_;
  const qint64 window = now - fpsWindowStartNs_;
  if (window >= 500'000'000) {
    framesPerSecond_ = fpsWindowFrames_ * 1e9 / static_cast<double>(window);
    fpsWindowFrames_ = 0;
    fpsWindowStartNs_ = now;
  }
}

// ---- GL --------------------------------------------------------------------

void SimView::initializeGL() {
  glReady_ = false;
  glError_.clear();
  if (qEnvironmentVariableIsSet("PALAESTRA_FORCE_NO_GL")) {
    glError_ = QStringLiteral(
        "OpenGL is switched off by the PALAESTRA_FORCE_NO_GL environment variable "
        "(a diagnostics switch).");
    return;
  }
  QOpenGLContext* ctx = context();
  if (!ctx || !ctx->isValid()) {
    glError_ = QStringLiteral("No OpenGL context could be created on this display.");
    return;
  }
  if (glError_ = versionProblem(*ctx); !glError_.isEmpty()) return;
  connect(ctx, &QOpenGLContext::aboutToBeDestroyed, this, &SimView::releaseGlOfDyingContext,
          Qt::UniqueConnection);
  initializeOpenGLFunctions();
  glError_ = setUpGl();
  glReady_ = glError_.isEmpty();
  if (!glReady_) releaseGl();
}

QString SimView::setUpGl() {
  auto build = [](QOpenGLShaderProgram& program, const char* vertex, const char* what) -> QString {
    if (!program.addShaderFromSourceCode(QOpenGLShader::Vertex, vertex) ||
        !program.addShaderFromSourceCode(QOpenGLShader::Fragment, kColorFragmentShader) ||
        !program.link())
      return QStringLiteral("The %1 shader failed to build: %2").arg(what, program.log().trimmed());
    return {};
  };
  triangleProgram_ = std::make_unique<QOpenGLShaderProgram>();
  particleProgram_ = std::make_unique<QOpenGLShaderProgram>();
  if (QString e = build(*triangleProgram_, kTriangleVertexShader, "triangle"); !e.isEmpty())
    return e;
  if (QString e = build(*particleProgram_, kParticleVertexShader, "particle"); !e.isEmpty())
    return e;

  if (!triangleVao_.create() || !particleVao_.create() || !triangleVbo_.create() ||
      !particleShapeVbo_.create() || !particleInstanceVbo_.create())
    return QStringLiteral("OpenGL vertex arrays or buffers could not be created.");
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
  glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, sizeof(ParticleInstance),
                        reinterpret_cast<void*>(offsetof(ParticleInstance, r)));
  glVertexAttribDivisor(2, 1);
  particleVao_.release();
  particleInstanceVbo_.release();

  if (const GLenum error = glGetError(); error != GL_NO_ERROR)
    return QStringLiteral("OpenGL reported error 0x%1 while setting up the view.")
        .arg(error, 0, 16);
  return {};
}

void SimView::releaseGl() {
  triangleProgram_.reset();
  particleProgram_.reset();
  triangleVao_.destroy();
  particleVao_.destroy();
  triangleVbo_.destroy();
  particleShapeVbo_.destroy();
  particleInstanceVbo_.destroy();
  triangleCapacity_ = 0;
  particleCapacity_ = 0;
  glReady_ = false;
}

void SimView::releaseGlOfDyingContext() {
  makeCurrent();
  releaseGl();
  doneCurrent();
}

void SimView::upload(QOpenGLBuffer& buffer, int& capacityBytes, const void* data, size_t bytes) {
  buffer.bind();
  if (bytes > static_cast<size_t>(capacityBytes)) {
    // Grow geometrically so a growing scene reallocates rarely.
    const size_t grown = std::max<size_t>({bytes, static_cast<size_t>(capacityBytes) * 2, 64 * 1024});
    capacityBytes = static_cast<int>(std::min<size_t>(grown, 0x7fffffff));
  }
  // Re-specifying the same size orphans the old storage: the driver can keep
  // drawing the previous frame from it while we fill a fresh block.
  buffer.allocate(capacityBytes);
  buffer.write(0, data, static_cast<int>(std::min<size_t>(bytes, 0x7fffffff)));
}

void SimView::paintGL() {
  const qint64 paintStart = clock_.nsecsElapsed();
  const qint64 due = frameDue_ ? dueNs_ : paintStart;
  frameDue_ = false;

  if (glReady_) {
    drawScene();
    QPainter painter(this);
    drawOverlay(painter);
  } else {
    QPainter painter(this);
    paintUnavailableMessage(painter, rect(), glError_.isEmpty()
                                                 ? QStringLiteral("OpenGL was not initialised.")
                                                 : glError_);
  }
  ++framesPainted_;
  pendingDueNs_ = due;
  pendingPaintMs_ = static_cast<double>(clock_.nsecsElapsed() - paintStart) / 1e6;
  swapPending_ = true;
}

void SimView::drawScene() {
  const qreal ratio = devicePixelRatioF();
  glViewport(0, 0, static_cast<GLsizei>(std::lround(width() * ratio)),
             static_cast<GLsizei>(std::lround(height() * ratio)));
  const Rgba bg = scene_.background;
  glClearColor(bg.r, bg.g, bg.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  // Keep destination alpha opaque so the widget never shows through when composed.
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);

  const double perPixel = worldUnitsPerPixel();
  SceneTessellator::tessellate(scene_, layers_, static_cast<float>(perPixel), tessellated_);

  const Vec2f center = cameraCenter();
  const QVector2D centerUniform(center.x, center.y);
  const QVector2D scaleUniform(static_cast<float>(2.0 / (perPixel * std::max(1, width()))),
                               static_cast<float>(2.0 / (perPixel * std::max(1, height()))));

  const auto& triangles = tessellated_.triangles;
  if (!triangles.empty()) {
    upload(triangleVbo_, triangleCapacity_, triangles.data(),
           triangles.size() * sizeof(ColoredVertex));
    triangleVbo_.release();
  }
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
    particleProgram_->bind();
    particleProgram_->setUniformValue("center", centerUniform);
    particleProgram_->setUniformValue("scale", scaleUniform);
    particleVao_.bind();
    glDrawArraysInstanced(GL_TRIANGLES, 0, 3, static_cast<GLsizei>(particles.size()));
    particleVao_.release();
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

void SimView::drawOverlay(QPainter& painter) {
  painter.setRenderHint(QPainter::TextAntialiasing);
  for (const SceneLabel& label : scene_.labels) {
    if (label.text.empty() || !std::isfinite(label.position.x) || !std::isfinite(label.position.y))
      continue;
    if (!layerVisible(label.layer)) continue;
    const QPointF at = label.screenSpace
                           ? QPointF(label.position.x, label.position.y)
                           : worldToPixel(label.position);
    painter.setPen(toQColor(label.color));
    painter.drawText(at, QString::fromStdString(label.text));
  }

  QStringList lines = overlayLines_;
  if (showFrameTimes_)
    lines << QStringLiteral("%1 FPS · frame p95 %2 ms · paint p95 %3 ms")
                 .arg(framesPerSecond_, 0, 'f', 0)
                 .arg(frameTimes_.p95Milliseconds(), 0, 'f', 1)
                 .arg(frameTimes_.paintP95Milliseconds(), 0, 'f', 1);
  if (lines.isEmpty()) return;
  const QFontMetrics metrics(painter.font());
  int textWidth = 0;
  for (const QString& line : lines) textWidth = std::max(textWidth, metrics.horizontalAdvance(line));
  const int pad = 6;
  const QRect box(pad, pad, textWidth + 2 * pad,
                  static_cast<int>(lines.size()) * metrics.lineSpacing() + 2 * pad);
  painter.fillRect(box, QColor(0, 0, 0, 140));
  painter.setPen(Qt::white);
  int y = box.top() + pad + metrics.ascent();
  for (const QString& line : lines) {
    painter.drawText(box.left() + pad, y, line);
    y += metrics.lineSpacing();
  }
}

QString SimView::openGlProblem() {
  // The offscreen platform creates GL contexts when a display is around (under xvfb-run), but
  // QOpenGLWidget cannot render there and crashes on show.
  if (QGuiApplication::platformName() == QLatin1String("offscreen"))
    return QStringLiteral("OpenGL widgets cannot be shown on the \"offscreen\" display platform.");
  QOpenGLContext ctx;
  ctx.setFormat(requestedFormat());
  if (!ctx.create())
    return QStringLiteral("No OpenGL context can be created on the \"%1\" display platform.")
        .arg(QGuiApplication::platformName());
  if (QString problem = versionProblem(ctx); !problem.isEmpty()) return problem;
  QOffscreenSurface surface;
  surface.setFormat(ctx.format());
  surface.create();
  if (!surface.isValid() || !ctx.makeCurrent(&surface))
    return QStringLiteral("An OpenGL context was created but cannot be made current.");
  chooseSamples(ctx);
  ctx.doneCurrent();
  return {};
}

void SimView::paintUnavailableMessage(QPainter& painter, const QRect& area, const QString& reason) {
  painter.fillRect(area, QColor(48, 48, 52));
  painter.setPen(QColor(235, 235, 235));
  QFont title = painter.font();
  title.setBold(true);
  title.setPointSizeF(title.pointSizeF() * 1.3);
  const QString body = QStringLiteral(
                           "%1\n\nTraining, learning curves and the run browser work without "
                           "it. Check the graphics driver, or run with a display that offers "
                           "OpenGL 3.3 (for example Mesa llvmpipe).")
                           .arg(reason);
  const QRect inner = area.adjusted(24, 24, -24, -24);
  const QFont normal = painter.font();
  painter.setFont(title);
  const QRect titleRect(inner.left(), inner.top(), inner.width(),
                        QFontMetrics(title).lineSpacing() * 2);
  painter.drawText(titleRect, Qt::AlignHCenter | Qt::AlignBottom,
                   QStringLiteral("Simulation view unavailable"));
  painter.setFont(normal);
  painter.drawText(inner.adjusted(0, titleRect.height() + 12, 0, 0),
                   Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, body);
}

}  // namespace palaestra
