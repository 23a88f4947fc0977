#pragma once
// The run store the app has open, and the list of recently opened stores.
//
// Opening builds the new RunStore first and swaps it in only when that
// succeeded, so a corrupt, non-SQLite or foreign file leaves the current store
// open and untouched (RunStore itself writes nothing to a file it refuses).
// While a store is open, a timer checks once a second that its file is still
// there and is the same file (device and inode); if it was deleted or moved
// the session warns once and keeps the (still readable) store open. Runs the
// open found crashed (their process died) are reported through the messages.

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

#include "store/RunStore.h"

class QTimer;

namespace palaestra {

class MessagePresenter;

class StoreSession : public QObject {
  Q_OBJECT

 public:
  /// Most recent stores remembered.
  static constexpr int kMaxRecentStores = 8;
  /// How often the open store's file is checked, in milliseconds.
  static constexpr int kFileCheckIntervalMs = 1000;

  /// No store open yet; problems are reported through `messages` (not owned, must outlive this).
  explicit StoreSession(MessagePresenter* messages, QObject* parent = nullptr);
  ~StoreSession() override;

  /// Opens `path` and makes it the current store; on failure reports the store's error and keeps
  /// the current store. Returns whether `path` is now open.
  bool open(const QString& path, RunStore::OpenMode mode);
  /// Opens the last store of the previous session if its file still exists, else (or if that
  /// fails) RunStore::defaultPath(), creating it. Returns whether a store is open.
  bool openStartupStore();

  /// The open store (nullptr before the first successful open).
  std::shared_ptr<RunStore> store() const { return store_; }
  /// Path of the open store (empty when none).
  QString path() const { return path_; }
  /// Whether the open store's file was found deleted or moved.
  bool fileLost() const { return fileLost_; }

  /// Recently opened stores, most recent first (as remembered in the settings).
  QStringList recentStores() const;
  /// Forgets recent stores whose files no longer exist; returns the forgotten paths.
  QStringList pruneRecentStores();

  /// Checks now that the open store's file still exists and is the one opened (the timer calls it).
  void checkFile();

 signals:
  /// A store was opened (also when it replaced another); widgets should switch to it.
  void storeOpened(const QString& path);
  /// The open store's file was deleted or moved; `message` says so for the user.
  void storeFileLost(const QString& path, const QString& message);
  /// The list of recent stores changed.
  void recentStoresChanged();

 private:
  struct FileIdentity {
    unsigned long long device = 0;
    unsigned long long inode = 0;
    bool operator==(const FileIdentity&) const = default;
  };
  static std::optional<FileIdentity> identityOf(const QString& path);
  /// Tells the user about runs the opening of the current store found crashed.
  void reportCrashedRuns();
  void rememberRecent(const QString& path);
  void writeRecent(const QStringList& paths);

  MessagePresenter* messages_;
  std::shared_ptr<RunStore> store_;
  QString path_;
  std::optional<FileIdentity> identity_;
  bool fileLost_ = false;
  QTimer* fileCheck_;
};

}  // namespace palaestra
