#pragma once
// The FightLadder curriculum (Li et al. 2024): the opponent of each episode, a cell of whole
// values over the chosen parameters (for fights: opponent character x CPU level), is drawn with
// probability proportional to 1 - the learner's recent win rate against it, so practice goes to
// the opponents it does not beat yet. A cell keeps its latest `window` results; a cell never
// played counts as never won; `min_weight` keeps mastered opponents in the mix so a lost skill
// shows. Wins are the episode's success (1 or 0) where the env reports one.

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "curriculum/TaskBox.h"
#include "curriculum/Teacher.h"
#include "util/ConfigFieldDoc.h"
#include "util/Rng.h"

namespace palaestra {

struct LadderConfig {
  int window = 20;          // results a cell keeps
  double minWeight = 0.05;  // weight of a cell whose recent win rate is 1

  /// Reads the teacher's config section at `path` (unknown keys refused); throws ConfigError.
  static LadderConfig fromJson(const nlohmann::json& json, const std::string& path);
  /// Every field written out.
  nlohmann::json toJson() const;
  /// The meaning of each field.
  static const std::vector<ConfigFieldDoc>& docs();
};

class LadderTeacher final : public Teacher {
 public:
  /// Most cells a ladder may have.
  static constexpr int kMaxCells = 100000;

  /// A ladder over the whole values of `box` (whose parameters must all be integers; ConfigError
  /// naming `path` otherwise), drawing from `seed`.
  LadderTeacher(const TaskBox& box, const LadderConfig& config, uint64_t seed,
                const std::string& path);

  /// "ladder".
  std::string kind() const override { return "ladder"; }
  /// The unit point of a cell drawn by 1 - win rate.
  std::vector<double> sample() override;
  /// Not used: a ladder learns from wins (observeWin).
  void observe(const std::vector<double>& unit, double episodeReturn) override;
  /// Records a result (`won` 1 or 0) against the cell of `unit`.
  void observeWin(const std::vector<double>& unit, double won) override;
  /// True: the ladder is fed wins.
  bool learnsFromWins() const override { return true; }
  /// Recent results per cell and the random stream.
  nlohmann::json state() const override;
  /// Continues from a state(); throws ConfigError when it is not a state of this ladder.
  void restore(const nlohmann::json& state) override;
  /// Every cell with its unit point, recent win rate and results kept.
  nlohmann::json model() const override;
  /// Counts each round of results (as many as cells, at least 10): the win rates shown change
  /// with every result, but the store keeps one model per round.
  int modelVersion() const override { return results_ / std::max(10, cells()); }

  /// Number of cells.
  int cells() const { return static_cast<int>(recent_.size()); }
  /// Recent win rate of cell `cell` (0 when never played).
  double winRate(int cell) const;

 private:
  std::vector<double> unitOf(int cell) const;
  int cellOf(const std::vector<double>& unit) const;

  LadderConfig config_;
  Rng rng_;
  std::vector<int> counts_;                  // whole values per dimension
  std::vector<std::vector<double>> recent_;  // per cell: latest results, oldest first
  int results_ = 0;
};

}  // namespace palaestra
