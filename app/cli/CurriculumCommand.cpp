// palaestra-cli curriculum: what a run's curriculum did, from its stored events and checkpoints:
// the sections it ran under (start, each edit, each refused edit with its reason), the episodes
// it chose, and, with a test set, the share mastered at each checkpoint.
#include <cmath>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "curriculum/CurriculumHistory.h"
#include "util/Errors.h"

namespace palaestra::cli {

int curriculum(const CommonOptions& common, int64_t runId) {
  auto store = openExistingStore(common);
  store->getRun(runId);  // NotFoundError for an unknown run
  CurriculumHistory history;
  history.append(store->curriculumEvents(runId));
  nlohmann::json changes = nlohmann::json::array();
  if (history.sections().empty()) {
    std::cout << "run " << runId << " has no curriculum events (it trained without a curriculum,"
              << " or before curricula were recorded)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const CurriculumHistory::Change& c : history.sections()) {
      rows.push_back({std::to_string(c.step), c.value.value("teacher", "?"), c.value.dump()});
      changes.push_back({{"step", c.step}, {"event_id", c.eventId}, {"section", c.value}});
    }
    std::cout << "curriculum of run " << runId << " (the first at the start, then each edit):\n";
    printTable({"step", "teacher", "section"}, rows);
  }
  nlohmann::json refusals = nlohmann::json::array();
  for (const CurriculumHistory::Change& r : history.refusals()) {
    std::cout << "refused at step " << r.step << ": " << r.value.get<std::string>() << "\n";
    refusals.push_back({{"step", r.step}, {"error", r.value}});
  }
  const auto& outcomes = history.outcomes();
  double sum = 0.0;
  for (const auto& o : outcomes) sum += o.episodeReturn;
  if (!outcomes.empty())
    std::cout << outcomes.size() << " training episodes, mean return "
              << fixed(sum / static_cast<double>(outcomes.size()), 1) << "\n";
  // The test set at each checkpoint.
  std::vector<std::vector<std::string>> tested;
  nlohmann::json mastery = nlohmann::json::array();
  for (const CheckpointInfo& c : store->checkpoints(runId)) {
    const nlohmann::json meta = nlohmann::json::parse(c.metaJson, nullptr, false);
    if (!meta.is_object() || !meta.contains("test_set")) continue;
    const nlohmann::json& t = meta["test_set"];
    const double pct = 100.0 * t.value("mastered_fraction", 0.0);
    tested.push_back({std::to_string(c.id), std::to_string(c.step), fixed(pct, 1),
                      fixed(t.value("mean_score", 0.0), 2)});
    mastery.push_back({{"checkpoint_id", c.id},
                       {"step", c.step},
                       {"mastered_pct", pct},
                       {"mean_score", t.value("mean_score", 0.0)},
                       {"scores", t["scores"]}});
  }
  if (!tested.empty()) {
    std::cout << "test set:\n";
    printTable({"checkpoint", "step", "% mastered", "mean score"}, tested);
  }
  if (common.json)
    printJsonLine({{"run_id", runId},
                   {"sections", changes},
                   {"refused_edits", refusals},
                   {"episodes", outcomes.size()},
                   {"test_set", mastery}});
  return 0;
}

}  // namespace palaestra::cli
