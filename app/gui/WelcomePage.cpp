#include "gui/WelcomePage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace palaestra {

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent),
      status_(new QLabel(this)),
      newRun_(new QPushButton(QStringLiteral("New training run..."), this)),
      openStore_(new QPushButton(QStringLiteral("Open store..."), this)) {
  auto* title = new QLabel(QStringLiteral("<h1>Palaestra</h1>"), this);
  auto* intro = new QLabel(
      QStringLiteral("Train reinforcement-learning agents and watch them learn: start a run, follow its "
                     "learning curves live, replay any stored episode frame by frame and compare runs side "
                     "by side. Everything a run produces is kept in the run store."),
      this);
  intro->setWordWrap(true);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont big = newRun_->font();
  big.setPointSizeF(big.pointSizeF() * 1.4);
  newRun_->setFont(big);
  newRun_->setMinimumHeight(newRun_->sizeHint().height() * 2);
  newRun_->setDefault(true);

  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(newRun_);
  buttons->addWidget(openStore_);
  buttons->addStretch();

  auto* column = new QVBoxLayout;
  column->addStretch();
  column->addWidget(title);
  column->addWidget(intro);
  column->addSpacing(12);
  column->addWidget(status_);
  column->addSpacing(12);
  column->addLayout(buttons);
  column->addStretch(2);

  // Keep the text a readable width in the middle of a wide window.
  auto* outer = new QHBoxLayout(this);
  outer->addStretch();
  auto* middle = new QWidget(this);
  middle->setLayout(column);
  middle->setMaximumWidth(640);
  outer->addWidget(middle, 4);
  outer->addStretch();

  connect(newRun_, &QPushButton::clicked, this, &WelcomePage::newRunRequested);
  connect(openStore_, &QPushButton::clicked, this, &WelcomePage::openStoreRequested);
  setStoreSummary({}, 0);
}

void WelcomePage::setStoreSummary(const QString& storePath, int runCount) {
  storeIsEmpty_ = runCount == 0;
  if (storePath.isEmpty()) {
    status_->setText(QStringLiteral("No run store is open. Open one, or start a new training run."));
  } else if (runCount == 0) {
    status_->setText(QStringLiteral("The run store %1 has no runs yet. Start your first training run:").arg(storePath));
  } else {
    status_->setText(QStringLiteral("The run store %1 holds %2 run%3. Pick runs in the Runs dock to see their "
                                    "curves and episodes, or start another run.")
                         .arg(storePath)
                         .arg(runCount)
                         .arg(runCount == 1 ? QString() : QStringLiteral("s")));
  }
}

QString WelcomePage::statusText() const { return status_->text(); }

}  // namespace palaestra
