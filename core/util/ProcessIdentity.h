#pragma once
// Who runs a training run: this process's host name, pid and start token, and
// whether a process recorded that way still lives. The start token (the boot
// id plus the process start time from /proc) defeats pid reuse: a new process
// that got a dead owner's pid started at another time (or in another boot).

#include <cstdint>
#include <string>

namespace palaestra {

/// A process as the run store records it.
struct ProcessIdentity {
  std::string host;  // gethostname()
  int64_t pid = 0;
  std::string started;  // "<boot id>/<start time in clock ticks>", empty where /proc is missing
};

/// This process (computed once).
const ProcessIdentity& thisProcess();

/// The start token of process `pid` on this host, or "" if it cannot be read (no such process,
/// or no /proc).
std::string processStartToken(int64_t pid);

/// Whether the process `pid` with start token `started` still runs on this host. False if no
/// process has the pid, it is a zombie, or it started at another time (a reused pid); true when
/// it cannot be told (no /proc, empty token), so a live run is never taken for dead.
bool processAlive(int64_t pid, const std::string& started);

}  // namespace palaestra
