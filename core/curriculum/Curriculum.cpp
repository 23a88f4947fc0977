#include "curriculum/Curriculum.h"

#include <cmath>

#include "curriculum/AdrTeacher.h"
#include "curriculum/AlpGmmTeacher.h"
#include "curriculum/CovarGmmTeacher.h"
#include "curriculum/LadderTeacher.h"
#include "curriculum/RandomTeacher.h"
#include "curriculum/RiacTeacher.h"
#include "curriculum/StagedTeacher.h"
#include "curriculum/TeacherSupport.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

namespace {

// Streams derived from the curriculum's seed: the uniform redraws, and each edit's new teacher.
constexpr uint64_t kRedrawStream = 0x72656472617773ULL;
constexpr uint64_t kEditStream = 0x656469747321ULL;

}  // namespace

std::vector<std::string> Curriculum::teacherNames() {
  return {"random", "alp_gmm", "covar_gmm", "riac", "adr", "staged", "ladder"};
}

Curriculum::Curriculum(const nlohmann::json& section, const TaskSpace& space, TaskValues base,
                       uint64_t seed, const std::string& path)
    : base_(std::move(base)), seed_(seed), redraws_(deriveSeed(seed, kRedrawStream, 0)) {
  if (!section.is_object()) throw ConfigError(path + " must be a JSON object");
  // The box reads "params" and "bounds", the regions theirs; the reader the rest, refusing
  // unknown keys.
  nlohmann::json boxJson = nlohmann::json::object(), rest = section;
  for (const char* key : {"params", "bounds", "regions"})
    if (section.contains(key)) {
      if (std::string(key) != "regions") boxJson[key] = section.at(key);
      rest.erase(key);
    }
  JsonReader reader(rest, path);
  const std::string kind = reader.string("teacher", teacherNames(), "random");
  box_ = TaskBox::fromJson(space, boxJson, path);
  if (section.contains("regions"))
    regions_ = TaskRegions::fromJson(box_, section.at("regions"), path + ".regions");
  // Only the chosen teacher's own section may be there.
  for (const std::string& other : teacherNames())
    if (other != kind && section.contains(other))
      throw ConfigError(path + "." + other + " is for teacher \"" + other +
                        "\"; this curriculum's teacher is \"" + kind + "\"");
  const nlohmann::json own = kind == "random" ? nlohmann::json::object() : reader.object(kind);
  const std::string ownPath = path + "." + kind;
  canonical_ = box_.toJson();
  canonical_["teacher"] = kind;
  if (!regions_.empty()) canonical_["regions"] = regions_.toJson(space);
  if (kind == "random") {
    teacher_ = std::make_unique<RandomTeacher>(box_.size(), seed);
  } else if (kind == "alp_gmm") {
    const auto c = GmmTeacherConfig::fromJson(own, ownPath, GmmTeacherConfig::alpGmmDefaults());
    canonical_[kind] = c.toJson();
    teacher_ = std::make_unique<AlpGmmTeacher>(box_.size(), c, seed);
  } else if (kind == "covar_gmm") {
    const auto c = GmmTeacherConfig::fromJson(own, ownPath, GmmTeacherConfig::covarGmmDefaults());
    canonical_[kind] = c.toJson();
    teacher_ = std::make_unique<CovarGmmTeacher>(box_.size(), c, seed);
  } else if (kind == "riac") {
    const RiacConfig c = RiacConfig::fromJson(own, ownPath);
    canonical_[kind] = c.toJson();
    teacher_ = std::make_unique<RiacTeacher>(box_.size(), c, seed);
  } else if (kind == "ladder") {
    const LadderConfig c = LadderConfig::fromJson(own, ownPath);
    canonical_[kind] = c.toJson();
    teacher_ = std::make_unique<LadderTeacher>(box_, c, seed, path);
  } else if (kind == "staged") {
    if (!section.contains("staged"))
      throw ConfigError(ownPath + " is needed: the stages of a staged curriculum");
    StagedConfig c = StagedConfig::fromJson(own, box_, ownPath);
    canonical_[kind] = c.toJson(box_);
    teacher_ = std::make_unique<StagedTeacher>(std::move(c), seed);
  } else {
    const AdrConfig c = AdrConfig::fromJson(own, ownPath);
    canonical_[kind] = c.toJson();
    // The box grows from the base task (the run's task: where the agent starts out).
    teacher_ = std::make_unique<AdrTeacher>(box_.toUnit(base_), c, seed);
  }
  reader.finish();
}

TaskValues Curriculum::nextTask() {
  TaskValues task;
  for (int draw = 0; draw < kTeacherDraws; ++draw) {
    task = box_.toTask(teacher_->sample(), base_);
    if (regions_.allows(task)) return task;
  }
  // The teacher's favourite tasks are painted out: a uniform task the regions allow (TaskRegions
  // refused regions that allow none, so this ends; the cap only guards against a tiny region).
  const std::vector<double> low(static_cast<size_t>(box_.size()), 0.0);
  const std::vector<double> high(static_cast<size_t>(box_.size()), 1.0);
  for (int draw = 0; draw < 1000000; ++draw) {
    task = box_.toTask(uniformPoint(low, high, redraws_), base_);
    if (regions_.allows(task)) break;
  }
  return task;
}

void Curriculum::observe(const TaskValues& task, double episodeReturn, double success) {
  history_.push_back({task, episodeReturn, success});
  if (history_.size() > kHistoryKept) history_.pop_front();
  teach(history_.back());
}

void Curriculum::teach(const Observed& o) {
  if (!box_.contains(o.task)) return;
  if (teacher_->learnsFromWins())
    teacher_->observeWin(box_.toUnit(o.task),
                         std::isnan(o.success) ? (o.episodeReturn > 0.0 ? 1.0 : 0.0) : o.success);
  else
    teacher_->observe(box_.toUnit(o.task), o.episodeReturn);
}

std::string Curriculum::edit(const nlohmann::json& section) {
  Curriculum next(section, box_.space(), base_, deriveSeed(seed_, kEditStream, edits_ + 1));
  if (next.canonical_ == canonical_) return "nothing";
  const auto withoutRegions = [](nlohmann::json c) {
    c.erase("regions");
    return c;
  };
  ++edits_;
  regions_ = std::move(next.regions_);
  const bool sameTeacher = withoutRegions(next.canonical_) == withoutRegions(canonical_);
  canonical_ = std::move(next.canonical_);
  if (sameTeacher) return "regions";
  box_ = std::move(next.box_);
  teacher_ = std::move(next.teacher_);
  replayHistory();
  return "curriculum";
}

// A new teacher learns from the latest episodes inside its box, as if it had chosen them.
void Curriculum::replayHistory() {
  for (const Observed& o : history_) teach(o);
}

nlohmann::json Curriculum::state() const {
  nlohmann::json history = nlohmann::json::array();
  for (const Observed& o : history_) {
    nlohmann::json h = {{"task", o.task}, {"return", o.episodeReturn}};
    if (!std::isnan(o.success)) h["success"] = o.success;  // JSON has no NaN
    history.push_back(h);
  }
  return {{"section", canonical_},
          {"edits", edits_},
          {"teacher", teacher_->state()},
          {"history", history},
          {"redraws", rngToJson(redraws_)}};
}

void Curriculum::restore(const nlohmann::json& state) {
  try {
    const nlohmann::json& section = state.at("section");
    const int edits = state.at("edits").get<int>();
    std::deque<Observed> history;
    for (const nlohmann::json& h : state.at("history"))
      history.push_back({h.at("task").get<TaskValues>(), h.at("return").get<double>(),
                         h.value("success", std::numeric_limits<double>::quiet_NaN())});
    for (const Observed& o : history)
      if (o.task.size() != static_cast<size_t>(box_.space().size()))
        throw ConfigError("the curriculum state's history holds a task of another env");
    const Rng redraws = rngFromJson(state.at("redraws"), "the curriculum's redraw stream");
    if (section == canonical_ && edits == edits_) {
      teacher_->restore(state.at("teacher"));  // changes nothing when it throws
    } else {
      // An edited curriculum: rebuilt from its section with the edit's seed, then restored.
      Curriculum edited(section, box_.space(), base_,
                        edits == 0 ? seed_ : deriveSeed(seed_, kEditStream, edits));
      edited.teacher_->restore(state.at("teacher"));
      box_ = std::move(edited.box_);
      regions_ = std::move(edited.regions_);
      teacher_ = std::move(edited.teacher_);
      canonical_ = std::move(edited.canonical_);
    }
    edits_ = edits;
    history_ = std::move(history);
    redraws_ = redraws;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("the curriculum state is malformed: ") + e.what());
  }
}

const std::vector<ConfigFieldDoc>& Curriculum::docs() {
  static const std::vector<ConfigFieldDoc> docs = [] {
    std::vector<ConfigFieldDoc> d = {
        {"teacher",
         "Who chooses each episode's task: random (uniform over the box), alp_gmm (absolute "
         "learning progress, Portelas et al. 2019), covar_gmm (time-competence covariance), "
         "riac (regions split by learning progress), adr (automatic domain randomisation) or "
         "staged (hand-made stages with return thresholds) or ladder (FightLadder: each "
         "opponent, a cell of whole values, drawn by 1 - the recent win rate against it)."},
        {"params", "The task parameters the teacher chooses (default: all of the env's)."},
        {"bounds", "{name: [low, high]} within each parameter's range (default: the range)."},
        {"regions",
         "Painted regions: [{\"mode\": \"in\" | \"out\", \"bounds\": {name: [low, high]}}]; "
         "a task is drawn only outside every out region and, if there are in regions, inside "
         "one (default: none)."},
    };
    const auto add = [&d](const std::string& prefix, const std::vector<ConfigFieldDoc>& own) {
      for (const ConfigFieldDoc& f : own) d.push_back({prefix + "." + f.path, f.meaning});
    };
    add("alp_gmm", GmmTeacherConfig::docs(GmmTeacherConfig::alpGmmDefaults()));
    add("covar_gmm", GmmTeacherConfig::docs(GmmTeacherConfig::covarGmmDefaults()));
    add("riac", RiacConfig::docs());
    add("adr", AdrConfig::docs());
    add("staged", StagedConfig::docs());
    add("ladder", LadderConfig::docs());
    return d;
  }();
  return docs;
}

}  // namespace palaestra
