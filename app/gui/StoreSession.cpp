#include "gui/StoreSession.h"

#include <sys/stat.h>

#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <exception>
#include <utility>

#include "gui/AppSettings.h"
#include "gui/MessagePresenter.h"
#include "util/WallClock.h"

namespace palaestra {

namespace {
const QString kRecentKey = QStringLiteral("stores/recent");
const QString kLastKey = QStringLiteral("stores/last");
}  // namespace

StoreSession::StoreSession(MessagePresenter* messages, QObject* parent)
    : QObject(parent), messages_(messages), fileCheck_(new QTimer(this)) {
  fileCheck_->setInterval(kFileCheckIntervalMs);
  connect(fileCheck_, &QTimer::timeout, this, &StoreSession::checkFile);
}

StoreSession::~StoreSession() = default;

bool StoreSession::open(const QString& path, RunStore::OpenMode mode) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  if (store_ && absolute == path_ && !fileLost_) return true;
  std::shared_ptr<RunStore> opened;
  try {
    opened = std::make_shared<RunStore>(absolute.toStdString(), mode);
  } catch (const std::exception& e) {
    QString text = QStringLiteral("Could not open the run store %1:\n%2").arg(absolute, QString::fromUtf8(e.what()));
    if (store_) text += QStringLiteral("\n\nThe run store %1 stays open.").arg(path_);
    messages_->show(MessagePresenter::Severity::Error, QStringLiteral("Open run store"), text);
    return false;
  }
  // Widgets switch to the new store (storeOpened) before the old one is closed.
  std::shared_ptr<RunStore> previous = std::exchange(store_, std::move(opened));
  path_ = absolute;
  identity_ = identityOf(absolute);
  fileLost_ = false;
  rememberRecent(absolute);
  fileCheck_->start();
  emit storeOpened(absolute);
  previous.reset();
  reportCrashedRuns();
  return true;
}

void StoreSession::reportCrashedRuns() {
  const std::vector<CrashedRun>& crashed = store_->crashedRunsFound();
  if (crashed.empty()) return;
  // Each open reports what it found; runs it marked are crashed from then on, so they are
  // reported once.
  QString text =
      crashed.size() == 1
          ? QStringLiteral("A run in %1 was found crashed: the process training it died.\n")
                .arg(path_)
          : QStringLiteral("%1 runs in %2 were found crashed: the processes training them died.\n")
                .arg(crashed.size())
                .arg(path_);
  const double now = nowSeconds();
  for (const CrashedRun& run : crashed)
    text += QStringLiteral("\n") + QString::fromStdString(describeCrashedRun(run, now));
  messages_->show(MessagePresenter::Severity::Warning, QStringLiteral("Crashed runs"), text);
}

bool StoreSession::openStartupStore() {
  const auto settings = openAppSettings();
  const QString last = settings->value(kLastKey).toString();
  if (!last.isEmpty() && QFileInfo::exists(last) && open(last, RunStore::OpenMode::OpenExisting)) return true;
  return open(QString::fromStdString(RunStore::defaultPath()), RunStore::OpenMode::CreateOrOpen);
}

QStringList StoreSession::recentStores() const {
  return openAppSettings()->value(kRecentKey).toStringList();
}

QStringList StoreSession::pruneRecentStores() {
  QStringList kept, forgotten;
  for (const QString& path : recentStores()) (QFileInfo::exists(path) ? kept : forgotten) << path;
  if (!forgotten.isEmpty()) writeRecent(kept);
  return forgotten;
}

void StoreSession::checkFile() {
  if (!store_ || fileLost_) return;
  const std::optional<FileIdentity> now = identityOf(path_);
  if (now && (!identity_ || *now == *identity_)) return;
  fileLost_ = true;
  fileCheck_->stop();
  const QString message =
      QStringLiteral("The run store %1 was deleted or moved while open. Nothing is lost yet: the app still holds "
                     "the file open. Use \"Save a copy...\" to write everything in it to a new file, or open "
                     "another store.")
          .arg(path_);
  emit storeFileLost(path_, message);
  messages_->show(MessagePresenter::Severity::Warning, QStringLiteral("Run store missing"), message);
}

std::optional<StoreSession::FileIdentity> StoreSession::identityOf(const QString& path) {
  struct stat info {};
  if (::stat(QFile::encodeName(path).constData(), &info) != 0) return std::nullopt;
  return FileIdentity{static_cast<unsigned long long>(info.st_dev), static_cast<unsigned long long>(info.st_ino)};
}

void StoreSession::rememberRecent(const QString& path) {
  QStringList recent = recentStores();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecentStores) recent.removeLast();
  writeRecent(recent);
  openAppSettings()->setValue(kLastKey, path);
}

void StoreSession::writeRecent(const QStringList& paths) {
  openAppSettings()->setValue(kRecentKey, paths);
  emit recentStoresChanged();
}

}  // namespace palaestra
