#include "gui/PlaybackPage.h"

#include <QVBoxLayout>
#include <utility>

namespace palaestra {

PlaybackPage::PlaybackPage(QWidget* content, Calls calls, QWidget* parent)
    : QWidget(parent), content_(content), calls_(std::move(calls)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(content_);
}

}  // namespace palaestra
