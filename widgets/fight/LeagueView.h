#pragma once
// The league view: a fight league of the open store as it grows. Its members over time (role,
// round, the learner's and the league's steps when each joined, its Elo), their Elo curves (one
// line per role against league steps, with the CPU levels' mean ratings as dashed lines), and
// the payoff heat map (each member's score against every member and against the CPU's levels)
// from the league's latest rating, or, before any rating, from the training games its
// matchmaking recorded. "Rate members" plays the cross-play rating (palaestra-cli elo --league)
// in the background; "Play against" and "Watch match" ask the app to start a person's match
// against a member, or to show two members fighting live. Polls the store while the league runs.

#include <QWidget>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace palaestra {

class PayoffHeatMap;
class RunStore;

class LeagueView : public QWidget {
  Q_OBJECT

 public:
  /// A view over the leagues of `store` (the latest one shown).
  explicit LeagueView(std::shared_ptr<RunStore> store, QWidget* parent = nullptr);
  ~LeagueView() override;

  /// Shows league `leagueId`; false (and the message in status()) when the store has no such league.
  bool showLeague(int64_t leagueId);
  /// The league shown (0: none).
  int64_t leagueId() const { return leagueId_; }
  /// Reads the league's members, games and latest rating again.
  void refresh();
  /// Rates the shown league's members in the background (CPU `levels`, `matches` per pair and
  /// side); ratingFinished follows. False when a rating runs already or no league is shown.
  bool rateMembers(const std::vector<int>& levels = {1, 2, 3, 4, 5, 6, 7, 8}, int matches = 2);
  /// Whether a rating is being played.
  bool rating() const { return ratingThread_.joinable() && !ratingDone_; }

  /// The checkpoint ids of the selected members, in table order.
  std::vector<int64_t> selectedCheckpoints() const;
  /// Selects the members with these checkpoint ids.
  void selectCheckpoints(const std::vector<int64_t>& checkpointIds);
  /// Asks to play against the selected member (emits playAgainstRequested); false when not one is.
  bool playAgainstSelected();
  /// Asks to watch the two selected members (emits watchMatchRequested); false unless two are.
  bool watchSelected();

  /// The members table.
  QTableWidget* memberTable() const { return table_; }
  /// The payoff heat map.
  PayoffHeatMap* heatMap() const { return heatMap_; }
  /// The Elo chart.
  QChart* eloChart() const { return chart_; }
  /// The league chooser.
  QComboBox* leagueChooser() const { return leagues_; }
  /// The status line (what the payoffs come from, or a problem).
  QString status() const;

 signals:
  /// A person wants to play against this member's checkpoint.
  void playAgainstRequested(int64_t checkpointId);
  /// A person wants to watch member A (P1) fight member B (P2) live.
  void watchMatchRequested(int64_t checkpointA, int64_t checkpointB);
  /// A rating ended; `error` is empty when it was stored.
  void ratingFinished(const QString& error);

 private:
  void fillLeagues();
  void finishRating();

  std::shared_ptr<RunStore> store_;
  int64_t leagueId_ = 0;
  QComboBox* leagues_;
  QLabel* summary_;
  QLabel* status_;
  QTableWidget* table_;
  QChart* chart_;
  QChartView* chartView_;
  PayoffHeatMap* heatMap_;
  QPushButton* rate_;
  QPushButton* play_;
  QPushButton* watch_;
  QTimer* poll_;
  std::thread ratingThread_;
  std::atomic<bool> ratingDone_{false};
  // What the view shows: league, members, games, rating id, status (see refresh()).
  std::tuple<int64_t, size_t, size_t, int64_t, std::string> shown_{};
  QString ratingError_;
};

}  // namespace palaestra
