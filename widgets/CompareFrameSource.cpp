#include "widgets/CompareFrameSource.h"

#include <QPainter>
#include <QPixmap>
#include <QRect>
#include <cmath>
#include <string>

#include "util/Errors.h"
#include "widgets/ComparePane.h"
#include "widgets/SimView.h"

namespace palaestra {
namespace {

// Hides (or shows again) the FPS readout of both panes' views.
void setFrameTimesVisible(CompareView& view, bool visible) {
  for (int side = 0; side < 2; ++side)
    if (SimView* sim = view.pane(side)->simView()) sim->setFrameTimesVisible(visible);
}

}  // namespace

CompareFrameSource::CompareFrameSource(CompareView& view) : view_(&view) {
  const std::string what = "Cannot export the comparison: ";
  switch (view.mode()) {
    case CompareView::Mode::Empty:
      throw ConfigError(what + "nothing is being compared");
    case CompareView::Mode::CheckpointOnTasks:
      throw ConfigError(what + "a checkpoint played live on two tasks has no timeline to export; "
                               "compare two episodes or two runs instead");
    case CompareView::Mode::Episodes:
    case CompareView::Mode::Runs:
      break;
  }
  if (view.frameCount() <= 0) throw ConfigError(what + "neither side has an episode to replay");
  if (!view.replaysBuilt())
    throw ConfigError(what + "the replays are still being simulated; export them when they are done");
  const double secondsPerStep = view.clock().secondsPerStep();
  if (!(secondsPerStep > 0.0) || !std::isfinite(secondsPerStep))
    throw ConfigError(what + "the compared env has no valid step duration");

  mode_ = view.mode();
  frameCount_ = view.frameCount();
  framesPerSecond_ = 1.0 / secondsPerStep;
  restoreFrame_ = view.frame();
  wasPlaying_ = view.playing();
  if (wasPlaying_) view.setPlaying(false);  // the play timer would move the frame between renders
  setFrameTimesVisible(view, false);
  rowSize_.emplace(view.pane(0)->parentWidget());
}

CompareFrameSource::~CompareFrameSource() {
  if (!view_) return;
  setFrameTimesVisible(*view_, true);
  if (view_->mode() != mode_ || view_->frameCount() != frameCount_) return;  // another comparison now
  view_->seek(restoreFrame_);
  if (wasPlaying_) view_->setPlaying(true);
}

QImage CompareFrameSource::renderFrame(int index) {
  if (!view_ || view_->mode() != mode_ || view_->frameCount() != frameCount_) return {};
  if (index < 0 || index >= frameCount_) return {};
  view_->seek(index);
  if (view_->frame() != index) return {};

  ComparePane* a = view_->pane(0);
  ComparePane* b = view_->pane(1);
  QWidget* row = a->parentWidget();
  if (!row || b->parentWidget() != row) return {};
  const QRect area = a->geometry().united(b->geometry());
  if (area.isEmpty()) return {};
  QImage image = row->grab(area).toImage().convertToFormat(QImage::Format_RGB32);
  if (image.isNull()) return {};

  // The GL views exactly as they draw themselves, over wherever grab() put them.
  QPainter painter(&image);
  for (ComparePane* pane : {a, b}) {
    SimView* sim = pane->simView();
    if (!sim) continue;
    const QImage frame = sim->grabFramebuffer();
    if (frame.isNull()) return {};
    const QRect target(sim->mapTo(row, QPoint(0, 0)) - area.topLeft(), sim->size());
    painter.drawImage(target, frame);
  }
  painter.end();
  return image;
}

}  // namespace palaestra
