#include "widgets/AgentInspector.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace palaestra {
namespace {

constexpr int kPad = 6;
constexpr int kMaxRowHeight = 16;

bool boundedPair(float low, float high) {
  return std::isfinite(low) && std::isfinite(high) && high > low;
}

}  // namespace

AgentInspector::AgentInspector(QWidget* parent) : QWidget(parent) {
  setMinimumWidth(170);
  setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
}

QSize AgentInspector::sizeHint() const {
  return {200, 300};
}

void AgentInspector::setAgent(int agent, std::span<const float> observation, const Space& space) {
  agent_ = agent;
  values_.assign(observation.begin(), observation.end());
  const size_t n = values_.size();
  const float inf = std::numeric_limits<float>::infinity();
  low_.assign(n, -inf);
  high_.assign(n, inf);
  if (space.kind == SpaceKind::Box && space.low.size() == n && space.high.size() == n) {
    low_ = space.low;
    high_ = space.high;
  }
  update();
}

void AgentInspector::showAgentOf(const Env& env, int agent) {
  const EnvSpec& spec = env.spec();
  const auto rowSize = static_cast<size_t>(spec.observationSpace.size());
  observations_.resize(static_cast<size_t>(spec.numAgents) * rowSize);
  env.observe(observations_.data());
  setAgent(
      agent,
      std::span<const float>(observations_).subspan(static_cast<size_t>(agent) * rowSize, rowSize),
      spec.observationSpace);
}

void AgentInspector::clear() {
  agent_ = -1;
  values_.clear();
  low_.clear();
  high_.clear();
  update();
}

QString AgentInspector::title() const {
  return agent_ < 0 ? tr("No agent picked") : tr("Agent %1").arg(agent_);
}

double AgentInspector::barFraction(int index) const {
  if (index < 0 || index >= static_cast<int>(values_.size())) return 0.0;
  const auto i = static_cast<size_t>(index);
  const double v = values_[i];
  if (!std::isfinite(v)) return 0.0;
  if (boundedPair(low_[i], high_[i])) {
    const double centre = (static_cast<double>(low_[i]) + high_[i]) / 2;
    const double half = (static_cast<double>(high_[i]) - low_[i]) / 2;
    return std::clamp((v - centre) / half, -1.0, 1.0);
  }
  // Unbounded values share one scale: the largest magnitude among them.
  double largest = 0;
  for (size_t k = 0; k < values_.size(); ++k)
    if (!boundedPair(low_[k], high_[k]) && std::isfinite(values_[k]))
      largest = std::max(largest, std::abs(static_cast<double>(values_[k])));
  return largest > 0 ? v / largest : 0.0;
}

void AgentInspector::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  const QFontMetrics metrics(font());
  QFont bold = font();
  bold.setBold(true);
  painter.setFont(bold);
  painter.setPen(palette().text().color());
  int y = kPad;  // top of the next line
  painter.drawText(kPad, y + metrics.ascent(), title());
  painter.setFont(font());
  y += metrics.lineSpacing();
  if (agent_ < 0) {
    painter.drawText(QRect(kPad, y, width() - 2 * kPad, height() - y - kPad),
                     Qt::TextWordWrap | Qt::AlignTop,
                     tr("Click an agent in the view to see its observation here."));
    return;
  }
  painter.drawText(kPad, y + metrics.ascent(), tr("observation, %1 values").arg(values_.size()));
  y += metrics.lineSpacing() + 4;

  // One row per value: index, a bar from the row's centre line, the value. Rows shrink to fit
  // (a long observation still shows every value as a bar, without text below 10 px per row).
  const int rows = static_cast<int>(values_.size());
  if (rows == 0) return;
  const int available = std::max(1, height() - y - kPad);
  const double rowHeight = std::min<double>(kMaxRowHeight, static_cast<double>(available) / rows);
  const bool withText = rowHeight >= 10;
  const int indexWidth = withText ? metrics.horizontalAdvance(QStringLiteral("000")) + 4 : 0;
  const int valueWidth = withText ? metrics.horizontalAdvance(QStringLiteral("-0.000")) + 4 : 0;
  const int barLeft = kPad + indexWidth;
  const int barWidth = std::max(10, width() - barLeft - valueWidth - kPad);
  const double mid = barLeft + barWidth / 2.0;
  painter.setPen(palette().mid().color());
  painter.drawLine(QPointF(mid, y), QPointF(mid, y + rowHeight * rows));
  for (int r = 0; r < rows; ++r) {
    const double top = y + r * rowHeight;
    const double fraction = barFraction(r);
    const QRectF bar(fraction >= 0 ? mid : mid + fraction * barWidth / 2, top + rowHeight * 0.15,
                     std::abs(fraction) * barWidth / 2, std::max(1.0, rowHeight * 0.7));
    painter.fillRect(bar, fraction >= 0 ? QColor(46, 125, 200) : QColor(210, 110, 40));
    if (withText) {
      painter.setPen(palette().text().color());
      painter.drawText(QRectF(kPad, top, indexWidth - 4, rowHeight),
                       Qt::AlignRight | Qt::AlignVCenter, QString::number(r));
      painter.drawText(
          QRectF(barLeft + barWidth + 4, top, valueWidth, rowHeight),
          Qt::AlignLeft | Qt::AlignVCenter,
          QString::number(static_cast<double>(values_[static_cast<size_t>(r)]), 'f', 3));
    }
  }
}

}  // namespace palaestra
