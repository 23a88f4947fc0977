#pragma once
// Live training progress on the terminal: one rewritten status line on a TTY,
// a plain line every few seconds otherwise (logs, CI).

#include <chrono>

#include "train/TrainingSession.h"

namespace palaestra::cli {

class ProgressPrinter : public TrainingListener {
 public:
  /// Prints to stderr; `isTerminal` chooses the rewritten line over periodic lines.
  explicit ProgressPrinter(bool isTerminal);
  /// Ends the status line so later output starts on a fresh line.
  void finish();
  void onProgress(const TrainingProgress& progress) override;
  void onEvaluation(uint64_t step, const EvalResult& result) override;

 private:
  bool isTerminal_;
  bool lineOpen_ = false;
  std::chrono::steady_clock::time_point lastPrint_{};
};

}  // namespace palaestra::cli
