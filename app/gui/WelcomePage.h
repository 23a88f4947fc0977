#pragma once
// The page shown in the centre when no other page is open: a short intro, the
// open store and how many runs it holds, a big "New training run..." button
// and "Open store...". With an empty store it invites starting the first run.

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace palaestra {

class WelcomePage : public QWidget {
  Q_OBJECT

 public:
  /// A page describing no store until setStoreSummary() is called.
  explicit WelcomePage(QWidget* parent = nullptr);

  /// Describes the open store: its path and how many runs it holds.
  void setStoreSummary(const QString& storePath, int runCount);
  /// Whether the page last described a store without runs.
  bool storeIsEmpty() const { return storeIsEmpty_; }
  /// The text under the title (tells what to do next).
  QString statusText() const;
  /// The "New training run..." button.
  QPushButton* newRunButton() const { return newRun_; }
  /// The "Open store..." button.
  QPushButton* openStoreButton() const { return openStore_; }

 signals:
  /// The user asked to start a new training run.
  void newRunRequested();
  /// The user asked to open another run store.
  void openStoreRequested();

 private:
  QLabel* status_;
  QPushButton* newRun_;
  QPushButton* openStore_;
  bool storeIsEmpty_ = true;
};

}  // namespace palaestra
