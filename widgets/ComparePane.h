#pragma once
// One side of the comparison view: a caption over a simulation view, with
// toggles for the overlay layers of the side's env below it (each side has its
// own, since the two sides may show different simulations). Where no
// OpenGL 3.3 context can be created (SimView::openGlProblem() is non-empty) the
// pane never creates a SimView and paints SimView's "no OpenGL" message in its
// place; it still keeps the scene it was given, so the comparison logic works
// and is testable without GL.

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "env/Scene.h"

class QLabel;

namespace palaestra {

class OverlayToggleBar;
class SimView;

class ComparePane : public QWidget {
  Q_OBJECT

 public:
  /// A pane with an empty caption; creates a SimView only where OpenGL works.
  explicit ComparePane(QWidget* parent = nullptr);

  /// The line above the view (e.g. "A: walker-ppo-3, episode 12").
  void setCaption(const QString& caption);
  /// The caption text.
  QString caption() const;
  /// The caption label.
  QLabel* captionLabel() const { return caption_; }
  /// Sets the scene to draw.
  void setScene(const Scene& scene);
  /// The scene last given to setScene (whether or not it can be drawn).
  const Scene& scene() const;
  /// Text lines drawn over the view (step, return, "ended", ...).
  void setOverlayLines(const QStringList& lines);
  /// The overlay lines last set.
  QStringList overlayLines() const { return overlay_; }
  /// Offers toggles for `layers` (the side's env's overlay layers; empty: none).
  void setOverlayLayers(const std::vector<SceneLayerInfo>& layers);
  /// The overlay toggles below the view.
  OverlayToggleBar* overlayToggles() const { return overlayToggles_; }
  /// The simulation view, or nullptr where OpenGL is unavailable.
  SimView* simView() const { return view_; }
  /// Why no simulation view was created; empty when there is one.
  QString glProblem() const { return glProblem_; }

 protected:
  /// Paints the "no OpenGL" message below the caption when there is no view.
  void paintEvent(QPaintEvent* event) override;

 private:
  QLabel* caption_ = nullptr;
  SimView* view_ = nullptr;
  OverlayToggleBar* overlayToggles_ = nullptr;
  QString glProblem_;
  Scene fallbackScene_;  // kept only without a view (the view keeps its own copy)
  QStringList overlay_;
};

}  // namespace palaestra
