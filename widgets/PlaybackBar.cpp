#include "widgets/PlaybackBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

#include <algorithm>

namespace palaestra {

namespace {

QToolButton* makeButton(QWidget* parent, QStyle::StandardPixmap icon, const QString& text,
                        const QString& tip) {
  auto* button = new QToolButton(parent);
  button->setIcon(parent->style()->standardIcon(icon));
  button->setText(text);
  button->setToolTip(tip);
  button->setAutoRaise(true);
  return button;
}

}  // namespace

PlaybackBar::PlaybackBar(QWidget* parent) : QWidget(parent) {
  stepBack_ = makeButton(this, QStyle::SP_MediaSeekBackward, tr("Step back"),
                         tr("One step back (Left)"));
  play_ = makeButton(this, QStyle::SP_MediaPlay, tr("Play"), tr("Play / pause (Space)"));
  stepForward_ = makeButton(this, QStyle::SP_MediaSeekForward, tr("Step forward"),
                            tr("One step forward (Right)"));
  slower_ = makeButton(this, QStyle::SP_ArrowDown, tr("Slower"), tr("Slower (-)"));
  faster_ = makeButton(this, QStyle::SP_ArrowUp, tr("Faster"), tr("Faster (+)"));
  speedLabel_ = new QLabel(QStringLiteral("1x"), this);
  // Wide enough for "1/8x" and "max" so the bar does not jump when the speed changes.
  speedLabel_->setMinimumWidth(speedLabel_->fontMetrics().horizontalAdvance(QStringLiteral("1/8x ")));
  speedLabel_->setAlignment(Qt::AlignCenter);
  speedLabel_->setToolTip(tr("Playback speed relative to simulated real time"));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, 0);
  slider_->setEnabled(false);
  frameLabel_ = new QLabel(this);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(stepBack_);
  layout->addWidget(play_);
  layout->addWidget(stepForward_);
  layout->addSpacing(8);
  layout->addWidget(slower_);
  layout->addWidget(speedLabel_);
  layout->addWidget(faster_);
  layout->addSpacing(8);
  layout->addWidget(slider_, 1);
  layout->addWidget(frameLabel_);
  layout->addStretch(0);

  connect(play_, &QToolButton::clicked, this, &PlaybackBar::playToggled);
  connect(stepForward_, &QToolButton::clicked, this, &PlaybackBar::stepForwardRequested);
  connect(stepBack_, &QToolButton::clicked, this, &PlaybackBar::stepBackRequested);
  connect(slower_, &QToolButton::clicked, this, &PlaybackBar::slowerRequested);
  connect(faster_, &QToolButton::clicked, this, &PlaybackBar::fasterRequested);
  connect(slider_, &QSlider::valueChanged, this, [this](int value) {
    updateFrameLabel();
    if (!settingFromCode_) emit frameRequested(value);
  });
  updateFrameLabel();
}

void PlaybackBar::setTimelineVisible(bool visible) {
  slider_->setVisible(visible);
  frameLabel_->setVisible(visible);
}

bool PlaybackBar::timelineVisible() const { return !slider_->isHidden(); }

void PlaybackBar::setFrameCount(int count) {
  frameCount_ = std::max(0, count);
  settingFromCode_ = true;
  slider_->setRange(0, std::max(0, frameCount_ - 1));
  settingFromCode_ = false;
  slider_->setEnabled(frameCount_ > 1);
  updateFrameLabel();
}

void PlaybackBar::setFrame(int frame) {
  settingFromCode_ = true;
  slider_->setValue(std::clamp(frame, 0, std::max(0, frameCount_ - 1)));
  settingFromCode_ = false;
  updateFrameLabel();
}

int PlaybackBar::frame() const { return slider_->value(); }

void PlaybackBar::setPlaying(bool playing) {
  playing_ = playing;
  play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
  play_->setText(playing ? tr("Pause") : tr("Play"));
}

void PlaybackBar::setSpeedLabel(const QString& label) { speedLabel_->setText(label); }

void PlaybackBar::setStepBackEnabled(bool enabled) { stepBack_->setEnabled(enabled); }

void PlaybackBar::updateFrameLabel() {
  // Frames are 0 .. count-1 (frame 0 = after reset), so a 2000-step episode reads
  // "frame 0 / 2000" ... "frame 2000 / 2000".
  if (frameCount_ == 0) {
    frameLabel_->setText(tr("frame - / -"));
    return;
  }
  frameLabel_->setText(tr("frame %1 / %2").arg(slider_->value()).arg(frameCount_ - 1));
}

}  // namespace palaestra
