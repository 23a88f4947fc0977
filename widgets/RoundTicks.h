#pragma once
// Round axis ticks for the app's charts: labels at multiples of 1, 2 or 5
// times a power of ten ("0, 50000, 100000", never "8192.0, 65536.0"), as many
// as the axis has room for, whatever its range (zoomed or not).
//
// Qt Charts lays out one label per tick interval of an axis with dynamic
// ticks, so an interval meant for a small range applied to a large one makes
// hundreds of thousands of labels. The functions below never let that state
// happen: a range changes with fixed ticks, and the interval is set before
// the ticks turn dynamic. Code that changes a range otherwise (zoomReset)
// calls holdTicks first.

class QValueAxis;

namespace palaestra {

/// The tick spacing, 1, 2 or 5 times a power of ten, that puts at most `maxTicks` (>= 2) ticks on
/// [min, max]; 1 for an empty or non-finite range.
double roundTickInterval(double min, double max, int maxTicks);
/// Decimals that print every multiple of `interval` exactly (0 for whole intervals).
int tickDecimals(double interval);
/// Gives `axis` dynamic ticks at round values of its current range: one per `pixelsPerTick` of its
/// `lengthPixels` (at least two), labelled with just the decimals they need.
void applyRoundTicks(QValueAxis* axis, double lengthPixels, double pixelsPerTick);
/// Sets `axis` to [min, max] with round ticks for its length.
void setRangeWithRoundTicks(QValueAxis* axis, double min, double max, double lengthPixels,
                            double pixelsPerTick);
/// Switches `axis` to a few fixed ticks until applyRoundTicks: safe to change its range then.
void holdTicks(QValueAxis* axis);

}  // namespace palaestra
