#include "widgets/ViewImageExport.h"

#include <QPainter>

#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

#include "widgets/SimView.h"

namespace palaestra {

namespace {

bool failWith(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

}  // namespace

bool saveImageAsPng(const QImage& image, const QString& path, QString* error) {
  if (path.isEmpty()) return failWith(error, QStringLiteral("no PNG file name given"));
  if (QFileInfo(path).suffix().toLower() != QLatin1String("png"))
    return failWith(error, QStringLiteral("cannot save '%1': the file name must end in .png").arg(path));
  if (image.isNull()) return failWith(error, QStringLiteral("cannot save '%1': the image is empty").arg(path));
  if (QFileInfo(path).isDir())
    return failWith(error, QStringLiteral("cannot write PNG file '%1': it is a directory").arg(path));

  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly))
    return failWith(error, QStringLiteral("cannot write PNG file '%1': %2").arg(path, file.errorString()));
  QImageWriter writer(&file, "png");
  if (!writer.write(image)) {
    file.cancelWriting();
    return failWith(error, QStringLiteral("cannot write PNG file '%1': %2").arg(path, writer.errorString()));
  }
  if (!file.commit())
    return failWith(error, QStringLiteral("cannot write PNG file '%1': %2").arg(path, file.errorString()));
  if (error) error->clear();
  return true;
}

bool saveViewAsPng(SimView* view, const QString& path, QString* error) {
  if (!view) return failWith(error, QStringLiteral("cannot save a PNG: there is no view"));
  if (!view->glAvailable()) {
    const QString why = view->glError().isEmpty() ? QStringLiteral("it has not been shown yet")
                                                  : view->glError();
    return failWith(error, QStringLiteral("cannot save the view as PNG: it has no OpenGL image (%1)").arg(why));
  }
  const QImage image = view->grabFramebuffer();
  if (image.isNull())
    return failWith(error, QStringLiteral("cannot save the view as PNG: reading its framebuffer failed"));
  return saveImageAsPng(image, path, error);
}

bool saveWidgetAsPng(QWidget* widget, const QString& path, QString* error) {
  if (!widget) return failWith(error, QStringLiteral("cannot save a PNG: there is no widget"));
  return saveImageAsPng(widget->grab().toImage(), path, error);
}

QImage grabWithViews(QWidget* widget) {
  if (!widget) return {};
  QImage image = widget->grab().toImage();
  if (image.isNull()) return image;
  QPainter painter(&image);
  for (SimView* view : widget->findChildren<SimView*>()) {
    if (!view->isVisible() || !view->glAvailable()) continue;
    const QImage frame = view->grabFramebuffer();
    if (frame.isNull()) continue;
    // grab() images are in device pixels of `widget`; place the view's logical rectangle.
    painter.drawImage(QRect(view->mapTo(widget, QPoint(0, 0)), view->size()), frame);
  }
  painter.end();
  return image;
}

}  // namespace palaestra
