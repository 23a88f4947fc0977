#pragma once
// The live view the user watches: one env driven by a policy (the latest
// training snapshot, or a stored checkpoint), drawn by a SimView with a
// PlaybackBar (MuJoCo-style speed: pause, single step, 1/8x .. 8x, max),
// toggles for the overlay layers the watched env declares (the walker's lidar
// rays, contacts and joint motors; the fight's hitboxes and state names) and
// one for the per-step reward line. The env's live metrics (EnvSpec::liveMetrics,
// e.g. the swarm's "order") are plotted step by step under the view
// (LiveMetricStrip). Clicking the view picks the agent there (Env::agentAt): the
// env highlights it (Env::describeAgent) and an AgentInspector beside the view
// shows its observation row, frame by frame; clicking empty space clears it.
//
// The viewer runs in the GUI thread and simulates only what it shows: a timer
// at the display rate asks the PlaybackClock how many steps are due, so
// watching costs one env step per shown step and never touches the training
// threads. At "max" it steps for about 8 ms per tick, leaving the rest of the
// frame to the UI.
//
// Without OpenGL (SimView::openGlProblem() non-empty) no SimView is ever
// created: a plain widget paints SimView::paintUnavailableMessage instead, and
// the runner and per-step values still work.

#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "env/Scene.h"
#include "env/TaskSpace.h"
#include "play/PolicyRunner.h"
#include "rl/Policy.h"
#include "widgets/PlaybackClock.h"

namespace palaestra {

class AgentInspector;
class LiveMetricStrip;
class OverlayToggleBar;
class PlaybackBar;
class SimView;

class LiveViewer : public QWidget {
  Q_OBJECT

 public:
  /// Supplies the policy to watch (e.g. TrainingManager::latestPolicy); may return nullptr.
  using PolicySource = std::function<std::shared_ptr<const Policy>()>;

  /// An idle viewer (nothing watched); checks for OpenGL once.
  explicit LiveViewer(QWidget* parent = nullptr);
  ~LiveViewer() override;

  /// Watches a new env `env` (registry name) built from `envConfig` on `task`, episodes
  /// seeded like evaluation episodes of `seed`, and starts playing (env names are looked up in
  /// the EnvRegistry, which the caller fills first). On a bad env name,
  /// config or task the viewer shows the message (errorMessage()) and watches nothing.
  void watch(const std::string& env, const nlohmann::json& envConfig, const TaskValues& task,
             uint64_t seed);
  /// The policy to act (nullptr: zero actions), from the next step on; kept for later
  /// watch() calls. A policy that does not fit the env is refused with a message.
  void setPolicy(std::shared_ptr<const Policy> policy);
  /// A second policy for the agents of slot `slot` from the next watch() on (nullptr: none), and
  /// whether the policies sample their actions (see PolicyRunner): two league members fighting.
  /// Every watch() without this call plays one policy deterministically, as before.
  void setSlotPolicy(int slot, std::shared_ptr<const Policy> policy, bool sampleActions);
  /// Polls `source` at each episode start and at most once a second for a newer policy
  /// (the live-training case); an empty function stops polling.
  void setPolicySource(PolicySource source);
  /// The task of the next episodes; a task the env rejects is refused with a message.
  void setTask(const TaskValues& task);
  /// Stops watching: the timer stops and the env is released (the last frame stays).
  void stop();

  /// Whether an env is being watched.
  bool watching() const { return runner_ != nullptr; }
  /// The runner of the watched env, or nullptr when not watching.
  PolicyRunner* runner() const { return runner_.get(); }
  /// The playback speed and pause state.
  PlaybackClock& clock() { return clock_; }
  /// The simulation view, or nullptr where OpenGL is unavailable.
  SimView* simView() const { return simView_; }
  /// The transport bar (timeline hidden, step back disabled).
  PlaybackBar* bar() const { return bar_; }
  /// Why OpenGL is unavailable (empty when the SimView exists).
  QString glProblem() const { return glProblem_; }
  /// The last error shown to the user (bad env, task or policy); empty when none.
  QString errorMessage() const { return error_; }

  /// The toggles of the watched env's overlay layers (none before the first watch()).
  OverlayToggleBar* overlayToggles() const { return overlayToggles_; }
  /// Overlay toggle: the per-step reward line of the text overlay.
  QCheckBox* rewardCheck() const { return rewardCheck_; }

  /// Picks agent `agent` of the watched env (highlighted, its observation in the inspector);
  /// -1, or an index the env does not have, clears the pick.
  void selectAgent(int agent);
  /// The agent picked, or -1.
  int selectedAgent() const { return selectedAgent_; }
  /// Picks the agent under `pixel` (view widget coordinates) as a click does; the agent or -1.
  int pickAgentAt(QPointF pixel);
  /// The panel showing the picked agent's observation (hidden while none is picked).
  AgentInspector* agentInspector() const { return inspector_; }
  /// The strip of the env's live metrics (hidden when the env names none).
  LiveMetricStrip* metricStrip() const { return metricStrip_; }

  /// The text overlay lines: step, return so far, reward (if toggled), speed.
  QStringList overlayLines() const;
  /// Values for the inspector: step, reward, return so far, episode, speed (factor, +inf at max).
  QList<QPair<QString, double>> stepValues() const;
  /// The scene last drawn (empty without OpenGL: nothing is described that is not shown).
  const Scene& scene() const { return scene_; }

 public slots:
  /// Pauses or resumes playback.
  void togglePlay();
  /// Pauses and simulates exactly one step.
  void stepForward();
  /// One rung faster on the speed ladder.
  void faster();
  /// One rung slower on the speed ladder.
  void slower();

 signals:
  /// The step, return, episode or speed changed (the inspector refreshes stepValues()).
  void stepValuesChanged();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  // One display tick: poll the policy source, simulate the due steps, redraw.
  void tick();
  // Simulates one step and polls the policy source when a new episode began.
  void advance();
  // Asks the policy source for a policy and applies it if it is a new one.
  void pollPolicySource();
  // Applies `policy` to the runner; shows a message instead when it does not fit.
  void applyPolicy(const std::shared_ptr<const Policy>& policy);
  // Redraws the scene and the overlay, updates the bar and emits stepValuesChanged.
  void refresh();
  // Appends the env's live metrics at its current step to the strip.
  void recordLiveMetrics();
  // Refills the inspector with the picked agent's observation row.
  void updateInspector();
  void showError(const QString& message);
  void updateTimer();

  PlaybackClock clock_{1.0 / 60.0};
  std::unique_ptr<PolicyRunner> runner_;
  std::shared_ptr<const Policy> policy_;
  int secondSlot_ = -1;  // with secondPolicy_: the slot it drives (setSlotPolicy)
  std::shared_ptr<const Policy> secondPolicy_;
  bool sampleActions_ = false;
  PolicySource policySource_;
  QElapsedTimer sincePoll_;

  QString glProblem_;
  SimView* simView_ = nullptr;
  QWidget* unavailable_ = nullptr;  // painted "no OpenGL" message
  QLabel* errorLabel_;
  PlaybackBar* bar_;
  OverlayToggleBar* overlayToggles_;
  QCheckBox* rewardCheck_;
  AgentInspector* inspector_;
  LiveMetricStrip* metricStrip_;
  QString error_;
  int selectedAgent_ = -1;
  std::vector<double> metricValues_;  // one step's live metric values

  QTimer timer_;
  QElapsedTimer sinceTick_;
  Scene scene_;
};

}  // namespace palaestra
