#include "CliSupport.h"

#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>

#include "util/WallClock.h"

namespace palaestra::cli {

std::string storePath(const CommonOptions& common) {
  return common.db.empty() ? RunStore::defaultPath() : common.db;
}

std::unique_ptr<RunStore> openExistingStore(const CommonOptions& common) {
  auto store = std::make_unique<RunStore>(storePath(common), RunStore::OpenMode::OpenExisting);
  reportCrashedRuns(*store);
  return store;
}

std::unique_ptr<RunStore> openStoreForWriting(const CommonOptions& common) {
  auto store = std::make_unique<RunStore>(storePath(common), RunStore::OpenMode::CreateOrOpen);
  reportCrashedRuns(*store);
  return store;
}

void reportCrashedRuns(const RunStore& store) {
  const double now = nowSeconds();
  for (const CrashedRun& run : store.crashedRunsFound())
    std::cerr << "palaestra-cli: warning: " << describeCrashedRun(run, now) << "\n";
}

void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string cell = cells[c];
      if (c + 1 < cells.size()) cell.resize(width[c], ' ');
      out += (c ? "  " : "") + cell;
    }
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void printJsonLine(const nlohmann::json& object) {
  std::cout << object.dump() << std::endl;
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string formatTime(double epochSeconds) {
  const std::time_t t = static_cast<std::time_t>(epochSeconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

namespace {
std::atomic<bool> stopRequested{false};
std::atomic<int> stopSignal{0};  // the signal that asked to stop (0: none)

// The signals that stop a command cleanly: Ctrl-C, kill's default, a closed terminal.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void onStopSignal(int signal) {
  // The first one stops cleanly after the current step (checkpoint, final evaluation, run
  // marked interrupted); a second one exits at once, and the next open of the store finds the
  // run crashed. Only lock-free atomics and _Exit here: both are async-signal-safe.
  int none = 0;
  if (!stopSignal.compare_exchange_strong(none, signal)) std::_Exit(128 + signal);
  stopRequested = true;
}

void handleStopSignals(void (*handler)(int)) {
  for (int signal : kStopSignals) std::signal(signal, handler);
}
}  // namespace

const std::atomic<bool>& catchStopSignals() {
  stopRequested = false;
  stopSignal = 0;
  handleStopSignals(onStopSignal);
  return stopRequested;
}

void releaseStopSignals() {
  handleStopSignals(SIG_DFL);
}

int stoppedExitCode() {
  return 128 + (stopSignal.load() != 0 ? stopSignal.load() : SIGINT);
}

}  // namespace palaestra::cli
