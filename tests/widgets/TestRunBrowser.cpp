// Tests of the run browser on a real SQLite run store in a temporary
// directory: runs table contents, numeric sorting, filtering, rename, tags
// and notes written through to the store, delete with confirmation (and
// cancel), refresh after an outside change keeping the selection, selection
// and activation signals, and store errors (file overwritten with garbage,
// file deleted) reported while the table keeps its rows. RunBrowser is driven
// with QTest. The episodes of a run are EpisodeList's (TestEpisodeList).
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "store/RunStore.h"
#include "util/Errors.h"
#include "widgets/RunBrowser.h"
#include "widgets/RunTableModel.h"

using namespace palaestra;

namespace {

RunStore::Options fastOptions() {
  RunStore::Options options;
  options.busyTimeoutMs = 50;
  options.batchIntervalMs = 10;
  return options;
}

EpisodeRecord episodeRecord(uint64_t seed, double episodeReturn, int length, const std::string& outcome) {
  EpisodeRecord r;
  r.seed = seed;
  r.task = {0.5, 2.0};
  r.length = length;
  r.actionSize = 1;
  r.actions.assign(static_cast<size_t>(length), 0.25f);
  r.hashes.assign(static_cast<size_t>(length) + 1, 42);
  r.slotReturns = {episodeReturn};
  r.terminated = outcome == "fell";
  r.truncated = outcome == "timeout";
  r.info.outcome = outcome;
  return r;
}

NewRun newRun(const std::string& name, const std::string& env, uint64_t seed = 0,
              const std::string& notes = "") {
  NewRun run;
  run.name = name;
  run.env = env;
  run.seed = seed;
  run.notes = notes;
  return run;
}

std::string evalMeta(double value) {
  return "{\"eval_mean_return\": " + std::to_string(value) + ", \"eval_episodes\": 4}";
}

// Names of the rows as the proxy shows them, top to bottom.
QStringList shownNames(const QSortFilterProxyModel* proxy) {
  QStringList names;
  for (int r = 0; r < proxy->rowCount(); ++r)
    names << proxy->index(r, RunTableModel::Name).data().toString();
  return names;
}

}  // namespace

class TestRunBrowser : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> dir_;
  std::string path_;
  std::shared_ptr<RunStore> store_;
  int64_t alpha_ = 0, beta_ = 0, gamma_ = 0;
  int64_t alphaCheckpoint_ = 0;

  int rowOf(const RunTableModel& model, int64_t id) { return model.rowOfRun(id); }

 private slots:
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    path_ = dir_->filePath("runs.sqlite").toStdString();
    store_ = std::make_shared<RunStore>(path_, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const std::vector<uint8_t> policy{1, 2, 3, 4};
    // Best returns 120, 30 and 1000: as strings they would sort 1000 < 120 < 30.
    alpha_ = store_->createRun(newRun("alpha", "walker", 1));
    store_->addCheckpoint(alpha_, 1000, policy, evalMeta(5.0));
    alphaCheckpoint_ = store_->addCheckpoint(alpha_, 2000, policy, evalMeta(120.0));
    store_->updateRun(alpha_, {.status = RunStatus::Finished, .steps = 2000});
    beta_ = store_->createRun(newRun("beta", "walker", 2, "lr 3e-4\nsecond line"));
    store_->addCheckpoint(beta_, 100, policy, evalMeta(9.0));
    store_->addCheckpoint(beta_, 200, policy, evalMeta(30.0));
    store_->addCheckpoint(beta_, 300, policy, evalMeta(20.0));
    store_->updateRun(beta_, {.steps = 300});
    gamma_ = store_->createRun(newRun("gamma", "flock", 3));
    store_->addCheckpoint(gamma_, 50000, policy, evalMeta(1000.0));
    store_->updateRun(gamma_, {.status = RunStatus::Failed, .steps = 50000});
    for (int step = 0; step < 5; ++step) store_->logMetric(alpha_, step * 100, "train/return_mean", step);
    store_->addEpisodeNow(alpha_, alphaCheckpoint_, EpisodeKind::Eval, episodeRecord(7, 118.5, 40, "finished"));
    store_->addEpisodeNow(alpha_, std::nullopt, EpisodeKind::Train, episodeRecord(8, -3.25, 12, "fell"));
    store_->addEpisodeNow(beta_, std::nullopt, EpisodeKind::Train, episodeRecord(9, 1.0, 5, "timeout"));
    store_->flush();
  }

  void cleanup() {
    store_.reset();
    dir_.reset();
  }

  void modelShowsRunsWithEvalReturns() {
    RunTableModel model;
    QVERIFY(model.setStore(store_));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(RunTableModel::ColumnCount));
    QCOMPARE(model.headerData(RunTableModel::BestReturn, Qt::Horizontal).toString(), QString("Best eval return"));
    const int a = rowOf(model, alpha_), b = rowOf(model, beta_), g = rowOf(model, gamma_);
    QVERIFY(a >= 0 && b >= 0 && g >= 0);
    auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(cell(a, RunTableModel::Name).toString(), QString("alpha"));
    QCOMPARE(cell(g, RunTableModel::Env).toString(), QString("flock"));
    QCOMPARE(cell(a, RunTableModel::Steps, RunTableModel::SortRole).toLongLong(), 2000);
    QCOMPARE(cell(a, RunTableModel::BestReturn).toString(), QString("120.0"));
    QCOMPARE(cell(a, RunTableModel::LastReturn).toString(), QString("120.0"));
    QCOMPARE(cell(b, RunTableModel::BestReturn).toString(), QString("30.0"));
    QCOMPARE(cell(b, RunTableModel::LastReturn).toString(), QString("20.0"));
    QCOMPARE(cell(b, RunTableModel::BestReturn, RunTableModel::SortRole).toDouble(), 30.0);
    QCOMPARE(cell(a, RunTableModel::Status).toString(), QString("finished"));
    QCOMPARE(cell(b, RunTableModel::Status).toString(), QString("running"));
    QCOMPARE(cell(g, RunTableModel::Status).toString(), QString("failed"));
    QCOMPARE(cell(b, RunTableModel::Notes).toString(), QString("lr 3e-4"));  // first line shown
    QCOMPARE(cell(b, RunTableModel::Notes, Qt::EditRole).toString(), QString("lr 3e-4\nsecond line"));
    QCOMPARE(cell(b, RunTableModel::Env, RunTableModel::RunIdRole).toLongLong(), beta_);
    QVERIFY(!cell(a, RunTableModel::Created).toString().isEmpty());
    QVERIFY(model.flags(model.index(a, RunTableModel::Name)) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(a, RunTableModel::Steps)) & Qt::ItemIsEditable));
    // A run without any eval return shows a dash and sorts lowest.
    const int64_t fresh = store_->createRun(newRun("delta", "walker"));
    QVERIFY(model.refresh());
    const int d = rowOf(model, fresh);
    QCOMPARE(cell(d, RunTableModel::BestReturn).toString(), QString("–"));
    QVERIFY(cell(d, RunTableModel::BestReturn, RunTableModel::SortRole).toDouble() < -1e300);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, model.runId(17));
  }

  void sortsNumericallyAndFilters() {
    RunBrowser browser;
    QVERIFY(browser.setStore(store_));
    browser.runView()->sortByColumn(RunTableModel::BestReturn, Qt::AscendingOrder);
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"beta", "alpha", "gamma"}));
    browser.runView()->sortByColumn(RunTableModel::BestReturn, Qt::DescendingOrder);
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"gamma", "alpha", "beta"}));
    browser.runView()->sortByColumn(RunTableModel::Steps, Qt::AscendingOrder);
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"beta", "alpha", "gamma"}));

    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QTest::keyClicks(browser.filterEdit(), "WALK");  // case-insensitive, any column (env)
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"beta", "alpha"}));
    browser.filterEdit()->clear();
    QTest::keyClicks(browser.filterEdit(), "fail");  // status
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"gamma"}));
    browser.filterEdit()->clear();
    QTest::keyClicks(browser.filterEdit(), "3e-4");  // notes
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"beta"}));
    QVERIFY(!browser.selectRun(alpha_));  // filtered out
    browser.filterEdit()->clear();
    QCOMPARE(browser.runProxy()->rowCount(), 3);
  }

  void renameAndNotesWriteToTheStore() {
    RunTableModel model;
    QVERIFY(model.setStore(store_));
    QSignalSpy errors(&model, &RunTableModel::errorOccurred);
    const int a = rowOf(model, alpha_);
    QVERIFY(model.setData(model.index(a, RunTableModel::Name), "  alpha-renamed "));
    QCOMPARE(model.index(a, RunTableModel::Name).data().toString(), QString("alpha-renamed"));
    RunStore reader(path_, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reader.getRun(alpha_).name, std::string("alpha-renamed"));
    QVERIFY(model.setData(model.index(a, RunTableModel::Notes), "good gait\nseed 1"));
    QCOMPARE(reader.getRun(alpha_).notes, std::string("good gait\nseed 1"));
    QCOMPARE(errors.count(), 0);
    // An empty name is refused with a message; the store keeps the old name.
    QVERIFY(!model.setData(model.index(a, RunTableModel::Name), "   "));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.takeFirst().at(0).toString().contains("cannot be empty"));
    QCOMPARE(reader.getRun(alpha_).name, std::string("alpha-renamed"));
    // Other columns are not editable.
    QVERIFY(!model.setData(model.index(a, RunTableModel::Steps), 5));
    // A run deleted by someone else: a clear message, no crash.
    reader.deleteRun(gamma_);
    QVERIFY(!model.renameRun(gamma_, "ghost"));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.takeFirst().at(0).toString().contains("no run with id"));
  }

  void tagsShowEditAndFilter() {
    store_->setTags(gamma_, {"sweep", "flock-v2"});
    RunBrowser browser;
    QVERIFY(browser.setStore(store_));
    RunTableModel* model = browser.runModel();
    QSignalSpy errors(model, &RunTableModel::errorOccurred);
    QCOMPARE(model->headerData(RunTableModel::Tags, Qt::Horizontal).toString(), QString("Tags"));
    const int g = model->rowOfRun(gamma_), a = model->rowOfRun(alpha_);
    QCOMPARE(model->index(g, RunTableModel::Tags).data().toString(), QString("sweep, flock-v2"));
    QCOMPARE(model->index(a, RunTableModel::Tags).data().toString(), QString());
    QVERIFY(model->flags(model->index(a, RunTableModel::Tags)) & Qt::ItemIsEditable);

    // Editing the cell: comma-separated, trimmed, empty pieces dropped, written to the store.
    QVERIFY(model->setData(model->index(a, RunTableModel::Tags), " baseline ,, sweep ,baseline"));
    QCOMPARE(model->index(a, RunTableModel::Tags).data().toString(), QString("baseline, sweep"));
    RunStore reader(path_, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reader.getRun(alpha_).tags, (std::vector<std::string>{"baseline", "sweep"}));
    QCOMPARE(errors.count(), 0);
    // A tag with a comma cannot come from the text, but can through the API: refused, unchanged.
    QVERIFY(!model->setRunTags(alpha_, {"a,b"}));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.takeFirst().at(0).toString().contains("comma"));
    QCOMPARE(reader.getRun(alpha_).tags, (std::vector<std::string>{"baseline", "sweep"}));
    QVERIFY(!model->setRunTags(alpha_, {"ok", "  "}));
    QVERIFY(errors.takeFirst().at(0).toString().contains("empty"));
    QCOMPARE(RunTableModel::tagsFromText(" x, ,y "), (QStringList{"x", "y"}));

    // The filter matches tags.
    QTest::keyClicks(browser.filterEdit(), "sweep");
    browser.runView()->sortByColumn(RunTableModel::Name, Qt::AscendingOrder);
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"alpha", "gamma"}));
    browser.filterEdit()->clear();
    QTest::keyClicks(browser.filterEdit(), "FLOCK-V");
    QCOMPARE(shownNames(browser.runProxy()), (QStringList{"gamma"}));
    browser.filterEdit()->clear();

    // Clearing all tags through the cell.
    QVERIFY(model->setData(model->index(a, RunTableModel::Tags), "  "));
    QVERIFY(reader.getRun(alpha_).tags.empty());
    // Tags changed elsewhere show after a refresh.
    reader.setTags(beta_, {"outside"});
    QVERIFY(browser.refresh());
    QCOMPARE(model->index(model->rowOfRun(beta_), RunTableModel::Tags).data().toString(),
             QString("outside"));
  }

  void liveStatusOverlaysStoredStatus() {
    RunTableModel model;
    QVERIFY(model.setStore(store_));
    const int b = model.rowOfRun(beta_);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLiveStatus(beta_, "paused");
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex(), model.index(b, RunTableModel::Status));
    QCOMPARE(model.index(b, RunTableModel::Status).data().toString(), QString("paused"));
    QCOMPARE(model.liveStatus(beta_), QString("paused"));
    QCOMPARE(store_->getRun(beta_).status, RunStatus::Running);  // the store is untouched
    // It survives a refresh, even when the stored status changes meanwhile.
    store_->updateRun(beta_, {.steps = 999});
    QVERIFY(model.refresh());
    QCOMPARE(model.index(b, RunTableModel::Status).data().toString(), QString("paused"));
    model.setLiveStatus(beta_, "stopping");
    QCOMPARE(model.index(b, RunTableModel::Status).data().toString(), QString("stopping"));
    model.clearLiveStatus(beta_);
    QCOMPARE(model.index(b, RunTableModel::Status).data().toString(), QString("running"));
    QVERIFY(model.liveStatus(beta_).isEmpty());
    // Clearing twice, or a run not shown, changes nothing.
    changed.clear();
    model.clearLiveStatus(beta_);
    model.setLiveStatus(424242, "paused");
    QCOMPARE(changed.count(), 0);
    // A queued run shows its stored status.
    NewRun waiting = newRun("waiting", "walker");
    waiting.status = RunStatus::Queued;
    const int64_t queued = store_->createRun(waiting);
    QVERIFY(model.refresh());
    QCOMPARE(model.index(model.rowOfRun(queued), RunTableModel::Status).data().toString(),
             QString("queued"));
  }

  void deleteNeedsConfirmation() {
    RunTableModel model;
    QVERIFY(model.setStore(store_));
    // Without a confirmation callback nothing is ever deleted.
    QCOMPARE(model.deleteRuns({beta_}), 0);
    QStringList asked;
    bool answer = false;
    model.setDeleteConfirmation([&](const QStringList& runs) {
      asked = runs;
      return answer;
    });
    QCOMPARE(model.deleteRuns({beta_}), 0);  // cancelled
    QCOMPARE(asked, (QStringList{QString("beta (id %1)").arg(beta_)}));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(store_->getRun(beta_).name, std::string("beta"));
    QVERIFY(!store_->episodes(beta_).empty());
    answer = true;
    QCOMPARE(model.deleteRuns({beta_, gamma_}), 2);
    QCOMPARE(asked.size(), 2);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOfRun(beta_), -1);
    QVERIFY_THROWS_EXCEPTION(NotFoundError, store_->getRun(beta_));
    QCOMPARE(store_->listRuns().size(), size_t{1});
  }

  void refreshSeesOutsideChangesAndKeepsSelection() {
    RunBrowser browser;
    QVERIFY(browser.setStore(store_));
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QVERIFY(browser.selectRun(beta_));
    QCOMPARE(browser.selectedRunIds(), (QList<int64_t>{beta_}));
    // A second store on the same file, as another process would: adds a run, finishes beta.
    int64_t added = 0;
    {
      RunStore other(path_, RunStore::OpenMode::OpenExisting, fastOptions());
      added = other.createRun(newRun("epsilon", "walker"));
      other.updateRun(beta_, {.status = RunStatus::Finished, .steps = 400});
      other.addCheckpoint(beta_, 400, std::vector<uint8_t>{9}, evalMeta(55.5));
    }
    QSignalSpy selection(&browser, &RunBrowser::selectionChanged);
    QVERIFY(browser.refresh());
    QCOMPARE(browser.runModel()->rowCount(), 4);
    QVERIFY(browser.runModel()->rowOfRun(added) >= 0);
    QCOMPARE(browser.selectedRunIds(), (QList<int64_t>{beta_}));  // still selected
    QCOMPARE(selection.count(), 0);
    const int b = browser.runModel()->rowOfRun(beta_);
    QCOMPARE(browser.runModel()->index(b, RunTableModel::Status).data().toString(), QString("finished"));
    QCOMPARE(browser.runModel()->index(b, RunTableModel::BestReturn).data().toString(), QString("55.5"));
    // The selected run deleted elsewhere: it leaves the table and the selection.
    {
      RunStore other(path_, RunStore::OpenMode::OpenExisting, fastOptions());
      other.deleteRun(beta_);
    }
    QVERIFY(browser.refresh());
    QCOMPARE(browser.runModel()->rowCount(), 3);
    QVERIFY(browser.selectedRunIds().isEmpty());
  }

  void browserSignalsSelectionAndActivation() {
    RunBrowser browser;
    browser.resize(900, 600);
    QVERIFY(browser.setStore(store_));
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    browser.runView()->sortByColumn(RunTableModel::Name, Qt::AscendingOrder);
    QSignalSpy selection(&browser, &RunBrowser::selectionChanged);
    QSignalSpy runs(&browser, &RunBrowser::runActivated);

    QTableView* view = browser.runView();
    const QRect alphaRect = view->visualRect(browser.runProxy()->index(0, RunTableModel::Env));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, alphaRect.center());
    QVERIFY(selection.count() >= 1);
    QCOMPARE(selection.last().at(0).value<QList<int64_t>>(), (QList<int64_t>{alpha_}));
    QCOMPARE(browser.selectedRunIds(), (QList<int64_t>{alpha_}));

    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, alphaRect.center());
    QCOMPARE(runs.count(), 1);
    QCOMPARE(runs.first().at(0).value<int64_t>(), alpha_);

    // Ctrl-click adds beta: two runs selected, in view order.
    const QRect betaRect = view->visualRect(browser.runProxy()->index(1, RunTableModel::Env));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, betaRect.center());
    QCOMPARE(browser.selectedRunIds(), (QList<int64_t>{alpha_, beta_}));
    QCOMPARE(selection.last().at(0).value<QList<int64_t>>(), (QList<int64_t>{alpha_, beta_}));
    QCOMPARE(runs.count(), 1);  // selecting is not opening

    // Back to alpha only: one announcement of the new selection.
    const qsizetype announced = selection.count();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, alphaRect.center());
    QCOMPARE(selection.count(), announced + 1);
    QCOMPARE(selection.last().at(0).value<QList<int64_t>>(), (QList<int64_t>{alpha_}));

    // Resume training is offered for a stopped run only (gamma failed; alpha finished).
    QSignalSpy resumes(&browser, &RunBrowser::resumeRequested);
    QVERIFY(!browser.resumeAction()->isEnabled());
    QVERIFY(browser.selectRun(gamma_));
    QVERIFY(browser.resumeAction()->isEnabled());
    browser.resumeAction()->trigger();
    QCOMPARE(resumes.count(), 1);
    QCOMPARE(resumes.first().at(0).value<int64_t>(), gamma_);
    QVERIFY(browser.selectRun(alpha_));
    QVERIFY(!browser.resumeAction()->isEnabled());

    // Delete through the browser: cancel keeps the run, confirm removes it.
    bool answer = false;
    browser.setDeleteConfirmation([&](const QStringList&) { return answer; });
    browser.deleteSelectedRuns();
    QCOMPARE(browser.runModel()->rowCount(), 3);
    answer = true;
    browser.deleteSelectedRuns();
    QCOMPARE(browser.runModel()->rowCount(), 2);
    QVERIFY(browser.selectedRunIds().isEmpty());
    QCOMPARE(selection.last().at(0).value<QList<int64_t>>(), QList<int64_t>{});
  }

  void storeOverwrittenWithGarbage() {
    RunBrowser browser;
    QVERIFY(browser.setStore(store_));
    QVERIFY(browser.selectRun(alpha_));
    QSignalSpy errors(&browser, &RunBrowser::errorOccurred);
    {
      QFile file(QString::fromStdString(path_));
      QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
      file.write(QByteArray(8192, 'x'));
    }
    QVERIFY(!browser.refresh());
    QVERIFY(errors.count() >= 1);
    QVERIFY2(errors.first().at(0).toString().contains("no longer an SQLite database"),
             qPrintable(errors.first().at(0).toString()));
    // Last good contents kept, selection too.
    QCOMPARE(browser.runModel()->rowCount(), 3);
    QCOMPARE(browser.runModel()->index(0, RunTableModel::Name).data().toString(), QString("alpha"));
    QCOMPARE(browser.selectedRunIds(), (QList<int64_t>{alpha_}));
    // Writes are refused with the same message instead of going to the stale file.
    errors.clear();
    QVERIFY(!browser.runModel()->renameRun(alpha_, "x"));
    QCOMPARE(errors.count(), 1);
  }

  void storeDeletedWhileOpen() {
    RunTableModel model;
    QVERIFY(model.setStore(store_));
    QSignalSpy errors(&model, &RunTableModel::errorOccurred);
    QVERIFY(QFile::remove(QString::fromStdString(path_)));
    QVERIFY(!model.refresh());
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().at(0).toString().contains("was deleted or moved while open"));
    QCOMPARE(model.rowCount(), 3);
    model.setDeleteConfirmation([](const QStringList&) { return true; });
    QCOMPARE(model.deleteRuns({alpha_}), 0);
    QCOMPARE(errors.count(), 2);
    QCOMPARE(model.rowCount(), 3);
  }
};

QTEST_MAIN(TestRunBrowser)
#include "TestRunBrowser.moc"
