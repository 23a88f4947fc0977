#include "store/MetricsCsv.h"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "store/RunStore.h"
#include "util/Errors.h"
#include "util/Files.h"

namespace palaestra {

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, inner quotes doubled.
void writeCsvField(std::ostream& out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

}  // namespace

void writeMetricsCsv(std::ostream& out, const std::vector<MetricPoint>& points,
                     const std::string& pathForMessages) {
  out << kMetricsCsvHeader << "\n";
  out.precision(17);
  for (const MetricPoint& p : points) {
    out << p.step << "," << p.wallTime << ",";
    writeCsvField(out, p.name);
    out << ",";
    if (!std::isnan(p.value)) out << p.value;
    out << "\n";
    if (!out) break;
  }
  out.flush();
  if (!out) throw StoreError("writing CSV file '" + pathForMessages + "' failed (disk full?)");
}

size_t exportMetricsCsv(const RunStore& store, int64_t runId, const std::string& path) {
  if (path.empty()) throw ConfigError("no CSV file name given");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError("cannot write CSV file '" + path + "': it is a directory");

  store.getRun(runId);  // NotFoundError before any file is touched
  const std::vector<MetricPoint> points = store.metrics(runId);
  std::ostringstream csv;
  writeMetricsCsv(csv, points, path);
  try {
    writeFileReplacing(path, csv.view());
  } catch (const FileWriteError& e) {
    if (e.stage() == FileWriteError::Stage::Open)
      throw ConfigError("cannot write CSV file '" + path + "': it " + e.what());
    throw StoreError("writing CSV file '" + path + "' failed: " + e.what());
  }
  return points.size();
}

}  // namespace palaestra
