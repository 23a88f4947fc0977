#pragma once
// Plays a stored episode by re-simulation: the episode's env is rebuilt from
// its run's config, the ReplayTimeline is built on a worker thread
// (ReplayBuildJob) and frames become seekable as they are built. Controls: a
// PlaybackBar (play/pause, step forward and back, speed, timeline slider and
// frame counter), a RewardStrip (per-step rewards with a cursor at the current
// frame; clicking it seeks), the env's live metrics over the episode's frames
// with a cursor at the frame shown (LiveMetricStrip; only for envs that name
// live metrics) and a badge telling whether the replay matched the stored state
// hashes or where it diverged.
//
// Clicking the view picks the agent there, as in the live view: a second env
// (ReplayCursor) is put at the frame shown, the env highlights the agent
// (Env::describeAgent: the swarm's radius and neighbours) and an AgentInspector
// beside the view shows its observation row; both follow the frames as the
// replay plays, seeks or steps back. Clicking empty space clears the pick.
//
// The view is a SimView, or where OpenGL is unavailable (SimView::openGlProblem()
// non-empty) a SimViewStandIn: no SimView is ever created then.

#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <cstdint>
#include <functional>
#include <memory>

#include "env/Env.h"
#include "env/Scene.h"
#include "env/TaskSpace.h"
#include "widgets/PlaybackClock.h"

class QLabel;

namespace palaestra {

class AgentInspector;
class LiveMetricStrip;
class OverlayToggleBar;
class PlaybackBar;
class ReplayBuildJob;
class ReplayCursor;
class ReplayTimeline;
class RewardStrip;
class RunStore;
class SimView;
class SimViewStandIn;

class ReplayPlayer : public QWidget {
  Q_OBJECT

 public:
  /// An empty player ("no episode open"); creates a SimView only if OpenGL works here.
  explicit ReplayPlayer(QWidget* parent = nullptr);
  /// Stops the re-simulation worker.
  ~ReplayPlayer() override;

  /// Opens episode `episodeId` of `store` and starts re-simulating it on the run's env from the
  /// EnvRegistry (which the caller fills first). On an unknown episode,
  /// unknown env, bad run config or store error: emits errorOccurred with a clear message,
  /// returns false and keeps showing what it showed.
  bool openEpisode(std::shared_ptr<RunStore> store, int64_t episodeId);
  /// The episode shown, or -1.
  int64_t episodeId() const { return episodeId_; }
  /// Waits (processing events) until the timeline is fully built; false on timeout or no episode.
  bool waitUntilBuilt(int timeoutMs);
  /// Whether an episode is open and its timeline fully built.
  bool built() const;

  /// Shows frame `frame` (clamped to the frames built so far).
  void seek(int frame);
  /// The frame shown.
  int currentFrame() const { return frame_; }
  /// Frames seekable now (built so far).
  int frameCount() const;
  /// Milliseconds the last seek() took (frame lookup, scene swap into the view, overlay).
  double lastSeekMs() const { return lastSeekMs_; }
  /// The timeline being built or built; read it only once built() (it is built on a worker).
  const ReplayTimeline* timeline() const;

  /// The simulation view, or nullptr where OpenGL is unavailable.
  SimView* simView() const { return simView_; }
  /// The stand-in shown instead of the view without OpenGL, or nullptr.
  SimViewStandIn* standIn() const { return standIn_; }
  /// The transport bar.
  PlaybackBar* bar() const { return bar_; }
  /// The reward strip.
  RewardStrip* rewardStrip() const { return strip_; }
  /// The strip of the open episode's live metrics (hidden when its env names none).
  LiveMetricStrip* metricStrip() const { return metricStrip_; }
  /// The toggles of the open episode's overlay layers, as its env declares them.
  OverlayToggleBar* overlayToggles() const { return overlayToggles_; }
  /// The playback clock (speed and pause state).
  const PlaybackClock& clock() const { return clock_; }
  /// Whether playback is running.
  bool playing() const { return !clock_.paused(); }

  /// Picks the agent under `pixel` (view coordinates) at the frame shown, or clears the pick
  /// where there is none; returns the agent or -1.
  int pickAgentAt(QPointF pixel);
  /// Picks agent `agent` (-1 clears); out-of-range agents clear the pick.
  void selectAgent(int agent);
  /// The picked agent, or -1.
  int selectedAgent() const { return selectedAgent_; }
  /// The panel showing the picked agent's observation (hidden while none is picked).
  AgentInspector* agentInspector() const { return inspector_; }

  /// The verdict badge: "simulating... n%", "replay matches stored hashes (N frames)",
  /// "replay diverges at step K" or why the replay could not be checked.
  QString badgeText() const;
  /// Whether the badge is green (every stored hash matched).
  bool badgeMatches() const { return badgeState_ == BadgeState::Matches; }
  /// Text lines of the view overlay: frame, return so far, reward, speed.
  QStringList overlayLines() const { return overlayLines_; }
  /// Per-step values for the inspector: frame, reward, return so far and the episode's task values.
  QList<QPair<QString, double>> stepValues() const;

 public slots:
  /// Plays or pauses; playing at the last frame of a finished timeline starts from frame 0.
  void togglePlay();
  /// Pauses and shows the next frame.
  void stepForward();
  /// Pauses and shows the previous frame.
  void stepBack();
  /// Next faster speed.
  void faster();
  /// Next slower speed.
  void slower();

 signals:
  /// The frame shown changed.
  void frameChanged(int frame);
  /// The per-step values changed (frame, build progress, episode).
  void stepValuesChanged();
  /// Opening or re-simulating failed; the message is fit for the user.
  void errorOccurred(const QString& message);

 private:
  enum class BadgeState { Empty, Building, Matches, Diverges, Failed };
  void pollBuild();
  void playTick();
  void showFrame(int frame);
  void updateOverlay();
  void updateBadge();
  void setPlaying(bool playing);
  // Puts the cursor env at the frame shown (made on the first pick); false without an episode.
  bool placeCursor();

  std::shared_ptr<RunStore> store_;
  std::function<EnvPtr()> makeEnv_;       // a fresh env of the open episode's run
  std::unique_ptr<ReplayCursor> cursor_;  // made on the first pick of an episode
  int selectedAgent_ = -1;
  Scene pickedScene_;  // the stored frame plus the picked agent's highlight
  std::unique_ptr<ReplayBuildJob> job_;
  int64_t episodeId_ = -1;
  TaskValues task_;
  int frame_ = 0;
  int framesSeen_ = 0;      // frames built at the last poll
  bool finishSeen_ = false; // the last poll took in the finished timeline (badge, strip)
  double reward_ = 0.0;     // reward that led to the current frame
  double returnSoFar_ = 0.0;
  double lastSeekMs_ = 0.0;
  PlaybackClock clock_;
  QTimer buildPoll_;
  QTimer playTimer_;
  QElapsedTimer tickClock_;
  BadgeState badgeState_ = BadgeState::Empty;
  QString badgeText_;
  QStringList overlayLines_;

  SimView* simView_ = nullptr;
  SimViewStandIn* standIn_ = nullptr;
  PlaybackBar* bar_ = nullptr;
  RewardStrip* strip_ = nullptr;
  LiveMetricStrip* metricStrip_ = nullptr;
  OverlayToggleBar* overlayToggles_ = nullptr;
  QLabel* badge_ = nullptr;
  AgentInspector* inspector_ = nullptr;
};

}  // namespace palaestra
