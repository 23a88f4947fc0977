#include "widgets/fight/FightKeyMap.h"

#include <QKeySequence>
#include <QSettings>

namespace palaestra {

namespace {

constexpr int kNum = Qt::KeypadModifier;
constexpr std::array<uint8_t, 6> kButtonOfFunction = {fight::kLP, fight::kMP, fight::kHP,
                                                      fight::kLK, fight::kMK, fight::kHK};

QString settingsKey(int player, int function) {
  return QStringLiteral("fightKeys/p%1/%2")
      .arg(player + 1)
      .arg(FightKeyMap::functionName(FightKey(function)));
}

}  // namespace

FightKeyMap FightKeyMap::defaults() {
  FightKeyMap map;
  map.keys_[0] = {Qt::Key_W, Qt::Key_S, Qt::Key_A, Qt::Key_D, Qt::Key_U,
                  Qt::Key_I, Qt::Key_O, Qt::Key_J, Qt::Key_K, Qt::Key_L};
  map.keys_[1] = {Qt::Key_Up,       Qt::Key_Down,     Qt::Key_Left,     Qt::Key_Right,
                  Qt::Key_4 | kNum, Qt::Key_5 | kNum, Qt::Key_6 | kNum, Qt::Key_1 | kNum,
                  Qt::Key_2 | kNum, Qt::Key_3 | kNum};
  return map;
}

QSet<int> FightKeyMap::reservedKeys() {
  return {Qt::Key_Escape, Qt::Key_F2, Qt::Key_F3, Qt::Key_F4, Qt::Key_Space};
}

QString FightKeyMap::functionName(FightKey function) {
  static const std::array<const char*, kFightKeyCount> names = {
      "Up", "Down", "Left", "Right", "LP", "MP", "HP", "LK", "MK", "HK"};
  return QString::fromLatin1(names[static_cast<size_t>(function)]);
}

QString FightKeyMap::keyText(int key) {
  return QKeySequence(key).toString(QKeySequence::NativeText);
}

int FightKeyMap::keyOf(int qtKey, Qt::KeyboardModifiers modifiers) {
  return qtKey | (modifiers & Qt::KeypadModifier ? kNum : 0);
}

int FightKeyMap::key(int player, FightKey function) const {
  return keys_.at(static_cast<size_t>(player)).at(static_cast<size_t>(function));
}

QString FightKeyMap::assign(int player, FightKey function, int key) {
  if (player < 0 || player > 1) return QStringLiteral("There is no player %1.").arg(player + 1);
  if (key == 0 || key == Qt::Key_unknown) return QStringLiteral("That key cannot be used.");
  if (reservedKeys().contains(key))
    return QStringLiteral(
               "%1 is kept by the play page (Escape quits, Space and F2 pause, F3 overlays, "
               "F4 resets positions).")
        .arg(keyText(key));
  if (const auto used = find(key)) {
    if (used->first == player && used->second == function) return {};
    return QStringLiteral("%1 is already P%2 %3; choose another key or change that one first.")
        .arg(keyText(key))
        .arg(used->first + 1)
        .arg(functionName(used->second));
  }
  keys_[static_cast<size_t>(player)][static_cast<size_t>(function)] = key;
  return {};
}

std::optional<std::pair<int, FightKey>> FightKeyMap::find(int key) const {
  for (int p = 0; p < 2; ++p)
    for (int f = 0; f < kFightKeyCount; ++f)
      if (keys_[static_cast<size_t>(p)][static_cast<size_t>(f)] == key)
        return std::pair{p, FightKey(f)};
  return std::nullopt;
}

fight::PadState FightKeyMap::pad(int player, const QSet<int>& held) const {
  auto down = [&](FightKey f) { return held.contains(key(player, f)); };
  const int vertical = (down(FightKey::Up) ? 1 : 0) - (down(FightKey::Down) ? 1 : 0);
  const int horizontal = (down(FightKey::Right) ? 1 : 0) - (down(FightKey::Left) ? 1 : 0);
  fight::PadState pad;
  pad.direction = static_cast<fight::Direction>(5 + 3 * vertical + horizontal);
  for (size_t b = 0; b < kButtonOfFunction.size(); ++b)
    if (down(FightKey(static_cast<int>(FightKey::LP) + static_cast<int>(b))))
      pad.buttons |= kButtonOfFunction[b];
  return pad;
}

void FightKeyMap::save(QSettings& settings) const {
  for (int p = 0; p < 2; ++p)
    for (int f = 0; f < kFightKeyCount; ++f)
      settings.setValue(settingsKey(p, f), keys_[static_cast<size_t>(p)][static_cast<size_t>(f)]);
}

FightKeyMap FightKeyMap::load(QSettings& settings) {
  FightKeyMap map;
  const FightKeyMap fallback = defaults();
  for (int p = 0; p < 2; ++p) {
    for (int f = 0; f < kFightKeyCount; ++f) {
      bool ok = false;
      const int key = settings.value(settingsKey(p, f)).toInt(&ok);
      // A missing or edited-by-hand layout that maps a key twice is not used half-way.
      if (!ok || key == 0 || map.find(key) || reservedKeys().contains(key)) return fallback;
      map.keys_[static_cast<size_t>(p)][static_cast<size_t>(f)] = key;
    }
  }
  return map;
}

}  // namespace palaestra
