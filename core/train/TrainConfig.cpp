#include "train/TrainConfig.h"

#include "curriculum/Curriculum.h"
#include "train/OpponentsSection.h"
#include "train/TestSet.h"

#include <map>
#include <stdexcept>

#include "env/EnvRegistry.h"
#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra {

nlohmann::json mergeConfig(nlohmann::json base, const nlohmann::json& overrides) {
  if (!base.is_object() || !overrides.is_object()) return overrides;
  for (const auto& [key, value] : overrides.items()) {
    auto it = base.find(key);
    if (it != base.end() && it->is_object() && value.is_object())
      *it = mergeConfig(*it, value);
    else
      base[key] = value;
  }
  return base;
}

TrainConfig configForNewRun(TrainConfig config) {
  const EnvInfo& info = EnvRegistry::instance().get(config.env);
  if (info.canonicalConfig) config.envConfig = info.canonicalConfig(config.envConfig);
  return config;
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& json) {
  JsonReader top(json, "");
  TrainConfig c;
  c.env = top.string("env", {}, "");
  if (c.env.empty()) throw ConfigError("env must name an environment, e.g. \"walker\"");
  c.envConfig = top.object("env_config");
  c.task = top.object("task");
  for (const auto& [name, value] : c.task.items())
    if (!value.is_number())
      throw ConfigError("task." + name + " must be a number, got " + value.dump());
  c.ppo = PpoConfig::fromJson(top.object("ppo"));

  JsonReader budget(top.object("budget"), "budget");
  if (auto steps = budget.optionalInteger("steps", 1, int64_t(1) << 50))
    c.maxSteps = static_cast<uint64_t>(*steps);
  c.maxMinutes = budget.optionalNumber("minutes", 1e-3, 1e6);
  budget.finish();
  if (!c.maxSteps && !c.maxMinutes)
    throw ConfigError("budget needs steps or minutes (e.g. --steps 1000000 or --minutes 15)");

  c.seed = static_cast<uint64_t>(top.integer("seed", 0, (int64_t(1) << 53), 1));
  c.threads = static_cast<int>(top.integer("threads", 0, 256, 0));

  JsonReader eval(top.object("eval"), "eval");
  c.eval.everySteps = static_cast<int>(eval.integer("every_steps", 1, 1'000'000'000, 250000));
  c.eval.episodes = static_cast<int>(eval.integer("episodes", 1, 1000, 10));
  c.eval.finalEpisodes = static_cast<int>(eval.integer("final_episodes", 1, 1000, 20));
  c.eval.bestCandidates = static_cast<int>(eval.integer("best_candidates", 0, 100, 3));
  c.eval.task = eval.object("task");
  for (const auto& [name, value] : c.eval.task.items())
    if (!value.is_number())
      throw ConfigError("eval.task." + name + " must be a number, got " + value.dump());
  eval.finish();

  JsonReader keep(top.object("keep_episodes"), "keep_episodes");
  c.keep.eval = keep.boolean("eval", true);
  c.keep.bestAndLast = keep.boolean("best_and_last", true);
  c.keep.sampleRate = keep.number("sample_rate", 0.0, 1.0, 0.002);
  keep.finish();

  const nlohmann::json frozen = top.object("frozen_slots");
  for (const auto& [slot, value] : frozen.items()) {
    const std::string path = "frozen_slots." + slot;
    (void)JsonReader(value, path);  // throws unless an object
    nlohmann::json withoutCheckpoint = value;
    withoutCheckpoint.erase("checkpoint");  // a string or an integer: read below
    JsonReader entry(withoutCheckpoint, path);
    FrozenSlotConfig f;
    const auto run = entry.optionalInteger("run", 1, int64_t(1) << 53);
    if (!run) throw ConfigError(path + ".run must name the run whose checkpoint drives the slot");
    f.run = *run;
    if (const auto checkpoint = value.find("checkpoint"); checkpoint != value.end()) {
      if (checkpoint->is_number_integer() && checkpoint->template get<int64_t>() > 0)
        f.checkpoint = std::to_string(checkpoint->template get<int64_t>());
      else if (checkpoint->is_string() &&
               (*checkpoint == "best" || *checkpoint == "latest"))
        f.checkpoint = checkpoint->template get<std::string>();
      else
        throw ConfigError(path + ".checkpoint must be \"best\", \"latest\" or a checkpoint id, got " +
                          checkpoint->dump());
    }
    entry.finish();
    c.frozenSlots[slot] = f;
  }
  const nlohmann::json opponents = top.object("opponents");
  if (!opponents.empty()) c.opponents = OpponentsSection::fromJson(opponents).toJson();
  c.learnSlot = top.string("learn_slot", {}, "");
  if (!c.learnSlot.empty() && c.frozenSlots.empty() && c.opponents.is_null())
    throw ConfigError(
        "learn_slot needs frozen_slots or opponents: without them the policy learns every slot");
  if (c.frozenSlots.count(c.learnSlot))
    throw ConfigError("learn_slot \"" + c.learnSlot + "\" is also in frozen_slots: a slot is learned or frozen");

  // Checked against the env's task space when a session is built (TrainingSession::check).
  const nlohmann::json curriculum = top.object("curriculum");
  if (!curriculum.empty()) c.curriculum = curriculum;
  const nlohmann::json testSet = top.object("test_set");
  if (!testSet.empty()) c.testSet = testSet;

  top.finish();
  return c;
}

namespace {

TaskValues taskOf(const TaskSpace& tasks, const nlohmann::json& task, const std::string& field) {
  std::map<std::string, double> values;
  for (const auto& [name, value] : task.items()) {
    if (!value.is_number())
      throw ConfigError(field + "." + name + " must be a number, got " + value.dump());
    values[name] = value.get<double>();
  }
  try {
    return tasks.fromMap(values);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(field + ": " + e.what());
  }
}

}  // namespace

TaskValues TrainConfig::taskValues(const TaskSpace& tasks) const {
  return taskOf(tasks, task, "task");
}

TaskValues TrainConfig::evalTaskValues(const TaskSpace& tasks) const {
  if (eval.task.empty()) return taskValues(tasks);
  return taskOf(tasks, mergeConfig(task, eval.task), "eval.task");
}

const std::vector<ConfigFieldDoc>& TrainConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = [] {
    std::vector<ConfigFieldDoc> d = {
        {"env", "The simulation to train, by name (walker, fight)."},
        {"env_config",
         "The simulation's own settings (its fields are listed with each simulation)."},
        {"task",
         "Fixed task parameters {name: value} of every episode; absent ones take the simulation's "
         "defaults."},
        {"seed",
         "Master seed: episode seeds and initial weights derive from it, so a seed and a config "
         "train the same run."},
        {"threads", "Worker threads for stepping envs and computing gradients; 0 uses every core."},
        {"budget.steps",
         "The run stops after this many env steps (all envs together; CleanRL's total_timesteps). "
         "With "
         "minutes as well, whichever is reached first stops it. Empty: no step limit."},
        {"budget.minutes",
         "The run stops after this many minutes of training (pauses do not count). With steps as "
         "well, "
         "whichever is reached first stops it. Empty: no time limit."},
        {"eval.every_steps", "Evaluate, and store a checkpoint, every this many env steps."},
        {"eval.episodes", "Deterministic evaluation episodes at each checkpoint during training."},
        {"eval.final_episodes", "Deterministic evaluation episodes at the end of the run."},
        {"eval.best_candidates",
         "At the end, the checkpoints with this many best periodic evaluations are evaluated "
         "again over final_episodes; the best becomes the run's result (0: the final one only)."},
        {"eval.task",
         "Overrides of the task for evaluations, the best-checkpoint selection and test sets "
         "(e.g. a self-play fight run evaluated against the CPU: {\"cpu_level\": 8}). Empty: "
         "evaluations play the task above."},
        {"keep_episodes.eval", "Store every evaluation episode (for replays)."},
        {"keep_episodes.best_and_last",
         "Store the best and the last training episode of each evaluation interval."},
        {"keep_episodes.sample_rate", "Store this share (0 to 1) of the other training episodes."},
        {"frozen_slots",
         "Policy slots driven by a stored checkpoint while PPO learns another: {slot: {\"run\": "
         "RUN, \"checkpoint\": \"best\" | \"latest\" | ID}} (checkpoint defaults to best, the "
         "run's result). A frozen policy acts deterministically with its own observation "
         "normaliser, never changes, and its agents are left out of the loss and the statistics; "
         "its actions are stored with each episode like any other. Its spaces must be the env's. "
         "Empty: the policy drives every slot."},
        {"learn_slot",
         "With frozen_slots: the slot PPO learns, whose returns the metrics and evaluations "
         "report (default: the first slot not frozen). Every slot that drives agents must be "
         "frozen or this one."},
    };
    d.push_back({"curriculum",
                 "A teacher that chooses each episode's task within bounds of the task space "
                 "(the task above fills the parameters it does not choose, and is where ADR "
                 "starts); evaluations keep the fixed task. Absent: every episode on the task."});
    for (const ConfigFieldDoc& field : Curriculum::docs())
      d.push_back({"curriculum." + field.path, field.meaning});
    d.push_back({"test_set",
                 "A fixed grid of test tasks every checkpoint is evaluated on (metrics "
                 "test/mastered_pct and test/mean_score; each task's score in the checkpoint's "
                 "meta). Absent: none."});
    for (const ConfigFieldDoc& field : TestSet::docs())
      d.push_back({"test_set." + field.path, field.meaning});
    d.push_back({"opponents",
                 "One slot driven by opponents drawn episode by episode from a weighted pool "
                 "(self play, fictitious self play, a league's matchmaking); the slot is never "
                 "learned. Absent: none."});
    for (const ConfigFieldDoc& field : OpponentsSection::docs())
      d.push_back({"opponents." + field.path, field.meaning});
    for (const ConfigFieldDoc& ppo : PpoConfig::docs())
      d.push_back({"ppo." + ppo.path, ppo.meaning});
    return d;
  }();
  return docs;
}

nlohmann::json TrainConfig::toJson() const {
  nlohmann::json j;
  j["env"] = env;
  j["env_config"] = envConfig;
  j["task"] = task;
  j["ppo"] = ppo.toJson();
  nlohmann::json budget = nlohmann::json::object();
  budget["steps"] = maxSteps ? nlohmann::json(*maxSteps) : nlohmann::json(nullptr);
  budget["minutes"] = maxMinutes ? nlohmann::json(*maxMinutes) : nlohmann::json(nullptr);
  j["budget"] = budget;
  j["seed"] = seed;
  j["threads"] = threads;
  j["eval"] = {{"every_steps", eval.everySteps},
               {"episodes", eval.episodes},
               {"final_episodes", eval.finalEpisodes},
               {"best_candidates", eval.bestCandidates}};
  if (!eval.task.empty()) j["eval"]["task"] = eval.task;
  j["keep_episodes"] = {
      {"eval", keep.eval}, {"best_and_last", keep.bestAndLast}, {"sample_rate", keep.sampleRate}};
  j["frozen_slots"] = nlohmann::json::object();
  for (const auto& [slot, f] : frozenSlots) {
    const bool isId = f.checkpoint != "best" && f.checkpoint != "latest";
    j["frozen_slots"][slot] = {{"run", f.run},
                               {"checkpoint", isId ? nlohmann::json(std::stoll(f.checkpoint))
                                                   : nlohmann::json(f.checkpoint)}};
  }
  // Only with frozen slots, where it means something (fromJson refuses it without them).
  if (!frozenSlots.empty() || !opponents.is_null()) j["learn_slot"] = learnSlot;
  if (!opponents.is_null()) j["opponents"] = opponents;
  if (!curriculum.is_null()) j["curriculum"] = curriculum;
  if (!testSet.is_null()) j["test_set"] = testSet;
  return j;
}

}  // namespace palaestra
