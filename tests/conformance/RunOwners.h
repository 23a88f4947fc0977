#pragma once
// Run owners for the crash-consistency tests: live and dead processes of this
// host (real child processes), and setting a stored run's owner and heartbeat
// directly in the file, as another process would have left them.

#include <QProcess>
#include <QtTest>

#include <optional>
#include <string>

#include "store/RunRecords.h"
#include "store/Sqlite.h"
#include "util/ProcessIdentity.h"

namespace palaestra::testing {

/// Starts `sleep 600` in `child` and returns its identity (host, pid, start token).
inline ProcessIdentity startLiveProcess(QProcess& child) {
  child.start("sleep", {"600"});
  if (!child.waitForStarted()) return {};
  const int64_t pid = child.processId();
  return {thisProcess().host, pid, processStartToken(pid)};
}

/// The identity of a process of this host that has ended (started, killed and reaped).
inline ProcessIdentity deadProcess() {
  QProcess child;
  const ProcessIdentity identity = startLiveProcess(child);
  child.kill();
  child.waitForFinished();
  return identity;
}

/// Sets run `runId` of the store at `path` to `status`, owned by `owner` with `heartbeatAt`.
inline void setRunOwner(const std::string& path, int64_t runId, RunStatus status,
                        const ProcessIdentity& owner, std::optional<double> heartbeatAt) {
  SqliteConnection db(path, SQLITE_OPEN_READWRITE);
  SqliteStatement s(db,
                    "UPDATE runs SET status = ?2, owner_host = ?3, owner_pid = ?4,"
                    " owner_started = ?5, heartbeat_at = ?6 WHERE id = ?1");
  s.bind(1, runId);
  s.bind(2, runStatusName(status));
  s.bind(3, owner.host);
  s.bind(4, owner.pid);
  s.bind(5, owner.started);
  s.bind(6, heartbeatAt);
  s.run();
}

}  // namespace palaestra::testing
