#pragma once
// The keyboard layout of the fighting game: which key each player presses for
// up, down, left, right and the six attack buttons. Keys are Qt key codes,
// with Qt::KeypadModifier or'ed in for the numeric keypad (so numpad 4 and
// the top-row 4 are different keys). No key may serve two functions.
#include <QSet>
#include <QString>
#include <array>
#include <optional>

#include "fight/FightTypes.h"

class QSettings;

namespace palaestra {

/// What a key does for a player.
enum class FightKey { Up, Down, Left, Right, LP, MP, HP, LK, MK, HK };
/// Number of FightKey values.
inline constexpr int kFightKeyCount = 10;

class FightKeyMap {
 public:
  /// P1: W A S D, U I O (LP MP HP), J K L (LK MK HK); P2: arrows, numpad 4 5 6 and 1 2 3.
  static FightKeyMap defaults();
  /// Keys the play page keeps for itself (Escape, pause, reset positions, overlays) and never maps.
  static QSet<int> reservedKeys();
  /// "Up", "Down", ..., "LP", ..., "HK".
  static QString functionName(FightKey function);
  /// A key code as the user reads it, e.g. "W", "Left", "Num+4".
  static QString keyText(int key);
  /// The key code of a key event's key and modifiers (keypad keys keep Qt::KeypadModifier).
  static int keyOf(int qtKey, Qt::KeyboardModifiers modifiers);

  /// The key of `player` (0 or 1) for `function`.
  int key(int player, FightKey function) const;
  /// Binds `key` to `player`'s `function` unless it is reserved or bound to another function;
  /// returns "" on success, else why it was refused (naming the key and its current use).
  QString assign(int player, FightKey function, int key);
  /// The player and function `key` is bound to, if any.
  std::optional<std::pair<int, FightKey>> find(int key) const;
  /// `player`'s pad for the keys held (screen terms; opposite directions cancel).
  fight::PadState pad(int player, const QSet<int>& held) const;

  /// Writes the layout under the group "fightKeys".
  void save(QSettings& settings) const;
  /// The saved layout, or the defaults when none (or an unusable one) is saved.
  static FightKeyMap load(QSettings& settings);

  friend bool operator==(const FightKeyMap&, const FightKeyMap&) = default;

 private:
  std::array<std::array<int, kFightKeyCount>, 2> keys_{};
};

}  // namespace palaestra
