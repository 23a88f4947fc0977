#include "widgets/NewRunDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <cmath>
#include <exception>
#include <set>

#include "env/EnvRegistry.h"
#include "train/ConfigDocs.h"
#include "train/TrainConfig.h"
#include "train/TrainingMemory.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"
#include "widgets/ConfigForm.h"

namespace palaestra {

namespace {

const char* kInvalidStyle = "border: 1px solid #c00000; background-color: #ffe0e0;";
constexpr int64_t kMaxSeed = int64_t(1) << 53;  // TrainConfig's bound: seeds stay exact as JSON doubles

/// Builds the env of `envConfig`; its ConfigError names env_config fields ("env.terrain" becomes "env_config.terrain").
EnvPtr createEnv(const std::string& env, const nlohmann::json& envConfig) {
  try {
    return EnvRegistry::instance().get(env).create(envConfig);
  } catch (const ConfigError& e) {
    std::string message = e.what();
    if (message.rfind("env.", 0) == 0) message = "env_config." + message.substr(4);
    throw ConfigError(message);
  }
}

QString shortNumber(double x) { return QString::fromStdString(nlohmann::json(x).dump()); }

// The editor's tooltip: the problem (if any), then what the field means (its "meaning" property).
void markEditor(QWidget* editor, const QString& error) {
  editor->setStyleSheet(error.isEmpty() ? QString() : QString(kInvalidStyle));
  const QString meaning = editor->property("meaning").toString();
  editor->setToolTip(error.isEmpty()     ? meaning
                     : meaning.isEmpty() ? error
                                         : error + QStringLiteral("\n\n") + meaning);
  editor->setProperty("invalid", !error.isEmpty());
}

}  // namespace

NewRunDialog::NewRunDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("New training run"));

  env_ = new QComboBox(this);
  env_->setObjectName("environment");
  for (const auto& name : EnvRegistry::instance().names()) env_->addItem(QString::fromStdString(name));
  // The walker stays the first choice now that "fight" sorts before it.
  if (const int walker = env_->findText(QStringLiteral("walker")); walker >= 0)
    env_->setCurrentIndex(walker);
  preset_ = new QComboBox(this);
  preset_->setObjectName("preset");
  name_ = new QLineEdit(this);
  name_->setObjectName("name");
  seed_ = new QLineEdit(this);
  seed_->setObjectName("seed");

  auto* top = new QFormLayout;
  top->addRow(tr("Environment"), env_);
  top->addRow(tr("Preset"), preset_);
  top->addRow(tr("Run name"), name_);
  top->addRow(tr("Seed"), seed_);
  env_->setToolTip(QString::fromStdString(configFieldMeaning({}, "env")));
  seed_->setProperty("meaning", QString::fromStdString(configFieldMeaning({}, "seed")));
  name_->setProperty(
      "meaning", tr("How the run is listed; the default is a name no run in the store has yet."));

  taskBox_ = new QGroupBox(tr("task"), this);
  taskForm_ = new QFormLayout(taskBox_);

  form_ = new ConfigForm;
  form_->setMessageVisible(false);  // the dialog lists every problem below the form
  form_->setDocumentation([this](const QString& path) {
    return QString::fromStdString(configFieldMeaning(currentEnv(), path.toStdString()));
  });
  auto* scroll = new QScrollArea(this);
  auto* inner = new QWidget;
  auto* innerLayout = new QVBoxLayout(inner);
  innerLayout->addWidget(taskBox_);
  innerLayout->addWidget(form_);
  scroll->setWidget(inner);
  scroll->setWidgetResizable(true);

  message_ = new QLabel(this);
  message_->setObjectName("message");
  message_->setWordWrap(true);
  message_->setStyleSheet("color: #c00000;");
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(scroll, 1);
  layout->addWidget(message_);
  layout->addWidget(buttons_);
  resize(520, 720);

  // The form checks the whole config the way a training session will: TrainConfig, then the env itself.
  form_->setValidator([this](const nlohmann::json& value) {
    nlohmann::json full = value;
    full["env"] = currentEnv();
    const TrainConfig config = TrainConfig::fromJson(full);
    const EnvPtr env = createEnv(currentEnv(), value.value("env_config", nlohmann::json::object()));
    checkTrainingMemory(config, env->spec());
  });

  connect(env_, &QComboBox::currentIndexChanged, this, [this] {
    fillPresets();
    loadPreset();
  });
  connect(preset_, &QComboBox::currentIndexChanged, this, [this] { loadPreset(); });
  connect(name_, &QLineEdit::textChanged, this, [this] { revalidate(); });
  connect(seed_, &QLineEdit::textChanged, this, [this] { revalidate(); });
  connect(form_, &ConfigForm::edited, this, [this] {
    refreshTaskParams();
    revalidate();
  });
  connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
    if (isValid()) accept();
  });
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  fillPresets();
  loadPreset();
}

std::string NewRunDialog::currentEnv() const { return env_->currentText().toStdString(); }

void NewRunDialog::fillPresets() {
  QSignalBlocker block(preset_);
  preset_->clear();
  const EnvInfo* info = EnvRegistry::instance().find(currentEnv());
  if (!info) return;
  for (const auto& [name, _] : info->presets) preset_->addItem(QString::fromStdString(name));
  preset_->setCurrentIndex(std::max(0, preset_->findText(QString::fromStdString(info->defaultPreset))));
}

void NewRunDialog::loadPreset() {
  loadError_.clear();
  nlohmann::json preset = nlohmann::json::object();
  try {
    preset = presetConfig(currentEnv(), preset_->currentText().toStdString());
  } catch (const std::exception& e) {
    loadError_ = tr("cannot read the preset: %1").arg(QString::fromUtf8(e.what()));
  }
  // Show every setting, not only those the preset names: the normalised config lists all of them.
  nlohmann::json full = preset;
  try {
    if (loadError_.isEmpty()) full = TrainConfig::fromJson(preset).toJson();
  } catch (const std::exception&) {
    full = preset;  // the form marks whatever the preset gets wrong
  }
  presetSeed_ = full.value("seed", uint64_t(1));
  const nlohmann::json task = full.value("task", nlohmann::json::object());
  for (const char* key : {"env", "seed", "task"}) full.erase(key);

  applyDefaultNameAndSeed();
  taskEnvConfig_.clear();
  taskParams_.clear();
  rebuildTaskEditors({}, task);
  form_->setValue(full);  // emits edited(): task editors and validity follow
  refreshTaskParams();
  // Values from the preset's task (refreshTaskParams kept none: the editors were empty).
  for (size_t i = 0; i < taskParams_.size(); ++i) {
    auto it = task.find(taskParams_[i].name);
    if (it != task.end() && it->is_number()) taskEdits_[i]->setText(shortNumber(it->get<double>()));
  }
  revalidate();
}

void NewRunDialog::setExistingRuns(const std::vector<RunInfo>& runs) {
  existingRuns_ = runs;
  applyDefaultNameAndSeed();
  revalidate();
}

void NewRunDialog::applyDefaultNameAndSeed() {
  std::set<std::string> names;
  std::set<uint64_t> seeds;
  for (const RunInfo& run : existingRuns_) {
    names.insert(run.name);
    if (run.env == currentEnv()) seeds.insert(run.seed);
  }
  const std::string base = currentEnv() + "-" + preset_->currentText().toStdString();
  std::string name = base;
  for (int n = 2; names.count(name); ++n) name = base + "-" + std::to_string(n);
  uint64_t seed = presetSeed_;
  while (seeds.count(seed) && seed < static_cast<uint64_t>(kMaxSeed)) ++seed;
  QSignalBlocker blockName(name_), blockSeed(seed_);
  name_->setText(QString::fromStdString(name));
  seed_->setText(QString::number(seed));
}

void NewRunDialog::refreshTaskParams() {
  const nlohmann::json envConfig = form_->value().value("env_config", nlohmann::json::object());
  const std::string key = envConfig.dump();
  if (key == taskEnvConfig_) return;
  std::vector<TaskParam> params;
  try {
    params = createEnv(currentEnv(), envConfig)->spec().tasks.params();
  } catch (const std::exception&) {
    return;  // the form marks the bad env_config field; keep the editors until it is fixed
  }
  taskEnvConfig_ = key;
  // Keep what the user typed for parameters that survive the change.
  nlohmann::json typed = nlohmann::json::object();
  for (size_t i = 0; i < taskParams_.size(); ++i) typed[taskParams_[i].name] = taskEdits_[i]->text().toStdString();
  rebuildTaskEditors(params, typed);
}

void NewRunDialog::rebuildTaskEditors(const std::vector<TaskParam>& params, const nlohmann::json& values) {
  while (taskForm_->rowCount() > 0) taskForm_->removeRow(0);
  taskEdits_.clear();
  taskParams_ = params;
  for (const TaskParam& p : params) {
    auto* edit = new QLineEdit;
    edit->setObjectName(QString::fromStdString("task." + p.name));
    auto it = values.find(p.name);
    if (it != values.end() && it->is_string())
      edit->setText(QString::fromStdString(it->get<std::string>()));
    else
      edit->setText(shortNumber(p.defaultValue));
    edit->setPlaceholderText(tr("%1 in [%2, %3]").arg(p.integer ? tr("whole number") : tr("number"),
                                                      shortNumber(p.low), shortNumber(p.high)));
    connect(edit, &QLineEdit::textChanged, this, [this] { revalidate(); });
    auto* label = new QLabel(QString::fromStdString(p.name) +
                             QString(" [%1, %2]").arg(shortNumber(p.low), shortNumber(p.high)));
    label->setToolTip(QString::fromStdString(p.description));
    edit->setProperty("meaning", QString::fromStdString(p.description));
    taskForm_->addRow(label, edit);
    taskEdits_.push_back(edit);
  }
  taskBox_->setVisible(!params.empty());
}

void NewRunDialog::revalidate() {
  ownErrors_.clear();
  if (name_->text().trimmed().isEmpty()) ownErrors_.emplace_back("name", tr("run name must not be empty"));
  markEditor(name_, ownErrors_.empty() ? QString() : ownErrors_.back().second);

  bool ok = false;
  const QString seedText = seed_->text().trimmed();
  const qlonglong seed = seedText.toLongLong(&ok);
  QString seedError;
  if (!ok || seed < 0 || seed > kMaxSeed)
    seedError = tr("seed must be a whole number in [0, %1], got \"%2\"").arg(kMaxSeed).arg(seedText);
  if (!seedError.isEmpty()) ownErrors_.emplace_back("seed", seedError);
  markEditor(seed_, seedError);

  for (size_t i = 0; i < taskParams_.size(); ++i) {
    const TaskParam& p = taskParams_[i];
    const QString text = taskEdits_[i]->text().trimmed();
    const double x = text.toDouble(&ok);
    QString error;
    if (!ok || !std::isfinite(x) || x < p.low || x > p.high || (p.integer && std::floor(x) != x))
      error = tr("task.%1 must be a %2 in [%3, %4], got \"%5\"")
                  .arg(QString::fromStdString(p.name), p.integer ? tr("whole number") : tr("number"),
                       shortNumber(p.low), shortNumber(p.high), text);
    if (!error.isEmpty()) ownErrors_.emplace_back(QString::fromStdString("task." + p.name), error);
    markEditor(taskEdits_[i], error);
  }

  const QStringList all = errors();
  message_->setText(all.join('\n'));
  message_->setVisible(!all.isEmpty());
  const bool valid = isValid();
  okButton()->setEnabled(valid);
  if (valid != lastValid_) {
    lastValid_ = valid;
    emit validityChanged(valid);
  }
}

bool NewRunDialog::isValid() const { return loadError_.isEmpty() && ownErrors_.empty() && form_->isValid(); }

QString NewRunDialog::firstError() const {
  if (!loadError_.isEmpty()) return loadError_;
  if (!ownErrors_.empty()) return ownErrors_.front().second;
  return form_->firstError();
}

QStringList NewRunDialog::errors() const {
  QStringList out;
  if (!loadError_.isEmpty()) out << loadError_;
  for (const auto& [field, message] : ownErrors_) out << message;
  out << form_->errors();
  return out;
}

nlohmann::json NewRunDialog::config() const {
  nlohmann::json out = form_->value();
  out["env"] = currentEnv();
  bool ok = false;
  const qlonglong seed = seed_->text().trimmed().toLongLong(&ok);
  out["seed"] = ok ? nlohmann::json(static_cast<int64_t>(seed)) : nlohmann::json(nullptr);
  nlohmann::json task = nlohmann::json::object();
  for (size_t i = 0; i < taskParams_.size(); ++i) {
    const double x = taskEdits_[i]->text().trimmed().toDouble(&ok);
    if (ok && std::isfinite(x)) task[taskParams_[i].name] = x;
  }
  out["task"] = task;
  return out;
}

QString NewRunDialog::runName() const { return name_->text().trimmed(); }

bool NewRunDialog::selectEnvironment(const QString& env) {
  const int index = env_->findText(env);
  if (index < 0) return false;
  if (index == env_->currentIndex()) return true;
  env_->setCurrentIndex(index);
  return true;
}

bool NewRunDialog::selectPreset(const QString& preset) {
  const int index = preset_->findText(preset);
  if (index < 0) return false;
  if (index != preset_->currentIndex()) preset_->setCurrentIndex(index);
  return true;
}

QLineEdit* NewRunDialog::taskEditor(const QString& name) const {
  for (size_t i = 0; i < taskParams_.size(); ++i)
    if (QString::fromStdString(taskParams_[i].name) == name) return taskEdits_[i];
  return nullptr;
}

QPushButton* NewRunDialog::okButton() const { return buttons_->button(QDialogButtonBox::Ok); }

}  // namespace palaestra
