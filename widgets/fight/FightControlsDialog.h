#pragma once
// Remaps the fighting game's keys: a button per player and function; click
// one, press the new key. A key that is reserved or already bound elsewhere
// is refused with a message naming its current use, and nothing changes.
#include <QDialog>
#include <array>

#include "widgets/fight/FightKeyMap.h"

class QLabel;
class QPushButton;

namespace palaestra {

class FightControlsDialog : public QDialog {
  Q_OBJECT

 public:
  /// A dialog editing a copy of `keys`.
  explicit FightControlsDialog(const FightKeyMap& keys, QWidget* parent = nullptr);
  /// The layout as edited.
  const FightKeyMap& keys() const { return keys_; }
  /// The button that captures `player`'s key for `function`.
  QPushButton* keyButton(int player, FightKey function) const;
  /// The last refusal ("" when the last change was accepted).
  QString message() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void capture(int player, FightKey function);
  void take(int key);
  void refreshButtons();

  FightKeyMap keys_;
  std::array<std::array<QPushButton*, kFightKeyCount>, 2> buttons_{};
  QLabel* message_;
  int capturePlayer_ = -1;
  FightKey captureFunction_ = FightKey::Up;
};

}  // namespace palaestra
