#pragma once

#include <atomic>
// Helpers shared by the commands: opening the store, printing tables and JSON.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "Commands.h"
#include "store/RunStore.h"

namespace palaestra::cli {

/// The store path the user chose, or the default one.
std::string storePath(const CommonOptions& common);
/// Opens the store for reading; a missing file is an error. Reports crashed runs (see below).
std::unique_ptr<RunStore> openExistingStore(const CommonOptions& common);
/// Opens the store for writing, creating it if needed. Reports crashed runs (see below).
std::unique_ptr<RunStore> openStoreForWriting(const CommonOptions& common);
/// Prints one warning line on stderr per run the opening of `store` found crashed.
void reportCrashedRuns(const RunStore& store);
/// Prints rows as an aligned text table with a header.
void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);
/// Prints `object` as one line on stdout (the --json contract: it is the last line).
void printJsonLine(const nlohmann::json& object);
/// A number with a fixed count of decimals.
std::string fixed(double value, int decimals);
/// A wall time (seconds since the epoch) as local "YYYY-MM-DD HH:MM".
std::string formatTime(double epochSeconds);
/// A duration as "1h02m", "4m05s" or "12s".
std::string formatDuration(double seconds);

/// Resets and returns the stop flag a first SIGINT, SIGTERM or SIGHUP sets (a second one exits at
/// once), for commands that stop cleanly between steps (train, league).
const std::atomic<bool>& catchStopSignals();
/// Gives those signals back their default handling.
void releaseStopSignals();
/// 128 + the signal that stopped the command (130 for Ctrl-C), as a shell reports it.
int stoppedExitCode();

}  // namespace palaestra::cli
