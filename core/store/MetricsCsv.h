#pragma once
// A run's metric time series as CSV: the one format shared by `palaestra-cli
// export --csv` and the desktop app's "Export metrics".
//
// Format: a header "step,wall_time,name,value", then one row per point in the
// store's order (name, then step). wall_time is seconds since the Unix epoch;
// numbers carry 17 significant digits so they read back bit-exact; a NaN value
// is an empty field. A name holding a comma, quote or line break is quoted as
// RFC 4180 says (the store's own names never need it).

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "store/RunRecords.h"

namespace palaestra {

class RunStore;

/// The CSV header line (without the line break).
inline constexpr const char* kMetricsCsvHeader = "step,wall_time,name,value";

/// Writes the header and `points` to `out`. Throws StoreError naming `pathForMessages`
/// when the stream fails (disk full, I/O error).
void writeMetricsCsv(std::ostream& out, const std::vector<MetricPoint>& points,
                     const std::string& pathForMessages);

/// Writes every metric point of run `runId` to the file `path` and returns the row count.
/// The file appears only complete: rows go to a temporary file in the same directory that
/// replaces `path` on success and is removed on failure, so an existing file is never left
/// half-written; a device or pipe (/dev/stdout) is written in place, never replaced. Throws
/// NotFoundError for an unknown run, ConfigError when the file cannot be created (missing
/// directory, no permission, empty path, a directory), StoreError when writing fails (disk full) or
/// the store cannot be read.
size_t exportMetricsCsv(const RunStore& store, int64_t runId, const std::string& path);

}  // namespace palaestra
