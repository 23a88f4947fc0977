#pragma once
// The simulation view: draws a palaestra::Scene with OpenGL 3.3 core shaders
// (SceneRenderer: triangles tessellated on the CPU, particles instanced), labels
// and a text overlay with QPainter on top. A camera follows Scene::focus; wheel
// zooms about the cursor, dragging pans (and stops following), double-click
// resets to the env's view (zoom 1, following). A click that does not drag
// emits pointClicked (viewers pick an agent there). Where OpenGL 3.3 is not
// available the view paints a message.
//
// The view is a plain widget holding a native child window (SimViewSurface in a
// window container) that it draws into with its own context: a frame swaps that
// window alone, and the rest of the top-level window is neither repainted nor
// recomposed (with a QOpenGLWidget Qt composed the whole window with OpenGL for
// every frame, which cost most of the frame on a software rasteriser).
// grabFramebuffer() renders the same frame into a framebuffer object.
//
// Diagnostics switch: with the environment variable PALAESTRA_FORCE_NO_GL set,
// the view behaves as if OpenGL were unavailable (to check the fallback).

#include <QElapsedTimer>
#include <QImage>
#include <QPointF>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "env/Scene.h"
#include "widgets/FrameTimeMeter.h"
#include "widgets/SceneRenderer.h"
#include "widgets/SceneTessellator.h"

class QOffscreenSurface;
class QOpenGLContext;
class QOpenGLFramebufferObject;
class QPainter;

namespace palaestra {

class SimViewSurface;

class SimView : public QWidget {
  Q_OBJECT

 public:
  /// A view with an empty scene; only the base layer visible (viewers apply the env's defaults).
  explicit SimView(QWidget* parent = nullptr);
  ~SimView() override;

  /// Copies the scene to draw and schedules a repaint (cheap enough to call at 60 Hz).
  void setScene(const Scene& scene);
  /// The scene last given to setScene.
  const Scene& scene() const { return scene_; }

  /// Shows or hides an overlay layer; the base layer cannot be hidden.
  void setLayerVisible(SceneLayerId layer, bool visible);
  /// Whether a layer is drawn (always true for the base layer).
  bool layerVisible(SceneLayerId layer) const;
  /// The overlay layers drawn, as the tessellator takes them.
  SceneLayerMask visibleLayers() const { return layers_; }

  /// Text lines the caller wants in the top-left overlay (step, return, speed, ...).
  void setOverlayLines(const QStringList& lines);
  /// The caller's overlay lines.
  QStringList overlayLines() const { return overlayLines_; }
  /// Whether the overlay also shows the view's FPS and frame-time p95 (default on).
  void setFrameTimesVisible(bool visible);

  /// The env's own view again, as a double-click does: follow the focus at zoom 1, no offset.
  void resetCamera();
  /// Zoom factor: 1 shows Scene::viewWidth across the view (and at least Scene::viewHeight up it),
  /// 2 half of that. Clamped to [1e-3, 1e3].
  void setZoom(double zoom);
  /// The current zoom factor.
  double zoom() const { return zoom_; }
  /// Zooms by `factor` keeping the world point under `pixel` (widget coordinates) in place.
  void zoomAbout(QPointF pixel, double factor);
  /// Moves the camera by a drag of `delta` pixels and stops following the focus.
  void panByPixels(QPointF delta);
  /// Follows Scene::focus again, keeping the zoom.
  void followFocus();
  /// Whether the camera follows Scene::focus.
  bool followsFocus() const { return following_; }
  /// The world point at the centre of the view.
  Vec2f cameraCenter() const;
  /// World units per logical pixel at the current zoom and size.
  double worldUnitsPerPixel() const;
  /// Where a world point appears, in widget (logical pixel) coordinates.
  QPointF worldToPixel(Vec2f world) const;
  /// The world point under a widget (logical pixel) position.
  Vec2f pixelToWorld(QPointF pixel) const;

  /// Renders the current frame (scene, labels and overlay) off screen and returns its pixels,
  /// device-pixel sized; the "no OpenGL" message where GL is unavailable. Works hidden too.
  QImage grabFramebuffer();
  /// The native window the view draws into; null where OpenGL is unavailable (for tests).
  QWindow* surfaceWindow() const;

  /// Frame times and paint durations of the recent frames.
  const FrameTimeMeter& frameTimes() const { return frameTimes_; }
  /// Forgets the recorded frame times (a measurement of a new situation starts clean).
  void clearFrameTimes() { frameTimes_.clear(); }
  /// Frames shown since construction (GL frames swapped and message frames; not grabs).
  quint64 framesPainted() const { return framesPainted_; }
  /// Whether OpenGL 3.3 was set up; false before the first frame or grab and after a failure.
  bool glAvailable() const { return glReady_; }
  /// Why OpenGL is unavailable; empty when it works (or was not tried yet).
  QString glError() const { return glError_; }

  /// Why a SimView could not draw here (no OpenGL 3.3 context on this display), or
  /// empty when it can. Check before creating a SimView, and show paintUnavailableMessage in
  /// a plain widget instead where it is non-empty (e.g. on the "offscreen" platform, which
  /// shows no native GL windows). Also picks the views' multisampling: none on a software
  /// rasteriser such as llvmpipe, 4x otherwise.
  static QString openGlProblem();
  /// Paints the "no OpenGL" message with `reason` into `area` (used by the view; public for tests).
  static void paintUnavailableMessage(QPainter& painter, const QRect& area, const QString& reason);

  /// A press that moves farther than this (logical pixels) before its release is a drag, not a
  /// click.
  static constexpr double kClickSlopPixels = 4.0;
  /// How far from a click (logical pixels) an agent may be and still be picked.
  static constexpr double kPickTolerancePixels = 8.0;

 signals:
  /// The camera moved, zoomed or changed follow mode by user input or API.
  void cameraChanged();
  /// The left button was pressed and released at `pixel` (widget coordinates) without dragging.
  void pointClicked(QPointF pixel);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  // Schedules a repaint, remembering when the first pending request came (frame due time).
  void requestFrame();
  // Creates the context and the renderer on first use; false (glError_ set) where GL fails.
  bool ensureGl();
  // Makes the context current on the surface when it has a native window, else off screen.
  bool makeCurrent();
  // GL failed: the surface goes and the widget paints the message from now on.
  void fallBackToMessage();
  // Draws a frame into the surface and swaps it (the surface asked: it is exposed).
  void drawToSurface();
  // Draws scene, labels and overlay into the bound framebuffer (`fbo`, or the default one).
  void render(QOpenGLFramebufferObject* fbo, QSize deviceSize);
  void drawOverlay(QPainter& painter);
  void recordShownFrame(qint64 dueNs, qint64 paintStartNs, qint64 paintEndNs);
  SceneCamera camera(QSize deviceSize) const;
  double viewWidthInWorld() const;

  Scene scene_;
  SceneLayerMask layers_ = 0;
  QStringList overlayLines_;
  bool showFrameTimes_ = true;

  bool following_ = true;
  Vec2f followOffset_;  // camera centre minus focus while following
  Vec2f freeCenter_;    // camera centre when not following
  double zoom_ = 1.0;
  bool pressed_ = false;   // the left button is down on the view
  bool dragging_ = false;  // ... and has moved beyond kClickSlopPixels: it pans
  QPointF pressPos_;
  QPointF lastDragPos_;

  bool glReady_ = false;
  QString glError_;
  SimViewSurface* surface_ = nullptr;  // owned by container_; null once GL failed
  QWidget* container_ = nullptr;       // the window container (a child widget)
  std::unique_ptr<QOpenGLContext> context_;
  std::unique_ptr<QOffscreenSurface> offscreen_;  // for grabs and clean-up without a window
  SceneRenderer renderer_;
  class PainterTarget;
  std::unique_ptr<PainterTarget> painterTarget_;  // QPainter on the framebuffer being drawn
  std::unique_ptr<QOpenGLFramebufferObject> grabFbo_;

  QElapsedTimer clock_;
  FrameTimeMeter frameTimes_;
  quint64 framesPainted_ = 0;
  bool frameDue_ = false;    // a repaint was requested and not yet painted
  bool drawPosted_ = false;  // a draw of the surface waits in the event queue
  qint64 dueNs_ = 0;         // when the first pending request came
  qint64 lastSwapNs_ = -1;   // when the previous frame reached the screen
  qint64 fpsWindowStartNs_ = 0;
  int fpsWindowFrames_ = 0;
  double framesPerSecond_ = 0;
};

}  // namespace palaestra
