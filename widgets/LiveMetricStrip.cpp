#include "widgets/LiveMetricStrip.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace palaestra {
namespace {

constexpr int kRowHeight = 36;
constexpr int kLegendWidth = 130;
const QColor kLineColors[] = {QColor(40, 110, 200), QColor(220, 120, 30), QColor(40, 150, 70),
                              QColor(170, 60, 160)};

double nan() {
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

LiveMetricStrip::LiveMetricStrip(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize LiveMetricStrip::sizeHint() const {
  return {400, std::max<int>(1, static_cast<int>(names_.size())) * kRowHeight + 4};
}

QSize LiveMetricStrip::minimumSizeHint() const {
  return {200, std::max<int>(1, static_cast<int>(names_.size())) * (kRowHeight - 8) + 4};
}

void LiveMetricStrip::setMetricNames(const std::vector<std::string>& names) {
  names_ = names;
  values_.assign(names_.size(), {});
  cursor_ = 0;
  updateGeometry();
  update();
}

void LiveMetricStrip::setFrameCount(int frameCount) {
  frameCount_ = std::max(1, frameCount);
  update();
}

void LiveMetricStrip::clearValues() {
  for (auto& series : values_) series.clear();  // keeps capacity: one episode after another
  cursor_ = 0;
  update();
}

void LiveMetricStrip::append(int frame, std::span<const double> values) {
  if (frame < 0) return;
  const auto at = static_cast<size_t>(frame);
  for (size_t m = 0; m < values_.size(); ++m) {
    std::vector<double>& series = values_[m];
    if (series.size() <= at) series.resize(at + 1, nan());
    series[at] = m < values.size() ? values[m] : nan();
  }
  frameCount_ = std::max(frameCount_, frame + 1);
  cursor_ = frame;
  update();
}

void LiveMetricStrip::setValues(int metric, std::span<const double> values) {
  if (metric < 0 || metric >= static_cast<int>(values_.size())) return;
  values_[static_cast<size_t>(metric)].assign(values.begin(), values.end());
  frameCount_ = std::max(frameCount_, static_cast<int>(values.size()));
  update();
}

void LiveMetricStrip::setCursorFrame(int frame) {
  cursor_ = std::clamp(frame, 0, std::max(0, frameCount_ - 1));
  update();
}

const std::vector<double>& LiveMetricStrip::values(int metric) const {
  static const std::vector<double> none;
  if (metric < 0 || metric >= static_cast<int>(values_.size())) return none;
  return values_[static_cast<size_t>(metric)];
}

double LiveMetricStrip::valueAtCursor(int metric) const {
  const std::vector<double>& series = values(metric);
  return cursor_ < static_cast<int>(series.size()) ? series[static_cast<size_t>(cursor_)] : nan();
}

QString LiveMetricStrip::legendText(int metric) const {
  if (metric < 0 || metric >= static_cast<int>(names_.size())) return {};
  const QString name = QString::fromStdString(names_[static_cast<size_t>(metric)]);
  const double value = valueAtCursor(metric);
  // A name the env lists but does not report is said so, not drawn as a flat line.
  return std::isfinite(value) ? QStringLiteral("%1 %2").arg(name).arg(value, 0, 'f', 3)
                              : tr("%1: not reported").arg(name);
}

void LiveMetricStrip::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  if (names_.empty()) return;
  const QFontMetrics metrics(font());
  const int rows = static_cast<int>(names_.size());
  const double rowHeight = static_cast<double>(height() - 4) / rows;
  const double plotLeft = kLegendWidth;
  const double plotWidth = std::max(10.0, width() - plotLeft - 6.0);
  const double xScale = plotWidth / std::max(1, frameCount_ - 1);
  const int stride = std::max(1, static_cast<int>(std::floor(1.0 / std::max(1e-9, xScale))));
  for (int m = 0; m < rows; ++m) {
    const std::vector<double>& series = values_[static_cast<size_t>(m)];
    const QColor color = kLineColors[m % std::size(kLineColors)];
    const double top = 2 + m * rowHeight;
    const QRectF plot(plotLeft, top + 3, plotWidth, rowHeight - 6);
    painter.setPen(palette().mid().color());
    painter.drawRect(plot);
    painter.setPen(color);
    painter.drawText(QRectF(4, top, kLegendWidth - 8, rowHeight / 2),
                     Qt::AlignLeft | Qt::AlignVCenter, legendText(m));

    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (double v : series)
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    if (!(low <= high)) continue;
    if (high - low < 1e-9) low -= 0.5, high += 0.5;  // a constant stays readable, mid-row
    painter.setPen(palette().text().color());
    painter.drawText(QRectF(4, top + rowHeight / 2, kLegendWidth - 8, rowHeight / 2),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     QStringLiteral("%1 .. %2").arg(low, 0, 'g', 3).arg(high, 0, 'g', 3));
    auto point = [&](size_t f, double v) {
      return QPointF(plot.left() + static_cast<double>(f) * xScale,
                     plot.bottom() - (v - low) / (high - low) * plot.height());
    };
    // Polylines between gaps; with more frames than pixels, every stride-th frame plus the extremes
    // of each stride keep spikes visible.
    QPainterPath path;
    bool open = false;
    for (size_t f = 0; f < series.size(); f += static_cast<size_t>(stride)) {
      double lo = series[f], hi = series[f];
      for (size_t k = f + 1; k < std::min(series.size(), f + static_cast<size_t>(stride)); ++k)
        if (std::isfinite(series[k])) {
          lo = std::isfinite(lo) ? std::min(lo, series[k]) : series[k];
          hi = std::isfinite(hi) ? std::max(hi, series[k]) : series[k];
        }
      if (!std::isfinite(lo)) {
        open = false;
        continue;
      }
      if (!open) {
        path.moveTo(point(f, lo));
        open = true;
      } else {
        path.lineTo(point(f, lo));
      }
      if (hi != lo) path.lineTo(point(f, hi));
    }
    painter.setPen(QPen(color, 1.3));
    painter.drawPath(path);
  }
  // The cursor across every row.
  const double x = plotLeft + cursor_ * xScale;
  painter.setPen(QPen(QColor(200, 30, 30), 1.2));
  painter.drawLine(QPointF(x, 2), QPointF(x, height() - 2));
}

}  // namespace palaestra
