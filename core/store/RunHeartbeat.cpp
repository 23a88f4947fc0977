#include "store/RunHeartbeat.h"

#include <chrono>
#include <vector>

#include "store/StoreDatabase.h"
#include "util/ProcessIdentity.h"
#include "util/WallClock.h"

namespace palaestra {

RunHeartbeat::RunHeartbeat(const StoreDatabase& db) : db_(db) {}

RunHeartbeat::~RunHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RunHeartbeat::own(int64_t runId) {
  std::lock_guard lock(mutex_);
  owned_.insert(runId);
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void RunHeartbeat::release(int64_t runId) {
  std::lock_guard lock(mutex_);
  owned_.erase(runId);
}

void RunHeartbeat::loop() {
  const auto interval = std::chrono::milliseconds(db_.options().heartbeatIntervalMs);
  const ProcessIdentity& self = thisProcess();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, interval, [&] { return stopping_; });
    if (stopping_) return;
    if (owned_.empty()) continue;
    const std::vector<int64_t> runs(owned_.begin(), owned_.end());
    lock.unlock();
    try {
      db_.transact("refreshing run heartbeats", [&](SqliteConnection& c) {
        // Only while this process still owns the run: one that another process
        // resumed, or that ended, keeps what its owner wrote.
        SqliteStatement s(c,
                          "UPDATE runs SET heartbeat_at = ?2 WHERE id = ?1"
                          " AND status IN ('queued', 'running') AND owner_host IS ?3"
                          " AND owner_pid = ?4 AND owner_started IS ?5");
        const double now = nowSeconds();
        for (int64_t run : runs) {
          s.reset();
          s.bind(1, run);
          s.bind(2, now);
          s.bind(3, self.host);
          s.bind(4, self.pid);
          s.bind(5, self.started);
          s.run();
        }
      });
    } catch (const std::exception&) {
      // A missed heartbeat only matters to another host judging the run after
      // foreignHeartbeatTimeoutSeconds (on this host the process itself is
      // checked); the next beat retries, and the store's write paths report
      // the underlying problem (disk full, lock) themselves.
    }
    lock.lock();
  }
}

}  // namespace palaestra
