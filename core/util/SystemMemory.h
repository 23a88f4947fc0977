#pragma once
// How much memory this process may use: the least of what the machine has
// available, what its cgroup allows (containers, systemd slices) and what the
// address-space and data limits (`ulimit -v`, `ulimit -d`) leave. Read from
// /proc and /sys at each call (cheap: a few small files), Linux only.

#include <string>

namespace palaestra {

struct MemoryLimit {
  double bytes = 0;    // usable bytes (infinity when nothing could be read)
  std::string source;  // for messages, e.g. "this machine has 21.3 GiB available (of 23.4 GiB)"
};

/// The tightest of the machine's available memory, the cgroup limit and the rlimits.
MemoryLimit currentMemoryLimit();

}  // namespace palaestra
