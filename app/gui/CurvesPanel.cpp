#include "gui/CurvesPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>
#include <set>
#include <string>

#include "store/RunStore.h"
#include "widgets/CurveChart.h"

namespace palaestra {

namespace {
// Metrics shown first when the previous choice is not available, best first.
const QStringList kPreferredMetrics = {QStringLiteral("train/episode_return"), QStringLiteral("eval/mean_return"),
                                       QStringLiteral("train/recent_return")};
}  // namespace

CurvesPanel::CurvesPanel(QWidget* parent)
    : QWidget(parent),
      chart_(new CurveChart(this)),
      metric_(new QComboBox(this)),
      xAxis_(new QComboBox(this)),
      smoothing_(new QSlider(Qt::Horizontal, this)),
      smoothingValue_(new QLabel(this)),
      group_(new QCheckBox(QStringLiteral("Group as seeds"), this)),
      resetZoom_(new QPushButton(QStringLiteral("Reset zoom"), this)),
      timer_(new QTimer(this)) {
  metric_->setMinimumContentsLength(18);
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  metric_->setToolTip(QStringLiteral("Metric to plot (the names stored for the selected runs)"));
  xAxis_->addItem(QStringLiteral("Steps"), static_cast<int>(CurveChart::XAxis::Steps));
  xAxis_->addItem(QStringLiteral("Episodes"), static_cast<int>(CurveChart::XAxis::Episodes));
  xAxis_->addItem(QStringLiteral("Wall time"), static_cast<int>(CurveChart::XAxis::WallTime));
  smoothing_->setRange(0, 99);
  smoothing_->setValue(static_cast<int>(chart_->smoothing() * 100.0 + 0.5));
  smoothing_->setToolTip(QStringLiteral("Time-weighted exponential smoothing (0 = raw values)"));
  smoothingValue_->setText(QString::number(smoothing_->value() / 100.0, 'f', 2));
  smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance(QStringLiteral("0.00 ")));
  group_->setToolTip(QStringLiteral("Treat the selected runs as seeds of one setting: min/max band and mean"));

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(QStringLiteral("Metric"), this));
  controls->addWidget(metric_, 1);
  controls->addWidget(new QLabel(QStringLiteral("x"), this));
  controls->addWidget(xAxis_);
  controls->addWidget(new QLabel(QStringLiteral("Smoothing"), this));
  controls->addWidget(smoothing_, 1);
  controls->addWidget(smoothingValue_);
  controls->addWidget(group_);
  controls->addWidget(resetZoom_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addLayout(controls);
  layout->addWidget(chart_, 1);

  timer_->setInterval(kRefreshIntervalMs);
  connect(timer_, &QTimer::timeout, this, &CurvesPanel::refresh);
  connect(metric_, &QComboBox::currentIndexChanged, this, &CurvesPanel::onMetricChosen);
  connect(xAxis_, &QComboBox::currentIndexChanged, this,
          [this] { chart_->setXAxis(static_cast<CurveChart::XAxis>(xAxis_->currentData().toInt())); });
  connect(smoothing_, &QSlider::valueChanged, this, [this](int value) {
    smoothingValue_->setText(QString::number(value / 100.0, 'f', 2));
    chart_->setSmoothing(value / 100.0);
  });
  connect(group_, &QCheckBox::toggled, chart_, &CurveChart::setGroupedBand);
  connect(resetZoom_, &QPushButton::clicked, chart_, &CurveChart::resetZoom);
}

void CurvesPanel::setStore(RunStore* store) {
  if (store == store_) return;
  store_ = store;
  runIds_.clear();
  chart_->setStore(store);
  chart_->setRuns({});
  fillMetrics();
}

void CurvesPanel::setRuns(const QList<int64_t>& runIds) {
  runIds_ = runIds;
  chart_->setRuns(runIds);
  fillMetrics();
}

void CurvesPanel::refresh() {
  if (!store_ || runIds_.isEmpty()) return;
  // A run that just started has no metrics yet: look for names until some appear.
  if (metric_->count() == 0) {
    fillMetrics();
    if (metric_->count() == 0) return;
  }
  chart_->refresh();
}

void CurvesPanel::reload() {
  fillMetrics();
  chart_->setRuns(runIds_);
}

QString CurvesPanel::currentMetric() const { return metric_->currentText(); }

bool CurvesPanel::selectMetric(const QString& metric) {
  const int index = metric_->findText(metric);
  if (index < 0) return false;
  metric_->setCurrentIndex(index);
  return true;
}

QStringList CurvesPanel::metricNames() const {
  QStringList names;
  for (int i = 0; i < metric_->count(); ++i) names << metric_->itemText(i);
  return names;
}

bool CurvesPanel::refreshing() const { return timer_->isActive(); }

void CurvesPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  timer_->start();
}

void CurvesPanel::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  timer_->stop();
}

void CurvesPanel::fillMetrics() {
  std::set<std::string> names;
  if (store_) {
    for (int64_t runId : runIds_) {
      try {
        for (std::string& name : store_->metricNames(runId)) names.insert(std::move(name));
      } catch (const std::exception&) {
        // A deleted run or an unreadable store: the chart itself shows the store's message.
      }
    }
  }
  const QString previous = metric_->currentText();
  filling_ = true;
  metric_->clear();
  for (const std::string& name : names) metric_->addItem(QString::fromStdString(name));
  QString chosen;
  if (metric_->findText(previous) >= 0) chosen = previous;
  for (const QString& preferred : kPreferredMetrics) {
    if (chosen.isEmpty() && metric_->findText(preferred) >= 0) chosen = preferred;
  }
  if (chosen.isEmpty() && metric_->count() > 0) chosen = metric_->itemText(0);
  metric_->setCurrentIndex(metric_->findText(chosen));
  filling_ = false;
  if (!chosen.isEmpty() && chosen != plottedMetric_) onMetricChosen();
}

void CurvesPanel::onMetricChosen() {
  if (filling_) return;
  const QString metric = metric_->currentText();
  if (metric.isEmpty()) return;
  plottedMetric_ = metric;
  chart_->setMetric(metric);
}

}  // namespace palaestra
