#include "gui/MessagePresenter.h"

#include <QMessageBox>
#include <utility>

namespace palaestra {

MessagePresenter::MessagePresenter(QWidget* dialogParent) : dialogParent_(dialogParent) {}

void MessagePresenter::setSink(Sink sink) { sink_ = std::move(sink); }

void MessagePresenter::setAnswerer(Answerer answerer) { answerer_ = std::move(answerer); }

void MessagePresenter::show(Severity severity, const QString& title, const QString& text) {
  if (sink_) {
    sink_(title, text);
    return;
  }
  switch (severity) {
    case Severity::Information: QMessageBox::information(dialogParent_, title, text); break;
    case Severity::Warning: QMessageBox::warning(dialogParent_, title, text); break;
    case Severity::Error: QMessageBox::critical(dialogParent_, title, text); break;
  }
}

bool MessagePresenter::ask(const QString& title, const QString& question) {
  if (answerer_) return answerer_(title, question);
  return QMessageBox::question(dialogParent_, title, question, QMessageBox::Yes | QMessageBox::No,
                               QMessageBox::No) == QMessageBox::Yes;
}

}  // namespace palaestra
