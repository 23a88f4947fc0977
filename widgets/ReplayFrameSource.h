#pragma once
// The frames of a video export of a replayed episode, rendered through the
// replay player's own view so the video holds exactly what the view shows:
// each frame is ReplayPlayer::seek(i), then SimView::grabFramebuffer() (the
// GL scene with its labels and overlay), or QWidget::grab() of the stand-in
// widget where there is no OpenGL.
//
// Timing: the video plays the episode in real time, one frame per env step at
// 1 / EnvSpec::secondsPerStep frames per second (50 for the walker), whatever
// speed the player is set to: the player's speed factor is not applied (its
// top rung, "max", has no rate at all).
//
// While the source exists the player is paused (so its clock does not move the
// frame between renders), its FPS readout is hidden (so the frames do not
// depend on timing) and its view keeps its size (WidgetSizeHold: a window
// resized during the export cannot change the size of the frames). Destroying
// the source puts the player back on the frame it showed, shows the FPS readout
// again (SimView's default; SimView has no getter for it, and nothing in the
// app hides it), lets the view resize again and resumes playing if it was
// playing.

#include <QImage>
#include <QPointer>
#include <cstdint>
#include <optional>

#include "widgets/FrameSource.h"
#include "widgets/WidgetSizeHold.h"

namespace palaestra {

class ReplayPlayer;

class ReplayFrameSource : public FrameSource {
 public:
  /// Exports the episode open in `player`. Throws ConfigError (a one-line message for the user)
  /// when no episode is open, its replay is still being simulated, or it has no frames.
  explicit ReplayFrameSource(ReplayPlayer& player);
  /// Restores the player's frame, FPS readout and playing state.
  ~ReplayFrameSource() override;
  ReplayFrameSource(const ReplayFrameSource&) = delete;
  ReplayFrameSource& operator=(const ReplayFrameSource&) = delete;

  /// The replay's frames (steps + 1), fixed when the source was made.
  int frameCount() const override { return frameCount_; }
  /// 1 / the env's seconds per step: the episode in real time.
  double framesPerSecond() const override { return framesPerSecond_; }
  /// Seeks the player to `index` and returns what its view shows; null when `index` is out of
  /// range, the player is gone or shows another episode, or its view cannot be read back.
  QImage renderFrame(int index) override;

 private:
  QPointer<ReplayPlayer> player_;  // the player may be closed during an export
  int64_t episodeId_ = -1;  // the episode exported; another one opened meanwhile ends the export
  int frameCount_ = 0;
  double framesPerSecond_ = 0.0;
  int restoreFrame_ = 0;
  bool wasPlaying_ = false;
  std::optional<WidgetSizeHold> viewSize_;  // taken once the source is valid, released with it
};

}  // namespace palaestra
