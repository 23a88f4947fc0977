#pragma once
// The per-step reward curve of one episode on Qt Charts, with a vertical cursor
// at the frame a player shows. The reward of step t is drawn at frame t (the
// frame it led to), so the cursor and the curve share the player's frame axis.
// Optionally the return so far is drawn against a second axis on the right.
// Clicking or dragging on the strip asks to seek: frameClicked(frame). Axis
// labels sit at round values and the strip keeps a height where none is elided.

#include <QWidget>
#include <span>
#include <vector>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace palaestra {

class RewardStrip : public QWidget {
  Q_OBJECT

 public:
  /// An empty strip (no rewards, cursor at frame 0, cumulative return hidden).
  explicit RewardStrip(QWidget* parent = nullptr);

  /// Sets the episode's frame count (steps + 1): the x axis spans [0, frameCount - 1].
  void setFrameCount(int frameCount);
  /// Frames the x axis spans.
  int frameCount() const { return frameCount_; }
  /// Replaces the rewards drawn: rewards[t - 1] is the reward that led to frame t.
  void setRewards(std::span<const float> rewards);
  /// Rewards drawn so far.
  int rewardCount() const { return static_cast<int>(rewards_.size()); }
  /// Shows or hides the return-so-far curve (right axis).
  void setCumulativeVisible(bool visible);
  /// Whether the return-so-far curve is shown.
  bool cumulativeVisible() const;
  /// Moves the vertical cursor to `frame` (clamped to the x axis).
  void setCursorFrame(int frame);
  /// Frame the cursor marks.
  int cursorFrame() const { return cursorFrame_; }
  /// x value of the cursor line as drawn in the chart (equals cursorFrame()).
  double cursorLineX() const;
  /// Frame under a position in the strip's chart view (viewport coordinates), clamped; -1 when
  /// the strip has no frames.
  int frameAtPosition(QPoint viewportPos) const;
  /// The chart view (tests click it; export grabs it).
  QChartView* chartView() const { return view_; }

 signals:
  /// The user clicked or dragged on the strip at `frame`.
  void frameClicked(int frame);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void updateAxes();
  void updateCursorLine();
  // Round ticks for the axes' ranges and the plot's size.
  void updateTicks();

  QChart* chart_ = nullptr;
  QChartView* view_ = nullptr;
  QLineSeries* rewardSeries_ = nullptr;
  QLineSeries* cumulativeSeries_ = nullptr;
  QLineSeries* cursorSeries_ = nullptr;
  QValueAxis* xAxis_ = nullptr;
  QValueAxis* rewardAxis_ = nullptr;
  QValueAxis* cumulativeAxis_ = nullptr;
  std::vector<float> rewards_;
  double rewardLow_ = -1, rewardHigh_ = 1;
  double returnLow_ = 0, returnHigh_ = 1;
  int frameCount_ = 1;
  int cursorFrame_ = 0;
};

}  // namespace palaestra
