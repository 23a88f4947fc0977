#include "widgets/fight/FightControlsDialog.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace palaestra {

FightControlsDialog::FightControlsDialog(const FightKeyMap& keys, QWidget* parent)
    : QDialog(parent), keys_(keys) {
  setWindowTitle(QStringLiteral("Fight controls"));
  auto* grid = new QGridLayout;
  grid->addWidget(new QLabel(QStringLiteral("<b>P1</b>"), this), 0, 1);
  grid->addWidget(new QLabel(QStringLiteral("<b>P2</b>"), this), 0, 2);
  for (int f = 0; f < kFightKeyCount; ++f) {
    grid->addWidget(new QLabel(FightKeyMap::functionName(FightKey(f)), this), f + 1, 0);
    for (int p = 0; p < 2; ++p) {
      auto* button = new QPushButton(this);
      button->setObjectName(
          QStringLiteral("key_p%1_%2").arg(p + 1).arg(FightKeyMap::functionName(FightKey(f))));
      button->setAutoDefault(false);
      button->installEventFilter(this);
      connect(button, &QPushButton::clicked, this, [this, p, f] { capture(p, FightKey(f)); });
      buttons_[static_cast<size_t>(p)][static_cast<size_t>(f)] = button;
      grid->addWidget(button, f + 1, p + 1);
    }
  }
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  auto* box = new QDialogButtonBox(
      QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
  connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(box->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
    keys_ = FightKeyMap::defaults();
    capturePlayer_ = -1;
    message_->clear();
    refreshButtons();
  });
  for (QAbstractButton* b : box->buttons()) b->setFocusPolicy(Qt::NoFocus);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(
      new QLabel(QStringLiteral("Click a key, then press the new key for it."), this));
  layout->addLayout(grid);
  layout->addWidget(message_);
  layout->addWidget(box);
  refreshButtons();
}

QPushButton* FightControlsDialog::keyButton(int player, FightKey function) const {
  return buttons_.at(static_cast<size_t>(player)).at(static_cast<size_t>(function));
}

QString FightControlsDialog::message() const {
  return message_->text();
}

void FightControlsDialog::capture(int player, FightKey function) {
  capturePlayer_ = player;
  captureFunction_ = function;
  refreshButtons();
  keyButton(player, function)->setText(QStringLiteral("press a key..."));
  message_->setText(QStringLiteral("Press the new key for P%1 %2 (Escape cancels).")
                        .arg(player + 1)
                        .arg(FightKeyMap::functionName(function)));
}

void FightControlsDialog::take(int key) {
  if (capturePlayer_ < 0) return;
  const QString refusal = keys_.assign(capturePlayer_, captureFunction_, key);
  message_->setText(refusal);
  message_->setStyleSheet(refusal.isEmpty() ? QString() : QStringLiteral("color: #b00020;"));
  capturePlayer_ = -1;
  refreshButtons();
}

bool FightControlsDialog::eventFilter(QObject* watched, QEvent* event) {
  // While capturing, every key (arrows and Space too) is the new key, not button navigation.
  if (capturePlayer_ >= 0 &&
      (event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride)) {
    auto* key = static_cast<QKeyEvent*>(event);
    if (event->type() == QEvent::ShortcutOverride) {
      event->accept();
      return true;
    }
    keyPressEvent(key);
    return true;
  }
  return QDialog::eventFilter(watched, event);
}

void FightControlsDialog::keyPressEvent(QKeyEvent* event) {
  if (capturePlayer_ < 0) {
    QDialog::keyPressEvent(event);
    return;
  }
  if (event->key() == Qt::Key_Escape) {
    capturePlayer_ = -1;
    message_->clear();
    refreshButtons();
    return;
  }
  // Modifier keys alone are not fight keys.
  if (event->key() == Qt::Key_Shift || event->key() == Qt::Key_Control ||
      event->key() == Qt::Key_Alt || event->key() == Qt::Key_Meta)
    return;
  take(FightKeyMap::keyOf(event->key(), event->modifiers()));
}

void FightControlsDialog::refreshButtons() {
  for (int p = 0; p < 2; ++p)
    for (int f = 0; f < kFightKeyCount; ++f)
      keyButton(p, FightKey(f))->setText(FightKeyMap::keyText(keys_.key(p, FightKey(f))));
}

}  // namespace palaestra
