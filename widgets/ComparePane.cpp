#include "widgets/ComparePane.h"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include "widgets/OverlayToggleBar.h"
#include "widgets/SimView.h"

namespace palaestra {

ComparePane::ComparePane(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  caption_ = new QLabel(this);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(caption_);
  glProblem_ = SimView::openGlProblem();
  if (glProblem_.isEmpty()) {
    view_ = new SimView(this);
    view_->setMinimumSize(160, 100);
    layout->addWidget(view_, 1);
  } else {
    setMinimumSize(160, 100);
    layout->addStretch(1);
  }
  overlayToggles_ = new OverlayToggleBar(this);
  overlayToggles_->addView(view_);
  layout->addWidget(overlayToggles_);
}

void ComparePane::setOverlayLayers(const std::vector<SceneLayerInfo>& layers) {
  overlayToggles_->setLayers(layers);
}

void ComparePane::setCaption(const QString& caption) { caption_->setText(caption); }

QString ComparePane::caption() const { return caption_->text(); }

void ComparePane::setScene(const Scene& scene) {
  if (view_) {
    view_->setScene(scene);
  } else {
    fallbackScene_ = scene;
  }
}

const Scene& ComparePane::scene() const { return view_ ? view_->scene() : fallbackScene_; }

void ComparePane::setOverlayLines(const QStringList& lines) {
  overlay_ = lines;
  if (view_) {
    view_->setOverlayLines(lines);
  } else {
    update();
  }
}

void ComparePane::paintEvent(QPaintEvent* event) {
  QWidget::paintEvent(event);
  if (view_) return;
  QPainter painter(this);
  const int top = caption_->geometry().bottom() + 2;
  const QRect area(0, top, width(), overlayToggles_->geometry().top() - top);  // the toggles stay clear
  SimView::paintUnavailableMessage(painter, area, glProblem_);
  if (!overlay_.isEmpty()) {
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(area.adjusted(6, 6, -6, -6), Qt::AlignLeft | Qt::AlignTop, overlay_.join('\n'));
  }
}

}  // namespace palaestra
