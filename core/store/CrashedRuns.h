#pragma once
// Finding the runs whose process died: what every open of a run store does
// (see RunStore). A queued or running run is dead when its owner ran on this
// host and that process is gone (or its pid now belongs to another process),
// or when it ran elsewhere, or has no owner recorded (a store written before
// owners were), and its heartbeat is older than the foreign-host timeout.

#include <vector>

#include "store/RunRecords.h"
#include "util/ProcessIdentity.h"

namespace palaestra {

class StoreDatabase;

/// The queued or running runs of `db` that are dead as seen from process `self` at wall time
/// `now` (nothing marked yet).
std::vector<CrashedRun> findCrashedRuns(const StoreDatabase& db, const ProcessIdentity& self,
                                        double now);

/// Marks `runs` crashed in one transaction, each ended at its last heartbeat with the steps of
/// its latest metric (if beyond its stored steps), and only if it is
/// still queued or running with the heartbeat that was judged (a run that showed life since is
/// dropped from `runs`). On a read-only file, or if the write fails, nothing is written and each
/// run says why it is not marked.
void markCrashedRuns(const StoreDatabase& db, std::vector<CrashedRun>& runs);

}  // namespace palaestra
