#pragma once
// The frames of a video export of a side-by-side comparison, rendered through
// the comparison view itself so the video holds exactly what it shows: each
// frame moves the shared timeline (CompareView::seek) and then grabs the area
// spanned by the two panes, captions, gap between them and both simulation
// views with their overlays, composed as they sit in the window.
//
// How the area is grabbed: QWidget::grab() of the panes' parent for the
// captions and the gap, then each pane's SimView::grabFramebuffer() painted
// over its view's place. The second step is needed: a SimView draws into a
// native child window, which QWidget::grab() does not see at all;
// grabFramebuffer() renders the view's frame with its overlay (step, return,
// replay check).
// Without OpenGL the panes paint the "no OpenGL" message and QWidget::grab()
// gives it all.
//
// Timing: one frame per env step at 1 / EnvSpec::secondsPerStep frames per
// second (the comparison in real time); the view's speed setting is not applied.
//
// Only replays can be exported: the live checkpoint-on-two-tasks mode has no
// timeline to render frame by frame, so the constructor refuses it. While the
// source exists the view is paused, the views' FPS readouts are hidden and the
// panes' row keeps its size (WidgetSizeHold: a window resized during the export
// cannot change the size of the frames); destroying it puts the shared frame
// back, shows the readouts again (SimView's default: it has no getter), lets the
// row resize again and resumes playing if it was playing.

#include <QImage>
#include <QPointer>
#include <optional>

#include "widgets/CompareView.h"
#include "widgets/FrameSource.h"
#include "widgets/WidgetSizeHold.h"

namespace palaestra {

class CompareFrameSource : public FrameSource {
 public:
  /// Exports the replays shown by `view` (compareEpisodes or compareRuns). Throws ConfigError
  /// (a one-line message for the user) for the live checkpoint mode, an empty comparison, no
  /// episode on either side, or replays still being simulated.
  explicit CompareFrameSource(CompareView& view);
  /// Restores the shared frame, the FPS readouts and the playing state.
  ~CompareFrameSource() override;
  CompareFrameSource(const CompareFrameSource&) = delete;
  CompareFrameSource& operator=(const CompareFrameSource&) = delete;

  /// Frames on the shared timeline (the longer side's), fixed when the source was made.
  int frameCount() const override { return frameCount_; }
  /// 1 / the env's seconds per step: the comparison in real time.
  double framesPerSecond() const override { return framesPerSecond_; }
  /// Moves the shared timeline to `index` and returns both panes side by side as shown; null
  /// when `index` is out of range, the view is gone or shows another comparison (mode or length).
  QImage renderFrame(int index) override;

 private:
  QPointer<CompareView> view_;  // the view may be closed during an export
  CompareView::Mode mode_ = CompareView::Mode::Empty;  // with frameCount_: detects another comparison
  int frameCount_ = 0;
  double framesPerSecond_ = 0.0;
  int restoreFrame_ = 0;
  bool wasPlaying_ = false;
  std::optional<WidgetSizeHold> rowSize_;  // taken once the source is valid, released with it
};

}  // namespace palaestra
