#pragma once
// The run store's writer thread. Metrics and episodes queued by the training
// threads are committed in batched transactions: the writer wakes on the first
// queued item and commits within batchIntervalMs (sooner when batchMaxItems
// are queued or flush() asks); enqueueing blocks beyond maxQueuedItems.
// Episodes are compressed on this thread, outside the database lock.
//
// Training episodes may be queued with a ticket: such an episode can be
// retracted later (deleted if written, never written if still queued) or have
// its row id taken to link it to a checkpoint. Within a batch, episodes are
// inserted before retractions are applied, so order across batches holds.
//
// A failed batch is rolled back and the writer stops for good, keeping the
// error: every later enqueue, flush() or throwIfFailed() throws StoreError with
// it (later batches could depend on the lost one, and the caller must learn of
// the loss). Everything committed before stays in the file.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/RunRecords.h"

namespace palaestra {

class StoreDatabase;

class StoreWriter {
 public:
  /// A metric point waiting to be committed.
  struct QueuedMetric {
    int64_t runId;
    MetricPoint point;
  };
  /// A curriculum event waiting to be committed.
  struct QueuedCurriculumEvent {
    int64_t runId;
    CurriculumEvent event;
  };
  /// An episode waiting to be encoded and committed.
  struct QueuedEpisode {
    int64_t runId;
    std::optional<int64_t> checkpointId;
    EpisodeKind kind;
    double createdAt;
    EpisodeRecord record;
    std::optional<uint64_t> ticket = std::nullopt;  // set by enqueueTicketedEpisode
  };

  /// A writer committing into `db` (which must outlive it); its thread starts at the first item.
  explicit StoreWriter(const StoreDatabase& db);
  /// Stops the thread after committing what is queued (errors are kept, not thrown).
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  /// Queues one metric point; throws StoreError if the writer failed.
  void enqueueMetric(int64_t runId, MetricPoint point);
  /// Queues one curriculum event; throws StoreError if the writer failed.
  void enqueueCurriculumEvent(int64_t runId, CurriculumEvent event);
  /// Queues one episode; throws StoreError if the writer failed.
  void enqueueEpisode(QueuedEpisode episode);
  /// Queues one episode under a new ticket, which it returns; throws StoreError if the writer
  /// failed.
  uint64_t enqueueTicketedEpisode(QueuedEpisode episode);
  /// Queues the removal of a ticketed episode; throws std::invalid_argument for a ticket not
  /// issued, already retracted or taken.
  void retract(uint64_t ticket);
  /// Row ids of committed ticketed episodes (call flush() first); the tickets are used up.
  /// Throws std::invalid_argument for a ticket not issued, retracted, taken or not yet committed.
  std::vector<int64_t> takeRowIds(const std::vector<uint64_t>& tickets);
  /// Blocks until everything queued so far is committed; throws StoreError if the writer failed.
  void flush();
  /// Throws StoreError with the writer's error if a batch failed.
  void throwIfFailed() const;

 private:
  struct TicketState {
    std::optional<int64_t> rowId;  // once committed
    bool retracted = false;
  };
  size_t queuedLocked() const {
    return metricQueue_.size() + curriculumQueue_.size() + episodeQueue_.size() +
           retractQueue_.size();
  }
  void throwIfFailedLocked() const;
  void beforeEnqueueLocked(std::unique_lock<std::mutex>& lock);
  void afterEnqueueLocked();
  void writerLoop();
  std::string commitBatch(const std::vector<QueuedMetric>& metrics,
                          const std::vector<QueuedCurriculumEvent>& curriculumEvents,
                          const std::vector<QueuedEpisode>& episodes,
                          const std::vector<uint64_t>& retractions);

  const StoreDatabase& db_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wakeWriter_;
  std::condition_variable batchDone_;
  std::vector<QueuedMetric> metricQueue_;
  std::vector<QueuedCurriculumEvent> curriculumQueue_;
  std::vector<QueuedEpisode> episodeQueue_;
  std::vector<uint64_t> retractQueue_;
  std::unordered_map<uint64_t, TicketState> tickets_;
  uint64_t nextTicket_ = 1;
  uint64_t enqueued_ = 0;   // items ever enqueued
  uint64_t committed_ = 0;  // items ever committed (a prefix of the enqueued ones)
  bool flushRequested_ = false;
  bool stopping_ = false;
  std::string error_;
  std::thread thread_;
};

}  // namespace palaestra
