#include "widgets/CurriculumMap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace palaestra {

namespace {

constexpr double kEdgeGrabPixels = 7.0;

// Low values blue, high red (hue 240 -> 0 degrees).
QColor heat(double t, double alpha = 1.0) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  QColor c = QColor::fromHsvF(static_cast<float>((1.0 - t) * 0.66), 0.85f, 0.9f);
  c.setAlphaF(static_cast<float>(alpha));
  return c;
}

}  // namespace

CurriculumMap::CurriculumMap(QWidget* parent) : QWidget(parent) {
  setMinimumSize(360, 300);
  setMouseTracking(true);
}

void CurriculumMap::setSpace(const TaskSpace& space, int xParam, int yParam) {
  space_ = space;
  xParam_ = xParam;
  yParam_ = yParam;
  setCurriculum(section_, model_);
}

void CurriculumMap::setCurriculum(const nlohmann::json& section, const nlohmann::json& model) {
  section_ = section;
  model_ = model.is_object() ? model : nlohmann::json::object();
  boxParams_.clear();
  if (section_.is_object() && section_.contains("params"))
    for (const nlohmann::json& name : section_["params"])
      if (name.is_string()) boxParams_.push_back(space_.indexOf(name.get<std::string>()));
  update();
}

void CurriculumMap::setDots(std::vector<Dot> dots) {
  dots_ = std::move(dots);
  double low = 0.0, high = 0.0;
  bool first = true;
  for (const Dot& d : dots_) {
    if (!std::isfinite(d.episodeReturn)) continue;
    low = first ? d.episodeReturn : std::min(low, d.episodeReturn);
    high = first ? d.episodeReturn : std::max(high, d.episodeReturn);
    first = false;
  }
  if (high - low < 1e-9) {
    low -= 1.0;
    high += 1.0;
  }
  returns_ = {low, high};
  update();
}

void CurriculumMap::setMasteryGrid(std::vector<Cell> cells) {
  cells_ = std::move(cells);
  update();
}

void CurriculumMap::setEditable(bool editable) {
  editable_ = editable;
  dragging_ = Edge::None;
  paintFrom_.reset();
  update();
}

QRectF CurriculumMap::plotRect() const {
  return QRectF(60.0, 14.0, std::max(40.0, width() - 74.0), std::max(40.0, height() - 74.0));
}

CurriculumMap::Range CurriculumMap::axisRange(int param, bool yAxis) const {
  if (yAxis && param < 0) return {returns_.low, returns_.high};
  if (param < 0 || param >= space_.size()) return {0.0, 1.0};
  const TaskParam& p = space_.params()[static_cast<size_t>(param)];
  return p.high > p.low ? Range{p.low, p.high} : Range{p.low - 0.5, p.high + 0.5};
}

CurriculumMap::Range CurriculumMap::boundsOf(int param) const {
  Range r = axisRange(param, false);
  if (param < 0 || !section_.is_object()) return r;
  const std::string& name = space_.params()[static_cast<size_t>(param)].name;
  if (section_.contains("bounds") && section_["bounds"].contains(name)) {
    const nlohmann::json& b = section_["bounds"][name];
    if (b.is_array() && b.size() == 2) r = {b[0].get<double>(), b[1].get<double>()};
  }
  return r;
}

int CurriculumMap::boxDimOf(int param) const {
  const auto it = std::find(boxParams_.begin(), boxParams_.end(), param);
  return param >= 0 && it != boxParams_.end() ? static_cast<int>(it - boxParams_.begin()) : -1;
}

QPointF CurriculumMap::toWidget(double x, double y) const {
  const QRectF r = plotRect();
  const Range rx = axisRange(xParam_, false), ry = axisRange(yParam_, true);
  return {r.left() + (x - rx.low) / (rx.high - rx.low) * r.width(),
          r.bottom() - (y - ry.low) / (ry.high - ry.low) * r.height()};
}

QPointF CurriculumMap::toValues(QPointF p) const {
  const QRectF r = plotRect();
  const Range rx = axisRange(xParam_, false), ry = axisRange(yParam_, true);
  return {rx.low + (p.x() - r.left()) / r.width() * (rx.high - rx.low),
          ry.low + (r.bottom() - p.y()) / r.height() * (ry.high - ry.low)};
}

QPointF CurriculumMap::unitToWidget(const std::vector<double>& unit) const {
  const auto value = [&](int param, double fallback) {
    const int dim = boxDimOf(param);
    if (dim < 0 || static_cast<size_t>(dim) >= unit.size()) return fallback;
    const Range b = boundsOf(param);
    return b.low + unit[static_cast<size_t>(dim)] * (b.high - b.low);
  };
  const Range ry = axisRange(yParam_, true);
  return toWidget(
      value(xParam_, 0.5 * (axisRange(xParam_, false).low + axisRange(xParam_, false).high)),
      value(yParam_, 0.5 * (ry.low + ry.high)));
}

QRectF CurriculumMap::unitRectToWidget(const std::vector<double>& low,
                                       const std::vector<double>& high) const {
  // A dimension not on an axis spans the whole axis.
  const QRectF plot = plotRect();
  const auto span = [&](int param, bool yAxis, double& a, double& b) {
    const int dim = boxDimOf(param);
    if (dim < 0 || static_cast<size_t>(dim) >= low.size()) {
      const Range r = axisRange(param, yAxis);
      a = r.low;
      b = r.high;
      return;
    }
    const Range bounds = boundsOf(param);
    a = bounds.low + low[static_cast<size_t>(dim)] * (bounds.high - bounds.low);
    b = bounds.low + high[static_cast<size_t>(dim)] * (bounds.high - bounds.low);
  };
  double x0, x1, y0, y1;
  span(xParam_, false, x0, x1);
  span(yParam_, true, y0, y1);
  return QRectF(toWidget(x0, y1), toWidget(x1, y0)).normalized().intersected(plot);
}

void CurriculumMap::drawModel(QPainter& painter) const {
  if (model_.contains("gmm")) {
    double most = 1e-12;
    for (const nlohmann::json& c : model_["gmm"]) most = std::max(most, c.value("progress", 0.0));
    const int dx = boxDimOf(xParam_), dy = boxDimOf(yParam_);
    for (const nlohmann::json& c : model_["gmm"]) {
      const auto mean = c["mean"].get<std::vector<double>>();
      const auto cov = c["covariance"].get<std::vector<std::vector<double>>>();
      const double progress = std::max(0.0, c.value("progress", 0.0)) / most;
      painter.setPen(QPen(heat(progress), 2.0));
      painter.setBrush(heat(progress, 0.18));
      const auto sd = [&](int dim) {
        return dim >= 0 ? std::sqrt(std::max(
                              0.0, cov[static_cast<size_t>(dim)][static_cast<size_t>(dim)]))
                        : 0.0;
      };
      if (dx < 0) continue;
      const Range bx = boundsOf(xParam_);
      if (dy < 0) {
        // One axis of the box: a band of mean +- 2 sd across the plot.
        std::vector<double> lo(mean.size(), 0.0), hi(mean.size(), 1.0);
        lo[static_cast<size_t>(dx)] = mean[static_cast<size_t>(dx)] - 2 * sd(dx);
        hi[static_cast<size_t>(dx)] = mean[static_cast<size_t>(dx)] + 2 * sd(dx);
        painter.drawRect(unitRectToWidget(lo, hi));
        continue;
      }
      // The 2-sigma ellipse of the 2x2 covariance over the axes, in value units.
      const Range by = boundsOf(yParam_);
      const double sx = bx.high - bx.low, sy = by.high - by.low;
      const double a = cov[dx][dx] * sx * sx, b = cov[dx][dy] * sx * sy, d = cov[dy][dy] * sy * sy;
      const double mid = 0.5 * (a + d), diff = std::sqrt(0.25 * (a - d) * (a - d) + b * b);
      const double l1 = std::max(0.0, mid + diff), l2 = std::max(0.0, mid - diff);
      const double angle = 0.5 * std::atan2(2.0 * b, a - d);  // of the major axis
      const double ca = std::cos(angle), sa = std::sin(angle);
      const double cx = bx.low + mean[dx] * sx, cy = by.low + mean[dy] * sy;
      QPainterPath path;
      for (int k = 0; k <= 48; ++k) {
        const double t = 2.0 * M_PI * k / 48.0;
        const double u = 2.0 * std::sqrt(l1) * std::cos(t), v = 2.0 * std::sqrt(l2) * std::sin(t);
        const QPointF p = toWidget(cx + u * ca - v * sa, cy + u * sa + v * ca);
        if (k == 0)
          path.moveTo(p);
        else
          path.lineTo(p);
      }
      painter.drawPath(path);
    }
  }
  if (model_.contains("regions")) {
    double most = 1e-12;
    for (const nlohmann::json& r : model_["regions"])
      most = std::max(most, r.value("progress", 0.0));
    for (const nlohmann::json& r : model_["regions"]) {
      painter.setPen(QPen(QColor(90, 90, 90, 160), 1.0));
      painter.setBrush(heat(r.value("progress", 0.0) / most, 0.15));
      painter.drawRect(unitRectToWidget(r["low"].get<std::vector<double>>(),
                                        r["high"].get<std::vector<double>>()));
    }
  }
  if (model_.contains("box")) {
    painter.setPen(QPen(QColor(40, 120, 40), 2.0, Qt::DashLine));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(unitRectToWidget(model_["box"]["low"].get<std::vector<double>>(),
                                      model_["box"]["high"].get<std::vector<double>>()));
  }
  if (model_.contains("cells")) {
    for (const nlohmann::json& c : model_["cells"]) {
      const QPointF p = unitToWidget(c["unit"].get<std::vector<double>>());
      painter.setPen(Qt::NoPen);
      // Win rate 0 red, 1 green.
      const double w = c.value("win_rate", 0.0);
      painter.setBrush(QColor::fromHsvF(static_cast<float>(0.33 * w), 0.8f, 0.85f, 0.55f));
      painter.drawRect(QRectF(p.x() - 7, p.y() - 7, 14, 14));
    }
  }
}

void CurriculumMap::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), palette().base());
  const QRectF plot = plotRect();
  painter.setPen(palette().mid().color());
  painter.drawRect(plot);
  if (space_.size() == 0) {
    painter.drawText(plot, Qt::AlignCenter, QStringLiteral("No curriculum to show"));
    return;
  }
  // Axes: ranges and names.
  const auto name = [&](int param) {
    return param < 0 ? QStringLiteral("episode return")
                     : QString::fromStdString(space_.params()[static_cast<size_t>(param)].name);
  };
  const Range rx = axisRange(xParam_, false), ry = axisRange(yParam_, true);
  painter.setPen(palette().text().color());
  painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 18), Qt::AlignLeft,
                   QString::number(rx.low, 'g', 4));
  painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 18), Qt::AlignRight,
                   QString::number(rx.high, 'g', 4));
  painter.drawText(QRectF(plot.left(), plot.bottom() + 20, plot.width(), 18), Qt::AlignHCenter,
                   name(xParam_));
  painter.drawText(QRectF(0, plot.bottom() - 18, plot.left() - 4, 18), Qt::AlignRight,
                   QString::number(ry.low, 'g', 4));
  painter.drawText(QRectF(0, plot.top(), plot.left() - 4, 18), Qt::AlignRight,
                   QString::number(ry.high, 'g', 4));
  painter.save();
  painter.translate(12, plot.center().y());
  painter.rotate(-90);
  painter.drawText(QRectF(-plot.height() / 2, -8, plot.height(), 18), Qt::AlignCenter,
                   name(yParam_));
  painter.restore();

  painter.setClipRect(plot);
  // Test-set mastery grid, under everything.
  for (const Cell& c : cells_) {
    const QPointF p = toWidget(c.x, yParam_ < 0 ? ry.low + 0.03 * (ry.high - ry.low) : c.y);
    painter.setPen(QPen(c.mastered ? QColor(30, 150, 60) : QColor(150, 150, 150), 1.5));
    painter.setBrush(c.mastered ? QBrush(QColor(30, 150, 60, 110)) : QBrush(Qt::NoBrush));
    painter.drawRect(QRectF(p.x() - 9, p.y() - 9, 18, 18));
  }
  drawModel(painter);
  // Finished episodes, coloured by return.
  painter.setPen(Qt::NoPen);
  for (const Dot& d : dots_) {
    painter.setBrush(heat((d.episodeReturn - returns_.low) / (returns_.high - returns_.low), 0.8));
    painter.drawEllipse(toWidget(d.x, d.y), 2.6, 2.6);
  }
  // Painted regions.
  if (section_.is_object() && section_.contains("regions")) {
    for (const nlohmann::json& r : section_["regions"]) {
      const bool in = r.value("mode", "") == "in";
      double x0 = rx.low, x1 = rx.high, y0 = ry.low, y1 = ry.high;
      for (const auto& [param, b] : r["bounds"].items()) {
        const int index = space_.indexOf(param);
        if (index == xParam_) x0 = b[0].get<double>(), x1 = b[1].get<double>();
        if (index == yParam_ && yParam_ >= 0) y0 = b[0].get<double>(), y1 = b[1].get<double>();
      }
      painter.setPen(QPen(in ? QColor(20, 140, 60) : QColor(200, 40, 40), 2.0));
      painter.setBrush(QBrush(in ? QColor(20, 140, 60, 60) : QColor(200, 40, 40, 90),
                              in ? Qt::Dense6Pattern : Qt::BDiagPattern));
      painter.drawRect(QRectF(toWidget(x0, y1), toWidget(x1, y0)).normalized());
    }
  }
  // The curriculum's bounds: what a drag moves.
  if (boxDimOf(xParam_) >= 0 || boxDimOf(yParam_) >= 0) {
    const Range bx = boxDimOf(xParam_) >= 0 ? boundsOf(xParam_) : rx;
    const Range by = boxDimOf(yParam_) >= 0 ? boundsOf(yParam_) : ry;
    QRectF box(toWidget(bx.low, by.high), toWidget(bx.high, by.low));
    box = box.normalized();
    if (dragging_ != Edge::None && dragAt_) {
      if (dragging_ == Edge::XLow) box.setLeft(dragAt_->x());
      if (dragging_ == Edge::XHigh) box.setRight(dragAt_->x());
      if (dragging_ == Edge::YLow) box.setBottom(dragAt_->y());
      if (dragging_ == Edge::YHigh) box.setTop(dragAt_->y());
    }
    painter.setPen(QPen(palette().text().color(), 2.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(box.normalized());
  }
  if (paintFrom_ && dragAt_) {
    painter.setPen(QPen(tool_ == Tool::PaintIn ? QColor(20, 140, 60) : QColor(200, 40, 40), 1.5,
                        Qt::DashLine));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(*paintFrom_, *dragAt_).normalized());
  }
  painter.setClipping(false);
  // What the marks mean.
  painter.setPen(palette().text().color());
  painter.drawText(QRectF(plot.left(), height() - 18, plot.width(), 16), Qt::AlignLeft,
                   QStringLiteral("dots: finished episodes by return · shapes: the teacher's model "
                                  "by learning progress (blue low, red high) · squares: test set "
                                  "(green: mastered) · black box: the bounds"));
  // Colour scale of the returns.
  const QRectF scale(plot.right() - 150, plot.top() + 6, 100, 8);
  for (int i = 0; i < 100; ++i)
    painter.fillRect(QRectF(scale.left() + i, scale.top(), 1, scale.height()), heat(i / 99.0));
  painter.setPen(palette().text().color());
  painter.drawText(QRectF(scale.left() - 60, scale.top() - 4, 56, 16), Qt::AlignRight,
                   QString::number(returns_.low, 'f', 0));
  painter.drawText(QRectF(scale.right() + 4, scale.top() - 4, 56, 16), Qt::AlignLeft,
                   QString::number(returns_.high, 'f', 0));
}

CurriculumMap::Edge CurriculumMap::edgeAt(QPointF p) const {
  const auto near = [&](double a, double b) { return std::fabs(a - b) <= kEdgeGrabPixels; };
  if (boxDimOf(xParam_) >= 0) {
    const Range b = boundsOf(xParam_);
    if (near(p.x(), toWidget(b.low, 0).x())) return Edge::XLow;
    if (near(p.x(), toWidget(b.high, 0).x())) return Edge::XHigh;
  }
  if (boxDimOf(yParam_) >= 0) {
    const Range b = boundsOf(yParam_);
    if (near(p.y(), toWidget(0, b.low).y())) return Edge::YLow;
    if (near(p.y(), toWidget(0, b.high).y())) return Edge::YHigh;
  }
  return Edge::None;
}

void CurriculumMap::mousePressEvent(QMouseEvent* event) {
  if (!editable_ || event->button() != Qt::LeftButton || !section_.is_object()) return;
  const QPointF p = event->position();
  dragAt_ = p;
  if (tool_ == Tool::Bounds)
    dragging_ = edgeAt(p);
  else if (plotRect()
               .adjusted(-kEdgeGrabPixels, -kEdgeGrabPixels, kEdgeGrabPixels, kEdgeGrabPixels)
               .contains(p))
    paintFrom_ = p;  // a little outside the plot: from its edge
  update();
}

void CurriculumMap::mouseMoveEvent(QMouseEvent* event) {
  const QPointF p = event->position();
  if (dragging_ != Edge::None || paintFrom_) {
    dragAt_ = p;
    update();
    return;
  }
  const Edge edge = editable_ && tool_ == Tool::Bounds ? edgeAt(p) : Edge::None;
  setCursor(edge == Edge::XLow || edge == Edge::XHigh   ? Qt::SizeHorCursor
            : edge == Edge::YLow || edge == Edge::YHigh ? Qt::SizeVerCursor
            : tool_ == Tool::Bounds                     ? Qt::ArrowCursor
                                                        : Qt::CrossCursor);
}

void CurriculumMap::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const QPointF p = event->position();
  const QPointF v = toValues(p);
  nlohmann::json section = section_;
  bool changed = false;
  if (dragging_ != Edge::None) {
    const bool onX = dragging_ == Edge::XLow || dragging_ == Edge::XHigh;
    const int param = onX ? xParam_ : yParam_;
    const TaskParam& tp = space_.params()[static_cast<size_t>(param)];
    Range b = boundsOf(param);
    double value = std::clamp(onX ? v.x() : v.y(), tp.low, tp.high);
    if (tp.integer) value = std::round(value);
    if (dragging_ == Edge::XLow || dragging_ == Edge::YLow)
      b.low = std::min(value, b.high);
    else
      b.high = std::max(value, b.low);
    section["bounds"][tp.name] = {b.low, b.high};
    changed = true;
  } else if (paintFrom_) {
    const QPointF from = toValues(*paintFrom_);
    nlohmann::json bounds = nlohmann::json::object();
    const auto add = [&](int param, double a, double b) {
      if (boxDimOf(param) < 0) return;
      const Range r = axisRange(param, false);
      a = std::clamp(a, r.low, r.high);
      b = std::clamp(b, r.low, r.high);
      bounds[space_.params()[static_cast<size_t>(param)].name] = {std::min(a, b), std::max(a, b)};
    };
    add(xParam_, from.x(), v.x());
    add(yParam_, from.y(), v.y());
    if (!bounds.empty()) {
      if (!section.contains("regions")) section["regions"] = nlohmann::json::array();
      section["regions"].push_back(
          {{"mode", tool_ == Tool::PaintIn ? "in" : "out"}, {"bounds", bounds}});
      changed = true;
    }
  }
  dragging_ = Edge::None;
  paintFrom_.reset();
  dragAt_.reset();
  update();
  if (changed) emit edited(section);
}

}  // namespace palaestra
