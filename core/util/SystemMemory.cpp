#include "util/SystemMemory.h"

#include <sys/resource.h>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "util/Files.h"

namespace palaestra {

namespace {

constexpr double kUnknown = std::numeric_limits<double>::infinity();

// A "Name:   123 kB" line of /proc/meminfo or /proc/self/status, in bytes.
double procField(const char* file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(name.size() + 1));
    double kib = 0;
    if (fields >> kib) return kib * 1024.0;
  }
  return kUnknown;
}

// The first number in a file ("max" and unreadable files are unknown).
double numberIn(const std::string& file) {
  std::ifstream in(file);
  double value = 0;
  return in >> value ? value : kUnknown;
}

// cgroup v2: memory.max minus memory.current of this process's cgroup.
double cgroupRoom(std::string& source) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) != 0) continue;
    const std::string dir = "/sys/fs/cgroup" + line.substr(3);
    const double max = numberIn(dir + "/memory.max");
    if (std::isinf(max)) return kUnknown;
    const double current = numberIn(dir + "/memory.current");
    source = "its cgroup allows " + formatBytes(max) +
             (std::isinf(current) ? "" : " and " + formatBytes(current) + " are in use");
    return std::isinf(current) ? max : max - current;
  }
  return kUnknown;
}

// Room left under an rlimit given what this process already uses of it.
double rlimitRoom(int resource, double used) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kUnknown;
  return static_cast<double>(limit.rlim_cur) - (std::isinf(used) ? 0.0 : used);
}

}  // namespace

MemoryLimit currentMemoryLimit() {
  MemoryLimit out{kUnknown, "the memory available could not be read"};
  auto consider = [&](double bytes, const std::string& source) {
    if (bytes < out.bytes) out = {std::max(bytes, 0.0), source};
  };
  const double available = procField("/proc/meminfo", "MemAvailable");
  const double total = procField("/proc/meminfo", "MemTotal");
  consider(available, "this machine has " + formatBytes(available) + " available (of " +
                          formatBytes(total) + ")");
  std::string cgroupSource;
  const double cgroup = cgroupRoom(cgroupSource);
  consider(cgroup, cgroupSource);
  const double addressSpace = rlimitRoom(RLIMIT_AS, procField("/proc/self/status", "VmSize"));
  consider(addressSpace, "the address-space limit (ulimit -v) leaves " + formatBytes(addressSpace));
  const double data = rlimitRoom(RLIMIT_DATA, procField("/proc/self/status", "VmData"));
  consider(data, "the data-segment limit (ulimit -d) leaves " + formatBytes(data));
  return out;
}

}  // namespace palaestra
