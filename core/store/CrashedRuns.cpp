#include "store/CrashedRuns.h"

#include <cmath>
#include <string>

#include "store/StoreDatabase.h"
#include "util/Errors.h"

namespace palaestra {

namespace {

std::string seconds(double value) {
  return std::to_string(std::lround(value)) + " s";
}

}  // namespace

std::vector<CrashedRun> findCrashedRuns(const StoreDatabase& db, const ProcessIdentity& self,
                                        double now) {
  const double timeout = db.options().foreignHeartbeatTimeoutSeconds;
  return db.run("looking for crashed runs", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "SELECT id, name, status, owner_host, owner_pid, owner_started, heartbeat_at"
                      " FROM runs WHERE status IN ('queued', 'running') ORDER BY id");
    std::vector<CrashedRun> crashed;
    while (s.step()) {
      CrashedRun run;
      run.runId = s.columnInt(0);
      run.name = s.columnText(1);
      run.previousStatus = runStatusFromName(s.columnText(2));
      const bool hasOwner = !s.isNull(3);
      const std::string host = s.columnText(3);
      const int64_t pid = s.columnInt(4);
      const std::string started = s.columnText(5);
      run.lastHeartbeat = s.columnOptionalDouble(6);
      const double silence = run.lastHeartbeat ? now - *run.lastHeartbeat : INFINITY;
      if (hasOwner && host == self.host) {
        if (processAlive(pid, started)) continue;
        run.why = "its process " + std::to_string(pid) + " on this host is gone";
      } else if (silence > timeout) {
        run.why = hasOwner ? "its process " + std::to_string(pid) + " on host " + host +
                                 " sent no heartbeat for " + seconds(silence) + " (limit " +
                                 seconds(timeout) + ")"
                           : "it has no owner recorded (an older Palaestra ran it) and showed no "
                             "sign of life for over " +
                                 seconds(timeout);
      } else {
        continue;
      }
      crashed.push_back(std::move(run));
    }
    return crashed;
  });
}

void markCrashedRuns(const StoreDatabase& db, std::vector<CrashedRun>& runs) {
  if (runs.empty()) return;
  if (db.readOnly()) {
    for (CrashedRun& run : runs) run.notMarkedBecause = "the store file is read-only";
    return;
  }
  std::vector<bool> stillDead(runs.size(), false);
  try {
    db.transact("marking crashed runs", [&](SqliteConnection& c) {
      // The heartbeat judged must be the one still stored: a run that showed
      // life since (or was ended or marked by someone else) is left alone. Its
      // steps are only written at checkpoints; its metrics tell how far it got.
      SqliteStatement s(
          c,
          "UPDATE runs SET status = 'crashed',"
          " ended_at = COALESCE(heartbeat_at, started_at, created_at),"
          " steps = max(steps, COALESCE((SELECT max(step) FROM metrics WHERE run_id = ?1), 0))"
          " WHERE id = ?1 AND status IN ('queued', 'running') AND heartbeat_at IS ?2");
      for (size_t i = 0; i < runs.size(); ++i) {
        s.reset();
        s.bind(1, runs[i].runId);
        s.bind(2, runs[i].lastHeartbeat);
        s.run();
        stillDead[i] = c.changes() > 0;
      }
    });
  } catch (const StoreError& e) {
    for (CrashedRun& run : runs) run.notMarkedBecause = e.what();
    return;
  }
  std::vector<CrashedRun> marked;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!stillDead[i]) continue;
    runs[i].marked = true;
    marked.push_back(std::move(runs[i]));
  }
  runs = std::move(marked);
}

}  // namespace palaestra
