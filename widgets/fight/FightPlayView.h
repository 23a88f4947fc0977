#pragma once
// The play page of the fighting game: a person (P1, keyboard) against a CPU,
// a second person on the same keyboard, or a stored agent checkpoint (P2).
//
// The match itself (the env, P2's controller, the recording, storing it as a
// Play episode of its own run) is a fight::FightMatchSession; this page only
// turns keys into pads, runs the session's frames at a fixed 60 Hz from a QTimer
// and a clock accumulator, never faster than real time (a test hook runs a fixed
// number of frames per tick instead), and draws the match.
//
// Keys (while the page has focus): the FightKeyMap's players' keys, Escape
// quits (asking first while the match runs), Space or F2 pauses, F3 toggles
// training mode (hitboxes, hurtboxes, state names, input history, frame
// advantage), F4 puts both fighters back at their start (training mode only;
// starts the recording over). Leaving the page pauses the match.
#include <QElapsedTimer>
#include <QSet>
#include <QWidget>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "env/Scene.h"
#include "fight/FightMatchSession.h"
#include "widgets/fight/FightKeyMap.h"
#include "widgets/fight/FightTrainingOverlay.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTimer;

namespace palaestra {

class RunStore;
class SimView;

/// Who plays which side of a person's match, as chosen in FightPlayDialog.
using FightPlaySetup = fight::FightMatchSetup;

class FightPlayView : public QWidget {
  Q_OBJECT

 public:
  /// Frames per second of the match clock.
  static constexpr int kFramesPerSecond = 60;

  /// An idle page (no match).
  explicit FightPlayView(QWidget* parent = nullptr);
  ~FightPlayView() override;

  /// Starts a match of `setup`, to be stored in `store` (a run is created now); false with
  /// `error` set if the setup cannot be played (bad character, checkpoint, store).
  bool start(const FightPlaySetup& setup, std::shared_ptr<RunStore> store, QString* error);
  /// Whether a match is being played (started, not yet over or quit).
  bool running() const { return session_ && session_->running(); }
  /// Pauses or resumes the match clock.
  void setPaused(bool paused);
  /// Whether the match is paused.
  bool paused() const { return paused_; }
  /// Turns the training overlays on or off.
  void setTrainingMode(bool on);
  /// Whether training mode is on.
  bool trainingMode() const { return trainingMode_; }
  /// Puts both fighters back at the round start (training mode); the recording starts over.
  void resetPositions();
  /// Ends the match now and stores it (asks first through the confirm hook while it runs);
  /// returns whether it ended.
  bool quitMatch();

  /// The key layout in use.
  const FightKeyMap& keyMap() const { return keys_; }
  /// Changes the key layout (held keys are released).
  void setKeyMap(const FightKeyMap& keys);
  /// Asked before quitting a running match (default: yes).
  void setQuitConfirmation(std::function<bool()> confirm) { confirmQuit_ = std::move(confirm); }
  /// Test hook: run exactly `frames` frames per timer tick regardless of the clock (0 = real time).
  void setFramesPerTick(int frames) { framesPerTick_ = frames; }

  /// The view drawing the match.
  SimView* view() const { return view_; }
  /// The match env (nullptr before the first start()).
  const fight::FightEnv* env() const { return session_ ? &session_->env() : nullptr; }
  /// The match being played or last played (nullptr before the first start()).
  const fight::FightMatchSession* session() const { return session_.get(); }
  /// Frames played in the current recording.
  int framesPlayed() const { return session_ ? session_->framesPlayed() : 0; }
  /// The training overlay's state (input history, frame advantage).
  const FightTrainingOverlay& overlay() const { return overlay_; }
  /// Run and episode ids of the last stored match (-1 before one is stored).
  int64_t storedRunId() const { return storedRun_; }
  /// Episode id of the last stored match, or -1.
  int64_t storedEpisodeId() const { return storedEpisode_; }

 signals:
  /// A match ended (or was quit) and was stored as `episodeId` of run `runId`.
  void matchStored(qint64 runId, qint64 episodeId);
  /// Storing the match failed; `message` says why.
  void errorOccurred(const QString& message);
  /// The user left the page (Escape after the match, or the Back button).
  void closeRequested();

 protected:
  bool event(QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void tick();
  // Plays one frame of the session with the held keys' pads; reports the match once it is over.
  void playFrame();
  // The match ended (or was quit): stops the clock and says where it was stored, or why not.
  void reportEnd();
  void redraw();
  void updateStatus();
  bool handlesKey(int key) const;

  SimView* view_;
  QLabel* status_;
  QCheckBox* trainingBox_;
  QPushButton* quitButton_;
  QTimer* timer_;
  QElapsedTimer clock_;
  int64_t framesSinceClockStart_ = 0;
  int framesPerTick_ = 0;

  FightKeyMap keys_;
  QSet<int> held_;
  std::function<bool()> confirmQuit_;

  std::unique_ptr<fight::FightMatchSession> session_;
  bool paused_ = false;
  bool trainingMode_ = false;
  int64_t storedRun_ = -1;
  int64_t storedEpisode_ = -1;
  FightTrainingOverlay overlay_;
  Scene scene_;
};

}  // namespace palaestra
