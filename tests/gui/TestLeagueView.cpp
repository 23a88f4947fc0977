// The league view on a real store holding a tiny trained fight league: its members over time,
// the payoff heat map from the training games and then from a cross-play rating it plays in the
// background (Elo in the table and the chart), and the requests to play against one member or to
// watch two fight. With PALAESTRA_LEAGUE_SCREENSHOT=STORE:LEAGUE:PNG, leagueScreenshot saves the
// view of a stored league (docs/fight-league.png).
#include <QChart>
#include <QComboBox>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "league/LeagueRunner.h"
#include "store/LeagueStore.h"
#include "store/RunStore.h"
#include "widgets/PayoffHeatMap.h"
#include "widgets/fight/LeagueView.h"

using namespace palaestra;

class TestLeagueView : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::shared_ptr<RunStore> store_;
  int64_t league_ = 0;
  std::vector<LeagueMember> members_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    store_ = std::make_shared<RunStore>(dir_.filePath("league.sqlite").toStdString());
    LeagueRunner runner(LeagueConfig::fromJson(testing::tinyFightLeagueConfig("league")), *store_,
                        "tiny league");
    std::atomic<bool> stop{false};
    const LeagueResult result = runner.run(stop);
    QCOMPARE(result.members.size(), size_t{6});
    league_ = result.leagueId;
    members_ = result.members;
  }

  void showsMembersAndTrainingPayoffs() {
    LeagueView view(store_);
    QCOMPARE(view.leagueChooser()->count(), 1);
    QCOMPARE(view.leagueId(), league_);
    QCOMPARE(view.memberTable()->rowCount(), 6);
    QCOMPARE(view.memberTable()->item(0, 0)->text(), QString("main r1"));
    QCOMPARE(view.memberTable()->item(5, 1)->text(), QString("league_exploiter"));
    QCOMPARE(view.memberTable()->item(3, 5)->text(), QString::number(members_[3].checkpointId));
    QCOMPARE(view.memberTable()->item(0, 6)->text(), QString("-"));  // no rating yet
    // Before a rating: the training games (members, then self and the CPU).
    QVERIFY2(view.status().contains("training games"), qPrintable(view.status()));
    QCOMPARE(view.heatMap()->rowNames().size(), 6);
    QCOMPARE(view.heatMap()->columnNames().size(), 8);
    // The second-round main agent played the first-round members or the CPU in training.
    bool anyPlayed = false;
    for (int c = 0; c < 8; ++c) anyPlayed = anyPlayed || std::isfinite(view.heatMap()->score(3, c));
    QVERIFY(anyPlayed);
    QVERIFY(!view.showLeague(league_ + 7));
    QVERIFY(view.status().contains("no league"));
  }

  void ratingFillsEloAndCrossPlayPayoffs() {
    LeagueView view(store_);
    QSignalSpy finished(&view, &LeagueView::ratingFinished);
    QVERIFY(view.rateMembers({8}, 1));
    QVERIFY(!view.rateMembers({8}, 1));  // one rating at a time
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().first().toString(), QString());
    QVERIFY2(view.status().contains("rating"), qPrintable(view.status()));
    for (int r = 0; r < 6; ++r) {
      bool ok = false;
      view.memberTable()->item(r, 6)->text().toDouble(&ok);
      QVERIFY2(ok, qPrintable(view.memberTable()->item(r, 6)->text()));
    }
    // Members against members, then the CPU's level 8.
    QCOMPARE(view.heatMap()->columnNames().size(), 7);
    QCOMPARE(view.heatMap()->columnNames().last(), QString("CPU L8"));
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) {
        if (i == j) continue;
        QVERIFY(std::abs(view.heatMap()->score(i, j) + view.heatMap()->score(j, i) - 1.0) < 1e-9);
      }
    QVERIFY(std::isfinite(view.heatMap()->score(0, 6)));
    // A line per role and the CPU level 8 reference.
    QStringList names;
    for (QAbstractSeries* s : view.eloChart()->series()) names << s->name();
    names.sort();
    QCOMPARE(names, QStringList({"CPU level 8", "league_exploiter", "main", "main_exploiter"}));
    const auto* main = [&]() -> QLineSeries* {
      for (QAbstractSeries* s : view.eloChart()->series())
        if (s->name() == "main") return static_cast<QLineSeries*>(s);
      return nullptr;
    }();
    QVERIFY(main);
    QCOMPARE(main->count(), 2);
    QCOMPARE(main->at(1).x(), members_[3].leagueSteps / 1e6);
    QVERIFY(LeagueStore(*store_).latestRating("league " + std::to_string(league_)).has_value());
  }

  void requestsPlayAndWatch() {
    LeagueView view(store_);
    QSignalSpy play(&view, &LeagueView::playAgainstRequested);
    QSignalSpy watch(&view, &LeagueView::watchMatchRequested);
    QVERIFY(!view.playAgainstSelected());  // nothing selected
    view.selectCheckpoints({members_[3].checkpointId});
    QVERIFY(view.playAgainstSelected());
    QCOMPARE(play.count(), 1);
    QCOMPARE(play.first().first().toLongLong(), members_[3].checkpointId);
    QVERIFY(!view.watchSelected());  // one selected
    view.selectCheckpoints({members_[0].checkpointId, members_[4].checkpointId});
    QVERIFY(view.watchSelected());
    QCOMPARE(watch.count(), 1);
    QCOMPARE(watch.first()[0].toLongLong(), members_[0].checkpointId);
    QCOMPARE(watch.first()[1].toLongLong(), members_[4].checkpointId);
  }

  void leagueScreenshot() {
    const QStringList parts = qEnvironmentVariable("PALAESTRA_LEAGUE_SCREENSHOT").split(':');
    if (parts.size() != 3) QSKIP("set PALAESTRA_LEAGUE_SCREENSHOT=STORE:LEAGUE:PNG");
    auto store = std::make_shared<RunStore>(parts[0].toStdString(), RunStore::OpenMode::OpenExisting);
    LeagueView view(store);
    QVERIFY(view.showLeague(parts[1].toLongLong()));
    view.resize(1400, 820);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTest::qWait(300);
    QVERIFY(view.grab().save(parts[2]));
  }
};

QTEST_MAIN(TestLeagueView)
#include "TestLeagueView.moc"
