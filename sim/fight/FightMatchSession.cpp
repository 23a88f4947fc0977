#include "fight/FightMatchSession.h"

#include <chrono>
#include <exception>
#include <utility>

#include "fight/CharacterLoader.h"
#include "fight/CpuController.h"
#include "fight/FightActionSet.h"
#include "fight/FightConfig.h"
#include "fight/FightEnv.h"
#include "fight/FightObservation.h"
#include "rl/Policy.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra::fight {

namespace {

// A match's outcome as people say it: the env reports P1's view ("win", "loss", "draw") and
// "running" for a match that has not ended, which here means it was quit.
std::string matchOutcome(const std::string& envOutcome) {
  if (envOutcome == "win") return "p1 won";
  if (envOutcome == "loss") return "p2 won";
  if (envOutcome == "running") return "quit";
  return envOutcome;
}

double secondsSinceEpoch() {
  using namespace std::chrono;
  return static_cast<double>(
             duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()) /
         1000.0;
}

}  // namespace

nlohmann::json FightMatchSession::playEnvConfig() {
  // The round break stays frozen long enough for people to see who won the round.
  return {{"mode", "two"}, {"control", "pad"}, {"round_break_frames", 90}};
}

FightMatchSession::FightMatchSession(const FightMatchSetup& setup, std::shared_ptr<RunStore> store)
    : setup_(setup), store_(std::move(store)) {
  if (!store_) throw ConfigError("No run store is open to keep the match in.");
  const Roster* roster = nullptr;
  try {
    roster = &Roster::builtin();
  } catch (const std::exception& e) {
    throw ConfigError(std::string("The characters could not be loaded: ") + e.what());
  }
  for (int c : {setup.p1Character, setup.p2Character})
    if (c < 0 || c >= roster->size())
      throw ConfigError("There is no character " + std::to_string(c) + " (the roster has " +
                        std::to_string(roster->size()) + ").");
  if (setup.opponent == FightMatchSetup::Opponent::Cpu &&
      (setup.cpuLevel < 1 || setup.cpuLevel > 8))
    throw ConfigError("The CPU level must be 1..8, not " + std::to_string(setup.cpuLevel) + ".");

  const CharacterDef& p1 = roster->at(setup.p1Character);
  const CharacterDef& p2 = roster->at(setup.p2Character);
  std::string opponentName;
  switch (setup.opponent) {
    case FightMatchSetup::Opponent::Cpu:
      cpu_ = std::make_unique<CpuController>(p2, setup.cpuLevel);
      opponentName = "CPU L" + std::to_string(setup.cpuLevel);
      break;
    case FightMatchSetup::Opponent::Person:
      opponentName = "P2";
      break;
    case FightMatchSetup::Opponent::Agent: {
      const Checkpoint checkpoint = store_->loadCheckpoint(setup.agentCheckpointId);
      const RunInfo run = store_->getRun(checkpoint.info.runId);
      const std::string checkpointName = "Checkpoint " + std::to_string(setup.agentCheckpointId);
      if (run.env != "fight")
        throw ConfigError(checkpointName + " belongs to run \"" + run.name + "\" of env \"" +
                          run.env + "\", not a fight run.");
      const StoredRunConfig trained = readStoredRunConfig(run);
      const FightConfig fightConfig = FightConfig::fromJson(trained.envConfig);
      if (fightConfig.control != FightControl::Actions)
        throw ConfigError("Run \"" + run.name +
                          "\" trained on raw pads; only agents of the action set can play here.");
      auto policy = std::make_shared<Policy>(Policy::deserialize(checkpoint.policy));
      if (policy->obsDim() != FightObservation::kSize || policy->actionDim() != 1)
        throw ConfigError(checkpointName + " does not fit the fight: it observes " +
                          std::to_string(policy->obsDim()) + " floats (the fight gives " +
                          std::to_string(FightObservation::kSize) + ").");
      agent_ = std::move(policy);
      agentDecoder_ = std::make_unique<FightActionSet>(fightConfig.actionRepeat);
      agentObservations_ = std::make_unique<FightObservationDelay>(fightConfig.observationDelay);
      opponentName = "agent " + run.name + " @" + std::to_string(checkpoint.info.step);
      break;
    }
  }

  env_ = std::make_unique<FightEnv>(FightConfig::fromJson(playEnvConfig()), roster);
  // The run's config describes the match (who played whom, how), not training settings; replays
  // read the env, its config, the task and the seed from it (StoredRunConfig).
  nlohmann::json p2Side = {{"character", p2.id}};
  switch (setup.opponent) {
    case FightMatchSetup::Opponent::Cpu:
      p2Side["control"] = "cpu";
      p2Side["cpu_level"] = setup.cpuLevel;
      break;
    case FightMatchSetup::Opponent::Person:
      p2Side["control"] = "keyboard";
      break;
    case FightMatchSetup::Opponent::Agent:
      p2Side["control"] = "agent";
      p2Side["checkpoint_id"] = setup.agentCheckpointId;
      p2Side["agent"] = opponentName;
      break;
  }
  const nlohmann::json match = {{"p1", {{"character", p1.id}, {"control", "keyboard"}}},
                                {"p2", p2Side},
                                {"training_mode", setup.trainingMode}};
  const nlohmann::json config = StoredRunConfig::playConfig(
      "fight", playEnvConfig(), {{"character", setup.p1Character}, {"opponent", setup.p2Character}},
      setup.seed, match);
  try {
    StoredRunConfig::parse(config.dump());  // what replays read back must parse
    NewRun newRun;
    newRun.name = "Play: " + p1.id + " vs " + p2.id + " " + opponentName;
    newRun.env = "fight";
    newRun.configJson = config.dump();
    newRun.seed = setup.seed;
    newRun.notes = "A person's match played in the app (P1: keyboard; P2: " + opponentName + ").";
    runId_ = store_->createRun(newRun);
    store_->setTags(runId_, {"play"});
  } catch (const std::exception& e) {
    throw ConfigError(std::string("The match cannot be stored: ") + e.what());
  }

  names_ = {p1.displayName + " (P1)", p2.displayName + " (" + opponentName + ")"};
  restartRecording();
  running_ = true;
}

FightMatchSession::~FightMatchSession() = default;

void FightMatchSession::restartRecording() {
  // The two-player env's task names both characters (it has no CPU, so no level).
  const TaskSpace& space = env_->spec().tasks;
  TaskValues task = space.defaults();
  task[static_cast<size_t>(space.indexOf("character"))] = setup_.p1Character;
  task[static_cast<size_t>(space.indexOf("opponent"))] = setup_.p2Character;
  env_->reset(setup_.seed, task);
  if (cpu_) cpu_->reset(env_->match(), 1, setup_.seed);
  if (agentDecoder_) agentDecoder_->reset();
  if (agentObservations_) agentObservations_->reset(env_->match());
  record_ = EpisodeRecord{};
  record_.seed = setup_.seed;
  record_.task = task;
  record_.actionSize = 2;
  record_.hashes.push_back(env_->stateHash());
  agentReturns_.assign(2, 0.0);
}

void FightMatchSession::restart() {
  if (running_) restartRecording();
}

PadState FightMatchSession::opponentPad(PadState p2Person) {
  const FightMatch& match = env_->match();
  switch (setup_.opponent) {
    case FightMatchSetup::Opponent::Cpu:
      return cpu_->decide(match);
    case FightMatchSetup::Opponent::Person:
      return p2Person;
    case FightMatchSetup::Opponent::Agent: {
      if (!agentDecoder_->busy()) {
        const auto obs = agentObservations_->observe(1);
        float action = 0.0f;
        // Deterministic acting; the stream is seeded per frame so a replay needs no agent state.
        Rng rng(setup_.seed + static_cast<uint64_t>(record_.length));
        agent_->act(obs.data(), 1, true, rng, &action);
        agentDecoder_->begin(static_cast<int>(action), match.character(1).chargeFrames);
      }
      return agentDecoder_->next(match.fighter(1).facing);
    }
  }
  return {};
}

void FightMatchSession::playFrame(PadState p1, PadState p2Person) {
  if (!running_) return;
  const PadState p2 = opponentPad(p2Person);
  const float actions[2] = {static_cast<float>(p1.code()), static_cast<float>(p2.code())};
  float rewards[2] = {0.0f, 0.0f};
  const StepStatus status = env_->step(actions, rewards);
  record_.actions.insert(record_.actions.end(), actions, actions + 2);
  record_.hashes.push_back(env_->stateHash());
  record_.length++;
  agentReturns_[0] += rewards[0];
  agentReturns_[1] += rewards[1];
  if (agentObservations_) agentObservations_->push(env_->match());
  record_.terminated = status.terminated;
  record_.truncated = status.truncated;
  if (status.terminated || status.truncated) finish();
}

void FightMatchSession::quit() {
  if (running_) finish();
}

void FightMatchSession::finish() {
  running_ = false;
  record_.info = env_->episodeInfo();
  record_.info.outcome = matchOutcome(record_.info.outcome);
  const EnvSpec& spec = env_->spec();
  record_.slotReturns.assign(spec.policySlots.size(), 0.0);
  std::vector<int> agentsOfSlot(spec.policySlots.size(), 0);
  for (int a = 0; a < spec.numAgents; ++a) {
    const auto slot = static_cast<size_t>(spec.policySlotOfAgent[static_cast<size_t>(a)]);
    record_.slotReturns[slot] += agentReturns_[static_cast<size_t>(a)];
    agentsOfSlot[slot]++;
  }
  for (size_t s = 0; s < agentsOfSlot.size(); ++s)
    if (agentsOfSlot[s] > 0) record_.slotReturns[s] /= agentsOfSlot[s];
  try {
    storedEpisode_ = store_->addEpisodeNow(runId_, std::nullopt, EpisodeKind::Play, record_);
    RunUpdate update;
    update.status = RunStatus::Finished;
    update.steps = record_.length;
    update.endedAt = secondsSinceEpoch();
    store_->updateRun(runId_, update);
  } catch (const std::exception& e) {
    storeError_ = e.what();
  }
}

}  // namespace palaestra::fight
