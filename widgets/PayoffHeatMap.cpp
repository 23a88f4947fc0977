#include "widgets/PayoffHeatMap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace palaestra {

namespace {
constexpr int kLabelWidth = 130;   // room for the row names
constexpr int kLabelHeight = 90;   // room for the rotated column names
}  // namespace

PayoffHeatMap::PayoffHeatMap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
}

void PayoffHeatMap::setMatrix(const QStringList& rows, const QStringList& columns,
                              const std::vector<std::vector<double>>& scores,
                              const std::vector<std::vector<long long>>& games) {
  rows_ = rows;
  columns_ = columns;
  scores_ = scores;
  games_ = games;
  updateGeometry();
  update();
}

double PayoffHeatMap::score(int row, int column) const {
  if (row < 0 || column < 0 || static_cast<size_t>(row) >= scores_.size() ||
      static_cast<size_t>(column) >= scores_[static_cast<size_t>(row)].size())
    return std::nan("");
  return scores_[static_cast<size_t>(row)][static_cast<size_t>(column)];
}

QColor PayoffHeatMap::colorOf(double score) {
  if (!std::isfinite(score)) return QColor(245, 245, 245);
  const double s = std::clamp(score, 0.0, 1.0);
  // Red (lost) through a light grey (even) to green (won).
  const QColor lost(200, 50, 50), even(225, 225, 225), won(40, 160, 70);
  const QColor& a = s < 0.5 ? lost : even;
  const QColor& b = s < 0.5 ? even : won;
  const double t = s < 0.5 ? s / 0.5 : (s - 0.5) / 0.5;
  return QColor(static_cast<int>(a.red() + t * (b.red() - a.red())),
                static_cast<int>(a.green() + t * (b.green() - a.green())),
                static_cast<int>(a.blue() + t * (b.blue() - a.blue())));
}

QRect PayoffHeatMap::gridRect() const {
  const QRect area = rect().adjusted(kLabelWidth, kLabelHeight, -4, -4);
  if (rows_.isEmpty() || columns_.isEmpty() || area.width() <= 0 || area.height() <= 0) return {};
  const double cell = std::min(area.width() / double(columns_.size()),
                               area.height() / double(rows_.size()));
  return QRect(area.left(), area.top(), static_cast<int>(cell * columns_.size()),
               static_cast<int>(cell * rows_.size()));
}

QPoint PayoffHeatMap::cellAt(const QPoint& pos) const {
  const QRect grid = gridRect();
  if (!grid.contains(pos)) return {-1, -1};
  const int column = (pos.x() - grid.left()) * columns_.size() / std::max(1, grid.width());
  const int row = (pos.y() - grid.top()) * rows_.size() / std::max(1, grid.height());
  return {std::min(row, int(rows_.size()) - 1), std::min(column, int(columns_.size()) - 1)};
}

QSize PayoffHeatMap::sizeHint() const {
  return {kLabelWidth + 18 * std::max<int>(8, columns_.size()),
          kLabelHeight + 18 * std::max<int>(8, rows_.size())};
}

void PayoffHeatMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QRect grid = gridRect();
  if (grid.isEmpty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("No payoffs yet"));
    return;
  }
  const double cw = grid.width() / double(columns_.size());
  const double ch = grid.height() / double(rows_.size());
  for (int r = 0; r < rows_.size(); ++r)
    for (int c = 0; c < columns_.size(); ++c) {
      const QRectF cell(grid.left() + c * cw, grid.top() + r * ch, cw, ch);
      p.fillRect(cell, colorOf(score(r, c)));
    }
  p.setPen(QPen(palette().color(QPalette::Mid), 0));
  p.drawRect(grid.adjusted(0, 0, -1, -1));
  QFont small = font();
  small.setPointSizeF(std::max(6.0, std::min(9.0, ch * 0.6)));
  p.setFont(small);
  p.setPen(palette().color(QPalette::Text));
  for (int r = 0; r < rows_.size(); ++r)
    p.drawText(QRectF(0, grid.top() + r * ch, kLabelWidth - 4, ch),
               Qt::AlignRight | Qt::AlignVCenter, rows_[r]);
  for (int c = 0; c < columns_.size(); ++c) {
    p.save();
    p.translate(grid.left() + (c + 0.5) * cw, grid.top() - 4);
    p.rotate(-60);
    p.drawText(QRectF(0, -ch / 2, kLabelHeight * 1.1, ch), Qt::AlignLeft | Qt::AlignVCenter,
               columns_[c]);
    p.restore();
  }
}

bool PayoffHeatMap::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QPoint cell = cellAt(help->pos());
    if (cell.x() < 0) {
      QToolTip::hideText();
      event->ignore();
      return true;
    }
    const double s = score(cell.x(), cell.y());
    const long long g = games_.size() > static_cast<size_t>(cell.x()) &&
                                games_[static_cast<size_t>(cell.x())].size() > static_cast<size_t>(cell.y())
                            ? games_[static_cast<size_t>(cell.x())][static_cast<size_t>(cell.y())]
                            : 0;
    QToolTip::showText(help->globalPos(),
                       std::isfinite(s) ? tr("%1 vs %2: %3% of %4 games")
                                              .arg(rows_[cell.x()], columns_[cell.y()])
                                              .arg(100 * s, 0, 'f', 1)
                                              .arg(g)
                                        : tr("%1 vs %2: never met").arg(rows_[cell.x()], columns_[cell.y()]),
                       this);
    return true;
  }
  return QWidget::event(event);
}

}  // namespace palaestra
