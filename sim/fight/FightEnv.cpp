#include "fight/FightEnv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "fight/CpuController.h"
#include "fight/FightEngineBench.h"
#include "fight/FightPresets.h"
#include "fight/FightScene.h"
#include "util/Errors.h"
#include "util/Hash.h"
#include "util/SnapshotBytes.h"

namespace palaestra::fight {

namespace {

constexpr uint32_t kSnapshotMagic = 0x31544746;  // "FGT1"

// Frames a match can last at most: every round to its time-out, with a generous
// margin for the knock-out and round-over pauses.
int maxMatchFrames(const FightConfig& c, const MatchRules& rules) {
  return rules.maxRounds * (c.roundSeconds * kFramesPerSecond + c.roundBreakFrames + 600);
}

}  // namespace

FightEnv::FightEnv(const FightConfig& config, const Roster* roster)
    : config_(config),
      roster_(roster ? roster : &Roster::builtin()),
      decoders_{FightActionSet(config.actionRepeat), FightActionSet(config.actionRepeat)},
      delay_(config.observationDelay) {
  if (roster_->size() == 0)
    throw ConfigError("fight: no characters found (resources/fight/characters is empty)");
  spec_.name = "fight";
  agents_ = config_.mode == FightMode::Two ? 2 : 1;
  spec_.numAgents = agents_;
  spec_.observationSpace = Space::box(FightObservation::kSize, -1.0f, 1.0f);
  spec_.actionSpace = Space::discrete(
      config_.control == FightControl::Pad ? kPadCodes : FightActionSet::kActionCount);
  if (config_.mode == FightMode::Single) {
    spec_.policySlots = {"player"};
    spec_.policySlotOfAgent = {0};
  } else {
    spec_.policySlots = {"p1", "p2"};
    spec_.policySlotOfAgent = {0, config_.sharedPolicy ? 0 : 1};
  }
  const double last = roster_->size() - 1;
  std::vector<TaskParam> params = {
      {"character", 0, last, 0, true,
       config_.mode == FightMode::Single ? "the agent's character (index in the roster)"
                                         : "P1's character (index in the roster)"},
      {"opponent", 0, last, 0, true,
       config_.mode == FightMode::Single ? "the CPU's character (index in the roster)"
                                         : "P2's character (index in the roster)"}};
  if (config_.mode == FightMode::Single)
    params.push_back({"cpu_level", 1, 8, 1, true, "difficulty of the CPU opponent (1..8)"});
  else
    params.push_back({"cpu_level", 0, 8, 0, true,
                      "0: P2 is the second agent; 1..8: the CPU plays P2 at that level and P2's "
                      "actions are ignored (evaluating self-play and league agents against the CPU)"});
  spec_.tasks = TaskSpace(std::move(params));
  MatchRules rules;
  spec_.maxEpisodeSteps = maxMatchFrames(config_, rules) / config_.actionRepeat + 100;
  spec_.successReturn = 0.0;  // success is the win (EpisodeInfo "success"), see episodeInfo()
  spec_.secondsPerStep = static_cast<double>(config_.actionRepeat) / kFramesPerSecond;
  // Measured 4-9 KiB per env (match, CPU, decoders; conformance test) plus the delay buffer.
  spec_.memoryBytes =
      12.0 * 1024 + (config_.observationDelay + 1.0) * 2 * FightObservation::kSize * sizeof(float);
  spec_.overlayLayers = {{FightScene::kHitboxLayer, "Hitboxes", false},
                         {FightScene::kStateNameLayer, "State names", false}};
}

FightEnv::~FightEnv() = default;

void FightEnv::reset(uint64_t seed, const TaskValues& given) {
  // Two-mode tasks recorded before two mode had a cpu_level name only the characters: no CPU.
  TaskValues task = given;
  if (config_.mode == FightMode::Two && task.size() == 2) task.push_back(0.0);
  spec_.tasks.validate(task);
  const CharacterDef& p1 = roster_->at(static_cast<int>(task[0]));
  const CharacterDef& p2 = roster_->at(static_cast<int>(task[1]));
  MatchRules rules;
  rules.roundSeconds = config_.roundSeconds;
  rules.roundBreakFrames = config_.roundBreakFrames;
  match_ = std::make_unique<FightMatch>(p1, p2, rules);
  match_->reset(seed);
  if (config_.mode == FightMode::Single || task[2] > 0) {
    cpu_ = std::make_unique<CpuController>(p2, static_cast<int>(task[2]));
    // The CPU's random stream is derived from the match seed but differs from it.
    cpu_->reset(*match_, 1, seed ^ 0x9e3779b97f4a7c15ULL);
  } else {
    cpu_.reset();
  }
  for (auto& d : decoders_) d.reset();
  delay_.reset(*match_);
  lastPads_ = {};
  padActions_ = {};
  seed_ = seed;
  task_ = task;
  hasEpisode_ = true;
  steps_ = 0;
  damageTaken_ = {};
  return_ = {};
}

void FightEnv::observe(float* out) const {
  if (!hasEpisode_) throw std::logic_error("fight: observe() before reset()");
  for (int a = 0; a < agents_; ++a) {
    const auto features = delay_.observe(a);
    std::copy(features.begin(), features.end(), out + a * FightObservation::kSize);
  }
}

void FightEnv::addRoundEndReward(int winner, std::array<double, 2>& reward) const {
  if (winner != 0 && winner != 1) return;
  double bonus = config_.reward.roundWin;
  if (config_.reward.preset == FightRewardPreset::FightLadder) {
    const FighterState& w = match_->fighter(winner);
    const double full = std::max<int>(1, match_->character(winner).health);
    bonus *= 1.0 + std::max<int>(0, w.health) / full;
  }
  reward[static_cast<size_t>(winner)] += bonus;
  reward[static_cast<size_t>(1 - winner)] -= bonus;
}

void FightEnv::playFrame(std::array<double, 2>* reward) {
  std::array<PadState, 2> pads{};
  for (int p = 0; p < 2; ++p) {
    if (p == 1 && cpu_) {
      pads[1] = cpu_->decide(*match_);
    } else if (config_.control == FightControl::Pad) {
      pads[static_cast<size_t>(p)] = padActions_[static_cast<size_t>(p)];
    } else {
      pads[static_cast<size_t>(p)] =
          decoders_[static_cast<size_t>(p)].next(match_->fighter(p).facing);
    }
  }
  const std::array<int16_t, 2> before = {match_->fighter(0).health, match_->fighter(1).health};
  match_->step(pads[0], pads[1]);
  lastPads_ = pads;
  if (!reward) return;  // raw engine stepping (bench): no rewards, no observations
  std::array<double, 2> lost{};
  for (int p = 0; p < 2; ++p) {
    const int drop = before[static_cast<size_t>(p)] - match_->fighter(p).health;
    if (drop <= 0) continue;  // a new round refills health
    damageTaken_[static_cast<size_t>(p)] += drop;
    lost[static_cast<size_t>(p)] =
        config_.reward.preset == FightRewardPreset::Simple
            ? 100.0 * drop / std::max<int>(1, match_->character(p).health)
            : static_cast<double>(drop);
  }
  const FightRewardConfig& r = config_.reward;
  for (int p = 0; p < 2; ++p)
    (*reward)[static_cast<size_t>(p)] += r.scale * (r.dealt * lost[static_cast<size_t>(1 - p)] -
                                                    r.taken * lost[static_cast<size_t>(p)]);
  for (const FightEvent& e : match_->events())
    if (e.kind == FightEventKind::RoundOver) addRoundEndReward(e.player, *reward);
  delay_.push(*match_);
}

void FightEnv::takeActions(const float* actions) {
  if (!hasEpisode_) throw std::logic_error("fight: step() before reset()");
  if (match_->over())
    throw std::logic_error("fight: step() after the match ended; call reset() first");
  const int choices = spec_.actionSpace.counts[0];
  for (int a = 0; a < agents_; ++a) {
    const float v = actions[a];
    if (!std::isfinite(v) || v < 0 || v >= static_cast<float>(choices) || v != std::floor(v))
      throw std::invalid_argument("fight action of agent " + std::to_string(a) +
                                  " must be a whole number in [0, " + std::to_string(choices) +
                                  "), got " + std::to_string(v));
    const int action = static_cast<int>(v);
    if (a == 1 && cpu_) continue;  // the CPU plays P2: its agent's action is ignored
    if (config_.control == FightControl::Pad) {
      padActions_[static_cast<size_t>(a)] = PadState::fromCode(action);
    } else if (!decoders_[static_cast<size_t>(a)].busy()) {
      decoders_[static_cast<size_t>(a)].begin(action, match_->character(a).chargeFrames);
    }
  }
}

void FightEnv::playDecision(std::array<double, 2>* reward) {
  if (config_.control == FightControl::Pad) {
    playFrame(reward);
    return;
  }
  // Until one agent's decision is over (single mode: the agent's).
  for (;;) {
    playFrame(reward);
    if (match_->over()) return;
    for (int a = 0; a < agents_; ++a)
      if (!(a == 1 && cpu_) && !decoders_[static_cast<size_t>(a)].busy()) return;
  }
}

StepStatus FightEnv::step(const float* actions, float* rewards) {
  takeActions(actions);
  std::array<double, 2> reward{};
  playDecision(&reward);
  ++steps_;
  for (int a = 0; a < agents_; ++a) {
    rewards[a] = static_cast<float>(reward[static_cast<size_t>(a)]);
    return_[static_cast<size_t>(a)] += static_cast<double>(rewards[a]);
  }
  StepStatus status;
  status.terminated = match_->over();
  status.truncated = !status.terminated && steps_ >= spec_.maxEpisodeSteps;
  return status;
}

void FightEnv::stepPhysicsOnly(const float* actions) {
  takeActions(actions);
  playDecision(nullptr);
  ++steps_;
}

std::vector<uint8_t> FightEnv::snapshot() const {
  if (!hasEpisode_) throw std::logic_error("fight: snapshot() before reset()");
  std::vector<uint8_t> out;
  snapshotPut(out, kSnapshotMagic);
  const std::string configText = config_.toJson().dump();
  snapshotPutBytes(out, configText.data(), configText.size());
  snapshotPut(out, seed_);
  snapshotPut(out, static_cast<uint32_t>(task_.size()));
  for (double v : task_) snapshotPut(out, v);
  snapshotPut(out, static_cast<uint32_t>(steps_));
  snapshotPut(out, damageTaken_);
  snapshotPut(out, return_);
  snapshotPut(out, lastPads_);
  snapshotPut(out, padActions_);
  for (const auto& d : decoders_) snapshotPut(out, d.state());
  const auto matchBytes = match_->snapshot();
  snapshotPutBytes(out, matchBytes.data(), matchBytes.size());
  const auto cpuBytes = cpu_ ? cpu_->snapshot() : std::vector<uint8_t>{};
  snapshotPutBytes(out, cpuBytes.data(), cpuBytes.size());
  snapshotPut(out, static_cast<int32_t>(delay_.head()));
  snapshotPutBytes(out, delay_.data().data(), delay_.data().size_bytes());
  return out;
}

void FightEnv::restore(std::span<const uint8_t> data) {
  SnapshotReader in(data, "fight snapshot");
  if (in.take<uint32_t>() != kSnapshotMagic) throw std::invalid_argument("not a fight snapshot");
  const auto configBytes = in.takeBytes();
  const std::string configText(configBytes.begin(), configBytes.end());
  if (configText != config_.toJson().dump())
    throw std::invalid_argument("fight snapshot was taken with another config (" + configText +
                                ", this env has " + config_.toJson().dump() + ")");
  const auto seed = in.take<uint64_t>();
  const auto taskSize = in.take<uint32_t>();
  const bool olderTwoModeTask = config_.mode == FightMode::Two && taskSize == 2;
  if (taskSize != static_cast<uint32_t>(spec_.tasks.size()) && !olderTwoModeTask)
    throw std::invalid_argument("fight snapshot is malformed (task size)");
  TaskValues task(taskSize);
  for (auto& v : task) v = in.take<double>();
  if (olderTwoModeTask) task.push_back(0.0);
  const auto steps = in.take<uint32_t>();
  const auto damage = in.take<std::array<int64_t, 2>>();
  const auto returns = in.take<std::array<double, 2>>();
  const auto lastPads = in.take<std::array<PadState, 2>>();
  const auto padActions = in.take<std::array<PadState, 2>>();
  std::array<FightActionSet::State, 2> decoderStates{};
  for (auto& s : decoderStates) s = in.take<FightActionSet::State>();
  const auto matchBytes = in.takeBytes();
  const auto cpuBytes = in.takeBytes();
  const auto head = in.take<int32_t>();
  const auto delayBytes = in.takeBytes();
  if (!in.rest().empty()) throw std::invalid_argument("fight snapshot has trailing bytes");
  if (delayBytes.size() != delay_.data().size_bytes())
    throw std::invalid_argument("fight snapshot is malformed (observation delay buffer)");
  try {
    spec_.tasks.validate(task);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("fight snapshot has a bad task: ") + e.what());
  }
  reset(seed, task);
  match_->restore(matchBytes);
  if (cpu_) cpu_->restore(cpuBytes);
  std::vector<float> buffer(delay_.data().size());
  std::memcpy(buffer.data(), delayBytes.data(), delayBytes.size());
  delay_.restore(buffer, head);
  for (size_t a = 0; a < 2; ++a) decoders_[a].setState(decoderStates[a]);
  steps_ = static_cast<int>(steps);
  damageTaken_ = damage;
  return_ = returns;
  lastPads_ = lastPads;
  padActions_ = padActions;
}

uint64_t FightEnv::stateHash() const {
  StateHasher h;
  if (!hasEpisode_) return h.value();
  h.add(match_->stateHash());
  if (cpu_) {
    const auto cpuBytes = cpu_->snapshot();
    h.addBytes(cpuBytes.data(), cpuBytes.size());
  }
  for (const auto& d : decoders_) h.add(d.state());
  h.add(static_cast<int32_t>(delay_.head()));
  h.addBytes(delay_.data().data(), delay_.data().size_bytes());
  h.add(static_cast<int32_t>(steps_));
  h.add(damageTaken_);
  h.add(return_);
  h.add(lastPads_);
  h.add(padActions_);
  return h.value();
}

void FightEnv::describe(Scene& scene) const {
  FightSceneOptions options;
  if (!hasEpisode_) {
    FightScene::drawStage(scene, MatchRules{});
    return;
  }
  if (cpu_) options.names[1] = cpu_->name();
  FightScene::draw(*match_, scene, options);
}

EpisodeInfo FightEnv::episodeInfo() const {
  EpisodeInfo info;
  if (!hasEpisode_) {
    info.outcome = "running";
    return info;
  }
  const MatchState& s = match_->state();
  const bool over = match_->over();
  const bool win = over && s.matchWinner == 0;
  if (!over)
    info.outcome = steps_ >= spec_.maxEpisodeSteps ? "timeout" : "running";
  else
    info.outcome = s.matchWinner == 0 ? "win" : s.matchWinner == 1 ? "loss" : "draw";
  const double taken = static_cast<double>(damageTaken_[0]);
  info.values = {{"win", win ? 1.0 : 0.0},
                 {"rounds_won", s.fighters[0].roundsWon},
                 {"rounds_lost", s.fighters[1].roundsWon},
                 {"damage_dealt", static_cast<double>(damageTaken_[1])},
                 {"damage_taken", taken},
                 {"frames", static_cast<double>(s.frame)},
                 {"perfect", win && taken == 0 ? 1.0 : 0.0},
                 {"return", return_[0]},
                 {"success", win ? 1.0 : 0.0},
                 {"steps", static_cast<double>(steps_)}};
  return info;
}

EnvInfo fightEnvInfo() {
  EnvInfo info;
  info.name = "fight";
  info.description =
      "Fighting game: an agent against the CPU (single) or two agents (two), best of 3 rounds; "
      "facing-relative discrete actions with special-move macros, or raw pads";
  info.create = [](const nlohmann::json& envConfig) -> EnvPtr {
    return std::make_unique<FightEnv>(FightConfig::fromJson(envConfig));
  };
  info.presets = fightPresets();
  info.leaguePresets = fightLeaguePresets();
  info.defaultPreset = "default";
  info.configDocs = FightConfig::docs();
  info.engineBench = [](double seconds, int threads) {
    return benchFightEngine(Roster::builtin(), seconds, threads);
  };
  return info;
}

}  // namespace palaestra::fight
