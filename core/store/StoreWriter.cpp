#include "store/StoreWriter.h"

#include <chrono>
#include <stdexcept>
#include <unordered_set>

#include "store/StoreDatabase.h"
#include "store/StoreRows.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

constexpr const char* kInsertCurriculumEventSql =
    "INSERT INTO curriculum_events (run_id, step, wall_time, kind, env_index, episode_index,"
    " data_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kInsertMetricSql =
    "INSERT INTO metrics (run_id, step, wall_time, name, value) VALUES (?1, ?2, ?3, ?4, ?5)";

}  // namespace

StoreWriter::StoreWriter(const StoreDatabase& db) : db_(db) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wakeWriter_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::throwIfFailedLocked() const {
  if (!error_.empty()) throw StoreError(error_);
}

void StoreWriter::throwIfFailed() const {
  std::lock_guard lock(mutex_);
  throwIfFailedLocked();
}

// Called with mutex_ held: waits while the queue is full, starts the thread.
void StoreWriter::beforeEnqueueLocked(std::unique_lock<std::mutex>& lock) {
  throwIfFailedLocked();
  const size_t maxQueued = static_cast<size_t>(db_.options().maxQueuedItems);
  if (queuedLocked() >= maxQueued) {
    flushRequested_ = true;
    wakeWriter_.notify_one();
    batchDone_.wait(lock, [&] { return queuedLocked() < maxQueued || !error_.empty(); });
    throwIfFailedLocked();
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { writerLoop(); });
}

void StoreWriter::afterEnqueueLocked() {
  ++enqueued_;
  // The first queued item starts the writer's batch interval; a full batch cuts it short. Without
  // the first wake-up, a trickle of items (a checkpoint's eval episodes) waited for the next full
  // batch instead of being committed within batchIntervalMs.
  const size_t queued = queuedLocked();
  if (queued == 1 || queued >= static_cast<size_t>(db_.options().batchMaxItems))
    wakeWriter_.notify_one();
}

void StoreWriter::enqueueMetric(int64_t runId, MetricPoint point) {
  std::unique_lock lock(mutex_);
  beforeEnqueueLocked(lock);
  metricQueue_.push_back({runId, std::move(point)});
  afterEnqueueLocked();
}

void StoreWriter::enqueueCurriculumEvent(int64_t runId, CurriculumEvent event) {
  std::unique_lock lock(mutex_);
  beforeEnqueueLocked(lock);
  curriculumQueue_.push_back({runId, std::move(event)});
  afterEnqueueLocked();
}

void StoreWriter::enqueueEpisode(QueuedEpisode episode) {
  std::unique_lock lock(mutex_);
  beforeEnqueueLocked(lock);
  episodeQueue_.push_back(std::move(episode));
  afterEnqueueLocked();
}

uint64_t StoreWriter::enqueueTicketedEpisode(QueuedEpisode episode) {
  std::unique_lock lock(mutex_);
  beforeEnqueueLocked(lock);
  const uint64_t ticket = nextTicket_++;
  tickets_[ticket] = {};
  episode.ticket = ticket;
  episodeQueue_.push_back(std::move(episode));
  afterEnqueueLocked();
  return ticket;
}

void StoreWriter::retract(uint64_t ticket) {
  std::unique_lock lock(mutex_);
  const auto it = tickets_.find(ticket);
  if (it == tickets_.end() || it->second.retracted)
    throw std::invalid_argument("episode ticket " + std::to_string(ticket) +
                                " was not issued or is already retracted or linked");
  beforeEnqueueLocked(lock);
  it->second.retracted = true;
  retractQueue_.push_back(ticket);
  afterEnqueueLocked();
}

std::vector<int64_t> StoreWriter::takeRowIds(const std::vector<uint64_t>& tickets) {
  std::lock_guard lock(mutex_);
  std::vector<int64_t> ids;
  for (uint64_t ticket : tickets) {
    const auto it = tickets_.find(ticket);
    if (it == tickets_.end() || it->second.retracted || !it->second.rowId)
      throw std::invalid_argument("episode ticket " + std::to_string(ticket) +
                                  " was not issued, is retracted or linked, or is not committed");
    ids.push_back(*it->second.rowId);
  }
  for (uint64_t ticket : tickets) tickets_.erase(ticket);
  return ids;
}

void StoreWriter::flush() {
  std::unique_lock lock(mutex_);
  throwIfFailedLocked();
  const uint64_t target = enqueued_;
  if (committed_ >= target) return;
  flushRequested_ = true;
  wakeWriter_.notify_one();
  batchDone_.wait(lock, [&] { return committed_ >= target || !error_.empty(); });
  throwIfFailedLocked();
}

void StoreWriter::writerLoop() {
  const auto interval = std::chrono::milliseconds(db_.options().batchIntervalMs);
  const size_t batchMax = static_cast<size_t>(db_.options().batchMaxItems);
  std::unique_lock lock(mutex_);
  for (;;) {
    wakeWriter_.wait(lock, [&] { return stopping_ || flushRequested_ || queuedLocked() > 0; });
    // Gather a batch: wait up to one interval unless asked to hurry.
    if (!stopping_ && !flushRequested_) {
      wakeWriter_.wait_for(lock, interval, [&] {
        return stopping_ || flushRequested_ || queuedLocked() >= batchMax;
      });
    }
    flushRequested_ = false;
    if (queuedLocked() == 0) {
      batchDone_.notify_all();
      if (stopping_) return;
      continue;
    }
    std::vector<QueuedMetric> metrics;
    std::vector<QueuedCurriculumEvent> curriculumEvents;
    std::vector<QueuedEpisode> episodes;
    std::vector<uint64_t> retractions;
    metrics.swap(metricQueue_);
    curriculumEvents.swap(curriculumQueue_);
    episodes.swap(episodeQueue_);
    retractions.swap(retractQueue_);
    const uint64_t upTo = enqueued_;
    lock.unlock();
    std::string error = commitBatch(metrics, curriculumEvents, episodes, retractions);
    lock.lock();
    if (!error.empty()) {
      // Stop for good: later batches could depend on this one (e.g. ordering
      // of a run's metrics), and the caller must learn of the loss.
      error_ = std::move(error);
      metricQueue_.clear();
      curriculumQueue_.clear();
      episodeQueue_.clear();
      retractQueue_.clear();
      batchDone_.notify_all();
      return;
    }
    committed_ = upTo;
    batchDone_.notify_all();
  }
}

// Writes one batch in one transaction; returns an error message, or "" on success.
std::string StoreWriter::commitBatch(const std::vector<QueuedMetric>& metrics,
                                     const std::vector<QueuedCurriculumEvent>& curriculumEvents,
                                     const std::vector<QueuedEpisode>& episodes,
                                     const std::vector<uint64_t>& retractions) {
  std::string doing;
  for (const auto& [queued, what] : {std::pair{!metrics.empty(), "metrics"},
                                     {!curriculumEvents.empty(), "curriculum events"},
                                     {!episodes.empty() || !retractions.empty(), "episodes"}})
    if (queued) doing += (doing.empty() ? "writing " : " and ") + std::string(what);
  if (doing.empty()) doing = "writing";
  auto failure = [&](const std::exception& e) {
    return "run store " + db_.path() + ": error while " + doing + " (" + e.what() + ")";
  };
  // An episode retracted before it was written is simply never written; the
  // others retracted were committed by an earlier batch and are deleted by id.
  const std::unordered_set<uint64_t> retracted(retractions.begin(), retractions.end());
  std::vector<int64_t> deleteIds;
  {
    std::lock_guard lock(mutex_);
    for (uint64_t ticket : retractions) {
      const auto it = tickets_.find(ticket);
      if (it != tickets_.end() && it->second.rowId) deleteIds.push_back(*it->second.rowId);
    }
  }
  // Compress outside the database lock: readers need not wait for zstd.
  std::vector<EpisodeRow> rows;
  std::vector<std::optional<uint64_t>> rowTickets;
  try {
    rows.reserve(episodes.size());
    for (const QueuedEpisode& e : episodes) {
      if (e.ticket && retracted.count(*e.ticket)) continue;
      rows.push_back(makeEpisodeRow(e.runId, e.checkpointId, e.kind, e.createdAt, e.record,
                                    db_.options().compressionLevel));
      rowTickets.push_back(e.ticket);
    }
  } catch (const std::exception& e) {
    return failure(e);
  }
  std::vector<std::pair<uint64_t, int64_t>> committedTickets;
  try {
    db_.transact(doing, [&](SqliteConnection& db) {
      if (!metrics.empty()) {
        SqliteStatement insert(db, kInsertMetricSql);
        for (const QueuedMetric& m : metrics) {
          insert.reset();
          insert.bind(1, m.runId);
          insert.bind(2, m.point.step);
          insert.bind(3, m.point.wallTime);
          insert.bind(4, m.point.name);
          insert.bind(5, m.point.value);
          insert.run();
        }
      }
      if (!curriculumEvents.empty()) {
        SqliteStatement insert(db, kInsertCurriculumEventSql);
        for (const QueuedCurriculumEvent& q : curriculumEvents) {
          const CurriculumEvent& e = q.event;
          insert.reset();
          insert.bind(1, q.runId);
          insert.bind(2, e.step);
          insert.bind(3, e.wallTime);
          insert.bind(4, curriculumEventKindName(e.kind));
          insert.bind(5, static_cast<int64_t>(e.env));
          insert.bind(6, e.episode);
          insert.bind(7, e.dataJson);
          insert.run();
        }
      }
      if (!rows.empty()) {
        SqliteStatement insert(db, kInsertEpisodeSql);
        for (size_t i = 0; i < rows.size(); ++i) {
          insertEpisode(insert, rows[i]);
          if (rowTickets[i]) committedTickets.emplace_back(*rowTickets[i], db.lastInsertId());
        }
      }
      if (!deleteIds.empty()) {
        SqliteStatement remove(db, "DELETE FROM episodes WHERE id = ?1");
        for (int64_t id : deleteIds) {
          remove.reset();
          remove.bind(1, id);
          remove.run();
        }
      }
    });
  } catch (const StoreError& e) {
    return e.what();  // already names the file and what failed
  } catch (const std::exception& e) {
    return failure(e);
  }
  std::lock_guard lock(mutex_);
  for (const auto& [ticket, rowId] : committedTickets) {
    const auto it = tickets_.find(ticket);
    if (it != tickets_.end()) it->second.rowId = rowId;
  }
  for (uint64_t ticket : retractions) tickets_.erase(ticket);
  return {};
}

}  // namespace palaestra
