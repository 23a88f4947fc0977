#pragma once
// The frame-time measurement behind the figures in docs/architecture.md and the issue notes: the
// view's own FrameTimeMeter (the last 240 frames) read every 4 s, summarised as the median and
// worst of those p95 values. Shared by the app's showcase and the many-agent frame-time suite.

#include <QElapsedTimer>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <vector>

#include "widgets/SimView.h"

namespace palaestra::testing {

struct FrameFigures {
  double p95Median = 0, p95Worst = 0, p50Median = 0, paintP50 = 0, framesPerSecond = 0;
  int windows = 0;  // meter readings taken
};

/// Reads `view`'s meter every 4 s for `seconds`, after 2 s to settle and 2 s on a cleared meter
/// (at a few frames per second 240 frames would reach back into the previous situation).
inline FrameFigures measureFrameTimes(SimView& view, int seconds) {
  std::vector<double> p95s, p50s;
  QTest::qWait(2000);
  view.clearFrameTimes();
  QTest::qWait(2000);
  const quint64 framesBefore = view.framesPainted();
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < seconds * 1000 || p95s.empty()) {
    QTest::qWait(4000);
    p95s.push_back(view.frameTimes().p95Milliseconds());
    p50s.push_back(view.frameTimes().p50Milliseconds());
  }
  std::sort(p95s.begin(), p95s.end());
  std::sort(p50s.begin(), p50s.end());
  FrameFigures f;
  f.windows = static_cast<int>(p95s.size());
  f.p95Median = p95s[p95s.size() / 2];
  f.p95Worst = p95s.back();
  f.p50Median = p50s[p50s.size() / 2];
  f.paintP50 = view.frameTimes().paintP50Milliseconds();
  f.framesPerSecond =
      static_cast<double>(view.framesPainted() - framesBefore) / (clock.elapsed() / 1000.0);
  return f;
}

/// Prints figures measured on `view` as one line naming the situation.
inline void printFrameTimes(const FrameFigures& f, const SimView& view, const QString& what) {
  qInfo("frame times, %s, view %dx%d: %d windows of 240 frames, p95 median %.1f ms, p95 worst "
        "%.1f ms, p50 median %.1f ms, paint p50 %.1f ms, %.1f frames/s",
        qPrintable(what), view.width(), view.height(), f.windows, f.p95Median, f.p95Worst,
        f.p50Median, f.paintP50, f.framesPerSecond);
}

/// Measures and prints in one go.
inline void reportFrameTimes(SimView& view, int seconds, const QString& what) {
  printFrameTimes(measureFrameTimes(view, seconds), view, what);
}

}  // namespace palaestra::testing
