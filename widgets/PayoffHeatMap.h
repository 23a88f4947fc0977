#pragma once
// A payoff matrix drawn as a heat map: row i's score against column j (0 = lost every game,
// 1 = won every game) from red through grey to green, empty cells where they never met, the row
// and column names on the sides, and each cell's score and game count in its tooltip.

#include <QStringList>
#include <QWidget>
#include <vector>

namespace palaestra {

class PayoffHeatMap : public QWidget {
  Q_OBJECT

 public:
  explicit PayoffHeatMap(QWidget* parent = nullptr);

  /// Shows `scores` (rows x columns; NaN where there were no games) with their game counts.
  void setMatrix(const QStringList& rows, const QStringList& columns,
                 const std::vector<std::vector<double>>& scores,
                 const std::vector<std::vector<long long>>& games);
  /// The row names.
  const QStringList& rowNames() const { return rows_; }
  /// The column names.
  const QStringList& columnNames() const { return columns_; }
  /// The score of cell (row, column) (NaN when empty or out of range).
  double score(int row, int column) const;
  /// The cell under `pos` (widget coordinates) as (row, column), or (-1, -1).
  QPoint cellAt(const QPoint& pos) const;
  /// The colour a score is drawn with.
  static QColor colorOf(double score);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return {200, 150}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRect gridRect() const;

  QStringList rows_, columns_;
  std::vector<std::vector<double>> scores_;
  std::vector<std::vector<long long>> games_;
};

}  // namespace palaestra
