#pragma once
// The heartbeat of the runs a store owns: a small thread that refreshes their
// heartbeat_at every heartbeatIntervalMs while any is queued or running (a
// paused run included), so another host can tell a live run from a dead one.
// It runs off the training threads and sleeps while the store owns no run.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>

namespace palaestra {

class StoreDatabase;

class RunHeartbeat {
 public:
  /// Heartbeats into `db` (which must outlive it) for this process.
  explicit RunHeartbeat(const StoreDatabase& db);
  /// Stops the thread.
  ~RunHeartbeat();
  RunHeartbeat(const RunHeartbeat&) = delete;
  RunHeartbeat& operator=(const RunHeartbeat&) = delete;

  /// Starts heartbeating run `runId` (this process was just recorded as its owner).
  void own(int64_t runId);
  /// Stops heartbeating run `runId` (it ended or was deleted).
  void release(int64_t runId);

 private:
  void loop();

  const StoreDatabase& db_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::set<int64_t> owned_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace palaestra
