#include "util/ProcessIdentity.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

namespace palaestra {

namespace {

std::string readFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Fields of /proc/PID/stat after the command name, which is in parentheses and
// may itself hold spaces and parentheses: state is field 3, starttime field 22.
struct ProcStat {
  char state = '?';
  std::string startTicks;
};

bool readProcStat(int64_t pid, ProcStat& out) {
  const std::string text = readFirstLine("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 3) out.state = field.empty() ? '?' : field[0];
    if (index == 22) {
      out.startTicks = field;
      return true;
    }
  }
  return false;
}

std::string bootId() {
  static const std::string id = readFirstLine("/proc/sys/kernel/random/boot_id");
  return id;
}

}  // namespace

std::string processStartToken(int64_t pid) {
  ProcStat stat;
  if (!readProcStat(pid, stat) || bootId().empty()) return {};
  return bootId() + "/" + stat.startTicks;
}

const ProcessIdentity& thisProcess() {
  static const ProcessIdentity self = [] {
    ProcessIdentity p;
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) == 0) p.host = host;
    p.pid = getpid();
    p.started = processStartToken(p.pid);
    return p;
  }();
  return self;
}

bool processAlive(int64_t pid, const std::string& started) {
  if (pid <= 0 || pid > INT_MAX) return false;
  // Signal 0 checks existence only; EPERM means it exists but belongs to someone else.
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  ProcStat stat;
  if (!readProcStat(pid, stat)) return true;  // cannot tell: assume alive
  // A killed process not yet reaped by its parent is a zombie: it will never run again.
  if (stat.state == 'Z' || stat.state == 'X') return false;
  if (started.empty() || bootId().empty()) return true;
  return started == bootId() + "/" + stat.startTicks;
}

}  // namespace palaestra
