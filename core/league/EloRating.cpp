#include "league/EloRating.h"

#include <algorithm>
#include <cmath>

namespace palaestra {

namespace {

constexpr double kEloPerNatural = 400.0 / 2.302585092994046;  // 400 / ln 10
constexpr double kPriorGames = 1.0;  // a virtual draw against the field per entrant
constexpr int kMaxIterations = 10000;

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

double eloWinProbability(double a, double b) {
  return 1.0 / (1.0 + std::pow(10.0, (b - a) / 400.0));
}

std::vector<double> fitElo(const std::vector<std::vector<int64_t>>& games,
                           const std::vector<std::vector<double>>& score,
                           const std::vector<bool>& anchors, double anchorRating) {
  const size_t n = games.size();
  std::vector<double> r(n, 0.0);  // natural units
  if (n == 0) return r;
  // Coordinate-wise Newton steps on the log posterior (concave): each entrant's rating moves to
  // where its expected score, prior draw included, meets its actual score.
  for (int it = 0; it < kMaxIterations; ++it) {
    double largest = 0;
    double mean = 0;
    for (double v : r) mean += v;
    mean /= static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) {
      double gradient = kPriorGames * (0.5 - logistic(r[i] - mean));
      double curvature = kPriorGames * 0.25;
      for (size_t j = 0; j < n; ++j) {
        if (j == i || games[i][j] == 0) continue;
        const double p = logistic(r[i] - r[j]);
        gradient += score[i][j] - static_cast<double>(games[i][j]) * p;
        curvature += static_cast<double>(games[i][j]) * p * (1.0 - p);
      }
      const double step = std::clamp(gradient / curvature, -2.0, 2.0);
      r[i] += step;
      largest = std::max(largest, std::abs(step));
    }
    if (largest < 1e-9) break;
  }
  bool anyAnchor = false;
  for (size_t i = 0; i < n && i < anchors.size(); ++i) anyAnchor = anyAnchor || anchors[i];
  double anchorMean = 0;
  int anchorCount = 0;
  for (size_t i = 0; i < n; ++i)
    if (!anyAnchor || (i < anchors.size() && anchors[i])) {
      anchorMean += r[i];
      ++anchorCount;
    }
  anchorMean /= std::max(1, anchorCount);
  std::vector<double> elo(n);
  for (size_t i = 0; i < n; ++i) elo[i] = anchorRating + kEloPerNatural * (r[i] - anchorMean);
  return elo;
}

}  // namespace palaestra
