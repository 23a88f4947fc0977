#include "widgets/PlaybackClock.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace palaestra {

namespace {

constexpr double kDefaultSecondsPerStep = 1.0 / 60.0;
constexpr int kRealTimeIndex = 3;

struct SpeedRung {
  double factor;
  const char* label;
};

// The last rung is "max": its factor is unused (speedFactor reports +inf).
constexpr std::array<SpeedRung, 8> kLadder{{{0.125, "1/8x"},
                                            {0.25, "1/4x"},
                                            {0.5, "1/2x"},
                                            {1.0, "1x"},
                                            {2.0, "2x"},
                                            {4.0, "4x"},
                                            {8.0, "8x"},
                                            {0.0, "max"}}};

double validStepDuration(double secondsPerStep) {
  return (std::isfinite(secondsPerStep) && secondsPerStep > 0.0) ? secondsPerStep
                                                                 : kDefaultSecondsPerStep;
}

}  // namespace

PlaybackClock::PlaybackClock(double secondsPerStep)
    : secondsPerStep_(validStepDuration(secondsPerStep)), speedIndex_(kRealTimeIndex) {}

void PlaybackClock::setPaused(bool paused) {
  if (paused_ && !paused) carrySteps_ = 0.0;
  paused_ = paused;
}

void PlaybackClock::setSpeedIndex(int index) {
  speedIndex_ = std::clamp(index, 0, speedCount() - 1);
}

int PlaybackClock::speedCount() { return static_cast<int>(kLadder.size()); }

int PlaybackClock::realTimeSpeedIndex() { return kRealTimeIndex; }

void PlaybackClock::faster() { setSpeedIndex(speedIndex_ + 1); }

void PlaybackClock::slower() { setSpeedIndex(speedIndex_ - 1); }

bool PlaybackClock::isMaxSpeed() const { return speedIndex_ == speedCount() - 1; }

double PlaybackClock::speedFactor() const {
  if (isMaxSpeed()) return std::numeric_limits<double>::infinity();
  return kLadder[static_cast<size_t>(speedIndex_)].factor;
}

std::string PlaybackClock::speedLabel() const {
  return kLadder[static_cast<size_t>(speedIndex_)].label;
}

void PlaybackClock::setSecondsPerStep(double secondsPerStep) {
  secondsPerStep_ = validStepDuration(secondsPerStep);
  carrySteps_ = 0.0;
}

int PlaybackClock::stepsDue(double elapsedSeconds, int maxStepsPerTick) {
  const int budget = std::max(0, maxStepsPerTick);
  if (paused_) return 0;
  if (isMaxSpeed()) return budget;
  const double elapsed =
      (std::isfinite(elapsedSeconds) && elapsedSeconds > 0.0) ? elapsedSeconds : 0.0;
  const double owed = carrySteps_ + elapsed * speedFactor() / secondsPerStep_;
  // A tiny epsilon so that 8 ticks of exactly 1/8 step add up to a whole step
  // despite binary rounding.
  const double whole = std::floor(owed + 1e-9);
  if (whole >= static_cast<double>(budget)) {
    carrySteps_ = 0.0;
    return budget;
  }
  carrySteps_ = std::max(0.0, owed - whole);
  return static_cast<int>(whole);
}

}  // namespace palaestra
