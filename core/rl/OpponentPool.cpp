#include "rl/OpponentPool.h"

#include <algorithm>

#include "rl/FrozenSlots.h"
#include "util/Errors.h"
#include "util/Rng.h"

namespace palaestra {

namespace {

// The opponents' draws: a stream apart from the episode seeds (deriveSeed(seed, env, k)).
constexpr uint64_t kOpponentStream = 0x6f70706f6e656e74ULL;  // "opponent"

std::vector<std::pair<int, double>> resolveTask(const TaskSpace& tasks,
                                                const std::map<std::string, double>& values,
                                                const std::string& field) {
  std::vector<std::pair<int, double>> out;
  TaskValues probe = tasks.defaults();
  for (const auto& [name, value] : values) {
    const int index = tasks.indexOf(name);
    if (index < 0) throw ConfigError(field + "." + name + ": the env has no task parameter " + name);
    probe[static_cast<size_t>(index)] = value;
    out.emplace_back(index, value);
  }
  try {
    tasks.validate(probe);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(field + ": " + e.what());
  }
  return out;
}

}  // namespace

double episodeScore(const EpisodeInfo& info) {
  if (info.outcome == "win") return 1.0;
  if (info.outcome == "loss") return 0.0;
  return 0.5;
}

OpponentPool::OpponentPool(const EnvSpec& spec, int slot, std::vector<OpponentMember> members,
                           double selfWeight, std::map<std::string, double> task, uint64_t seed,
                           int numEnvs)
    : members_(std::move(members)),
      selfWeight_(selfWeight),
      slot_(slot),
      seed_(seed),
      slotOfAgent_(spec.policySlotOfAgent),
      actionSpace_(spec.actionSpace),
      obsDim_(spec.observationSpace.size()),
      actDim_(spec.actionSpace.size()),
      current_(static_cast<size_t>(std::max(0, numEnvs)), kSelf),
      streams_(static_cast<size_t>(std::max(0, numEnvs))),
      tallies_(members_.size() + 1) {
  poolTask_ = resolveTask(spec.tasks, task, "opponents.task");
  totalWeight_ = selfWeight_;
  for (size_t i = 0; i < members_.size(); ++i) {
    const OpponentMember& m = members_[i];
    const std::string field = "opponents.members[" + std::to_string(i) + "]";
    if (m.policy && (!sameSpace(m.policy->observationSpace(), spec.observationSpace) ||
                     !sameSpace(m.policy->actionSpace(), spec.actionSpace)))
      throw ConfigError(field + " (" + m.name + "): the policy observes " +
                        m.policy->observationSpace().describe() + " and acts in " +
                        m.policy->actionSpace().describe() + ", but " + spec.name + " observes " +
                        spec.observationSpace.describe() + " and acts in " +
                        spec.actionSpace.describe());
    memberTasks_.push_back(resolveTask(spec.tasks, m.task, field + ".task"));
    totalWeight_ += m.weight;
  }
  if (!(totalWeight_ > 0)) throw ConfigError("opponents: no opponent has a positive weight");
}

bool OpponentPool::isOpponentAgent(int agent) const {
  return slotOfAgent_[static_cast<size_t>(agent)] == slot_;
}

TaskValues OpponentPool::beginEpisode(int env, uint64_t episode, TaskValues task) {
  Rng rng(deriveSeed(seed_ ^ kOpponentStream, static_cast<uint64_t>(env), episode));
  double pick = rng.uniform() * totalWeight_;
  int chosen = kSelf;
  for (size_t i = 0; i < members_.size(); ++i) {
    if (members_[i].weight <= 0) continue;
    if (pick < members_[i].weight) {
      chosen = static_cast<int>(i);
      break;
    }
    pick -= members_[i].weight;
  }
  if (chosen == kSelf && selfWeight_ <= 0) {
    // Rounding left the pick past the last weight: the last member with weight.
    for (size_t i = members_.size(); i-- > 0;)
      if (members_[i].weight > 0) {
        chosen = static_cast<int>(i);
        break;
      }
  }
  current_[static_cast<size_t>(env)] = chosen;
  streams_[static_cast<size_t>(env)].reseed(rng.next());
  for (const auto& [index, value] : poolTask_) task[static_cast<size_t>(index)] = value;
  if (chosen != kSelf)
    for (const auto& [index, value] : memberTasks_[static_cast<size_t>(chosen)])
      task[static_cast<size_t>(index)] = value;
  return task;
}

void OpponentPool::act(const float* rawObs, int envs, float* actions) {
  const int agents = static_cast<int>(slotOfAgent_.size());
  thread_local std::vector<float> obs, out;
  thread_local std::vector<size_t> rows;
  thread_local std::vector<Rng*> rowStreams;
  Rng unused(0);  // deterministic acting draws nothing
  for (size_t m = 0; m < members_.size(); ++m) {
    const Policy* policy = members_[m].policy.get();
    if (!policy) continue;
    rows.clear();
    rowStreams.clear();
    for (int e = 0; e < envs; ++e) {
      if (current_[static_cast<size_t>(e)] != static_cast<int>(m)) continue;
      for (int a = 0; a < agents; ++a)
        if (slotOfAgent_[static_cast<size_t>(a)] == slot_) {
          rows.push_back(static_cast<size_t>(e) * agents + a);
          rowStreams.push_back(&streams_[static_cast<size_t>(e)]);
        }
    }
    if (rows.empty()) continue;
    obs.resize(rows.size() * obsDim_);
    out.resize(rows.size() * actDim_);
    for (size_t k = 0; k < rows.size(); ++k)
      std::copy_n(rawObs + rows[k] * obsDim_, obsDim_, obs.data() + k * obsDim_);
    if (sampleActions_)
      policy->actSampling(obs.data(), static_cast<int>(rows.size()), rowStreams.data(), out.data());
    else
      policy->act(obs.data(), static_cast<int>(rows.size()), true, unused, out.data());
    actionSpace_.quantize(out);
    for (size_t k = 0; k < rows.size(); ++k)
      std::copy_n(out.data() + k * actDim_, actDim_, actions + rows[k] * actDim_);
  }
}

void OpponentPool::recordScore(int env, double score) {
  const int chosen = current_[static_cast<size_t>(env)];
  const size_t index = chosen == kSelf ? members_.size() : static_cast<size_t>(chosen);
  std::lock_guard<std::mutex> lock(tallyMutex_);
  tallies_[index].games++;
  tallies_[index].score += score;
}

std::vector<OpponentTally> OpponentPool::tallies() const {
  std::lock_guard<std::mutex> lock(tallyMutex_);
  return tallies_;
}

}  // namespace palaestra
