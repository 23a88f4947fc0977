#pragma once
// Saving what a view shows as a PNG file. A SimView is read back from its
// OpenGL framebuffer (the exact pixels on screen, overlay included); any other
// widget (a view without OpenGL, the composed side-by-side comparison) is
// rendered with QWidget::grab. The file is written atomically (QSaveFile): a
// failed save leaves an existing file as it was.

#include <QString>

class QImage;
class QWidget;

namespace palaestra {

class SimView;

/// Saves `view`'s framebuffer (device pixels) to `path` (must end in .png); false with
/// `error` set when the view is null, has no OpenGL, or the file cannot be written.
bool saveViewAsPng(SimView* view, const QString& path, QString* error);

/// Saves `widget` rendered with QWidget::grab to `path` (must end in .png); false with
/// `error` set when the widget is null or the file cannot be written.
bool saveWidgetAsPng(QWidget* widget, const QString& path, QString* error);

/// `widget` rendered with QWidget::grab, with every visible SimView inside it painted over from
/// its own framebuffer: grab() alone draws a SimView's scene but not its text overlay.
QImage grabWithViews(QWidget* widget);

/// Writes `image` as PNG to `path` (must end in .png) atomically; false with `error` set.
bool saveImageAsPng(const QImage& image, const QString& path, QString* error);

}  // namespace palaestra
