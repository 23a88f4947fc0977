#pragma once
// Elo ratings fitted to a table of results (Bradley-Terry by maximum a posteriori, draws counting
// half a win): P(i beats j) = 1 / (1 + 10^((R_j - R_i) / 400)). A weak prior (a virtual draw
// against the field's average for every entrant) keeps the rating of an entrant that won or lost
// every game finite. Ratings are shifted so that the anchor entrants average `anchorRating`.

#include <cstdint>
#include <vector>

namespace palaestra {

/// Ratings of n entrants from games[i][j] (matches between i and j) and score[i][j] (i's summed
/// score against j); the entrants flagged in `anchors` (all when none is) average anchorRating.
std::vector<double> fitElo(const std::vector<std::vector<int64_t>>& games,
                           const std::vector<std::vector<double>>& score,
                           const std::vector<bool>& anchors, double anchorRating = 1500.0);

/// The probability that a player rated `a` beats one rated `b` under Elo's logistic model.
double eloWinProbability(double a, double b);

}  // namespace palaestra
