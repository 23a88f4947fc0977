#include "widgets/RewardStrip.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "widgets/RoundTicks.h"

namespace palaestra {

namespace {
// The strip's minimum height: about 90 px of plot between the x axis labels and the top, so no
// label is elided to "...".
constexpr int kMinimumHeight = 120;
constexpr double kPixelsPerXTick = 80.0;
constexpr double kPixelsPerYTick = 30.0;
}  // namespace

RewardStrip::RewardStrip(QWidget* parent) : QWidget(parent) {
  chart_ = new QChart();
  chart_->legend()->setVisible(false);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  chart_->setBackgroundRoundness(0);
  chart_->layout()->setContentsMargins(0, 0, 0, 0);  // the plot gets the room

  rewardSeries_ = new QLineSeries(chart_);
  rewardSeries_->setName(tr("reward"));
  rewardSeries_->setPen(QPen(QColor(40, 110, 200), 1.2));
  cumulativeSeries_ = new QLineSeries(chart_);
  cumulativeSeries_->setName(tr("return so far"));
  cumulativeSeries_->setPen(QPen(QColor(220, 130, 30), 1.2));
  cursorSeries_ = new QLineSeries(chart_);
  cursorSeries_->setName(tr("current frame"));
  cursorSeries_->setPen(QPen(QColor(200, 30, 30), 1.5));

  chart_->addSeries(rewardSeries_);
  chart_->addSeries(cumulativeSeries_);
  chart_->addSeries(cursorSeries_);

  xAxis_ = new QValueAxis(chart_);
  // No "frame" title: the player's timeline says which frame is shown, and the plot keeps the room.
  rewardAxis_ = new QValueAxis(chart_);
  rewardAxis_->setTitleText(tr("reward"));
  cumulativeAxis_ = new QValueAxis(chart_);
  cumulativeAxis_->setTitleText(tr("return"));
  chart_->addAxis(xAxis_, Qt::AlignBottom);
  chart_->addAxis(rewardAxis_, Qt::AlignLeft);
  chart_->addAxis(cumulativeAxis_, Qt::AlignRight);
  for (QLineSeries* s : {rewardSeries_, cumulativeSeries_, cursorSeries_}) s->attachAxis(xAxis_);
  rewardSeries_->attachAxis(rewardAxis_);
  cursorSeries_->attachAxis(rewardAxis_);
  cumulativeSeries_->attachAxis(cumulativeAxis_);
  cumulativeSeries_->setVisible(false);
  cumulativeAxis_->setVisible(false);

  view_ = new QChartView(chart_, this);
  view_->setRenderHint(QPainter::Antialiasing, false);  // 2000 points redraw while scrubbing
  view_->viewport()->installEventFilter(this);
  view_->setMinimumHeight(kMinimumHeight);
  connect(chart_, &QChart::plotAreaChanged, this, [this] { updateTicks(); });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  updateAxes();
}

void RewardStrip::setFrameCount(int frameCount) {
  frameCount_ = std::max(1, frameCount);
  cursorFrame_ = std::clamp(cursorFrame_, 0, frameCount_ - 1);
  updateAxes();
}

void RewardStrip::setRewards(std::span<const float> rewards) {
  rewards_.assign(rewards.begin(), rewards.end());
  QList<QPointF> points, cumulative;
  points.reserve(static_cast<qsizetype>(rewards_.size()));
  cumulative.reserve(static_cast<qsizetype>(rewards_.size()) + 1);
  rewardLow_ = 0, rewardHigh_ = 0;
  returnLow_ = 0, returnHigh_ = 0;
  double sum = 0;
  cumulative.append(QPointF(0, 0));
  for (size_t t = 0; t < rewards_.size(); ++t) {
    const double r = rewards_[t];
    const double x = static_cast<double>(t + 1);
    // Non-finite rewards cannot be plotted; they stay out of the axis range too.
    if (!std::isfinite(r)) continue;
    points.append(QPointF(x, r));
    sum += r;
    cumulative.append(QPointF(x, sum));
    rewardLow_ = std::min(rewardLow_, r), rewardHigh_ = std::max(rewardHigh_, r);
    returnLow_ = std::min(returnLow_, sum), returnHigh_ = std::max(returnHigh_, sum);
  }
  rewardSeries_->replace(points);
  cumulativeSeries_->replace(cumulative);
  if (static_cast<int>(rewards_.size()) + 1 > frameCount_)
    frameCount_ = static_cast<int>(rewards_.size()) + 1;
  updateAxes();
}

void RewardStrip::setCumulativeVisible(bool visible) {
  cumulativeSeries_->setVisible(visible);
  cumulativeAxis_->setVisible(visible);
}

bool RewardStrip::cumulativeVisible() const { return cumulativeSeries_->isVisible(); }

void RewardStrip::setCursorFrame(int frame) {
  cursorFrame_ = std::clamp(frame, 0, frameCount_ - 1);
  updateCursorLine();
}

double RewardStrip::cursorLineX() const {
  return cursorSeries_->count() > 0 ? cursorSeries_->at(0).x() : 0.0;
}

int RewardStrip::frameAtPosition(QPoint viewportPos) const {
  if (frameCount_ <= 0) return -1;
  const QPointF scenePos = view_->mapToScene(viewportPos);
  const QPointF value = chart_->mapToValue(chart_->mapFromScene(scenePos), rewardSeries_);
  if (!std::isfinite(value.x())) return -1;
  return std::clamp(static_cast<int>(std::lround(value.x())), 0, frameCount_ - 1);
}

bool RewardStrip::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_->viewport()) {
    const bool press = event->type() == QEvent::MouseButtonPress;
    const bool drag = event->type() == QEvent::MouseMove;
    if (press || drag) {
      auto* mouse = static_cast<QMouseEvent*>(event);
      if (press ? mouse->button() == Qt::LeftButton : (mouse->buttons() & Qt::LeftButton)) {
        const int frame = frameAtPosition(mouse->position().toPoint());
        if (frame >= 0) emit frameClicked(frame);
        return true;
      }
    }
  }
  return QWidget::eventFilter(watched, event);
}

void RewardStrip::updateAxes() {
  for (QValueAxis* axis : {xAxis_, rewardAxis_, cumulativeAxis_}) holdTicks(axis);
  xAxis_->setRange(0, std::max(1, frameCount_ - 1));
  // A little headroom so a flat reward curve is not drawn on the frame's border.
  const double pad = std::max(1e-3, 0.05 * (rewardHigh_ - rewardLow_));
  rewardAxis_->setRange(rewardLow_ - pad, rewardHigh_ + pad);
  const double returnPad = std::max(1e-3, 0.05 * (returnHigh_ - returnLow_));
  cumulativeAxis_->setRange(returnLow_ - returnPad, returnHigh_ + returnPad);
  updateTicks();
  updateCursorLine();
}

void RewardStrip::updateTicks() {
  const QRectF plot = chart_->plotArea();
  applyRoundTicks(xAxis_, plot.width(), kPixelsPerXTick);
  applyRoundTicks(rewardAxis_, plot.height(), kPixelsPerYTick);
  applyRoundTicks(cumulativeAxis_, plot.height(), kPixelsPerYTick);
}

void RewardStrip::updateCursorLine() {
  const double x = cursorFrame_;
  cursorSeries_->replace(QList<QPointF>{QPointF(x, rewardAxis_->min()), QPointF(x, rewardAxis_->max())});
}

}  // namespace palaestra
