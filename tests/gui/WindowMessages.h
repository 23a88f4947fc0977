#pragma once
// Captures what a MainWindow would show in message boxes, and answers its
// questions, so app tests never block on a dialog.

#include <QString>
#include <QStringList>

#include "gui/MainWindow.h"

namespace palaestra::testing {

struct WindowMessages {
  QStringList texts;
  bool answer = true;  // the answer to every yes/no question
  int questions = 0;

  /// Routes `window`'s messages and questions here.
  void attach(MainWindow& window) {
    window.setMessageSink([this](const QString&, const QString& text) { texts << text; });
    window.setQuestionAnswerer([this](const QString&, const QString&) {
      ++questions;
      return answer;
    });
  }
};

}  // namespace palaestra::testing
