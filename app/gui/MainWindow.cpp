#include "gui/MainWindow.h"

#include "train/TrainingSession.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QKeySequence>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QMenu>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>
#include <exception>
#include <utility>

#include "gui/AppSettings.h"
#include "gui/CurvesPanel.h"
#include "gui/InspectorPanel.h"
#include "gui/PlaybackTarget.h"
#include "gui/StoreSession.h"
#include "gui/TrainingPanel.h"
#include "gui/WelcomePage.h"
#include "store/MetricsCsv.h"
#include "util/Version.h"
#include "widgets/CurveChart.h"
#include "widgets/EpisodeList.h"
#include "widgets/NewRunDialog.h"
#include "widgets/RunBrowser.h"
#include "widgets/RunTableModel.h"
#include "widgets/ViewImageExport.h"

namespace palaestra {

namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kStoreFilter = QStringLiteral("Run stores (*.sqlite);;All files (*)");

QString withoutMnemonic(QString text) {
  text.remove(QStringLiteral("..."));
  return text.remove('&');
}
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      messages_(this),
      session_(new StoreSession(&messages_, this)),
      banner_(new QLabel(this)),
      pages_(new QStackedWidget(this)),
      welcome_(new WelcomePage(pages_)),
      runBrowser_(new RunBrowser(this)),
      curves_(new CurvesPanel(this)),
      inspector_(new InspectorPanel(this)),
      training_(new TrainingPanel(this)) {
  setWindowTitle(QStringLiteral("Palaestra"));
  setDockNestingEnabled(true);

  // Central area: the warning banner (hidden unless the store's file went missing) above the pages.
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }"));
  // The banner offers to rescue the store: the app still holds the deleted file open, so a
  // complete copy can be written from it.
  bannerBox_ = new QWidget(this);
  bannerBox_->setStyleSheet(QStringLiteral("background: #fff3cd;"));
  auto* bannerLayout = new QHBoxLayout(bannerBox_);
  bannerLayout->setContentsMargins(0, 0, 6, 0);
  bannerLayout->addWidget(banner_, 1);
  saveCopyButton_ = new QPushButton(QStringLiteral("Save a copy..."), bannerBox_);
  saveCopyButton_->setToolTip(QStringLiteral("Write everything in the run store to a new file and switch to it"));
  bannerLayout->addWidget(saveCopyButton_);
  connect(saveCopyButton_, &QPushButton::clicked, this, &MainWindow::chooseStoreCopyFile);
  bannerBox_->hide();
  auto* central = new QWidget(this);
  auto* centralLayout = new QVBoxLayout(central);
  centralLayout->setContentsMargins(0, 0, 0, 0);
  centralLayout->setSpacing(0);
  centralLayout->addWidget(bannerBox_);
  centralLayout->addWidget(pages_, 1);
  setCentralWidget(central);
  addPage(welcome_, QStringLiteral("Welcome"));

  episodes_ = new EpisodeList(this);
  addDock(QStringLiteral("Training"), QStringLiteral("trainingDock"), training_, Qt::LeftDockWidgetArea);
  addDock(QStringLiteral("Runs"), QStringLiteral("runsDock"), runBrowser_, Qt::LeftDockWidgetArea);
  // The episodes of the selected run live in their own dock, so runs and episodes can be placed apart.
  addDock(QStringLiteral("Episodes"), QStringLiteral("episodesDock"), episodes_, Qt::LeftDockWidgetArea);
  addDock(QStringLiteral("Learning curves"), QStringLiteral("curvesDock"), curves_, Qt::BottomDockWidgetArea);
  addDock(QStringLiteral("Inspector"), QStringLiteral("inspectorDock"), inspector_, Qt::RightDockWidgetArea);

  buildMenus();
  statusBar()->showMessage(QStringLiteral("No run store open"));

  connect(session_, &StoreSession::storeOpened, this, &MainWindow::onStoreOpened);
  connect(session_, &StoreSession::storeFileLost, this,
          [this](const QString&, const QString& message) { onStoreFileLost(message); });
  connect(session_, &StoreSession::recentStoresChanged, this, &MainWindow::rebuildRecentMenu);
  connect(welcome_, &WelcomePage::newRunRequested, this, &MainWindow::showNewRunDialog);
  connect(welcome_, &WelcomePage::openStoreRequested, this, &MainWindow::chooseStoreToOpen);
  connect(training_, &TrainingPanel::newRunRequested, this, &MainWindow::showNewRunDialog);
  connect(runBrowser_, &RunBrowser::selectionChanged, this, &MainWindow::onRunSelectionChanged);
  connect(runBrowser_, &RunBrowser::runActivated, this, &MainWindow::runOpened);
  connect(runBrowser_, &RunBrowser::resumeRequested, this, &MainWindow::resumeRunRequested);
  connect(training_, &TrainingPanel::continueRequested, this, &MainWindow::resumeRunRequested);
  connect(episodes_, &EpisodeList::episodeActivated, this, &MainWindow::episodeOpened);
  connect(episodes_, &EpisodeList::errorOccurred, this,
          [this](const QString& message) { statusBar()->showMessage(message, 15000); });
  connect(runBrowser_, &RunBrowser::errorOccurred, this,
          [this](const QString& message) { statusBar()->showMessage(message, 15000); });
  RunTableModel* runs = runBrowser_->runModel();
  connect(runs, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateWelcome);
  connect(runs, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateWelcome);
  connect(runs, &QAbstractItemModel::modelReset, this, &MainWindow::updateWelcome);
  connect(runs, &QAbstractItemModel::dataChanged, this, &MainWindow::onRunsChanged);

  resize(kDefaultSize);
  restoreWindowSettings();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (!defaultDockSizesPending_) return;
  defaultDockSizesPending_ = false;
  // Qt would split the height evenly and leave the learning curves a strip a few pixels high; a
  // first start gets columns wide enough for the tables and curves tall enough to read.
  resizeDocks({dock(QStringLiteral("trainingDock")), dock(QStringLiteral("inspectorDock"))},
              {kDefaultLeftDockWidth, kDefaultRightDockWidth}, Qt::Horizontal);
  resizeDocks({dock(QStringLiteral("curvesDock"))}, {kDefaultCurvesHeight}, Qt::Vertical);
}

MainWindow::~MainWindow() {
  // The chart reads the store on a worker thread: detach it (waiting for its reads) while the store
  // is still alive; child widgets are deleted in creation order, the run browser's store reference first.
  curves_->setStore(nullptr);
}

int MainWindow::addPage(QWidget* page, const QString& title) {
  page->setWindowTitle(title);
  return pages_->addWidget(page);
}

void MainWindow::showPage(QWidget* page) {
  if (pages_->indexOf(page) < 0) return;
  // The status line described the page shown so far ("Watching run 3 learn"); whoever shows
  // another page says what it shows.
  if (page != pages_->currentWidget()) statusBar()->clearMessage();
  pages_->setCurrentWidget(page);
}

QWidget* MainWindow::currentPage() const { return pages_->currentWidget(); }

bool MainWindow::openStartupStore() { return session_->openStartupStore(); }

bool MainWindow::openStore(const QString& path, RunStore::OpenMode mode) { return session_->open(path, mode); }

QString MainWindow::storeWarning() const { return bannerBox_->isHidden() ? QString() : banner_->text(); }

bool MainWindow::saveStoreCopy(const QString& path) {
  const std::shared_ptr<RunStore> store = session_->store();
  if (!store) return false;
  const bool active = trainingActive_ ? trainingActive_() : training_->anyJobActive();
  if (active) {
    // Runs still training would keep writing to the old file after the copy is taken.
    if (!messages_.ask(QStringLiteral("Save a copy of the run store"),
                       QStringLiteral("Training is running. Stop it first, so that the copy holds everything it "
                                      "trained?"))) {
      return false;
    }
    if (stopAllTraining_) stopAllTraining_();
  }
  try {
    store->saveCopyTo(QFileInfo(path).absoluteFilePath().toStdString());
  } catch (const std::exception& e) {
    messages_.show(MessagePresenter::Severity::Error, QStringLiteral("Save a copy of the run store"),
                   QStringLiteral("Could not save a copy to %1:\n%2").arg(path, QString::fromUtf8(e.what())));
    return false;
  }
  return openStore(path, RunStore::OpenMode::OpenExisting);
}

void MainWindow::chooseStoreCopyFile() {
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save a copy of the run store"),
                                                    QDir::homePath() + QStringLiteral("/runs-copy.sqlite"),
                                                    QStringLiteral("Run stores (*.sqlite);;All files (*)"));
  if (!path.isEmpty()) saveStoreCopy(path);
}

void MainWindow::setMessageSink(MessagePresenter::Sink sink) { messages_.setSink(std::move(sink)); }

void MainWindow::setQuestionAnswerer(MessagePresenter::Answerer answerer) {
  messages_.setAnswerer(std::move(answerer));
}

void MainWindow::setTrainingActiveCheck(std::function<bool()> isActive) { trainingActive_ = std::move(isActive); }

void MainWindow::setStopAllTraining(std::function<void()> stopAll) { stopAllTraining_ = std::move(stopAll); }

void MainWindow::saveWindowSettings() const {
  const auto settings = openAppSettings();
  settings->setValue(kGeometryKey, saveGeometry());
  settings->setValue(kStateKey, saveState(kDockStateVersion));
}

bool MainWindow::restoreWindowSettings() {
  const auto settings = openAppSettings();
  const QByteArray geometry = settings->value(kGeometryKey).toByteArray();
  const QByteArray state = settings->value(kStateKey).toByteArray();
  bool restored = false;
  if (!geometry.isEmpty()) restored = restoreGeometry(geometry);
  const bool layoutRestored = !state.isEmpty() && restoreState(state, kDockStateVersion);
  // Without a layout of this version the docks get their default sizes when shown.
  defaultDockSizesPending_ = !layoutRestored;
  return restored || layoutRestored;
}

QList<QPair<QString, QString>> MainWindow::keyboardShortcuts() const {
  QList<QPair<QString, QString>> rows;
  for (const QAction* action : findChildren<QAction*>()) {
    if (action->shortcuts().isEmpty()) continue;
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts()) keys << key.toString(QKeySequence::NativeText);
    rows.append({withoutMnemonic(action->text()), keys.join(QStringLiteral(" or "))});
  }
  return rows;
}

QString MainWindow::keyboardShortcutsHtml() const {
  QString html = QStringLiteral("<table cellspacing='4'><tr><th align='left'>Action</th><th align='left'>Keys</th></tr>");
  for (const auto& [action, keys] : keyboardShortcuts()) {
    html += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td></tr>").arg(action.toHtmlEscaped(), keys.toHtmlEscaped());
  }
  return html + QStringLiteral("</table>");
}

bool MainWindow::exportRunMetrics(int64_t runId, const QString& path) {
  const std::shared_ptr<RunStore> store = session_->store();
  const QString title = QStringLiteral("Export metrics CSV");
  if (!store) {
    messages_.show(MessagePresenter::Severity::Error, title, QStringLiteral("No run store is open."));
    return false;
  }
  try {
    const size_t rows = exportMetricsCsv(*store, runId, path.toStdString());
    statusBar()->showMessage(QStringLiteral("Wrote %1 metric points of run #%2 to %3").arg(rows).arg(runId).arg(path),
                             8000);
    return true;
  } catch (const std::exception& e) {
    messages_.show(MessagePresenter::Severity::Error, title,
                   QStringLiteral("Could not export the metrics of run #%1:\n%2").arg(runId).arg(QString::fromUtf8(e.what())));
    return false;
  }
}

bool MainWindow::saveScreenshot(const QString& path) {
  // The page as shown, simulation views (and their text overlays) included.
  QString error;
  if (!saveImageAsPng(grabWithViews(currentPage()), path, &error)) {
    messages_.show(MessagePresenter::Severity::Error, QStringLiteral("Save screenshot"),
                   QStringLiteral("Could not save the screenshot: %1").arg(error));
    return false;
  }
  statusBar()->showMessage(QStringLiteral("Saved %1").arg(path), 5000);
  return true;
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
  return findChild<QDockWidget*>(objectName, Qt::FindDirectChildrenOnly);
}

QList<QAction*> MainWindow::playbackActions() const { return playbackActions_; }

void MainWindow::refreshAll() {
  if (!session_->store()) return;
  runBrowser_->refresh();
  episodes_->refresh();
  curves_->reload();
  const QList<int64_t> selected = runBrowser_->selectedRunIds();
  if (!selected.isEmpty()) inspector_->showRun(session_->store().get(), selected.front());
  updateWelcome();
}

void MainWindow::showNewRunDialog() {
  NewRunDialog dialog(this);
  if (const std::shared_ptr<RunStore> store = session_->store()) {
    try {
      dialog.setExistingRuns(store->listRuns());  // a name and a seed no run has yet
    } catch (const std::exception& e) {
      statusBar()->showMessage(
          QStringLiteral("Could not read the runs: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
  }
  if (dialog.exec() != QDialog::Accepted) return;
  emit newRunConfigured(dialog.config(), dialog.runName());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  const bool active = trainingActive_ ? trainingActive_() : training_->anyJobActive();
  if (active) {
    if (!messages_.ask(QStringLiteral("Quit Palaestra"),
                       QStringLiteral("Training is running. Stop training and quit?\n\nEverything trained so far "
                                      "stays in the run store."))) {
      event->ignore();
      return;
    }
    if (stopAllTraining_) stopAllTraining_();
  }
  saveWindowSettings();
  event->accept();
}

void MainWindow::buildMenus() {
  // ---- File ----
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* newRun = file->addAction(QStringLiteral("New training &run..."), this, &MainWindow::showNewRunDialog);
  newRun->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
  file->addSeparator();
  file->addAction(QStringLiteral("&New store..."), this, &MainWindow::chooseStoreToCreate);
  QAction* open = file->addAction(QStringLiteral("&Open store..."), this, &MainWindow::chooseStoreToOpen);
  open->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
  recentMenu_ = file->addMenu(QStringLiteral("Open &recent"));
  // Stores deleted since they were used are dropped from the list (and the user told) when it opens.
  connect(recentMenu_, &QMenu::aboutToShow, this, [this] {
    const QStringList forgotten = session_->pruneRecentStores();
    if (!forgotten.isEmpty()) {
      messages_.show(MessagePresenter::Severity::Information, QStringLiteral("Recent stores"),
                     QStringLiteral("These run stores no longer exist and were removed from the recent list:\n%1")
                         .arg(forgotten.join('\n')));
    }
  });
  file->addSeparator();
  QAction* exportCsv = file->addAction(QStringLiteral("&Export metrics CSV..."), this, &MainWindow::chooseMetricsCsvFile);
  exportCsv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  QAction* screenshot = file->addAction(QStringLiteral("Save &screenshot PNG..."), this, &MainWindow::chooseScreenshotFile);
  screenshot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  file->addSeparator();
  QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  rebuildRecentMenu();

  // ---- View ----
  viewMenu_ = menuBar()->addMenu(QStringLiteral("&View"));
  QAction* refresh = viewMenu_->addAction(QStringLiteral("&Refresh"), this, &MainWindow::refreshAll);
  refresh->setShortcut(QKeySequence(Qt::Key_F5));
  viewMenu_->addAction(QStringLiteral("&Welcome page"), this, [this] { showPage(welcome_); });
  viewMenu_->addSeparator();
  for (QDockWidget* d : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
    viewMenu_->addAction(d->toggleViewAction());
  }

  // ---- Playback ----
  QMenu* playback = menuBar()->addMenu(QStringLiteral("&Playback"));
  auto addPlayback = [&](const QString& text, QList<QKeySequence> keys, void (MainWindow::*signal)(),
                         void (PlaybackTarget::*call)()) {
    QAction* action = playback->addAction(text);
    action->setShortcuts(keys);
    connect(action, &QAction::triggered, this, [this, signal, call] {
      forwardPlayback(call);
      emit (this->*signal)();
    });
    playbackActions_ << action;
  };
  addPlayback(QStringLiteral("&Play / pause"), {QKeySequence(Qt::Key_Space)}, &MainWindow::playPauseRequested,
              &PlaybackTarget::togglePlay);
  addPlayback(QStringLiteral("Step &forward"), {QKeySequence(Qt::Key_Right)}, &MainWindow::stepForwardRequested,
              &PlaybackTarget::stepForward);
  addPlayback(QStringLiteral("Step &back"), {QKeySequence(Qt::Key_Left)}, &MainWindow::stepBackRequested,
              &PlaybackTarget::stepBack);
  addPlayback(QStringLiteral("F&aster"), {QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)},
              &MainWindow::fasterRequested, &PlaybackTarget::faster);
  addPlayback(QStringLiteral("&Slower"), {QKeySequence(Qt::Key_Minus)}, &MainWindow::slowerRequested,
              &PlaybackTarget::slower);

  // ---- Run (filled by the app controller: watch, compare, export video) ----
  runMenu_ = menuBar()->addMenu(QStringLiteral("&Run"));

  // ---- Help ----
  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  help->addAction(QStringLiteral("&Keyboard shortcuts"), this, [this] {
    messages_.show(MessagePresenter::Severity::Information, QStringLiteral("Keyboard shortcuts"),
                   keyboardShortcutsHtml());
  });
  help->addAction(QStringLiteral("&About Palaestra"), this, [this] {
    messages_.show(MessagePresenter::Severity::Information, QStringLiteral("About Palaestra"),
                   QStringLiteral("Palaestra %1: a desktop lab where reinforcement-learning agents learn to walk, "
                                  "fight and flock.")
                       .arg(QString::fromStdString(gitVersion())));
  });
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& objectName, QWidget* content,
                                 Qt::DockWidgetArea area) {
  auto* dockWidget = new QDockWidget(title, this);
  dockWidget->setObjectName(objectName);
  dockWidget->setWidget(content);
  addDockWidget(area, dockWidget);
  return dockWidget;
}

void MainWindow::onStoreOpened(const QString& path) {
  const std::shared_ptr<RunStore> store = session_->store();
  bannerBox_->hide();
  setWindowTitle(QStringLiteral("Palaestra: %1").arg(QDir::toNativeSeparators(path)));
  curves_->setStore(store.get());
  inspector_->clearConfig();
  training_->setSelectedRun(-1);
  runBrowser_->setStore(store);
  episodes_->setStore(store);
  episodes_->setRun(-1);
  statusBar()->showMessage(QStringLiteral("Run store %1").arg(path));
  updateWelcome();
  // Show the newest run's curves at once, as a user opening a store most likely wants.
  const RunTableModel* runs = runBrowser_->runModel();
  int64_t newest = -1;
  for (int row = 0; row < runs->rowCount(); ++row) newest = std::max(newest, runs->runId(row));
  if (newest >= 0) runBrowser_->selectRun(newest);
}

void MainWindow::onStoreFileLost(const QString& message) {
  banner_->setText(message);
  bannerBox_->show();
  statusBar()->showMessage(message);
}

void MainWindow::onRunSelectionChanged(const QList<int64_t>& runIds) {
  curves_->setRuns(runIds);
  episodes_->setRun(runIds.size() == 1 ? runIds.front() : -1);
  if (runIds.isEmpty()) {
    inspector_->clearConfig();
    training_->setSelectedRun(-1);
  } else {
    inspector_->showRun(session_->store().get(), runIds.front());
    const RunInfo* run = runBrowser_->runModel()->run(runIds.front());
    training_->setSelectedRun(runIds.front(), run && isStoppedRunStatus(run->status));
  }
}

void MainWindow::onRunsChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight) {
  if (topLeft.column() > RunTableModel::Name || bottomRight.column() < RunTableModel::Name) return;
  // A rename (here or found by a refresh) reaches everything that shows the run's name.
  const RunTableModel* runs = runBrowser_->runModel();
  for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
    const int64_t runId = runs->runId(row);
    const QString name = runs->index(row, RunTableModel::Name).data().toString();
    curves_->chart()->setRunName(runId, name);
    training_->setJobName(runId, name);
    if (inspector_->shownRunId() == runId && inspector_->shownRunName() != name)
      inspector_->showRun(session_->store().get(), runId);
  }
}

void MainWindow::updateWelcome() {
  const int runCount = session_->store() ? runBrowser_->runModel()->rowCount() : 0;
  welcome_->setStoreSummary(session_->path(), runCount);
  if (runCount == 0) showPage(welcome_);
}

void MainWindow::rebuildRecentMenu() {
  if (!recentMenu_) return;
  recentMenu_->clear();
  const QStringList recent = session_->recentStores();
  for (const QString& path : recent) {
    recentMenu_->addAction(QDir::toNativeSeparators(path), this, [this, path] {
      if (!openStore(path, RunStore::OpenMode::OpenExisting)) session_->pruneRecentStores();
    });
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::chooseStoreToOpen() {
  const QString start = session_->path().isEmpty() ? QDir::homePath() : QFileInfo(session_->path()).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open run store"), start, kStoreFilter);
  if (!path.isEmpty()) openStore(path, RunStore::OpenMode::OpenExisting);
}

void MainWindow::chooseStoreToCreate() {
  const QString start = session_->path().isEmpty() ? QDir::homePath() : QFileInfo(session_->path()).absolutePath();
  QString path = QFileDialog::getSaveFileName(this, QStringLiteral("New run store"), start, kStoreFilter);
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".sqlite");
  // An existing store at that path is opened as it is; RunStore never overwrites a file it did not create.
  openStore(path, RunStore::OpenMode::CreateOrOpen);
}

void MainWindow::chooseScreenshotFile() {
  const QString start = QDir::home().filePath(QStringLiteral("palaestra.png"));
  QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save screenshot"), start,
                                              QStringLiteral("PNG images (*.png)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
  saveScreenshot(path);
}

void MainWindow::chooseMetricsCsvFile() {
  const QList<int64_t> selected = runBrowser_->selectedRunIds();
  if (selected.isEmpty()) {
    messages_.show(MessagePresenter::Severity::Information, QStringLiteral("Export metrics CSV"),
                   QStringLiteral("Select a run in the Runs dock first; its metrics are exported."));
    return;
  }
  const int64_t runId = selected.front();
  const QString start = QDir::home().filePath(QStringLiteral("run-%1-metrics.csv").arg(runId));
  QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export metrics of run #%1").arg(runId), start,
                                              QStringLiteral("CSV files (*.csv)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
  exportRunMetrics(runId, path);
}

void MainWindow::forwardPlayback(void (PlaybackTarget::*call)()) {
  if (auto* target = dynamic_cast<PlaybackTarget*>(currentPage())) (target->*call)();
}

}  // namespace palaestra
