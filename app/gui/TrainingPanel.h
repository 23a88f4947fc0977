#pragma once
// The "Training" dock: New run..., Pause, Resume and Stop buttons and the list
// of this session's training jobs with their state. The panel does not train:
// its buttons emit requests for the selected run (chosen in the job list or in
// the run browser) and whoever runs the jobs reports states back with
// setJobState(). Buttons are enabled only where the request makes sense.
// Resume lets a paused job go on, or continues a stopped (interrupted or failed)
// run from its last checkpoint.

#include <QString>
#include <QWidget>

#include "widgets/TrainingManager.h"
#include <cstdint>

class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace palaestra {

class TrainingPanel : public QWidget {
  Q_OBJECT

 public:
  /// Where a training job is in its life.
  /// The training manager's job states, shown as they are.
  using JobState = TrainingManager::JobState;

  /// Columns of the job list.
  enum Column { RunColumn, StateColumn, DetailColumn, ColumnCount };

  /// An empty job list; buttons other than New run... disabled.
  explicit TrainingPanel(QWidget* parent = nullptr);

  /// Adds the job of run `runId` or updates its name, state and detail (e.g. "12,000 steps, 850 sps").
  void setJobState(int64_t runId, const QString& name, JobState state, const QString& detail = {});
  /// Removes a job from the list (e.g. when its run was deleted).
  void removeJob(int64_t runId);
  /// Whether run `runId` is in the job list.
  bool hasJob(int64_t runId) const;
  /// The state shown for a job; Failed for an unknown run (check hasJob first).
  JobState jobState(int64_t runId) const;
  /// Number of jobs listed.
  int jobCount() const;
  /// Whether any job is queued, running, paused or stopping.
  bool anyJobActive() const;

  /// The run selected elsewhere (the run browser): its job, if listed, becomes the selected job
  /// (else none is), so the buttons act on the run chosen last. `stopped`: the store has it as
  /// interrupted, crashed or failed, so Resume may continue it.
  void setSelectedRun(int64_t runId, bool stopped = false);
  /// Renames a listed job (its run was renamed); nothing for a run that is not listed.
  void setJobName(int64_t runId, const QString& name);
  /// The run the buttons act on: the selected job, else the run selected elsewhere, else -1.
  int64_t targetRunId() const;


  /// The job list.
  QTreeWidget* jobList() const { return jobs_; }
  /// The New run... button.
  QPushButton* newRunButton() const { return newRun_; }
  /// The Pause button.
  QPushButton* pauseButton() const { return pause_; }
  /// The Resume button.
  QPushButton* resumeButton() const { return resume_; }
  /// The Stop button.
  QPushButton* stopButton() const { return stop_; }

 signals:
  /// New run... was pressed.
  void newRunRequested();
  /// Pause was pressed for run `runId`.
  void pauseRequested(int64_t runId);
  /// Resume was pressed for the paused job of run `runId`.
  void resumeRequested(int64_t runId);
  /// Resume was pressed for the stopped (interrupted or failed) run `runId`: continue training it.
  void continueRequested(int64_t runId);
  /// Stop was pressed for run `runId`.
  void stopRequested(int64_t runId);

 private:
  QTreeWidgetItem* itemOf(int64_t runId) const;
  void updateButtons();
  // Selects the job of `runId` in the list (none if it is not listed).
  void selectJob(int64_t runId);

  QTreeWidget* jobs_;
  QPushButton* newRun_;
  QPushButton* pause_;
  QPushButton* resume_;
  QPushButton* stop_;
  int64_t selectedElsewhere_ = -1;
  bool selectedElsewhereStopped_ = false;
  // Whether Resume would continue a stopped run (rather than unpause a job).
  bool targetIsStoppedRun() const;
};

}  // namespace palaestra
