#pragma once
// What a page of the main window implements to obey the playback shortcuts
// (Space, Left, Right, +, -): the main window forwards each one to the
// current page if that page is a PlaybackTarget.

namespace palaestra {

class PlaybackTarget {
 public:
  virtual ~PlaybackTarget() = default;
  /// Pauses when playing, plays when paused (Space).
  virtual void togglePlay() = 0;
  /// Advances one step or frame, pausing first (Right).
  virtual void stepForward() = 0;
  /// Goes back one step or frame where the page can (Left).
  virtual void stepBack() = 0;
  /// Next faster speed (+).
  virtual void faster() = 0;
  /// Next slower speed (-).
  virtual void slower() = 0;
};

}  // namespace palaestra
