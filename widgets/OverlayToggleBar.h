#pragma once
// A row of checkboxes, one per overlay layer an env declares (EnvSpec::overlayLayers), that
// shows or hides those layers in one or more SimViews. Every viewer (live, replay, comparison)
// builds its toggles here, so a walker offers lidar, contacts and joints, a fight hitboxes and
// state names, and a new simulation only declares its own layers.

#include <QList>
#include <QWidget>

#include <vector>

#include "env/Scene.h"
#include "widgets/SceneTessellator.h"

class QCheckBox;
class QHBoxLayout;

namespace palaestra {

class SimView;

class OverlayToggleBar : public QWidget {
  Q_OBJECT

 public:
  /// A bar without toggles (nothing declared yet).
  explicit OverlayToggleBar(QWidget* parent = nullptr);

  /// Offers the toggles of `layers`, each at its default, and applies them to the views; the
  /// same layers as before keep the user's choices.
  void setLayers(const std::vector<SceneLayerInfo>& layers);
  /// The layers offered, in the order shown.
  const std::vector<SceneLayerInfo>& layers() const { return layers_; }
  /// Adds a view the toggles drive (it takes the current choices at once); null is ignored.
  void addView(SimView* view);
  /// The toggle of layer `id`, or nullptr when that layer is not offered.
  QCheckBox* toggle(SceneLayerId id) const;
  /// The toggles in the order shown.
  QList<QCheckBox*> toggles() const;
  /// The layers the user chose to see, as bits.
  SceneLayerMask visibleLayers() const { return visible_; }

 signals:
  /// The user (or code) showed or hid a layer.
  void layerToggled(SceneLayerId id, bool visible);

 private:
  // Sets every view's overlay layers to the current choices (hiding undeclared ones).
  void applyToViews();

  std::vector<SceneLayerInfo> layers_;
  std::vector<QCheckBox*> boxes_;
  QList<SimView*> views_;
  SceneLayerMask visible_ = 0;
  QHBoxLayout* row_;
};

}  // namespace palaestra
