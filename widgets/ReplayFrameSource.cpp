#include "widgets/ReplayFrameSource.h"

#include <QPixmap>
#include <cmath>
#include <string>

#include "util/Errors.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/SimView.h"
#include "widgets/SimViewStandIn.h"

namespace palaestra {

ReplayFrameSource::ReplayFrameSource(ReplayPlayer& player) : player_(&player) {
  const std::string what = "Cannot export the replay: ";
  if (player.episodeId() < 0) throw ConfigError(what + "no episode is open");
  const std::string episode = "episode " + std::to_string(player.episodeId());
  if (!player.built())
    throw ConfigError(what + "the replay of " + episode + " is still being simulated (" +
                      std::to_string(player.frameCount()) + " frames so far); export it when it is done");
  if (player.frameCount() <= 0) throw ConfigError(what + "the replay of " + episode + " has no frames");
  const double secondsPerStep = player.clock().secondsPerStep();
  if (!(secondsPerStep > 0.0) || !std::isfinite(secondsPerStep))
    throw ConfigError(what + "the env of " + episode + " has no valid step duration");

  episodeId_ = player.episodeId();
  frameCount_ = player.frameCount();
  framesPerSecond_ = 1.0 / secondsPerStep;
  restoreFrame_ = player.currentFrame();
  wasPlaying_ = player.playing();
  if (wasPlaying_) player.togglePlay();  // pause: the play timer would move the frame between renders
  if (SimView* view = player.simView()) view->setFrameTimesVisible(false);
  viewSize_.emplace(player.simView() ? static_cast<QWidget*>(player.simView()) : player.standIn());
}

ReplayFrameSource::~ReplayFrameSource() {
  if (!player_) return;
  if (SimView* view = player_->simView()) view->setFrameTimesVisible(true);
  if (player_->episodeId() != episodeId_) return;  // another episode is shown now: leave it be
  player_->seek(restoreFrame_);
  if (wasPlaying_ && !player_->playing()) player_->togglePlay();
}

QImage ReplayFrameSource::renderFrame(int index) {
  if (!player_ || player_->episodeId() != episodeId_ || index < 0 || index >= frameCount_) return {};
  player_->seek(index);
  if (player_->currentFrame() != index) return {};
  if (SimView* view = player_->simView()) return view->grabFramebuffer();
  if (SimViewStandIn* standIn = player_->standIn()) return standIn->grab().toImage();
  return {};
}

}  // namespace palaestra
