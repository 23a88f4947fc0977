#pragma once
// The panel beside a simulation view that shows the agent the user picked:
// its index and its observation row (what Env::observe gives that agent) as a
// bar per value, scaled by the observation space's bounds where they are
// finite, else by the largest magnitude shown. A viewer refreshes it with every
// frame it shows, so the bars move as the episode plays. Painted with QPainter:
// one small widget, no chart scene, cheap at 60 Hz.

#include <QString>
#include <QWidget>

#include <span>
#include <vector>

#include "env/Env.h"
#include "env/Space.h"

namespace palaestra {

class AgentInspector : public QWidget {
  Q_OBJECT

 public:
  /// An empty panel ("no agent picked").
  explicit AgentInspector(QWidget* parent = nullptr);

  /// Shows agent `agent`'s observation row; `space` gives the bounds the bars are scaled by.
  void setAgent(int agent, std::span<const float> observation, const Space& space);
  /// Shows agent `agent`'s row of what `env` observes now (the live view's and the replay's path).
  void showAgentOf(const Env& env, int agent);
  /// Forgets the agent: the panel says how to pick one.
  void clear();
  /// The agent shown, or -1.
  int agent() const { return agent_; }
  /// The observation values shown (empty when no agent).
  const std::vector<float>& values() const { return values_; }
  /// The panel's title line, e.g. "Agent 17".
  QString title() const;
  /// The fraction of its half-width (-1 .. 1) bar `index` fills: the value scaled by its bounds.
  double barFraction(int index) const;

  /// Preferred size: a narrow column beside the view.
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  int agent_ = -1;
  std::vector<float> values_;
  std::vector<float> low_, high_;  // the space's bounds per value (infinite where it has none)
  std::vector<float> observations_;  // every agent's observation, scratch of showAgentOf
};

}  // namespace palaestra
