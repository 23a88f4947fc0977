#pragma once
// The 2-D map of a curriculum's task space, any two of its parameters as axes (or one parameter
// against the episodes' returns): the tasks of finished episodes coloured by return, the
// teacher's model (GMM ellipses coloured by learning progress, RIAC regions, ADR's box, the
// ladder's opponents by win rate), the painted regions, the test set's mastery grid and the
// curriculum's bounds. A person drags a bound, or paints a region in or out; the map says what
// was asked through edited(), with the whole new section, and draws what it is told.

#include <QWidget>

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/TaskSpace.h"

namespace palaestra {

class CurriculumMap : public QWidget {
  Q_OBJECT
 public:
  /// What a drag does.
  enum class Tool { Bounds, PaintOut, PaintIn };
  /// A finished episode as drawn.
  struct Dot {
    double x = 0.0, y = 0.0;  // task values on the axes (y: the return with one axis)
    double episodeReturn = 0.0;
  };
  /// A test-set cell as drawn.
  struct Cell {
    double x = 0.0, y = 0.0;
    bool mastered = false;
  };

  explicit CurriculumMap(QWidget* parent = nullptr);

  /// The env's task space, and the parameters on the axes (yParam -1: returns on y).
  void setSpace(const TaskSpace& space, int xParam, int yParam);
  /// The section in force (bounds, regions, teacher) and the teacher's model.
  void setCurriculum(const nlohmann::json& section, const nlohmann::json& model);
  /// The finished episodes to draw (older first; later ones drawn on top).
  void setDots(std::vector<Dot> dots);
  /// The test-set cells of the checkpoint shown (empty: none).
  void setMasteryGrid(std::vector<Cell> cells);
  /// What a drag does.
  void setTool(Tool tool) { tool_ = tool; }
  /// Whether drags edit (false: a stored run, only shown).
  void setEditable(bool editable);

  /// Widget position of task values (x, y) on the axes.
  QPointF toWidget(double x, double y) const;
  /// Task values on the axes at widget position `p`.
  QPointF toValues(QPointF p) const;
  /// The parameter on the x axis / y axis (-1: returns).
  int xParam() const { return xParam_; }
  /// The parameter on the y axis (-1: returns).
  int yParam() const { return yParam_; }

 signals:
  /// A person asked for `section` (the section shown with one bound moved or a region added).
  void edited(const nlohmann::json& section);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  struct Range {
    double low = 0.0, high = 1.0;
  };
  enum class Edge { None, XLow, XHigh, YLow, YHigh };
  QRectF plotRect() const;
  Range axisRange(int param, bool yAxis) const;
  Range boundsOf(int param) const;
  Edge edgeAt(QPointF p) const;
  void drawModel(QPainter& painter) const;
  QRectF unitRectToWidget(const std::vector<double>& low, const std::vector<double>& high) const;
  QPointF unitToWidget(const std::vector<double>& unit) const;
  int boxDimOf(int param) const;  // index of `param` among the section's params, or -1

  TaskSpace space_;
  int xParam_ = 0, yParam_ = -1;
  nlohmann::json section_ = nullptr, model_ = nlohmann::json::object();
  std::vector<int> boxParams_;  // the section's params, as indexes of the space
  std::vector<Dot> dots_;
  std::vector<Cell> cells_;
  Range returns_{-1.0, 1.0};
  Tool tool_ = Tool::Bounds;
  bool editable_ = true;
  Edge dragging_ = Edge::None;
  std::optional<QPointF> paintFrom_, dragAt_;
};

}  // namespace palaestra
