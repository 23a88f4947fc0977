#include "train/EpisodeKeeper.h"

namespace palaestra {

EpisodeKeeper::EpisodeKeeper(const EpisodeKeepConfig& config, uint64_t seed)
    : config_(config), rng_(seed ^ 0x6b65657065ULL) {}

void EpisodeKeeper::release(std::optional<Held>& held) {
  if (held && held->sampled) sampled_.push_back(std::move(held->episode));
  held.reset();
}

void EpisodeKeeper::offer(EpisodeRecord&& episode) {
  // Draw for every episode so the sample does not depend on which were best or last.
  Held incoming{std::move(episode), rng_.uniform() < config_.sampleRate};
  if (!config_.bestAndLast) {
    std::optional<Held> only(std::move(incoming));
    release(only);
    return;
  }
  // The previous last episode gives up its place; it may still be the best.
  if (last_) {
    if (!best_ || last_->episode.episodeReturn() > best_->episode.episodeReturn()) {
      release(best_);
      best_ = std::move(last_);
      last_.reset();
    } else {
      release(last_);
    }
  }
  last_ = std::move(incoming);
}

std::vector<EpisodeRecord> EpisodeKeeper::takeInterval() {
  std::vector<EpisodeRecord> out;
  // The last episode of the interval may also be its best.
  if (last_ && best_ && last_->episode.episodeReturn() > best_->episode.episodeReturn())
    release(best_);
  if (best_) out.push_back(std::move(best_->episode));
  for (auto& e : sampled_) out.push_back(std::move(e));
  if (last_) out.push_back(std::move(last_->episode));
  best_.reset();
  last_.reset();
  sampled_.clear();
  return out;
}

}  // namespace palaestra
