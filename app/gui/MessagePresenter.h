#pragma once
// The one way the main window talks to the user in dialogs: messages and
// yes/no questions. By default these are modal QMessageBoxes; tests install a
// sink and an answerer so nothing blocks and every text can be checked.

#include <QPointer>
#include <QString>
#include <QWidget>
#include <functional>

namespace palaestra {

class MessagePresenter {
 public:
  /// How serious a message is (chooses the message box icon).
  enum class Severity { Information, Warning, Error };
  /// Receives messages instead of a message box.
  using Sink = std::function<void(const QString& title, const QString& text)>;
  /// Answers yes/no questions instead of a message box; returns true for yes.
  using Answerer = std::function<bool(const QString& title, const QString& question)>;

  /// Messages are shown as boxes over `dialogParent` until a sink is set.
  explicit MessagePresenter(QWidget* dialogParent);

  /// Routes every later message to `sink` (an empty function restores message boxes).
  void setSink(Sink sink);
  /// Routes every later question to `answerer` (an empty function restores message boxes).
  void setAnswerer(Answerer answerer);

  /// Shows a message of the given severity.
  void show(Severity severity, const QString& title, const QString& text);
  /// Asks a yes/no question; true when the user answers yes (the default button is no).
  bool ask(const QString& title, const QString& question);

 private:
  QPointer<QWidget> dialogParent_;
  Sink sink_;
  Answerer answerer_;
};

}  // namespace palaestra
