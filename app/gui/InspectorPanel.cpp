#include "gui/InspectorPanel.h"

#include "train/CheckpointMeta.h"
#include "widgets/EvalText.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>

#include "store/RunStore.h"

namespace palaestra {

namespace {

// Adds the members of `value` (an object or array) as children of `parent`.
void addChildren(QTreeWidgetItem* parent, const nlohmann::json& value);

QString leafText(const nlohmann::json& value) {
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  return QString::fromStdString(value.dump());
}

void addNode(QTreeWidgetItem* parent, const QString& key, const nlohmann::json& value) {
  auto* item = new QTreeWidgetItem(parent);
  item->setText(InspectorPanel::KeyColumn, key);
  if (value.is_object() || value.is_array()) {
    addChildren(item, value);
    if (value.empty()) item->setText(InspectorPanel::ValueColumn, QString::fromStdString(value.dump()));
  } else {
    item->setText(InspectorPanel::ValueColumn, leafText(value));
    item->setToolTip(InspectorPanel::ValueColumn, leafText(value));
  }
}

void addChildren(QTreeWidgetItem* parent, const nlohmann::json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) addNode(parent, QString::fromStdString(it.key()), *it);
  } else {
    int index = 0;
    for (const auto& element : value) addNode(parent, QStringLiteral("[%1]").arg(index++), element);
  }
}

}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(this)),
      result_(new QLabel(this)),
      tree_(new QTreeWidget(this)),
      steps_(new QTableWidget(this)) {
  title_->setWordWrap(true);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  result_->setWordWrap(true);
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  result_->setToolTip(QStringLiteral(
      "The run's result: the checkpoint chosen when it finished (the best of the final policy and "
      "the checkpoints with the best evaluations, each re-evaluated on the final evaluation's "
      "episodes), with that evaluation"));
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({QStringLiteral("Setting"), QStringLiteral("Value")});
  // Settings and values side by side at any width: the setting column as wide as its names but at
  // most a little over half the tree (fitKeyColumn), the values in the rest, long ones elided
  // (their tooltip has them whole).
  tree_->header()->setStretchLastSection(true);
  tree_->header()->setSectionResizeMode(KeyColumn, QHeaderView::Interactive);
  connect(tree_, &QTreeWidget::itemExpanded, this, [this] { fitKeyColumn(); });
  steps_->setColumnCount(2);
  steps_->setHorizontalHeaderLabels({QStringLiteral("Value"), QStringLiteral("This step")});
  steps_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  steps_->verticalHeader()->hide();
  steps_->setEditTriggers(QAbstractItemView::NoEditTriggers);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  auto* configBox = new QWidget(splitter);
  auto* configLayout = new QVBoxLayout(configBox);
  configLayout->setContentsMargins(0, 0, 0, 0);
  configLayout->addWidget(title_);
  configLayout->addWidget(result_);
  configLayout->addWidget(tree_);
  splitter->addWidget(configBox);
  splitter->addWidget(steps_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);
  setMinimumWidth(170);  // both columns readable, also in the smallest window
  clearConfig();
}

void InspectorPanel::showRun(RunStore* store, int64_t runId) {
  if (!store) {
    clearConfig();
    return;
  }
  QString name;
  try {
    const RunInfo run = store->getRun(runId);
    name = QString::fromStdString(run.name);
    showConfig(QStringLiteral("Config of run %1 (#%2, %3)")
                   .arg(name)
                   .arg(run.id)
                   .arg(QString::fromStdString(run.env)),
               run.configJson);
    result_->setText(QStringLiteral("Result: ") +
                     runResultText(summarizeCheckpoints(store->checkpoints(runId))));
    result_->setVisible(true);
  } catch (const std::exception& e) {
    tree_->clear();
    title_->setText(QStringLiteral("Cannot read run #%1: %2").arg(runId).arg(QString::fromUtf8(e.what())));
  }
  shownRun_ = runId;
  shownRunName_ = name;
}

void InspectorPanel::showConfig(const QString& title, const std::string& configJson) {
  shownRun_ = -1;  // showRun sets it again
  shownRunName_.clear();
  tree_->clear();
  result_->clear();
  result_->setVisible(false);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(configJson);
  } catch (const std::exception& e) {
    title_->setText(QStringLiteral("%1: the stored config is not JSON (%2)").arg(title, QString::fromUtf8(e.what())));
    return;
  }
  title_->setText(title);
  if (config.is_object() || config.is_array()) {
    addChildren(tree_->invisibleRootItem(), config);
  } else {
    addNode(tree_->invisibleRootItem(), QStringLiteral("config"), config);
  }
  tree_->expandToDepth(0);
  fitKeyColumn();
}

void InspectorPanel::fitKeyColumn() {
  const int title = tree_->header()->sectionSizeHint(KeyColumn);
  tree_->resizeColumnToContents(KeyColumn);
  const int names = tree_->columnWidth(KeyColumn);
  const int most = tree_->viewport()->width() * 55 / 100;
  tree_->setColumnWidth(KeyColumn, std::max(title, std::min(names, most)));
}

void InspectorPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitKeyColumn();
}

void InspectorPanel::clearConfig() {
  shownRun_ = -1;
  shownRunName_.clear();
  tree_->clear();
  result_->clear();
  result_->setVisible(false);
  title_->setText(QStringLiteral("Select a run to see its config."));
}

void InspectorPanel::setStepValues(const QList<QPair<QString, double>>& values) {
  steps_->setRowCount(static_cast<int>(values.size()));
  for (int row = 0; row < values.size(); ++row) {
    auto* name = steps_->item(row, 0);
    auto* value = steps_->item(row, 1);
    if (!name) steps_->setItem(row, 0, name = new QTableWidgetItem);
    if (!value) steps_->setItem(row, 1, value = new QTableWidgetItem);
    name->setText(values[row].first);
    value->setText(QString::number(values[row].second, 'g', 6));
    value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
}

QString InspectorPanel::configTitle() const { return title_->text(); }

QString InspectorPanel::resultText() const {
  return result_->text();
}

}  // namespace palaestra
