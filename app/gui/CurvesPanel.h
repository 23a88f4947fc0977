#pragma once
// The "Learning curves" dock: a CurveChart with its controls: the metric
// (names stored for the selected runs), the x axis (steps, episodes, wall
// time), the smoothing strength, "group as seeds" (min/max band) and reset
// zoom. While the panel is visible a 500 ms timer reads new points, so curves
// of running trainings grow live; hidden, it reads nothing.

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <cstdint>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace palaestra {

class CurveChart;
class RunStore;

class CurvesPanel : public QWidget {
  Q_OBJECT

 public:
  /// Refresh period while visible, in milliseconds.
  static constexpr int kRefreshIntervalMs = 500;

  /// An empty panel; call setStore() and setRuns().
  explicit CurvesPanel(QWidget* parent = nullptr);

  /// The store to read (not owned; nullptr clears). Keeps the runs only if the store is the same.
  void setStore(RunStore* store);
  /// The runs to plot; refills the metric list, keeping the chosen metric when the runs have it.
  void setRuns(const QList<int64_t>& runIds);
  /// Reads new points (and, while no metric is known yet, the metric names); the timer calls it.
  void refresh();
  /// Re-reads the metric names of the selected runs and all their points (F5).
  void reload();

  /// The metric plotted (empty when none).
  QString currentMetric() const;
  /// Selects a metric by name; false if the selected runs have no such metric.
  bool selectMetric(const QString& metric);
  /// Metric names offered (the union over the selected runs, sorted).
  QStringList metricNames() const;
  /// The runs plotted.
  QList<int64_t> runs() const { return runIds_; }
  /// Whether the refresh timer is running.
  bool refreshing() const;

  /// The chart.
  CurveChart* chart() const { return chart_; }
  /// The metric combo box.
  QComboBox* metricBox() const { return metric_; }
  /// The x axis combo box (steps, episodes, wall time).
  QComboBox* xAxisBox() const { return xAxis_; }
  /// The smoothing slider (0..99: hundredths of the smoothing strength).
  QSlider* smoothingSlider() const { return smoothing_; }
  /// The "group as seeds" check box.
  QCheckBox* groupCheck() const { return group_; }
  /// The reset zoom button.
  QPushButton* resetZoomButton() const { return resetZoom_; }

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void fillMetrics();
  void onMetricChosen();

  RunStore* store_ = nullptr;
  QList<int64_t> runIds_;
  CurveChart* chart_;
  QComboBox* metric_;
  QComboBox* xAxis_;
  QSlider* smoothing_;
  QLabel* smoothingValue_;
  QCheckBox* group_;
  QPushButton* resetZoom_;
  QTimer* timer_;
  QString plottedMetric_;  // the metric last given to the chart
  bool filling_ = false;  // the metric box is being refilled: its signals are not user choices
};

}  // namespace palaestra
