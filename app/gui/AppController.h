#pragma once
// Wires the desktop app together: the main window's signals and Run menu to
// the training manager, the live viewer, the replay player and the comparison
// view (each a page of the window), and the pages' per-step values to the
// inspector. The main window itself knows none of these widgets; this class
// is the only place that knows them all.
//
// Training belongs to the store it was started in: when the user opens
// another store while runs train, those runs keep writing to their own store
// (the manager holds it) and are stopped, like every other run, on quit.

#include <QObject>
#include <QString>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "env/TaskSpace.h"
#include "widgets/fight/FightPlayView.h"

class QAction;

namespace palaestra {

class CompareView;
class CurriculumEditor;
class LeagueView;
class FightPlayView;
class LiveViewer;
class MainWindow;
class PlaybackPage;
class ReplayPlayer;
class RunStore;
class TrainingManager;

class AppController : public QObject {
  Q_OBJECT

 public:
  /// Adds the live, replay and compare pages and the Run menu to `window` and connects everything.
  explicit AppController(MainWindow& window);
  /// Stops every training run and waits until all is stored.
  ~AppController() override;

  /// Starts training `config` as run `name` in the open store and watches it live; the run id, or
  /// -1 after telling the user why not.
  int64_t startRun(const nlohmann::json& config, const QString& name);
  /// Continues training the stopped run `runId` (same run, from its resume state) and watches it;
  /// false after telling the user why not (e.g. it has no resume state).
  bool resumeRun(int64_t runId);
  /// Watches a run: live with its latest policy while it trains here, else its latest checkpoint.
  bool watchRun(int64_t runId);
  /// Watches a stored checkpoint live (no training) on `task`, episodes seeded from `seed`.
  bool watchCheckpoint(int64_t checkpointId, const TaskValues& task, uint64_t seed);
  /// Opens a stored episode in the replay player.
  bool openEpisode(int64_t episodeId);
  /// Compares two runs side by side (curves, config diff, summary, latest eval episodes).
  bool compareRuns(int64_t runA, int64_t runB);
  /// Compares two stored episodes on one timeline.
  bool compareEpisodes(int64_t episodeA, int64_t episodeB);
  /// Opens the curriculum editor of run `runId` in its own window (editing while this app trains
  /// it); null, after saying why, when it cannot be shown.
  CurriculumEditor* showCurriculumEditor(int64_t runId);
  /// Compares one checkpoint on two tasks, live.
  bool compareCheckpointOnTasks(int64_t checkpointId, const TaskValues& taskA, const TaskValues& taskB);
  /// Exports the replay or comparison on screen to an MP4 or GIF at `path`; false (told) if it cannot.
  /// `wait` blocks until ffmpeg is done (tests and scripted runs).
  bool exportVideo(const QString& path, bool wait = false);

  /// The training manager of the open store (nullptr before a store is open).
  TrainingManager* trainingManager() const { return manager_.get(); }
  /// The live viewer page's viewer.
  LiveViewer* liveViewer() const { return live_; }
  /// The replay page's player.
  ReplayPlayer* replayPlayer() const { return replay_; }
  /// The comparison page's view.
  CompareView* compareView() const { return compare_; }
  /// Starts a person's match of `setup` on the play page (stored in the open store when it ends);
  /// false (told) if it cannot.
  bool playFight(const FightPlaySetup& setup);
  /// Fight > Play fight...: the setup dialog, then the match.
  void showPlayFightDialog();
  /// Fight > Controls...: the key remapping dialog (saved in the app settings on OK).
  void showFightControlsDialog();
  /// The fight play page's view.
  FightPlayView* fightView() const { return fight_; }
  /// Fight > League view: the league view of the open store in its own window (league
  /// `leagueId`, else the latest); null, after saying why, when it cannot be shown.
  LeagueView* showLeagueView(int64_t leagueId = 0);
  /// A person's match against a stored fight agent (its character on both sides); false (told)
  /// if it cannot be played.
  bool playAgainstCheckpoint(int64_t checkpointId);
  /// Two stored fight agents fighting live in the live viewer (A on P1, B on P2, both sampling
  /// their actions); false (told) if they cannot.
  bool watchFightMatch(int64_t checkpointA, int64_t checkpointB);
  /// The Fight menu's actions: play fight, controls, league view.
  QList<QAction*> fightActions() const { return fightActions_; }
  /// The Run menu's actions: watch run, watch checkpoint, compare runs, compare episodes, export video.
  QList<QAction*> runActions() const { return runActions_; }

 private:
  void buildRunMenu();
  void buildFightMenu();
  void onStoreOpened();
  void connectManager(TrainingManager& manager);
  void stopAllTraining();
  bool anyTrainingActive() const;
  void compareSelectedRuns();
  void compareSelectedEpisodes();
  void chooseCheckpointToWatch();
  void chooseVideoFile();
  QList<int64_t> selectedEpisodeIds() const;
  std::shared_ptr<RunStore> store() const;
  // Tells the user (through the window's message interface) and returns false.
  bool fail(const QString& title, const QString& text) const;

  MainWindow& window_;
  std::unique_ptr<TrainingManager> manager_;               // of the open store
  std::vector<std::unique_ptr<TrainingManager>> retired_;  // of stores closed while their runs train
  PlaybackPage* livePage_;
  PlaybackPage* replayPage_;
  PlaybackPage* comparePage_;
  LiveViewer* live_;
  ReplayPlayer* replay_;
  CompareView* compare_;
  PlaybackPage* fightPage_;
  FightPlayView* fight_;
  QList<QAction*> runActions_;
  QList<QAction*> fightActions_;
  int64_t watchedTrainingRun_ = -1;  // the run whose latest policy the live viewer plays, or -1
};

}  // namespace palaestra
