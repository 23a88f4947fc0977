#pragma once
// A page of the main window that holds one player widget (live viewer, replay
// player, comparison) and obeys the playback shortcuts by calling the
// player's own slots. Widgets cannot implement the app's PlaybackTarget
// (dependencies point from app to widgets), so the page adapts them.

#include <QWidget>
#include <functional>

#include "gui/PlaybackTarget.h"

namespace palaestra {

class PlaybackPage : public QWidget, public PlaybackTarget {
  Q_OBJECT

 public:
  /// What each playback shortcut does on this page (an empty function does nothing).
  struct Calls {
    std::function<void()> togglePlay, stepForward, stepBack, faster, slower;
  };
  /// A page showing `content` (reparented into the page) and obeying `calls`.
  PlaybackPage(QWidget* content, Calls calls, QWidget* parent = nullptr);

  /// The player widget shown.
  QWidget* content() const { return content_; }
  void togglePlay() override { call(calls_.togglePlay); }
  void stepForward() override { call(calls_.stepForward); }
  void stepBack() override { call(calls_.stepBack); }
  void faster() override { call(calls_.faster); }
  void slower() override { call(calls_.slower); }

 private:
  static void call(const std::function<void()>& f) {
    if (f) f();
  }
  QWidget* content_;
  Calls calls_;
};

}  // namespace palaestra
