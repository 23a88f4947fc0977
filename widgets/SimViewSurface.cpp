#include "widgets/SimViewSurface.h"

#include <QCoreApplication>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QPlatformSurfaceEvent>
#include <QWheelEvent>
#include <QWidget>

namespace palaestra {

SimViewSurface::SimViewSurface(QWidget* inputTarget) : inputTarget_(inputTarget) {
  setSurfaceType(QSurface::OpenGLSurface);
  // A click must not make this child window the focus window: keys (the fight's pads, the
  // main window's shortcuts) go to the focused widget as with any other widget.
  setFlag(Qt::WindowDoesNotAcceptFocus);
}

void SimViewSurface::exposeEvent(QExposeEvent*) {
  if (isExposed()) emit frameNeeded();
}

bool SimViewSurface::event(QEvent* event) {
  switch (event->type()) {
    case QEvent::UpdateRequest:
      // Requested while hidden: the frame waits for the next expose.
      if (isExposed()) emit frameNeeded();
      return true;
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove: {
      if (!inputTarget_) break;
      // The surface covers its view exactly, so window and widget coordinates agree.
      const auto* mouse = static_cast<QMouseEvent*>(event);
      QMouseEvent forwarded(mouse->type(), mouse->position(), mouse->scenePosition(),
                            mouse->globalPosition(), mouse->button(), mouse->buttons(),
                            mouse->modifiers(), mouse->pointingDevice());
      forwarded.setTimestamp(mouse->timestamp());
      QCoreApplication::sendEvent(inputTarget_, &forwarded);
      event->setAccepted(forwarded.isAccepted());
      return true;
    }
    case QEvent::Wheel: {
      if (!inputTarget_) break;
      const auto* wheel = static_cast<QWheelEvent*>(event);
      QWheelEvent forwarded(wheel->position(), wheel->globalPosition(), wheel->pixelDelta(),
                            wheel->angleDelta(), wheel->buttons(), wheel->modifiers(),
                            wheel->phase(), wheel->inverted(), wheel->source(),
                            wheel->pointingDevice());
      forwarded.setTimestamp(wheel->timestamp());
      QCoreApplication::sendEvent(inputTarget_, &forwarded);
      event->setAccepted(forwarded.isAccepted());
      return true;
    }
    case QEvent::PlatformSurface:
      // A context left current on a destroyed window would draw into nothing (or crash).
      if (static_cast<QPlatformSurfaceEvent*>(event)->surfaceEventType() ==
          QPlatformSurfaceEvent::SurfaceAboutToBeDestroyed) {
        QOpenGLContext* current = QOpenGLContext::currentContext();
        if (current && current->surface() == this) current->doneCurrent();
      }
      break;
    default:
      break;
  }
  return QWindow::event(event);
}

}  // namespace palaestra
