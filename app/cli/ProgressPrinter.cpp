#include "ProgressPrinter.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "CliSupport.h"

namespace palaestra::cli {

ProgressPrinter::ProgressPrinter(bool isTerminal) : isTerminal_(isTerminal) {}

void ProgressPrinter::finish() {
  if (lineOpen_) std::fputc('\n', stderr);
  lineOpen_ = false;
}

static std::string humanCount(double n) {
  char buf[32];
  if (n >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

void ProgressPrinter::onProgress(const TrainingProgress& p) {
  const auto now = std::chrono::steady_clock::now();
  const double sinceLast = std::chrono::duration<double>(now - lastPrint_).count();
  if (sinceLast < (isTerminal_ ? 0.25 : 10.0)) return;
  lastPrint_ = now;
  char line[256];
  std::snprintf(line, sizeof line,
                "steps %s  %s/s  episodes %lld  return %s  eval %s (best %s)  %3.0f%%  ETA %s",
                humanCount(double(p.steps)).c_str(), humanCount(p.stepsPerSecond).c_str(),
                static_cast<long long>(p.episodes), fixed(p.recentReturn, 1).c_str(),
                fixed(p.lastEvalReturn, 1).c_str(), fixed(p.bestEvalReturn, 1).c_str(),
                100.0 * p.fractionDone, formatDuration(p.etaSeconds).c_str());
  if (isTerminal_) {
    std::fprintf(stderr, "\r\033[K%s", line);
    lineOpen_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

void ProgressPrinter::onEvaluation(uint64_t step, const EvalResult& r) {
  finish();
  std::fprintf(stderr,
               "eval at %s steps: mean return %.1f +- %.1f, median %.1f over %zu episodes, "
               "fell %.0f%%, success %.0f%%\n",
               humanCount(double(step)).c_str(), r.meanReturn, r.stdReturn, r.medianReturn,
               r.episodes.size(), 100.0 * r.fallRate, 100.0 * r.successRate);
  std::fflush(stderr);
}

}  // namespace palaestra::cli
