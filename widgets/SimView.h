#pragma once
// The simulation view: draws a palaestra::Scene with OpenGL 3.3 core shaders
// (triangles tessellated on the CPU, particles instanced), labels and a text
// overlay with QPainter on top. A camera follows Scene::focus; wheel zooms about
// the cursor, dragging pans (and stops following), double-click follows again.
// Where OpenGL 3.3 is not available the view paints a message instead.
//
// Diagnostics switch: with the environment variable PALAESTRA_FORCE_NO_GL set,
// the view behaves as if OpenGL were unavailable (to check the fallback).

#include <QElapsedTimer>
#include <QOpenGLBuffer>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QOpenGLWidget>
#include <QPointF>
#include <QStringList>

#include <memory>

#include "env/Scene.h"
#include "widgets/FrameTimeMeter.h"
#include "widgets/SceneTessellator.h"

class QPainter;

namespace palaestra {

class SimView : public QOpenGLWidget, protected QOpenGLExtraFunctions {
  Q_OBJECT

 public:
  /// A view with an empty scene; Base and Joints layers visible.
  explicit SimView(QWidget* parent = nullptr);
  ~SimView() override;

  /// Copies the scene to draw and schedules a repaint (cheap enough to call at 60 Hz).
  void setScene(const Scene& scene);
  /// The scene last given to setScene.
  const Scene& scene() const { return scene_; }

  /// Shows or hides a layer; Base cannot be hidden.
  void setLayerVisible(SceneLayer layer, bool visible);
  /// Whether a layer is drawn (always true for Base).
  bool layerVisible(SceneLayer layer) const;

  /// Text lines the caller wants in the top-left overlay (step, return, speed, ...).
  void setOverlayLines(const QStringList& lines);
  /// The caller's overlay lines.
  QStringList overlayLines() const { return overlayLines_; }
  /// Whether the overlay also shows the view's FPS and frame-time p95 (default on).
  void setFrameTimesVisible(bool visible);

  /// Follow the focus again at the default width (zoom 1, no offset).
  void resetCamera();
  /// Zoom factor: 1 shows Scene::viewWidth across the view, 2 half of it. Clamped to [1e-3, 1e3].
  void setZoom(double zoom);
  /// The current zoom factor.
  double zoom() const { return zoom_; }
  /// Zooms by `factor` keeping the world point under `pixel` (widget coordinates) in place.
  void zoomAbout(QPointF pixel, double factor);
  /// Moves the camera by a drag of `delta` pixels and stops following the focus.
  void panByPixels(QPointF delta);
  /// Follows Scene::focus again (keeping the zoom), as a double-click does.
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

  /// Frame times and paint durations of the recent frames.
  const FrameTimeMeter& frameTimes() const { return frameTimes_; }
  /// Frames painted since construction (successful GL frames and message frames).
  quint64 framesPainted() const { return framesPainted_; }
  /// Whether OpenGL 3.3 was set up; false before the first show and after a failure.
  bool glAvailable() const { return glReady_; }
  /// Why OpenGL is unavailable; empty when it works (or was not tried yet).
  QString glError() const { return glError_; }

  /// Why a SimView could not draw here (no OpenGL 3.3 context on this display), or
  /// empty when it can. Check before creating a SimView: Qt itself aborts when a
  /// QOpenGLWidget is shown on a platform without OpenGL (e.g. "offscreen"), so the
  /// caller shows paintUnavailableMessage in a plain widget instead. Also picks the views'
  /// multisampling: none on a software rasteriser such as llvmpipe, 4x otherwise.
  static QString openGlProblem();
  /// Paints the "no OpenGL" message with `reason` into `area` (used by the view; public for tests).
  static void paintUnavailableMessage(QPainter& painter, const QRect& area, const QString& reason);

 signals:
  /// The camera moved, zoomed or changed follow mode by user input or API.
  void cameraChanged();

 protected:
  void initializeGL() override;
  void paintGL() override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  // Schedules a repaint, remembering when the first pending request came (frame due time).
  void requestFrame();
  // Builds shaders, buffers and vertex layouts; returns an error text or empty.
  QString setUpGl();
  // Frees GL objects while their context is current.
  void releaseGl();
  // The context goes away (reparenting, window close): free its objects first.
  void releaseGlOfDyingContext();
  // Writes `bytes` to `buffer`, growing it geometrically and orphaning otherwise.
  void upload(QOpenGLBuffer& buffer, int& capacityBytes, const void* data, size_t bytes);
  void drawScene();
  void drawOverlay(QPainter& painter);
  void recordSwappedFrame();
  double viewWidthInWorld() const;

  Scene scene_;
  TessellatedScene tessellated_;
  SceneLayerMask layers_ = sceneLayerBit(SceneLayer::Joints);
  QStringList overlayLines_;
  bool showFrameTimes_ = true;

  bool following_ = true;
  Vec2f followOffset_;  // camera centre minus focus while following
  Vec2f freeCenter_;    // camera centre when not following
  double zoom_ = 1.0;
  bool dragging_ = false;
  QPointF lastDragPos_;

  bool glReady_ = false;
  QString glError_;
  std::unique_ptr<QOpenGLShaderProgram> triangleProgram_;
  std::unique_ptr<QOpenGLShaderProgram> particleProgram_;
  QOpenGLVertexArrayObject triangleVao_;
  QOpenGLVertexArrayObject particleVao_;
  QOpenGLBuffer triangleVbo_{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer particleShapeVbo_{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer particleInstanceVbo_{QOpenGLBuffer::VertexBuffer};
  int triangleCapacity_ = 0;
  int particleCapacity_ = 0;

  QElapsedTimer clock_;
  FrameTimeMeter frameTimes_;
  quint64 framesPainted_ = 0;
  bool frameDue_ = false;       // a repaint was requested and not yet painted
  qint64 dueNs_ = 0;            // when the first pending request came
  qint64 lastSwapNs_ = -1;      // when the previous frame reached the screen
  bool swapPending_ = false;    // a painted frame waits for frameSwapped
  qint64 pendingDueNs_ = 0;
  double pendingPaintMs_ = 0;
  qint64 fpsWindowStartNs_ = 0;
  int fpsWindowFrames_ = 0;
  double framesPerSecond_ = 0;
};

}  // namespace palaestra
