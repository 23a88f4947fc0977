#pragma once
// The visual curriculum editor: a run's curriculum on a 2-D map of its task space (CurriculumMap)
// with a timeline that scrubs the stored curriculum events, from the start to now. While the run
// trains, dragging a bound, painting a region in or out, clearing the regions or adding a stage
// is sent to the training at once (EditFunction); an edit it refuses is shown with its reason and
// changes nothing. Live, the editor reads the new events twice a second.

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/CurriculumHistory.h"
#include "env/TaskSpace.h"
#include "store/RunStore.h"
#include "widgets/CurriculumMap.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QTimer;

namespace palaestra {

class CurriculumEditor : public QWidget {
  Q_OBJECT
 public:
  /// Applies a whole new section to the running training and returns its canonical form; throws
  /// ConfigError (refused, or not training).
  using EditFunction = std::function<nlohmann::json(const nlohmann::json&)>;

  /// An editor of run `runId` of `store`; throws ConfigError when the run's env or config cannot
  /// be read, NotFoundError for an unknown run.
  CurriculumEditor(std::shared_ptr<RunStore> store, int64_t runId, QWidget* parent = nullptr);

  /// Where edits go (empty: the run is only shown).
  void setEditFunction(EditFunction edit);
  /// Reads the events and checkpoints stored since the last read, and shows them.
  void refresh();
  /// Shows parameter `x` and `y` (-1: returns) on the axes.
  void setAxes(int x, int y);
  /// Adds a stage (the bounds shown, advancing at `advanceAt`) to a staged curriculum made of the
  /// one in force, and sends it.
  void addStage(double advanceAt);
  /// Removes every painted region, and sends it.
  void clearRegions();

  /// The map.
  CurriculumMap* map() const { return map_; }
  /// The timeline slider (one position per stored event).
  QSlider* timeline() const { return timeline_; }
  /// Whether the timeline follows the newest event.
  QCheckBox* liveBox() const { return live_; }
  /// The last message: the edit applied, or why it was refused.
  QString statusText() const;
  /// The events read so far.
  const CurriculumHistory& history() const { return history_; }

 signals:
  /// An edit was applied; `section` is the curriculum now in force.
  void editApplied(const nlohmann::json& section);
  /// An edit was refused, with the reason.
  void editRefused(const QString& reason);

 private:
  void showPosition(int position);
  void sendEdit(const nlohmann::json& section);
  void setStatus(const QString& text, bool error);

  std::shared_ptr<RunStore> store_;
  int64_t runId_;
  TaskSpace space_;
  std::optional<std::vector<TaskValues>> testTasks_;  // the run's test set's cells
  CurriculumHistory history_;
  std::vector<std::pair<int64_t, nlohmann::json>> tested_;  // checkpoint step, its test_set meta
  EditFunction edit_;

  CurriculumMap* map_;
  QComboBox* xAxis_;
  QComboBox* yAxis_;
  QSlider* timeline_;
  QCheckBox* live_;
  QLabel* position_;
  QLabel* status_;
  QDoubleSpinBox* advanceAt_;
  QTimer* poll_;
};

}  // namespace palaestra
