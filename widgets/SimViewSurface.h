#pragma once
// The native window a SimView draws into, embedded in the view with
// QWidget::createWindowContainer. Why a window of its own: a QOpenGLWidget makes
// Qt compose the whole top-level window with OpenGL for every frame it draws,
// which a software rasteriser (Mesa llvmpipe) does on the CPU; a native child
// window is swapped on its own and the rest of the window is left alone.
//
// The surface owns no GL state: it tells its view when a frame can be drawn
// (frameNeeded) and hands every mouse and wheel event to the view widget, so the
// view handles input as any widget does (and tests can send events to the view).
// It never takes keyboard focus: keys and shortcuts stay with the widgets.

#include <QPointer>
#include <QWindow>

class QWidget;

namespace palaestra {

class SimViewSurface : public QWindow {
  Q_OBJECT

 public:
  /// A surface whose input goes to `inputTarget` (the view it fills exactly).
  explicit SimViewSurface(QWidget* inputTarget);

  /// Stops forwarding input (the view is being destroyed).
  void detachInputTarget() { inputTarget_ = nullptr; }

 signals:
  /// The window is exposed and needs a frame (a requested update came or its content was lost).
  void frameNeeded();

 protected:
  bool event(QEvent* event) override;
  void exposeEvent(QExposeEvent* event) override;

 private:
  QPointer<QWidget> inputTarget_;
};

}  // namespace palaestra
