#pragma once
// The transport bar under a simulation view: step back, play/pause, step
// forward, slower, faster, the speed label and (for replays) a timeline slider
// with a frame counter. It holds no playback state of its own beyond what it
// shows: the owner (live viewer, replay player, comparison) reacts to the
// request signals and pushes the resulting state back with the setters, which
// never emit.

#include <QString>
#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;

namespace palaestra {

class PlaybackBar : public QWidget {
  Q_OBJECT

 public:
  /// A bar showing "paused", speed "1x", the timeline visible with no frames.
  explicit PlaybackBar(QWidget* parent = nullptr);

  /// Shows or hides the timeline slider and the frame counter (hidden for live viewing).
  void setTimelineVisible(bool visible);
  /// Whether the timeline is shown (not hidden by setTimelineVisible(false)).
  bool timelineVisible() const;
  /// Number of frames on the timeline (frames 0 .. count-1); negative counts as 0.
  /// The current frame is clamped into range. Does not emit frameRequested.
  void setFrameCount(int count);
  /// Number of frames on the timeline.
  int frameCount() const { return frameCount_; }
  /// Moves the slider and counter to `frame` (clamped); does not emit frameRequested.
  void setFrame(int frame);
  /// The frame the timeline shows.
  int frame() const;

  /// Shows the play/pause button as "pause" while playing and "play" otherwise; no signal.
  void setPlaying(bool playing);
  /// Whether the bar shows the playing state.
  bool playing() const { return playing_; }
  /// Text of the speed label (e.g. PlaybackClock::speedLabel()).
  void setSpeedLabel(const QString& label);
  /// Enables or disables the step-back button (live viewing cannot step back).
  void setStepBackEnabled(bool enabled);

  /// The step-back button.
  QToolButton* stepBackButton() const { return stepBack_; }
  /// The play/pause button.
  QToolButton* playButton() const { return play_; }
  /// The step-forward button.
  QToolButton* stepForwardButton() const { return stepForward_; }
  /// The slower button.
  QToolButton* slowerButton() const { return slower_; }
  /// The faster button.
  QToolButton* fasterButton() const { return faster_; }
  /// The label showing the speed.
  QLabel* speedLabel() const { return speedLabel_; }
  /// The timeline slider (value = frame index).
  QSlider* timelineSlider() const { return slider_; }
  /// The label "frame i / last".
  QLabel* frameLabel() const { return frameLabel_; }

 signals:
  /// The user pressed play/pause.
  void playToggled();
  /// The user asked for one step forward.
  void stepForwardRequested();
  /// The user asked for one step back.
  void stepBackRequested();
  /// The user asked for the next slower speed.
  void slowerRequested();
  /// The user asked for the next faster speed.
  void fasterRequested();
  /// The user moved the timeline (drag, click or keys) to `frame`.
  void frameRequested(int frame);

 private:
  void updateFrameLabel();

  QToolButton* stepBack_;
  QToolButton* play_;
  QToolButton* stepForward_;
  QToolButton* slower_;
  QToolButton* faster_;
  QLabel* speedLabel_;
  QSlider* slider_;
  QLabel* frameLabel_;
  int frameCount_ = 0;
  bool playing_ = false;
  bool settingFromCode_ = false;  // suppresses frameRequested for setter-driven slider moves
};

}  // namespace palaestra
