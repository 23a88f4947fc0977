#pragma once
// Holds a widget at the size it has while the hold lives (its minimum and
// maximum set to that size) and gives it back its own limits after. Video
// exports use it: the encoder needs every frame at one size, and a window
// resized during an export, or a label whose height changes, would otherwise
// resize the view between frames.

#include <QPointer>
#include <QSize>
#include <QWidget>

namespace palaestra {

class WidgetSizeHold {
 public:
  /// Fixes `widget` (may be null: then nothing is held) at its current size.
  explicit WidgetSizeHold(QWidget* widget) : widget_(widget) {
    if (!widget_) return;
    minimum_ = widget_->minimumSize();
    maximum_ = widget_->maximumSize();
    widget_->setFixedSize(widget_->size());
  }
  /// Restores the widget's own size limits, if it still exists.
  ~WidgetSizeHold() {
    if (!widget_) return;
    widget_->setMinimumSize(minimum_);
    widget_->setMaximumSize(maximum_);
  }
  WidgetSizeHold(const WidgetSizeHold&) = delete;
  WidgetSizeHold& operator=(const WidgetSizeHold&) = delete;

 private:
  QPointer<QWidget> widget_;  // the widget may be deleted while held
  QSize minimum_, maximum_;
};

}  // namespace palaestra
