#pragma once
// Side-by-side comparison (issue 3, section 7): two simulation panes on one
// shared timeline and speed control, and below them tabs with the two runs'
// learning curves overlaid, a config diff and a summary table.
//
// Modes:
//  - compareEpisodes: two stored episodes, each re-simulated once on a worker
//    thread (ReplayBuildJob) and watchable while they build. One frame index
//    drives both; a side whose episode is shorter shows its last frame and
//    "ended" past its end. Step back and scrubbing work.
//  - compareRuns: the two runs' curves, config diff and summary; the panes
//    replay each run's latest evaluation episode (or latest episode).
//  - compareCheckpointOnTasks: one stored checkpoint played live on two tasks
//    by two PolicyRunners stepped in lockstep on the shared clock; no
//    timeline (live cannot seek or step back); the diff tab shows the tasks.
//
// Picking: clicking either pane picks the agent there (Env::agentAt at that
// side's frame) and both sides highlight the agent of that index
// (Env::describeAgent) as they play: two runs on the same seed start their
// agents alike, so one agent can be followed under the learned policy and the
// classic rule. Replayed sides put a ReplayCursor env at their frame for it.
//
// Errors (unknown ids, unreadable store, an env this build does not know):
// the call returns false and emits errorOccurred; nothing shown changes.

#include <QElapsedTimer>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "env/Env.h"
#include "env/Scene.h"
#include "widgets/PlaybackClock.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QTabWidget;
class QTableView;
class QTimer;

namespace palaestra {

class ComparePane;
class ConfigDiffModel;
class CurveChart;
class PlaybackBar;
class PolicyRunner;
class ReplayBuildJob;
class ReplayCursor;
class RunStore;
class RunSummaryModel;
struct StoredEpisode;

class CompareView : public QWidget {
  Q_OBJECT

 public:
  /// What is being compared.
  enum class Mode { Empty, Episodes, Runs, CheckpointOnTasks };

  /// An empty comparison with a hint in both panes.
  explicit CompareView(QWidget* parent = nullptr);
  /// Stops the replay workers.
  ~CompareView() override;

  /// Replays two stored episodes side by side; false (and errorOccurred) on bad ids or store errors.
  bool compareEpisodes(std::shared_ptr<RunStore> store, int64_t episodeA, int64_t episodeB);
  /// Compares two runs (curves, config diff, summary; panes replay their latest eval episodes);
  /// false (and errorOccurred) on bad ids or store errors.
  bool compareRuns(std::shared_ptr<RunStore> store, int64_t runA, int64_t runB);

  /// Plays checkpoint `checkpointId` live on two tasks side by side (same seeds, deterministic
  /// actions); false (and errorOccurred) on a bad id, a task the env rejects or store errors.
  bool compareCheckpointOnTasks(std::shared_ptr<RunStore> store, int64_t checkpointId,
                                TaskValues taskA, TaskValues taskB);

  /// What is being compared.
  Mode mode() const { return mode_; }
  /// The shared frame index (0 = after reset); in live mode the steps played since it started.
  int frame() const { return frame_; }
  /// Frames on the shared timeline: the longer side's frames (0 when nothing is replayed).
  int frameCount() const;
  /// Frame shown by side 0 or 1 at the shared frame: clamped to its length and to what is
  /// built (in live mode the step of its current episode); -1 when that side shows nothing.
  int sideFrame(int side) const;
  /// Whether the shared frame is past the end of a side's episode.
  bool sideEnded(int side) const;
  /// The live runner of a side (checkpoint mode), or nullptr.
  const PolicyRunner* runner(int side) const;
  /// Whether every replay has finished building.
  bool replaysBuilt() const;
  /// Moves the shared timeline to `frame` (clamped) and redraws both sides; no-op when live.
  void seek(int frame);
  /// One frame forward, or one live step of both sides (pauses).
  void stepForward();
  /// One frame back (pauses); unavailable when live.
  void stepBack();
  /// Starts or pauses playback.
  void setPlaying(bool playing);
  /// Whether playback runs.
  bool playing() const;
  /// Advances playback as a display tick `elapsedSeconds` after the previous one would (the
  /// internal timer calls this; tests call it to play deterministically).
  void advance(double elapsedSeconds);

  /// Picks the agent under `pixel` of side `side`'s view at its frame (both sides highlight it),
  /// or clears the pick where there is none; returns the agent or -1.
  int pickAgentAt(int side, QPointF pixel);
  /// Highlights agent `agent` on both sides (-1 clears).
  void selectAgent(int agent);
  /// The picked agent, or -1.
  int selectedAgent() const { return selectedAgent_; }

  /// The pane of side 0 (A) or 1 (B).
  ComparePane* pane(int side) const;
  /// The shared transport bar.
  PlaybackBar* playbackBar() const { return bar_; }
  /// The shared playback clock.
  const PlaybackClock& clock() const { return clock_; }
  /// The tabs below the panes: "Learning curves", "Config diff", "Summary".
  QTabWidget* tabs() const { return tabs_; }
  /// The overlaid learning curves.
  CurveChart* curveChart() const { return curves_; }
  /// The metric chooser of the curves tab.
  QComboBox* metricCombo() const { return metricCombo_; }
  /// The config diff of the compared runs.
  ConfigDiffModel* configDiff() const { return diff_; }
  /// The "only differences" switch of the diff tab.
  QCheckBox* onlyDifferencesBox() const { return onlyDifferences_; }
  /// The summary of the compared runs.
  RunSummaryModel* summary() const { return summary_; }
  /// The threshold editor of the summary tab.
  QDoubleSpinBox* thresholdBox() const { return threshold_; }

 signals:
  /// A comparison could not be opened or a replay failed; the message is fit to show the user.
  void errorOccurred(const QString& message);
  /// The shared frame changed (seek, step, playback).
  void frameChanged(int frame);

 private:
  // One side's replay as prepared (everything that can fail is done before anything is shown).
  struct PreparedSide {
    std::optional<int64_t> episodeId;  // unset: the run has no episode to show
    EnvPtr env;
    std::function<EnvPtr()> makeEnv;  // another env like `env` (for picking)
    std::shared_ptr<const StoredEpisode> episode;
    QString caption;
  };
  struct Side {
    std::unique_ptr<ReplayBuildJob> job;
    std::function<EnvPtr()> makeEnv;
    std::shared_ptr<const StoredEpisode> episode;
    std::unique_ptr<ReplayCursor> cursor;  // made on the first pick
    std::unique_ptr<PolicyRunner> runner;
    QString caption;
    QString reportedError;  // a build error already reported
  };

  PreparedSide prepareEpisode(RunStore& store, int64_t episodeId, const char* sideName) const;
  PreparedSide prepareLatestEpisode(RunStore& store, int64_t runId, const char* sideName) const;
  bool showRuns(RunStore& store, const std::shared_ptr<RunStore>& owner, int64_t runA, int64_t runB);
  void startReplays(std::array<PreparedSide, 2>& sides);
  void clearSides();
  void liveStep();
  void refreshSides();
  void updateTimer();
  void onTick();
  void onMetricChosen(int index);
  void fail(const QString& message);
  // The env of side `side` at its frame (live runner's, or the replay cursor's), or nullptr.
  const Env* sideEnv(int side);
  // Adds the picked agent's highlight to side `side`'s `scene` (nothing when none is picked).
  void highlightPick(int side, Scene& scene);

  std::shared_ptr<RunStore> store_;
  Mode mode_ = Mode::Empty;
  std::array<ComparePane*, 2> panes_{};
  std::array<Side, 2> sides_;
  PlaybackBar* bar_ = nullptr;
  PlaybackClock clock_{1.0 / 60.0};
  int frame_ = 0;
  Scene liveScene_;  // describe() target of the live runners, reused every frame
  int selectedAgent_ = -1;
  Scene pickedScene_;  // a replayed frame plus the picked agent's highlight
  QTimer* tick_ = nullptr;
  QElapsedTimer sinceTick_;  // wall time since the previous playback tick

  QTabWidget* tabs_ = nullptr;
  CurveChart* curves_ = nullptr;
  QComboBox* metricCombo_ = nullptr;
  QTimer* curveRefresh_ = nullptr;
  ConfigDiffModel* diff_ = nullptr;
  QTableView* diffTable_ = nullptr;
  QCheckBox* onlyDifferences_ = nullptr;
  RunSummaryModel* summary_ = nullptr;
  QTableView* summaryTable_ = nullptr;
  QDoubleSpinBox* threshold_ = nullptr;
};

}  // namespace palaestra
