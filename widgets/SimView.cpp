#include "SimView.h"

#include <QFontMetrics>
#include <QGuiApplication>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include "widgets/SimViewSurface.h"

#include <algorithm>
#include <cmath>

namespace palaestra {
namespace {

constexpr double kMinZoom = 1e-3;
constexpr double kMaxZoom = 1e3;
constexpr float kDefaultViewWidth = 20.0f;

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
  const bool software =
      name.contains(QLatin1String("llvmpipe")) || name.contains(QLatin1String("softpipe")) ||
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

// QPainter on the framebuffer being drawn: the window's own (`fbo` null) or a grab's object.
// Qt's GL paint engine asks its device to rebind the target after drawing into buffers of its
// own (the glyph cache), so the device must know which one it is.
class SimView::PainterTarget : public QOpenGLPaintDevice {
 public:
  void setFramebuffer(QOpenGLFramebufferObject* fbo) { fbo_ = fbo; }
  void ensureActiveTarget() override {
    if (fbo_)
      fbo_->bind();
    else
      QOpenGLFramebufferObject::bindDefault();
  }

 private:
  QOpenGLFramebufferObject* fbo_ = nullptr;
};

SimView::SimView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 120);
  clock_.start();
  surface_ = new SimViewSurface(this);
  surface_->setFormat(requestedFormat());
  container_ = QWidget::createWindowContainer(surface_, this);
  container_->setFocusPolicy(Qt::NoFocus);
  // Widget-level mouse events (synthesised ones) reach the view itself, as the surface's do.
  container_->setAttribute(Qt::WA_TransparentForMouseEvents);
  container_->setGeometry(rect());
  connect(surface_, &SimViewSurface::frameNeeded, this, &SimView::drawToSurface);
}

SimView::~SimView() {
  if (surface_) {
    surface_->detachInputTarget();
    disconnect(surface_, nullptr, this, nullptr);
  }
  if (context_) {
    if (makeCurrent()) renderer_.release();
    painterTarget_.reset();
    grabFbo_.reset();
    context_->doneCurrent();
  }
  delete container_;  // the native window goes while the view is still whole
}

void SimView::setScene(const Scene& scene) {
  scene_ = scene;
  requestFrame();
}

void SimView::setLayerVisible(SceneLayerId layer, bool visible) {
  if (layer == kBaseLayer) return;
  if (visible)
    layers_ |= sceneLayerBit(layer);
  else
    layers_ &= ~sceneLayerBit(layer);
  requestFrame();
}

bool SimView::layerVisible(SceneLayerId layer) const {
  return layer == kBaseLayer || (layers_ & sceneLayerBit(layer)) != 0;
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
  double perPixel = viewWidthInWorld() / std::max(1, width());
  // A scene that must show a height (the fight's floor and health bars) fits it as well: a view
  // wider than the scene's aspect shows more width instead of cropping the top and bottom.
  if (std::isfinite(scene_.viewHeight) && scene_.viewHeight > 0)
    perPixel = std::max(perPixel, scene_.viewHeight / zoom_ / std::max(1, height()));
  return perPixel;
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
    pressed_ = true;
    dragging_ = false;
    pressPos_ = event->position();
    lastDragPos_ = event->position();
    event->accept();
    return;
  }
  QWidget::mousePressEvent(event);
}

void SimView::mouseMoveEvent(QMouseEvent* event) {
  if (pressed_ && (event->buttons() & Qt::LeftButton)) {
    // Within the slop a press stays a click (a hand is never quite still); beyond it the drag
    // pans from where it began, so no movement is lost.
    if (!dragging_) {
      const QPointF moved = event->position() - pressPos_;
      if (std::hypot(moved.x(), moved.y()) <= kClickSlopPixels) {
        event->accept();
        return;
      }
      dragging_ = true;
    }
    const QPointF delta = event->position() - lastDragPos_;
    lastDragPos_ = event->position();
    if (!delta.isNull()) panByPixels(delta);
    event->accept();
    return;
  }
  QWidget::mouseMoveEvent(event);
}

void SimView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && pressed_) {
    const bool click = !dragging_;
    pressed_ = false;
    dragging_ = false;
    if (click) emit pointClicked(event->position());
    event->accept();
    return;
  }
  QWidget::mouseReleaseEvent(event);
}

void SimView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    // Qt sends press, release, double-click, release: the double-click's own release is no click.
    pressed_ = false;
    dragging_ = false;
    resetCamera();
    event->accept();
    return;
  }
  QWidget::mouseDoubleClickEvent(event);
}

// ---- frame timing ----------------------------------------------------------

void SimView::requestFrame() {
  // A hidden view (a page not shown) paints nothing until it is shown: the time it spends hidden
  // is not a slow frame, so the frame becomes due when it is shown (showEvent).
  if (!frameDue_ && isVisible()) {
    frameDue_ = true;
    dueNs_ = clock_.nsecsElapsed();
  }
  if (!surface_) {
    update();
    return;
  }
  // Drawn at the next turn of the event loop, as a widget's update is: QWindow::requestUpdate
  // would wait 5 ms more on xcb (Qt's idle time for window updates), a third of a 60 Hz frame.
  if (drawPosted_) return;
  drawPosted_ = true;
  QMetaObject::invokeMethod(
      this,
      [this] {
        drawPosted_ = false;
        drawToSurface();
      },
      Qt::QueuedConnection);
}

void SimView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  frameDue_ = true;
  dueNs_ = clock_.nsecsElapsed();
  lastSwapNs_ = -1;  // frames before it was hidden say nothing about this one
}

void SimView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (container_) container_->setGeometry(rect());
  requestFrame();
}

void SimView::recordShownFrame(qint64 dueNs, qint64 paintStartNs, qint64 paintEndNs) {
  const qint64 now = clock_.nsecsElapsed();
  // A frame is due from the later of the previous swap and the first request
  // after it: idle time is not a slow frame, a blocked event loop is.
  const qint64 due = std::max(dueNs, lastSwapNs_ < 0 ? dueNs : lastSwapNs_);
  frameTimes_.recordFrame(static_cast<double>(now - due) / 1e6,
                          static_cast<double>(paintEndNs - paintStartNs) / 1e6);
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

QWindow* SimView::surfaceWindow() const {
  return surface_;
}

bool SimView::makeCurrent() {
  if (!context_) return false;
  if (surface_ && surface_->handle()) return context_->makeCurrent(surface_);
  // Not created yet (never shown) or already gone: an offscreen surface serves grabs and clean-up.
  if (!offscreen_) {
    offscreen_ = std::make_unique<QOffscreenSurface>();
    offscreen_->setFormat(context_->format());
    offscreen_->create();
  }
  return offscreen_->isValid() && context_->makeCurrent(offscreen_.get());
}

bool SimView::ensureGl() {
  if (glReady_) return true;
  if (!glError_.isEmpty()) return false;  // failed before: the message stays
  if (qEnvironmentVariableIsSet("PALAESTRA_FORCE_NO_GL")) {
    glError_ = QStringLiteral(
        "OpenGL is switched off by the PALAESTRA_FORCE_NO_GL environment variable "
        "(a diagnostics switch).");
    return false;
  }
  context_ = std::make_unique<QOpenGLContext>();
  // The window's format, so the context can be made current on it (same visual).
  context_->setFormat(surface_ ? surface_->requestedFormat() : requestedFormat());
  if (!context_->create()) {
    glError_ = QStringLiteral("No OpenGL context could be created on this display.");
  } else if (glError_ = versionProblem(*context_); glError_.isEmpty()) {
    if (!makeCurrent())
      glError_ = QStringLiteral("An OpenGL context was created but cannot be made current.");
    else
      glError_ = renderer_.initialize();
  }
  if (!glError_.isEmpty()) {
    if (QOpenGLContext::currentContext() == context_.get()) context_->doneCurrent();
    context_.reset();
    return false;
  }
  painterTarget_ = std::make_unique<PainterTarget>();
  glReady_ = true;
  return true;
}

void SimView::fallBackToMessage() {
  if (context_) {
    if (makeCurrent()) renderer_.release();
    painterTarget_.reset();
    grabFbo_.reset();
    context_->doneCurrent();
    context_.reset();
  }
  glReady_ = false;
  if (glError_.isEmpty()) glError_ = QStringLiteral("OpenGL stopped working in this view.");
  if (surface_) {
    surface_->detachInputTarget();
    disconnect(surface_, nullptr, this, nullptr);
    surface_ = nullptr;
    // Often called from the surface's own event handler: it goes once that has returned.
    container_->deleteLater();
    container_ = nullptr;
  }
  update();
}

SceneCamera SimView::camera(QSize deviceSize) const {
  return {cameraCenter(), worldUnitsPerPixel(), size(), deviceSize};
}

void SimView::render(QOpenGLFramebufferObject* fbo, QSize deviceSize) {
  if (fbo)
    fbo->bind();
  else
    QOpenGLFramebufferObject::bindDefault();
  renderer_.draw(scene_, layers_, camera(deviceSize));
  painterTarget_->setFramebuffer(fbo);
  painterTarget_->setSize(deviceSize);
  painterTarget_->setDevicePixelRatio(devicePixelRatioF());
  // Text the size it has in widgets: the painter measures fonts by the device's resolution.
  painterTarget_->setDotsPerMeterX(logicalDpiX() / 0.0254);
  painterTarget_->setDotsPerMeterY(logicalDpiY() / 0.0254);
  QPainter painter(painterTarget_.get());
  painter.setFont(font());
  drawOverlay(painter);
}

void SimView::drawToSurface() {
  // A hidden view draws nothing, even while its window still counts as exposed (the window
  // system reports the unmapping later); it draws again when shown and exposed.
  if (!surface_ || !isVisible() || !surface_->isExposed()) return;
  const qint64 paintStart = clock_.nsecsElapsed();
  const qint64 due = frameDue_ ? dueNs_ : paintStart;
  frameDue_ = false;
  if (!ensureGl()) {
    fallBackToMessage();
    return;
  }
  if (!context_->makeCurrent(surface_)) {
    glError_ = QStringLiteral("The OpenGL context cannot be made current on the view's window.");
    fallBackToMessage();
    return;
  }
  const qreal ratio = surface_->devicePixelRatio();
  render(nullptr, QSize(static_cast<int>(std::lround(surface_->width() * ratio)),
                        static_cast<int>(std::lround(surface_->height() * ratio))));
  const qint64 paintEnd = clock_.nsecsElapsed();
  context_->swapBuffers(surface_);
  ++framesPainted_;
  recordShownFrame(due, paintStart, paintEnd);
}

void SimView::paintEvent(QPaintEvent*) {
  if (surface_) return;  // the native surface covers the view
  QPainter painter(this);
  paintUnavailableMessage(
      painter, rect(),
      glError_.isEmpty() ? QStringLiteral("OpenGL was not initialised.") : glError_);
  ++framesPainted_;
}

QImage SimView::grabFramebuffer() {
  const qreal ratio = devicePixelRatioF();
  const QSize deviceSize(std::max(1, static_cast<int>(std::lround(width() * ratio))),
                         std::max(1, static_cast<int>(std::lround(height() * ratio))));
  if (!ensureGl() || !makeCurrent()) {
    if (surface_) fallBackToMessage();
    QImage image(deviceSize, QImage::Format_RGB32);
    image.setDevicePixelRatio(ratio);
    QPainter painter(&image);
    paintUnavailableMessage(painter, rect(), glError_);
    return image;
  }
  if (!grabFbo_ || grabFbo_->size() != deviceSize) {
    QOpenGLFramebufferObjectFormat format;
    format.setSamples(std::max(0, context_->format().samples()));  // as the window draws
    grabFbo_ = std::make_unique<QOpenGLFramebufferObject>(deviceSize, format);
  }
  if (!grabFbo_->isValid()) return {};
  render(grabFbo_.get(), deviceSize);
  QImage image = grabFbo_->toImage().convertToFormat(QImage::Format_RGB32);
  QOpenGLFramebufferObject::bindDefault();
  image.setDevicePixelRatio(ratio);
  return image;
}

void SimView::drawOverlay(QPainter& painter) {
  painter.setRenderHint(QPainter::TextAntialiasing);
  for (const SceneLabel& label : scene_.labels) {
    if (label.text.empty() || !std::isfinite(label.position.x) || !std::isfinite(label.position.y))
      continue;
    if (!layerVisible(label.layer)) continue;
    const QPointF at = label.screenSpace ? QPointF(label.position.x, label.position.y)
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
  for (const QString& line : lines)
    textWidth = std::max(textWidth, metrics.horizontalAdvance(line));
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
  // The offscreen platform shows no window on a display, so views there would draw for no one
  // (a SimView made there anyway does not crash: it draws its grabs where a context can be made
  // and paints its message where none can).
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
