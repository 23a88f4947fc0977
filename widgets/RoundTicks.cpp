#include "widgets/RoundTicks.h"

#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace palaestra {

double roundTickInterval(double min, double max, int maxTicks) {
  const double span = max - min;
  if (!std::isfinite(span) || span <= 0) return 1.0;
  const int intervals = std::max(1, maxTicks - 1);
  const double raw = span / intervals;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double mantissa : {1.0, 2.0, 5.0}) {
    if (mantissa * power >= raw * (1.0 - 1e-9)) return mantissa * power;
  }
  return 10.0 * power;
}

int tickDecimals(double interval) {
  if (!std::isfinite(interval) || interval <= 0) return 0;
  return std::clamp(static_cast<int>(-std::floor(std::log10(interval) + 1e-9)), 0, 12);
}

void applyRoundTicks(QValueAxis* axis, double lengthPixels, double pixelsPerTick) {
  const double perTick = std::max(1.0, pixelsPerTick);
  const double length = std::isfinite(lengthPixels) ? std::clamp(lengthPixels, 0.0, 1e5) : 0.0;
  const int maxTicks = std::max(2, static_cast<int>(length / perTick) + 1);
  // A range too narrow for its magnitude (a single point can give [x - 1e-12, x + 1e-12]) would
  // get an interval below the values' precision: Qt Charts then adds it to the first tick forever
  // without passing the maximum (endless labels, all memory). Such a range keeps fixed ticks.
  const double span = axis->max() - axis->min();
  const double magnitude = std::max(std::abs(axis->min()), std::abs(axis->max()));
  if (!std::isfinite(span) || !(span > magnitude * 1e-9)) {
    holdTicks(axis);
    return;
  }
  const double interval = roundTickInterval(axis->min(), axis->max(), maxTicks);
  // Interval first: the ticks turn dynamic only once it fits the range.
  axis->setTickAnchor(0.0);  // ticks at whole multiples of the interval
  axis->setTickInterval(interval);
  axis->setLabelFormat(QStringLiteral("%.%1f").arg(tickDecimals(interval)));
  axis->setTickType(QValueAxis::TicksDynamic);
}

void setRangeWithRoundTicks(QValueAxis* axis, double min, double max, double lengthPixels,
                            double pixelsPerTick) {
  holdTicks(axis);
  axis->setRange(min, max);
  applyRoundTicks(axis, lengthPixels, pixelsPerTick);
}

void holdTicks(QValueAxis* axis) {
  axis->setTickCount(5);
  axis->setTickType(QValueAxis::TicksFixed);
}

}  // namespace palaestra
