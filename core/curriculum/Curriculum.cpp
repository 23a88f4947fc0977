#include "curriculum/Curriculum.h"

#include "curriculum/AdrTeacher.h"
#include "curriculum/AlpGmmTeacher.h"
#include "curriculum/CovarGmmTeacher.h"
#include "curriculum/RandomTeacher.h"
#include "curriculum/RiacTeacher.h"
#include "curriculum/StagedTeacher.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

std::vector<std::string> Curriculum::teacherNames() {
  return {"random", "alp_gmm", "covar_gmm", "riac", "adr", "staged"};
}

Curriculum::Curriculum(const nlohmann::json& section, const TaskSpace& space, TaskValues base,
                       uint64_t seed, const std::string& path)
    : base_(std::move(base)) {
  if (!section.is_object()) throw ConfigError(path + " must be a JSON object");
  // The box reads "params" and "bounds"; the reader the rest, refusing unknown keys.
  nlohmann::json boxJson = nlohmann::json::object(), rest = section;
  for (const char* key : {"params", "bounds"})
    if (section.contains(key)) {
      boxJson[key] = section.at(key);
      rest.erase(key);
    }
  JsonReader reader(rest, path);
  const std::string kind = reader.string("teacher", teacherNames(), "random");
  box_ = TaskBox::fromJson(space, boxJson, path);
  // Only the chosen teacher's own section may be there.
  for (const std::string& other : teacherNames())
    if (other != kind && section.contains(other))
      throw ConfigError(path + "." + other + " is for teacher \"" + other +
                        "\"; this curriculum's teacher is \"" + kind + "\"");
  const nlohmann::json own = kind == "random" ? nlohmann::json::object() : reader.object(kind);
  const std::string ownPath = path + "." + kind;
  canonical_ = box_.toJson();
  canonical_["teacher"] = kind;
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
  return box_.toTask(teacher_->sample(), base_);
}

void Curriculum::observe(const TaskValues& task, double episodeReturn) {
  teacher_->observe(box_.toUnit(task), episodeReturn);
}

const std::vector<ConfigFieldDoc>& Curriculum::docs() {
  static const std::vector<ConfigFieldDoc> docs = [] {
    std::vector<ConfigFieldDoc> d = {
        {"teacher",
         "Who chooses each episode's task: random (uniform over the box), alp_gmm (absolute "
         "learning progress, Portelas et al. 2019), covar_gmm (time-competence covariance), "
         "riac (regions split by learning progress), adr (automatic domain randomisation) or "
         "staged (hand-made stages with return thresholds)."},
        {"params", "The task parameters the teacher chooses (default: all of the env's)."},
        {"bounds", "{name: [low, high]} within each parameter's range (default: the range)."},
    };
    const auto add = [&d](const std::string& prefix, const std::vector<ConfigFieldDoc>& own) {
      for (const ConfigFieldDoc& f : own) d.push_back({prefix + "." + f.path, f.meaning});
    };
    add("alp_gmm", GmmTeacherConfig::docs(GmmTeacherConfig::alpGmmDefaults()));
    add("covar_gmm", GmmTeacherConfig::docs(GmmTeacherConfig::covarGmmDefaults()));
    add("riac", RiacConfig::docs());
    add("adr", AdrConfig::docs());
    add("staged", StagedConfig::docs());
    return d;
  }();
  return docs;
}

}  // namespace palaestra
