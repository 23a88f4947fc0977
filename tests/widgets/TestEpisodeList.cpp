// Tests of the episode list on a real SQLite run store in a temporary
// directory: the episodes table model's contents, the list widget's numeric
// sorting, run switching and clearing, activation by double-click, a run
// deleted elsewhere, and store errors reported while the rows are kept.
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "store/RunStore.h"
#include "util/Errors.h"
#include "widgets/EpisodeList.h"
#include "widgets/EpisodeTableModel.h"

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

NewRun newRun(const std::string& name) {
  NewRun run;
  run.name = name;
  run.env = "walker";
  return run;
}

}  // namespace

class TestEpisodeList : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> dir_;
  std::string path_;
  std::shared_ptr<RunStore> store_;
  int64_t alpha_ = 0, beta_ = 0, gamma_ = 0;
  int64_t alphaCheckpoint_ = 0;

 private slots:
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    path_ = dir_->filePath("runs.sqlite").toStdString();
    store_ = std::make_shared<RunStore>(path_, RunStore::OpenMode::CreateOrOpen, fastOptions());
    alpha_ = store_->createRun(newRun("alpha"));
    alphaCheckpoint_ = store_->addCheckpoint(alpha_, 2000, std::vector<uint8_t>{1, 2}, "{}");
    beta_ = store_->createRun(newRun("beta"));
    gamma_ = store_->createRun(newRun("gamma"));
    store_->addEpisodeNow(alpha_, alphaCheckpoint_, EpisodeKind::Eval, episodeRecord(7, 118.5, 40, "finished"));
    store_->addEpisodeNow(alpha_, std::nullopt, EpisodeKind::Train, episodeRecord(8, -3.25, 12, "fell"));
    store_->addEpisodeNow(alpha_, std::nullopt, EpisodeKind::Train, episodeRecord(10, 9.0, 100, "timeout"));
    store_->addEpisodeNow(beta_, std::nullopt, EpisodeKind::Train, episodeRecord(9, 1.0, 5, "timeout"));
  }

  void cleanup() {
    store_.reset();
    dir_.reset();
  }

  void modelShowsEpisodesOfARun() {
    EpisodeTableModel model;
    model.setStore(store_);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.setRun(alpha_));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(EpisodeTableModel::ColumnCount));
    auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(cell(0, EpisodeTableModel::Kind).toString(), QString("eval"));
    QCOMPARE(cell(0, EpisodeTableModel::Return).toString(), QString("118.5"));
    QCOMPARE(cell(0, EpisodeTableModel::Length).toInt(), 40);
    QCOMPARE(cell(0, EpisodeTableModel::Outcome).toString(), QString("finished"));
    QCOMPARE(cell(0, EpisodeTableModel::CheckpointColumn).toLongLong(), alphaCheckpoint_);
    QCOMPARE(cell(0, EpisodeTableModel::Task).toString(), QString("0.5, 2"));
    QCOMPARE(cell(1, EpisodeTableModel::Kind).toString(), QString("train"));
    QCOMPARE(cell(1, EpisodeTableModel::CheckpointColumn).toString(), QString("–"));
    QCOMPARE(cell(1, EpisodeTableModel::Return, EpisodeTableModel::SortRole).toDouble(), -3.25);
    QCOMPARE(cell(1, EpisodeTableModel::Outcome, EpisodeTableModel::EpisodeIdRole).toLongLong(),
             model.episodeId(1));
    QVERIFY(model.setRun(beta_));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.setRun(gamma_));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.setRun(std::nullopt));
    QCOMPARE(model.rowCount(), 0);
    // An unknown run: a message, and the model keeps what it showed.
    QVERIFY(model.setRun(alpha_));
    QSignalSpy errors(&model, &EpisodeTableModel::errorOccurred);
    QVERIFY(!model.setRun(987654));
    QCOMPARE(errors.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.runId(), std::optional<int64_t>(alpha_));
  }

  void listSortsSwitchesAndClears() {
    EpisodeList list;
    list.setStore(store_);
    QCOMPARE(list.runId(), int64_t{-1});
    QCOMPARE(list.view()->model(), static_cast<QAbstractItemModel*>(list.proxy()));
    QVERIFY(list.setRun(alpha_));
    QCOMPARE(list.runId(), alpha_);
    QCOMPARE(list.proxy()->rowCount(), 3);
    // Returns 118.5, -3.25, 9: numeric order, not text order.
    list.view()->sortByColumn(EpisodeTableModel::Return, Qt::AscendingOrder);
    QCOMPARE(list.proxy()->index(0, EpisodeTableModel::Return).data(EpisodeTableModel::SortRole).toDouble(), -3.25);
    QCOMPARE(list.proxy()->index(2, EpisodeTableModel::Return).data().toString(), QString("118.5"));
    list.view()->sortByColumn(EpisodeTableModel::Length, Qt::DescendingOrder);
    QCOMPARE(list.proxy()->index(0, EpisodeTableModel::Length).data().toInt(), 100);
    QVERIFY(list.setRun(beta_));
    QCOMPARE(list.proxy()->rowCount(), 1);
    QVERIFY(list.setRun(-1));
    QCOMPARE(list.runId(), int64_t{-1});
    QCOMPARE(list.proxy()->rowCount(), 0);
    QVERIFY(list.refresh());
  }

  void refreshSeesNewEpisodesAndDeletedRuns() {
    EpisodeList list;
    list.setStore(store_);
    QVERIFY(list.setRun(beta_));
    QSignalSpy errors(&list, &EpisodeList::errorOccurred);
    {
      RunStore other(path_, RunStore::OpenMode::OpenExisting, fastOptions());
      other.addEpisodeNow(beta_, std::nullopt, EpisodeKind::Eval, episodeRecord(11, 4.0, 8, "finished"));
    }
    QVERIFY(list.refresh());
    QCOMPARE(list.model()->rowCount(), 2);
    {
      RunStore other(path_, RunStore::OpenMode::OpenExisting, fastOptions());
      other.deleteRun(beta_);
    }
    QVERIFY(list.refresh());
    QCOMPARE(list.runId(), int64_t{-1});
    QCOMPARE(list.model()->rowCount(), 0);
    QCOMPARE(errors.count(), 0);
    // Asking for an unknown run is reported, and the list keeps what it showed.
    QVERIFY(list.setRun(alpha_));
    QVERIFY(!list.setRun(987654));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().at(0).toString().contains("987654"));
    QCOMPARE(list.runId(), alpha_);
    QCOMPARE(list.model()->rowCount(), 3);
  }

  void doubleClickActivatesEpisode() {
    EpisodeList list;
    list.resize(700, 400);
    list.setStore(store_);
    QVERIFY(list.setRun(alpha_));
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));
    QSignalSpy episodes(&list, &EpisodeList::episodeActivated);
    QTableView* view = list.view();
    const QModelIndex first = list.proxy()->index(0, EpisodeTableModel::Kind);
    const int64_t firstEpisode = first.data(EpisodeTableModel::EpisodeIdRole).toLongLong();
    // Select first, as a user does (QTest's first press into a view only focuses it).
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(first).center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(first).center());
    QCOMPARE(episodes.count(), 1);
    QCOMPARE(episodes.first().at(0).value<int64_t>(), firstEpisode);
  }
};

QTEST_MAIN(TestEpisodeList)
#include "TestEpisodeList.moc"
