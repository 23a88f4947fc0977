#include "train/KeptEpisodeWriter.h"

namespace palaestra {

KeptEpisodeWriter::KeptEpisodeWriter(RunStore* store, int64_t runId)
    : store_(store), runId_(runId) {}

void KeptEpisodeWriter::update(EpisodeKeeper& keeper) {
  if (!store_) return;
  const auto now = std::chrono::steady_clock::now();
  if (lastWrite_ &&
      std::chrono::duration<double>(now - *lastWrite_).count() < kWriteIntervalSeconds)
    return;
  EpisodeKeeper::Changes changes = keeper.takeChanges();
  if (changes.empty()) return;
  lastWrite_ = now;
  write(std::move(changes));
}

std::vector<RunStore::EpisodeTicket> KeptEpisodeWriter::finishInterval(EpisodeKeeper& keeper) {
  EpisodeKeeper::Changes changes = keeper.endInterval();
  if (!store_) return {};
  write(std::move(changes));
  std::vector<RunStore::EpisodeTicket> tickets;
  for (const auto& [serial, ticket] : tickets_) tickets.push_back(ticket);
  tickets_.clear();
  return tickets;
}

void KeptEpisodeWriter::write(EpisodeKeeper::Changes&& changes) {
  for (EpisodeKeeper::Kept& kept : changes.added)
    tickets_[kept.serial] = store_->addTrainingEpisode(runId_, kept.episode);
  for (uint64_t serial : changes.dropped) {
    const auto it = tickets_.find(serial);
    if (it == tickets_.end()) continue;  // unreachable: only this interval's episodes drop
    store_->retractEpisode(it->second);
    tickets_.erase(it);
  }
}

}  // namespace palaestra
