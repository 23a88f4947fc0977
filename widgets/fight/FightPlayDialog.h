#pragma once
// Sets up a person's match: P1's character; P2 = a CPU (character and level
// 1..8), a second person on the same keyboard, or a stored agent (a
// checkpoint of a run of env "fight" in the open store) with its character;
// training mode on or off. Problems are shown inline and keep OK disabled.
#include <QDialog>
#include <memory>

#include "widgets/fight/FightPlayView.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace palaestra {

class RunStore;

class FightPlayDialog : public QDialog {
  Q_OBJECT

 public:
  /// A dialog over the built-in roster and the checkpoints of fight runs in `store` (may be null).
  explicit FightPlayDialog(std::shared_ptr<RunStore> store, QWidget* parent = nullptr);

  /// The match chosen (valid when valid() is true); a new seed from the clock each call.
  FightPlaySetup setup() const;
  /// Whether the choices can be played (OK is enabled).
  bool valid() const;
  /// What is wrong with the choices ("" when valid).
  QString problem() const;

  /// P1's character.
  QComboBox* p1Character() const { return p1_; }
  /// CPU / Second person / Stored agent.
  QComboBox* opponentKind() const { return kind_; }
  /// P2's character.
  QComboBox* p2Character() const { return p2_; }
  /// The CPU's level.
  QSpinBox* cpuLevel() const { return level_; }
  /// The agent's checkpoint (items carry the checkpoint id as user data).
  QComboBox* agentCheckpoint() const { return checkpoint_; }
  /// Training mode.
  QCheckBox* trainingMode() const { return training_; }

 private:
  void revalidate();

  QComboBox* p1_;
  QComboBox* kind_;
  QComboBox* p2_;
  QSpinBox* level_;
  QComboBox* checkpoint_;
  QCheckBox* training_;
  QLabel* problem_;
  QDialogButtonBox* buttons_;
  QString rosterError_;
};

}  // namespace palaestra
