#include "widgets/SimViewStandIn.h"

#include <QFontMetrics>
#include <QPainter>

#include "widgets/SimView.h"

namespace palaestra {

SimViewStandIn::SimViewStandIn(const QString& reason, QWidget* parent)
    : QWidget(parent), reason_(reason) {
  setMinimumSize(200, 150);
}

void SimViewStandIn::setOverlayLines(const QStringList& lines) {
  if (lines == overlayLines_) return;
  overlayLines_ = lines;
  update();
}

void SimViewStandIn::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  SimView::paintUnavailableMessage(painter, rect(), reason_);
  const QFontMetrics metrics(font());
  int y = 8 + metrics.ascent();
  painter.setPen(palette().color(QPalette::WindowText));
  for (const QString& line : overlayLines_) {
    painter.drawText(8, y, line);
    y += metrics.lineSpacing();
  }
}

}  // namespace palaestra
