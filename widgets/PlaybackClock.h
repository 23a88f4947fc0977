#pragma once
// The playback speed control shared by the live viewer, the replay player and
// the comparison view: MuJoCo-style speed ladder (1/8x ... 8x, max), pause, and
// the arithmetic that turns wall-clock time between display ticks into a whole
// number of simulation steps. Pure C++ (no Qt), so the arithmetic is tested
// without a display.

#include <string>

namespace palaestra {

class PlaybackClock {
 public:
  /// A clock for an env whose step lasts `secondsPerStep` simulated seconds
  /// (non-positive or non-finite values fall back to 1/60 s); 1x, not paused.
  explicit PlaybackClock(double secondsPerStep);

  /// Pauses (stepsDue returns 0) or resumes; resuming drops any carried fraction.
  void setPaused(bool paused);
  /// Whether playback is paused.
  bool paused() const { return paused_; }

  /// Selects a rung of the speed ladder (0 = 1/8x ... speedCount()-1 = max), clamped.
  void setSpeedIndex(int index);
  /// The selected rung of the speed ladder.
  int speedIndex() const { return speedIndex_; }
  /// Number of rungs on the speed ladder (1/8x, 1/4x, 1/2x, 1x, 2x, 4x, 8x, max).
  static int speedCount();
  /// The rung of 1x real time.
  static int realTimeSpeedIndex();
  /// One rung faster (stays at max).
  void faster();
  /// One rung slower (stays at 1/8x).
  void slower();
  /// Whether the top rung ("max": as many steps as the caller's budget) is selected.
  bool isMaxSpeed() const;
  /// Simulated seconds per wall-clock second: 0.125 ... 8, +inf at max.
  double speedFactor() const;
  /// The speed as shown to the user: "1/8x", "1/4x", "1/2x", "1x", "2x", "4x", "8x" or "max".
  std::string speedLabel() const;

  /// Simulated seconds per env step this clock was made for.
  double secondsPerStep() const { return secondsPerStep_; }
  /// Changes the step duration (e.g. another env); invalid values fall back to 1/60 s.
  void setSecondsPerStep(double secondsPerStep);

  /// Steps to simulate for a display tick that came `elapsedSeconds` after the
  /// previous one. The fractional remainder is carried to the next tick, so at
  /// 1/8x one step is due every 8 step durations. 0 while paused; at max speed
  /// `maxStepsPerTick` (the caller's budget). At most `maxStepsPerTick` otherwise
  /// too: a long stall (a dragged window) does not turn into a burst of catch-up
  /// steps, and the excess is dropped rather than carried. Negative or
  /// non-finite elapsed times count as 0.
  int stepsDue(double elapsedSeconds, int maxStepsPerTick);
  /// Drops the carried fraction (after a seek or an episode restart).
  void resetCarry() { carrySteps_ = 0.0; }

 private:
  double secondsPerStep_;
  int speedIndex_;
  bool paused_ = false;
  double carrySteps_ = 0.0;  // fraction of a step owed from earlier ticks
};

}  // namespace palaestra
