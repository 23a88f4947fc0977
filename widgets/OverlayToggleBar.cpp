#include "widgets/OverlayToggleBar.h"

#include <QCheckBox>
#include <QHBoxLayout>

#include <algorithm>

#include "widgets/SimView.h"

namespace palaestra {

OverlayToggleBar::OverlayToggleBar(QWidget* parent) : QWidget(parent) {
  row_ = new QHBoxLayout(this);
  row_->setContentsMargins(0, 0, 0, 0);
}

void OverlayToggleBar::setLayers(const std::vector<SceneLayerInfo>& layers) {
  const auto same = [](const SceneLayerInfo& a, const SceneLayerInfo& b) {
    return a.id == b.id && a.label == b.label;
  };
  if (std::equal(layers.begin(), layers.end(), layers_.begin(), layers_.end(), same)) return;
  for (QCheckBox* box : boxes_) delete box;
  boxes_.clear();
  layers_.clear();
  visible_ = 0;
  for (const SceneLayerInfo& layer : layers) {
    if (layer.id == kBaseLayer || sceneLayerBit(layer.id) == 0) continue;  // not toggleable
    auto* box = new QCheckBox(QString::fromStdString(layer.label), this);
    box->setChecked(layer.visibleByDefault);
    if (layer.visibleByDefault) visible_ |= sceneLayerBit(layer.id);
    const SceneLayerId id = layer.id;
    connect(box, &QCheckBox::toggled, this, [this, id](bool on) {
      if (on)
        visible_ |= sceneLayerBit(id);
      else
        visible_ &= ~sceneLayerBit(id);
      for (SimView* view : views_) view->setLayerVisible(id, on);
      emit layerToggled(id, on);
    });
    row_->addWidget(box);
    boxes_.push_back(box);
    layers_.push_back(layer);
  }
  applyToViews();
}

void OverlayToggleBar::addView(SimView* view) {
  if (!view) return;
  views_.append(view);
  // A view that goes first (a pane rebuilt) must not be driven afterwards.
  connect(view, &QObject::destroyed, this, [this, view] { views_.removeAll(view); });
  applyToViews();
}

QCheckBox* OverlayToggleBar::toggle(SceneLayerId id) const {
  for (size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].id == id) return boxes_[i];
  return nullptr;
}

QList<QCheckBox*> OverlayToggleBar::toggles() const {
  return QList<QCheckBox*>(boxes_.begin(), boxes_.end());
}

void OverlayToggleBar::applyToViews() {
  for (SimView* view : views_)
    for (SceneLayerId id = 1; id <= kMaxSceneLayerId; ++id)
      view->setLayerVisible(id, (visible_ & sceneLayerBit(id)) != 0);
}

}  // namespace palaestra
