#include "widgets/fight/FightPlayDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>

#include "fight/CharacterLoader.h"
#include "store/RunStore.h"

namespace palaestra {

FightPlayDialog::FightPlayDialog(std::shared_ptr<RunStore> store, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(QStringLiteral("Play fight"));
  p1_ = new QComboBox(this);
  kind_ = new QComboBox(this);
  p2_ = new QComboBox(this);
  level_ = new QSpinBox(this);
  checkpoint_ = new QComboBox(this);
  training_ =
      new QCheckBox(QStringLiteral("Hitboxes, frame advantage, inputs and state names"), this);
  problem_ = new QLabel(this);
  problem_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problem_->setWordWrap(true);

  try {
    const fight::Roster& roster = fight::Roster::builtin();
    for (int i = 0; i < roster.size(); ++i) {
      const QString name = QString::fromStdString(roster.at(i).displayName);
      p1_->addItem(name, i);
      p2_->addItem(name, i);
    }
    if (roster.size() == 0) rosterError_ = QStringLiteral("No characters were found.");
  } catch (const std::exception& e) {
    rosterError_ = QStringLiteral("The characters could not be loaded: %1")
                       .arg(QString::fromStdString(e.what()));
  }
  if (p2_->count() > 1) p2_->setCurrentIndex(1);
  kind_->addItem(QStringLiteral("CPU"), static_cast<int>(FightPlaySetup::Opponent::Cpu));
  kind_->addItem(QStringLiteral("Second person (same keyboard)"),
                 static_cast<int>(FightPlaySetup::Opponent::Person));
  kind_->addItem(QStringLiteral("Stored agent (checkpoint)"),
                 static_cast<int>(FightPlaySetup::Opponent::Agent));
  level_->setRange(1, 8);
  level_->setValue(3);
  if (store) {
    try {
      for (const RunInfo& run : store->listRuns()) {
        if (run.env != "fight") continue;
        for (const CheckpointInfo& c : store->checkpoints(run.id))
          checkpoint_->addItem(
              QStringLiteral("%1 @ step %2").arg(QString::fromStdString(run.name)).arg(c.step),
              QVariant::fromValue<qlonglong>(c.id));
      }
    } catch (const std::exception& e) {
      rosterError_ =
          QStringLiteral("The store could not be read: %1").arg(QString::fromStdString(e.what()));
    }
  }

  auto* form = new QFormLayout;
  form->addRow(QStringLiteral("P1 (you, keyboard):"), p1_);
  form->addRow(QStringLiteral("P2 is:"), kind_);
  form->addRow(QStringLiteral("P2 character:"), p2_);
  form->addRow(QStringLiteral("CPU level (1-8):"), level_);
  form->addRow(QStringLiteral("Agent checkpoint:"), checkpoint_);
  form->addRow(QStringLiteral("Training mode:"), training_);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(QStringLiteral("&Fight"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(kind_, &QComboBox::currentIndexChanged, this, &FightPlayDialog::revalidate);
  connect(p1_, &QComboBox::currentIndexChanged, this, &FightPlayDialog::revalidate);
  connect(p2_, &QComboBox::currentIndexChanged, this, &FightPlayDialog::revalidate);
  connect(checkpoint_, &QComboBox::currentIndexChanged, this, &FightPlayDialog::revalidate);
  revalidate();
}

QString FightPlayDialog::problem() const {
  if (!rosterError_.isEmpty()) return rosterError_;
  if (p1_->currentIndex() < 0) return QStringLiteral("Choose P1's character.");
  if (p2_->currentIndex() < 0) return QStringLiteral("Choose P2's character.");
  const auto kind = static_cast<FightPlaySetup::Opponent>(kind_->currentData().toInt());
  if (kind == FightPlaySetup::Opponent::Agent && checkpoint_->currentIndex() < 0)
    return QStringLiteral(
        "No run of env \"fight\" in the open store has a checkpoint: train one first, or "
        "play a CPU or a second person.");
  return {};
}

bool FightPlayDialog::valid() const {
  return problem().isEmpty();
}

void FightPlayDialog::revalidate() {
  const auto kind = static_cast<FightPlaySetup::Opponent>(kind_->currentData().toInt());
  level_->setEnabled(kind == FightPlaySetup::Opponent::Cpu);
  checkpoint_->setEnabled(kind == FightPlaySetup::Opponent::Agent);
  const QString why = problem();
  problem_->setText(why);
  problem_->setVisible(!why.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

FightPlaySetup FightPlayDialog::setup() const {
  FightPlaySetup s;
  s.p1Character = p1_->currentData().toInt();
  s.p2Character = p2_->currentData().toInt();
  s.opponent = static_cast<FightPlaySetup::Opponent>(kind_->currentData().toInt());
  s.cpuLevel = level_->value();
  s.agentCheckpointId =
      checkpoint_->currentIndex() >= 0 ? checkpoint_->currentData().toLongLong() : -1;
  s.trainingMode = training_->isChecked();
  s.seed = static_cast<uint64_t>(QDateTime::currentMSecsSinceEpoch());
  return s;
}

}  // namespace palaestra
