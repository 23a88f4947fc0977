#include "train/EpisodeKeeper.h"

#include <utility>

namespace palaestra {

EpisodeKeeper::EpisodeKeeper(const EpisodeKeepConfig& config, uint64_t seed, int returnSlot)
    : config_(config), rng_(seed ^ 0x6b65657065ULL), returnSlot_(returnSlot) {}

double EpisodeKeeper::returnOf(const EpisodeRecord& e) const {
  return static_cast<size_t>(returnSlot_) < e.slotReturns.size() ? e.slotReturns[returnSlot_] : 0.0;
}

void EpisodeKeeper::release(std::optional<Held>& held) {
  if (!held) return;
  if (held->sampled) {
    if (!held->added) pending_.added.push_back({held->serial, std::move(held->episode)});
  } else if (held->added) {
    pending_.dropped.push_back(held->serial);
  }
  held.reset();
}

void EpisodeKeeper::offer(EpisodeRecord&& episode) {
  // Draw for every episode so the sample does not depend on which were best or last.
  const bool sampled = rng_.uniform() < config_.sampleRate;
  Held incoming{nextSerial_++, std::move(episode), sampled};
  if (!config_.bestAndLast) {
    std::optional<Held> only(std::move(incoming));
    release(only);
    return;
  }
  // The previous last episode gives up its place; it may still be the best.
  if (last_) {
    if (!best_ || returnOf(last_->episode) > returnOf(best_->episode)) {
      release(best_);
      best_ = std::move(last_);
      last_.reset();
    } else {
      release(last_);
    }
  }
  last_ = std::move(incoming);
}

EpisodeKeeper::Changes EpisodeKeeper::takeChanges() {
  // Best before last, as the store lists the interval's episodes.
  for (std::optional<Held>* held : {&best_, &last_}) {
    if (*held && !(*held)->added) {
      pending_.added.push_back({(*held)->serial, (*held)->episode});
      (*held)->added = true;
    }
  }
  return std::exchange(pending_, Changes{});
}

EpisodeKeeper::Changes EpisodeKeeper::endInterval() {
  // The last episode of the interval may also be its best.
  if (last_ && best_ && returnOf(last_->episode) > returnOf(best_->episode))
    release(best_);
  Changes changes = takeChanges();
  best_.reset();
  last_.reset();
  return changes;
}

}  // namespace palaestra
