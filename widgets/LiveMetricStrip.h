#pragma once
// A small strip chart under a simulation view of the values an env names in
// EnvSpec::liveMetrics (e.g. the swarm's "order"), over the steps of the
// episode shown: the live viewer appends each step's value as it simulates,
// the replay player hands over every built frame at once and moves a cursor.
// Each metric has its own row with its own range, its name and the value at
// the cursor. Painted with QPainter (a chart scene per step would cost more
// than the view), at most two points per pixel column.

#include <QString>
#include <QWidget>

#include <span>
#include <string>
#include <vector>

namespace palaestra {

class LiveMetricStrip : public QWidget {
  Q_OBJECT

 public:
  /// An empty strip without metrics (hidden by its owner until it has some).
  explicit LiveMetricStrip(QWidget* parent = nullptr);

  /// The metrics plotted, one row each; forgets all values.
  void setMetricNames(const std::vector<std::string>& names);
  /// The metrics plotted.
  const std::vector<std::string>& metricNames() const { return names_; }
  /// The x axis spans frames [0, frameCount - 1] (e.g. the env's step limit + 1); grows as needed.
  void setFrameCount(int frameCount);
  /// Frames the x axis spans.
  int frameCount() const { return frameCount_; }
  /// Forgets every value (a new episode); the cursor goes to frame 0.
  void clearValues();
  /// Records the metrics' values at `frame` (one per metric, NaN where not reported) and puts the
  /// cursor there; frames before it that were never recorded stay gaps.
  void append(int frame, std::span<const double> values);
  /// Replaces metric `metric`'s values: values[f] at frame f (the replay's frames built so far).
  void setValues(int metric, std::span<const double> values);
  /// Moves the cursor (the frame whose values the legend shows) to `frame`.
  void setCursorFrame(int frame);
  /// Frame the cursor marks.
  int cursorFrame() const { return cursor_; }
  /// Values recorded for metric `metric` (frame = index; NaN where none).
  const std::vector<double>& values(int metric) const;
  /// Metric `metric`'s value at the cursor (NaN when none was recorded there).
  double valueAtCursor(int metric) const;
  /// The legend text of one row, e.g. "order 0.731".
  QString legendText(int metric) const;

  /// Preferred size: full width, about 36 px per metric row.
  QSize sizeHint() const override;
  /// Smallest readable size.
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<double>> values_;  // per metric, per frame
  int frameCount_ = 1;
  int cursor_ = 0;
};

}  // namespace palaestra
