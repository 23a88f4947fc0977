#include "widgets/fight/LeagueView.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "fight/FightRatings.h"
#include "store/LeagueStore.h"
#include "store/RunStore.h"
#include "widgets/PayoffHeatMap.h"

namespace palaestra {

namespace {

constexpr int kPollMs = 3000;  // a running league adds a member every few seconds at most

QString memberName(const LeagueMember& m) {
  return QStringLiteral("%1 r%2").arg(QString::fromStdString(m.role)).arg(m.round + 1);
}

QColor roleColor(const std::string& role) {
  if (role == "main") return QColor(30, 100, 200);
  if (role == "main_exploiter") return QColor(220, 120, 20);
  if (role == "league_exploiter") return QColor(150, 60, 170);
  return QColor(90, 90, 90);
}

}  // namespace

LeagueView::LeagueView(std::shared_ptr<RunStore> store, QWidget* parent)
    : QWidget(parent), store_(std::move(store)) {
  leagues_ = new QComboBox(this);
  summary_ = new QLabel(this);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  rate_ = new QPushButton(tr("Rate members (Elo)"), this);
  rate_->setToolTip(tr("Cross-play the members against each other and the CPU of every character "
                       "at every level, and fit Elo ratings (palaestra-cli elo --league)"));
  play_ = new QPushButton(tr("Play against"), this);
  play_->setToolTip(tr("Play a match against the selected member"));
  watch_ = new QPushButton(tr("Watch match"), this);
  watch_->setToolTip(tr("Watch the two selected members fight live (the first plays P1)"));

  table_ = new QTableWidget(0, 7, this);
  table_->setHorizontalHeaderLabels({tr("Member"), tr("Role"), tr("Round"), tr("Learner steps"),
                                     tr("League steps"), tr("Checkpoint"), tr("Elo")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

  chart_ = new QChart;
  chart_->setTitle(tr("Elo of the members by league steps"));
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chartView_ = new QChartView(chart_, this);
  chartView_->setRenderHint(QPainter::Antialiasing);
  chartView_->setMinimumHeight(260);
  heatMap_ = new PayoffHeatMap(this);

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("League:"), this));
  top->addWidget(leagues_, 1);
  top->addWidget(rate_);
  top->addWidget(play_);
  top->addWidget(watch_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  auto* left = new QSplitter(Qt::Vertical, split);
  left->addWidget(table_);
  left->addWidget(chartView_);
  split->addWidget(left);
  split->addWidget(heatMap_);
  // The members and their Elo curves take as much room as the heat map.
  split->setSizes({620, 780});
  left->setSizes({380, 400});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);
  layout->addWidget(status_);

  poll_ = new QTimer(this);
  poll_->setInterval(kPollMs);
  connect(poll_, &QTimer::timeout, this, &LeagueView::refresh);
  connect(leagues_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) showLeague(leagues_->itemData(index).toLongLong());
  });
  connect(rate_, &QPushButton::clicked, this, [this] { rateMembers(); });
  connect(play_, &QPushButton::clicked, this, [this] { playAgainstSelected(); });
  connect(watch_, &QPushButton::clicked, this, [this] { watchSelected(); });
  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
    const size_t n = selectedCheckpoints().size();
    play_->setEnabled(n == 1);
    watch_->setEnabled(n == 2);
  });
  play_->setEnabled(false);
  watch_->setEnabled(false);
  fillLeagues();
  poll_->start();
}

LeagueView::~LeagueView() {
  if (ratingThread_.joinable()) ratingThread_.join();
}

void LeagueView::fillLeagues() {
  const QSignalBlocker block(leagues_);
  leagues_->clear();
  std::vector<LeagueInfo> all;
  try {
    if (store_) all = LeagueStore(*store_).leagues();
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read the leagues: %1").arg(QString::fromUtf8(e.what())));
  }
  for (const LeagueInfo& l : all)
    leagues_->addItem(QStringLiteral("%1: %2 (%3)")
                          .arg(l.id)
                          .arg(QString::fromStdString(l.name), QString::fromStdString(l.kind)),
                      QVariant::fromValue<qlonglong>(l.id));
  if (all.empty()) {
    status_->setText(tr("This store has no league yet: train one with palaestra-cli league."));
    rate_->setEnabled(false);
    return;
  }
  showLeague(all.back().id);
}

bool LeagueView::showLeague(int64_t leagueId) {
  const int index = leagues_->findData(QVariant::fromValue<qlonglong>(leagueId));
  if (index < 0) {
    fillLeagues();  // it may be new
    if (leagues_->findData(QVariant::fromValue<qlonglong>(leagueId)) < 0) {
      status_->setText(tr("There is no league %1 in this store.").arg(leagueId));
      return false;
    }
  }
  {
    const QSignalBlocker block(leagues_);
    leagues_->setCurrentIndex(leagues_->findData(QVariant::fromValue<qlonglong>(leagueId)));
  }
  leagueId_ = leagueId;
  rate_->setEnabled(!rating());
  refresh();
  return true;
}

void LeagueView::refresh() {
  if (!store_ || leagueId_ == 0) return;
  LeagueStore leagues(*store_);
  LeagueInfo info;
  std::vector<LeagueMember> members;
  std::vector<LeagueGames> games;
  std::optional<StoredRating> rated;
  try {
    info = leagues.league(leagueId_);
    members = leagues.members(leagueId_);
    games = leagues.games(leagueId_);
    rated = leagues.latestRating("league " + std::to_string(leagueId_));
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read league %1: %2").arg(leagueId_).arg(QString::fromUtf8(e.what())));
    return;
  }
  if (info.status != "running" && !rating()) poll_->setInterval(4 * kPollMs);
  // Polling redraws only what changed: a new member, new games, a new rating or another league.
  const std::tuple<int64_t, size_t, size_t, int64_t, std::string> shown{
      leagueId_, members.size(), games.size(), rated ? rated->id : 0, info.status};
  if (shown == shown_) return;
  shown_ = shown;
  const std::vector<int64_t> selected = selectedCheckpoints();

  // Each member's rating entrant, and the CPU levels' mean Elo.
  std::map<int64_t, size_t> entrantOfMember;
  std::map<int, std::pair<double, int>> levelElo;
  const nlohmann::json* entrants = rated ? &rated->result["entrants"] : nullptr;
  if (entrants)
    for (size_t i = 0; i < entrants->size(); ++i) {
      const nlohmann::json& e = (*entrants)[i];
      if (e.contains("member_id")) entrantOfMember[e["member_id"].get<int64_t>()] = i;
      if (e["kind"] == "cpu") {
        auto& [sum, count] = levelElo[e["level"].get<int>()];
        sum += e["elo"].get<double>();
        count++;
      }
    }
  auto eloOf = [&](const LeagueMember& m) {
    const auto it = entrantOfMember.find(m.id);
    return it == entrantOfMember.end() ? std::nan("")
                                       : (*entrants)[it->second]["elo"].get<double>();
  };

  summary_->setText(tr("%1 · %2 · %3 · %4 members · %5 M env steps")
                        .arg(QString::fromStdString(info.name), QString::fromStdString(info.kind),
                             QString::fromStdString(info.status))
                        .arg(members.size())
                        .arg(members.empty() ? 0.0 : members.back().leagueSteps / 1e6, 0, 'f', 2));

  table_->setRowCount(static_cast<int>(members.size()));
  for (size_t i = 0; i < members.size(); ++i) {
    const LeagueMember& m = members[i];
    const double elo = eloOf(m);
    const QStringList cells = {memberName(m),
                               QString::fromStdString(m.role),
                               QString::number(m.round + 1),
                               QString::number(m.step),
                               QString::number(m.leagueSteps),
                               QString::number(m.checkpointId),
                               std::isfinite(elo) ? QString::number(elo, 'f', 0) : QStringLiteral("-")};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(m.checkpointId));
      if (c == 1) item->setForeground(roleColor(m.role));
      table_->setItem(static_cast<int>(i), c, item);
    }
  }
  selectCheckpoints(selected);

  // Elo curves: a line per role over league steps, dashed lines at the CPU levels' means.
  chart_->removeAllSeries();
  for (QAbstractAxis* axis : chart_->axes()) chart_->removeAxis(axis);
  double maxX = 0, minY = 1e9, maxY = -1e9;
  std::map<std::string, QLineSeries*> lines;
  for (const LeagueMember& m : members) {
    const double elo = eloOf(m);
    if (!std::isfinite(elo)) continue;
    QLineSeries*& line = lines[m.role];
    if (!line) {
      line = new QLineSeries;
      line->setName(QString::fromStdString(m.role));
      line->setColor(roleColor(m.role));
      line->setPointsVisible(true);
    }
    const double x = m.leagueSteps / 1e6;
    line->append(x, elo);
    maxX = std::max(maxX, x);
    minY = std::min(minY, elo);
    maxY = std::max(maxY, elo);
  }
  auto* xAxis = new QValueAxis;
  xAxis->setTitleText(tr("league env steps (M)"));
  auto* yAxis = new QValueAxis;
  yAxis->setTitleText(tr("Elo"));
  chart_->addAxis(xAxis, Qt::AlignBottom);
  chart_->addAxis(yAxis, Qt::AlignLeft);
  for (const auto& [role, line] : lines) {
    chart_->addSeries(line);
    line->attachAxis(xAxis);
    line->attachAxis(yAxis);
  }
  for (const auto& [level, sum] : levelElo) {
    if (level != 1 && level != 4 && level != 8) continue;  // three references keep it readable
    const double y = sum.first / sum.second;
    auto* line = new QLineSeries;
    line->setName(tr("CPU level %1").arg(level));
    QPen pen(QColor(120, 120, 120));
    pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    line->append(0, y);
    line->append(std::max(maxX, 0.1), y);
    chart_->addSeries(line);
    line->attachAxis(xAxis);
    line->attachAxis(yAxis);
    minY = std::min(minY, y);
    maxY = std::max(maxY, y);
  }
  xAxis->setRange(0, std::max(maxX * 1.05, 0.1));
  if (minY <= maxY)
    yAxis->setRange(std::floor((minY - 50) / 100) * 100, std::ceil((maxY + 50) / 100) * 100);
  else
    yAxis->setRange(1000, 2000);

  // The payoff heat map.
  QStringList rows, columns;
  std::vector<std::vector<double>> scores;
  std::vector<std::vector<long long>> counts;
  for (const LeagueMember& m : members) rows << memberName(m);
  if (rated) {
    const nlohmann::json& payoff = rated->result["payoff"];
    const nlohmann::json& played = rated->result["games"];
    columns = rows;
    std::vector<int> levels;
    for (const auto& [level, unused] : levelElo) {
      levels.push_back(level);
      columns << tr("CPU L%1").arg(level);
    }
    for (const LeagueMember& m : members) {
      std::vector<double> row(static_cast<size_t>(columns.size()), std::nan(""));
      std::vector<long long> count(static_cast<size_t>(columns.size()), 0);
      const auto it = entrantOfMember.find(m.id);
      if (it != entrantOfMember.end()) {
        const size_t i = it->second;
        for (size_t c = 0; c < members.size(); ++c) {
          const auto jt = entrantOfMember.find(members[c].id);
          if (jt == entrantOfMember.end() || payoff[i][jt->second].is_null()) continue;
          row[c] = payoff[i][jt->second].get<double>();
          count[c] = played[i][jt->second].get<long long>();
        }
        for (size_t l = 0; l < levels.size(); ++l) {
          double score = 0;
          long long n = 0;
          for (size_t j = 0; j < entrants->size(); ++j) {
            const nlohmann::json& e = (*entrants)[j];
            if (e["kind"] != "cpu" || e["level"].get<int>() != levels[l] || payoff[i][j].is_null())
              continue;
            const long long g = played[i][j].get<long long>();
            score += payoff[i][j].get<double>() * static_cast<double>(g);
            n += g;
          }
          if (n > 0) {
            row[members.size() + l] = score / static_cast<double>(n);
            count[members.size() + l] = n;
          }
        }
      }
      scores.push_back(std::move(row));
      counts.push_back(std::move(count));
    }
    status_->setText(tr("Payoffs and Elo from rating %1 (%2 matches, agents sampling their "
                        "actions; CPU entrants average 1500).")
                         .arg(rated->id)
                         .arg(rated->result.value("matches", 0)));
  } else {
    // Before any rating: the training games behind the matchmaking. The learner of member
    // (run R, round r) is run R during round r.
    columns = rows;
    columns << tr("self") << tr("CPU (training)");
    std::map<int64_t, size_t> columnOfMember;
    for (size_t c = 0; c < members.size(); ++c) columnOfMember[members[c].id] = c;
    for (const LeagueMember& m : members) {
      std::vector<double> sum(static_cast<size_t>(columns.size()), 0.0);
      std::vector<long long> count(static_cast<size_t>(columns.size()), 0);
      for (const LeagueGames& g : games) {
        if (g.learnerRunId != m.runId || g.round != m.round) continue;
        size_t c = members.size() + 1;
        if (g.opponentMemberId && columnOfMember.count(*g.opponentMemberId))
          c = columnOfMember[*g.opponentMemberId];
        else if (g.opponent == "self")
          c = members.size();
        sum[c] += g.score;
        count[c] += g.games;
      }
      std::vector<double> row(sum.size(), std::nan(""));
      for (size_t c = 0; c < sum.size(); ++c)
        if (count[c] > 0) row[c] = sum[c] / static_cast<double>(count[c]);
      scores.push_back(std::move(row));
      counts.push_back(std::move(count));
    }
    status_->setText(tr("Payoffs from the training games (no rating yet: Rate members plays a "
                        "cross-play and fits Elo)."));
  }
  heatMap_->setMatrix(rows, columns, scores, counts);
}

bool LeagueView::rateMembers(const std::vector<int>& levels, int matches) {
  if (rating() || leagueId_ == 0 || !store_) return false;
  if (ratingThread_.joinable()) ratingThread_.join();
  ratingDone_ = false;
  ratingError_.clear();
  rate_->setEnabled(false);
  status_->setText(tr("Rating the members of league %1...").arg(leagueId_));
  fight::FightRatingRequest request;
  request.leagueId = leagueId_;
  request.cpuLevels = levels;
  request.matchesPerSide = matches;
  ratingThread_ = std::thread([this, request] {
    try {
      fight::rateFightAgents(*store_, request);
    } catch (const std::exception& e) {
      ratingError_ = QString::fromUtf8(e.what());
    }
    ratingDone_ = true;
    QMetaObject::invokeMethod(this, [this] { finishRating(); }, Qt::QueuedConnection);
  });
  poll_->setInterval(kPollMs);
  return true;
}

void LeagueView::finishRating() {
  if (!ratingThread_.joinable()) return;
  ratingThread_.join();
  rate_->setEnabled(true);
  refresh();
  if (!ratingError_.isEmpty()) status_->setText(tr("Rating failed: %1").arg(ratingError_));
  emit ratingFinished(ratingError_);
}

QString LeagueView::status() const { return status_->text(); }

std::vector<int64_t> LeagueView::selectedCheckpoints() const {
  std::set<int> rows;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows()) rows.insert(index.row());
  std::vector<int64_t> ids;
  for (int r : rows) ids.push_back(table_->item(r, 0)->data(Qt::UserRole).toLongLong());
  return ids;
}

void LeagueView::selectCheckpoints(const std::vector<int64_t>& checkpointIds) {
  table_->clearSelection();
  for (int r = 0; r < table_->rowCount(); ++r) {
    const int64_t id = table_->item(r, 0)->data(Qt::UserRole).toLongLong();
    if (std::find(checkpointIds.begin(), checkpointIds.end(), id) == checkpointIds.end()) continue;
    table_->selectionModel()->select(table_->model()->index(r, 0),
                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
  }
}

bool LeagueView::playAgainstSelected() {
  const std::vector<int64_t> ids = selectedCheckpoints();
  if (ids.size() != 1) {
    status_->setText(tr("Select one member to play against."));
    return false;
  }
  emit playAgainstRequested(ids.front());
  return true;
}

bool LeagueView::watchSelected() {
  const std::vector<int64_t> ids = selectedCheckpoints();
  if (ids.size() != 2) {
    status_->setText(tr("Select two members (Ctrl+click) to watch them fight."));
    return false;
  }
  emit watchMatchRequested(ids[0], ids[1]);
  return true;
}

}  // namespace palaestra
