#include "replay/ReplayCursor.h"

#include <algorithm>

#include "replay/ReplayHashChecker.h"
#include "util/Errors.h"

namespace palaestra {

ReplayCursor::ReplayCursor(EnvPtr env, std::shared_ptr<const EpisodeRecord> record)
    : env_(std::move(env)), record_(std::move(record)) {
  const ReplayHashChecker fits(*env_, *record_);
  if (!fits.problem().empty()) throw ConfigError(fits.problem());
  rewards_.resize(static_cast<size_t>(env_->spec().numAgents));
  env_->reset(record_->seed, record_->task);
  snapshots_.push_back(env_->snapshot());
}

int ReplayCursor::seek(int frame) {
  frame = std::clamp(frame, 0, record_->length);
  if (frame < frame_) {
    // Back to the last snapshot at or before the frame (frame 0's is always there).
    const size_t k = std::min(snapshots_.size() - 1, static_cast<size_t>(frame / kSnapshotEvery));
    env_->restore(snapshots_[k]);
    frame_ = static_cast<int>(k) * kSnapshotEvery;
    ended_ = false;
  }
  while (frame_ < frame && !ended_) {
    const float* actions =
        record_->actions.data() + static_cast<size_t>(frame_) * record_->actionSize;
    const StepStatus status = env_->step(actions, rewards_.data());
    ++frame_;
    ++stepsSimulated_;
    ended_ = status.terminated || status.truncated;
    // Snapshots are taken in order, the first time each multiple of kSnapshotEvery is reached.
    if (frame_ % kSnapshotEvery == 0 &&
        static_cast<size_t>(frame_ / kSnapshotEvery) == snapshots_.size())
      snapshots_.push_back(env_->snapshot());
  }
  return frame_;
}

}  // namespace palaestra
