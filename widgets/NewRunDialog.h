#pragma once
// The new-run dialog: environment, preset, run name, seed, the env's task
// parameters (bounded, from its spec) and every other training setting as a
// ConfigForm built from the chosen preset. Invalid values are marked inline,
// every problem is listed at once, and OK stays disabled until the whole config
// validates. Each field's tooltip is its documented meaning (train/ConfigDocs).
// Given the store's runs (setExistingRuns), the default name is one no run has
// and the default seed the preset's seed or the next one no run of the env uses.
// The environments offered are the EnvRegistry's, which the app fills before creating it.

#include <QDialog>
#include <QString>
#include <utility>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "env/TaskSpace.h"
#include "store/RunRecords.h"

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace palaestra {

class ConfigForm;

class NewRunDialog : public QDialog {
  Q_OBJECT

 public:
  /// Registers the built-in simulations (idempotent) and shows the first environment's default preset.
  explicit NewRunDialog(QWidget* parent = nullptr);

  /// The full training config (with "env", "seed" and "task"); TrainConfig::fromJson accepts it when isValid().
  nlohmann::json config() const;
  /// The run name typed by the user (trimmed).
  QString runName() const;
  /// True when every field is valid (OK is enabled exactly then).
  bool isValid() const;
  /// The first problem, naming its field; empty when valid.
  QString firstError() const;
  /// Every problem, each naming its field (what the dialog lists under the form).
  QStringList errors() const;
  /// The message line listing the problems.
  QLabel* messageLabel() const { return message_; }

  /// The runs already in the store: the default name avoids their names and the default seed
  /// their seeds (of the same env); re-applies the defaults.
  void setExistingRuns(const std::vector<RunInfo>& runs);

  /// Selects an environment by registry name (reloads its default preset); false if unknown.
  bool selectEnvironment(const QString& env);
  /// Selects a preset of the current environment (reloads the form); false if unknown.
  bool selectPreset(const QString& preset);

  /// The form holding everything but env, seed and task.
  ConfigForm* form() const { return form_; }
  /// The editor of a task parameter, or nullptr.
  QLineEdit* taskEditor(const QString& name) const;
  /// The seed editor.
  QLineEdit* seedEditor() const { return seed_; }
  /// The run name editor.
  QLineEdit* runNameEditor() const { return name_; }
  /// The OK button.
  QPushButton* okButton() const;

 signals:
  /// Emitted when the dialog turns valid or invalid.
  void validityChanged(bool valid);

 private:
  void fillPresets();
  void loadPreset();
  /// Re-reads the env's task parameters when env_config changed (keeping typed values by name).
  void refreshTaskParams();
  void rebuildTaskEditors(const std::vector<TaskParam>& params, const nlohmann::json& values);
  /// Validates seed, name and task editors, marks them, and updates OK and the message.
  void revalidate();
  std::string currentEnv() const;
  // Fills the name and seed editors with the defaults for the current env and preset.
  void applyDefaultNameAndSeed();

  QComboBox* env_ = nullptr;
  QComboBox* preset_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLineEdit* seed_ = nullptr;
  QGroupBox* taskBox_ = nullptr;
  QFormLayout* taskForm_ = nullptr;
  ConfigForm* form_ = nullptr;
  QLabel* message_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;

  std::vector<TaskParam> taskParams_;
  std::vector<QLineEdit*> taskEdits_;       // parallel to taskParams_
  std::string taskEnvConfig_;               // env_config (dumped) the task editors were built for
  std::vector<std::pair<QString, QString>> ownErrors_;  // (field, message) in dialog order
  QString loadError_;                       // the preset could not be read
  bool lastValid_ = false;
  uint64_t presetSeed_ = 1;  // the seed the current preset names
  std::vector<RunInfo> existingRuns_;
};

}  // namespace palaestra
