#pragma once
// The main window of the desktop app. The centre is a stack of pages: the
// welcome page (shown while the store has no runs) and whatever pages are
// added with addPage() (live view, replay, comparison). Around it, docks:
// Training (controls and this session's jobs), Learning curves, Runs (the run
// browser), Episodes (of the selected run) and Inspector (config and per-step
// values). The window owns the open run store (StoreSession), remembers its
// geometry, dock layout and recent stores in QSettings, and offers keyboard
// shortcuts for everything frequent; playback shortcuts go to the current page
// when it is a PlaybackTarget (and are also emitted as signals).
//
// Training itself is not done here: New run... emits newRunConfigured, the
// Training dock emits pause/resume/stop requests, and closing asks the hooks
// set with setTrainingActiveCheck / setStopAllTraining.

#include <QList>
#include <QMainWindow>
#include <QPair>
#include <QSize>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "gui/MessagePresenter.h"
#include "store/RunStore.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QModelIndex;
class QPushButton;
class QStackedWidget;

namespace palaestra {

class CurvesPanel;
class EpisodeList;
class InspectorPanel;
class PlaybackTarget;
class RunBrowser;
class StoreSession;
class TrainingPanel;
class WelcomePage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  /// Version tag of the saved dock layout; bump it when docks change so old layouts are ignored.
  /// (2: layouts saved before the docks got their default sizes crushed the charts.)
  static constexpr int kDockStateVersion = 2;
  /// The window's size on a first start (no saved geometry).
  static constexpr QSize kDefaultSize{1400, 900};
  /// Default dock sizes on a first start: the left and right columns' widths and the learning
  /// curves' height (readable curves: a plot about 220 px high at the default size).
  static constexpr int kDefaultLeftDockWidth = 320;
  static constexpr int kDefaultRightDockWidth = 290;
  static constexpr int kDefaultCurvesHeight = 310;

  /// Builds menus, docks and the welcome page and restores the saved geometry and layout; opens
  /// no store (call openStartupStore() or openStore()).
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // ---- pages ----

  /// Adds a page to the central stack (the window takes ownership); returns its index.
  int addPage(QWidget* page, const QString& title);
  /// Shows a page added before (or the welcome page) in the centre.
  void showPage(QWidget* page);
  /// The page shown in the centre.
  QWidget* currentPage() const;
  /// The welcome page.
  WelcomePage* welcomePage() const { return welcome_; }

  // ---- store ----

  /// Opens the last store of the previous session, else the default one; false if none could be opened.
  bool openStartupStore();
  /// Opens a store; on failure shows the store's error and keeps the current store.
  bool openStore(const QString& path, RunStore::OpenMode mode);
  /// The open store and recent stores.
  StoreSession* storeSession() const { return session_; }
  /// The warning shown above the pages when the store's file went missing (empty otherwise).
  QString storeWarning() const;
  /// Writes everything in the open store (even one whose file was deleted) to a new file at `path`
  /// and opens it; asks to stop training first. False (told) if it cannot.
  bool saveStoreCopy(const QString& path);

  // ---- messages and training hooks ----

  /// Sends every message to `sink` instead of a message box (tests).
  void setMessageSink(MessagePresenter::Sink sink);
  /// Answers every yes/no question with `answerer` instead of a message box (tests).
  void setQuestionAnswerer(MessagePresenter::Answerer answerer);
  /// The window's message interface (for pages that need to tell the user something).
  MessagePresenter* messages() { return &messages_; }
  /// Tells closeEvent whether training is running (default: a job in the Training dock is active).
  void setTrainingActiveCheck(std::function<bool()> isActive);
  /// Run when the user agrees to stop training and quit; must return once everything is stored.
  void setStopAllTraining(std::function<void()> stopAll);

  // ---- settings, shortcuts, screenshots ----

  /// Stores window geometry and dock layout in the app settings.
  void saveWindowSettings() const;
  /// Restores window geometry and dock layout from the app settings; false if none were saved.
  bool restoreWindowSettings();
  /// Every action with a keyboard shortcut: (action text without '&', shortcuts as shown).
  QList<QPair<QString, QString>> keyboardShortcuts() const;
  /// The Help > Keyboard shortcuts text (an HTML table built from the actions).
  QString keyboardShortcutsHtml() const;
  /// Writes every metric of run `runId` to the CSV file `path`; on failure shows why and returns false.
  bool exportRunMetrics(int64_t runId, const QString& path);
  /// Saves a PNG of the current page; on failure shows why and returns false.
  bool saveScreenshot(const QString& path);

  // ---- parts ----

  /// The episodes of the selected run, in the Episodes dock.
  EpisodeList* episodeList() const { return episodes_; }
  /// The Run menu (watch, compare, export video), filled by the app controller.
  QMenu* runMenu() const { return runMenu_; }
  /// The run browser in the Runs dock.
  RunBrowser* runBrowser() const { return runBrowser_; }
  /// The Learning curves panel.
  CurvesPanel* curvesPanel() const { return curves_; }
  /// The Inspector panel.
  InspectorPanel* inspectorPanel() const { return inspector_; }
  /// The Training panel.
  TrainingPanel* trainingPanel() const { return training_; }
  /// The dock of the given object name ("trainingDock", "curvesDock", "runsDock", "episodesDock",
  /// "inspectorDock"), or nullptr.
  QDockWidget* dock(const QString& objectName) const;
  /// The Playback menu's actions: play/pause, step forward, step back, faster, slower.
  QList<QAction*> playbackActions() const;

 public slots:
  /// Re-reads runs, episodes and curves from the store (F5).
  void refreshAll();
  /// Opens the new-run dialog; on OK emits newRunConfigured.
  void showNewRunDialog();

 signals:
  /// The user configured a new run (validated config with env, seed and task; the run name may be empty).
  void newRunConfigured(const nlohmann::json& config, const QString& runName);
  /// The user opened a run (double-click in the run browser).
  void runOpened(int64_t runId);
  /// The user asked to continue a stopped run (Training dock's Resume, or the run browser's menu).
  void resumeRunRequested(int64_t runId);
  /// The user opened an episode (double-click in the episode list).
  void episodeOpened(int64_t episodeId);
  /// Space: play or pause the current page.
  void playPauseRequested();
  /// Right: step the current page forward.
  void stepForwardRequested();
  /// Left: step the current page back.
  void stepBackRequested();
  /// + or =: play the current page faster.
  void fasterRequested();
  /// -: play the current page slower.
  void slowerRequested();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void buildMenus();
  QDockWidget* addDock(const QString& title, const QString& objectName, QWidget* content, Qt::DockWidgetArea area);
  void onStoreOpened(const QString& path);
  void onStoreFileLost(const QString& message);
  void onRunSelectionChanged(const QList<int64_t>& runIds);
  void onRunsChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight);
  void updateWelcome();
  void rebuildRecentMenu();
  void chooseStoreToOpen();
  void chooseStoreToCreate();
  void chooseScreenshotFile();
  void chooseMetricsCsvFile();
  void chooseStoreCopyFile();
  // Sends a playback shortcut to the current page if it is a PlaybackTarget.
  void forwardPlayback(void (PlaybackTarget::*call)());

  MessagePresenter messages_;
  StoreSession* session_;
  QLabel* banner_;
  QWidget* bannerBox_ = nullptr;
  QPushButton* saveCopyButton_ = nullptr;
  EpisodeList* episodes_;
  QMenu* runMenu_ = nullptr;
  QStackedWidget* pages_;
  WelcomePage* welcome_;
  RunBrowser* runBrowser_;
  CurvesPanel* curves_;
  InspectorPanel* inspector_;
  TrainingPanel* training_;
  QMenu* viewMenu_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QList<QAction*> playbackActions_;
  bool defaultDockSizesPending_ = false;  // no saved layout: size the docks when first shown
  std::function<bool()> trainingActive_;
  std::function<void()> stopAllTraining_;
};

}  // namespace palaestra
