#include "conformance/EnvConformance.h"

#include <QtTest>

#include <malloc.h>

#include <cmath>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "replay/ReplayVerifier.h"

namespace palaestra::testing {

namespace {

// Verifies `cond`; on failure QTest records `message` with this file and line and the
// enclosing check returns false, so the first violated property is the one reported.
// Where failures go when the caller asked for them instead of QTest reports.
thread_local std::string* capturedFailure = nullptr;

bool conform(bool ok, const char* expression, const std::string& message, const char* file,
             int line) {
  if (ok) return true;
  if (capturedFailure) {
    *capturedFailure = message + " [" + expression + "]";
    return false;
  }
  return QTest::qVerify(false, expression, message.c_str(), file, line);
}

// The message is built only on failure: checks run per observation value of every agent, and
// formatting each message eagerly cost seconds per swarm preset.
#define CONFORM(cond, message)                                                       \
  do {                                                                               \
    if (!static_cast<bool>(cond) &&                                                  \
        !conform(false, #cond, std::string(message), __FILE__, __LINE__))            \
      return false;                                                                  \
  } while (false)

template <typename... Parts>
std::string str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

std::string taskText(const TaskValues& task) {
  std::ostringstream out;
  out << "{";
  for (size_t i = 0; i < task.size(); ++i) out << (i ? ", " : "") << task[i];
  out << "}";
  return out.str();
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Sizes of one env step's buffers.
struct Shape {
  int agents = 1, obs = 0, act = 0;
  explicit Shape(const EnvSpec& s)
      : agents(s.numAgents), obs(s.observationSpace.size()), act(s.actionSpace.size()) {}
  size_t obsTotal() const { return static_cast<size_t>(agents) * obs; }
  size_t actTotal() const { return static_cast<size_t>(agents) * act; }
};

// Everything observable about one run of an env: per reset and per step.
struct Trace {
  std::vector<std::vector<float>> observations;  // after reset, then after each step
  std::vector<std::vector<float>> rewards;       // per step
  std::vector<uint64_t> hashes;                  // after reset, then after each step
  std::vector<StepStatus> statuses;              // per step
  int length() const { return static_cast<int>(statuses.size()); }
  bool ended() const {
    return !statuses.empty() && (statuses.back().terminated || statuses.back().truncated);
  }
};

// `steps` random actions (numAgents x action size each) from a seeded stream.
std::vector<float> randomActions(const EnvSpec& spec, uint64_t seed, int steps) {
  const Shape shape(spec);
  std::vector<float> actions(shape.actTotal() * static_cast<size_t>(steps));
  Rng rng(seed);
  for (size_t i = 0; i < actions.size(); i += shape.act)
    sampleAction(spec.actionSpace, rng, actions.data() + i);
  return actions;
}

// Resets `env` and feeds it `actions` until they run out or the episode ends.
Trace runTrace(Env& env, uint64_t seed, const TaskValues& task, const std::vector<float>& actions) {
  const Shape shape(env.spec());
  Trace trace;
  env.reset(seed, task);
  std::vector<float> obs(shape.obsTotal()), rewards(shape.agents);
  env.observe(obs.data());
  trace.observations.push_back(obs);
  trace.hashes.push_back(env.stateHash());
  for (size_t at = 0; at + shape.actTotal() <= actions.size(); at += shape.actTotal()) {
    const StepStatus status = env.step(actions.data() + at, rewards.data());
    env.observe(obs.data());
    trace.observations.push_back(obs);
    trace.rewards.push_back(rewards);
    trace.hashes.push_back(env.stateHash());
    trace.statuses.push_back(status);
    if (status.terminated || status.truncated) break;
  }
  return trace;
}

// Compares trace `b` (which starts at step `offset` of `a`) with `a`, bit for bit.
bool sameTrace(const Trace& a, const Trace& b, int offset, const std::string& what) {
  CONFORM(b.length() + offset <= a.length(),
          str(what, ": ran ", b.length(), " steps from step ", offset, ", reference has ",
              a.length()));
  for (int t = 0; t <= b.length(); ++t) {
    const int at = t + offset;
    CONFORM(a.hashes[at] == b.hashes[t], str(what, ": state hash differs at step ", at));
    CONFORM(sameBits(a.observations[at], b.observations[t]),
            str(what, ": observation differs at step ", at));
    if (t == 0) continue;
    CONFORM(sameBits(a.rewards[at - 1], b.rewards[t - 1]),
            str(what, ": reward differs at step ", at));
    CONFORM(a.statuses[at - 1].terminated == b.statuses[t - 1].terminated &&
                a.statuses[at - 1].truncated == b.statuses[t - 1].truncated,
            str(what, ": episode end flags differ at step ", at));
  }
  return true;
}

bool checkSpec(const EnvSpec& spec) {
  CONFORM(!spec.name.empty(), "spec.name is empty");
  CONFORM(spec.numAgents >= 1, str("numAgents = ", spec.numAgents));
  CONFORM(static_cast<int>(spec.policySlotOfAgent.size()) == spec.numAgents,
          str("policySlotOfAgent has ", spec.policySlotOfAgent.size(), " entries for ",
              spec.numAgents, " agents"));
  CONFORM(!spec.policySlots.empty(), "no policy slots declared");
  for (int a = 0; a < spec.numAgents; ++a)
    CONFORM(spec.policySlotOfAgent[a] >= 0 &&
                spec.policySlotOfAgent[a] < static_cast<int>(spec.policySlots.size()),
            str("agent ", a, " is driven by undeclared policy slot ", spec.policySlotOfAgent[a]));
  for (const Space* space : {&spec.observationSpace, &spec.actionSpace}) {
    CONFORM(space->size() > 0, str("empty space ", space->describe()));
    if (space->kind == SpaceKind::Box) {
      CONFORM(space->low.size() == space->high.size(), "box bounds of different sizes");
      for (size_t i = 0; i < space->low.size(); ++i)
        CONFORM(!std::isnan(space->low[i]) && !std::isnan(space->high[i]) &&
                    space->low[i] <= space->high[i],
                str("box dimension ", i, " has bounds [", space->low[i], ", ", space->high[i], "]"));
      CONFORM(std::isfinite(space->quantum) && space->quantum >= 0.0f,
              str("box quantum is ", space->quantum));
      // Every dimension must hold a multiple of the quantum, or nothing could be applied.
      if (space->quantum > 0.0f)
        for (size_t i = 0; i < space->low.size(); ++i)
          CONFORM(std::floor(space->high[i] / space->quantum) * space->quantum >= space->low[i],
                  str("box dimension ", i, " [", space->low[i], ", ", space->high[i],
                      "] holds no multiple of the quantum ", space->quantum));
    } else {
      for (int c : space->counts) CONFORM(c > 0, str("discrete space with ", c, " choices"));
      CONFORM(space->quantum == 0.0f, str("discrete space with quantum ", space->quantum));
    }
  }
  CONFORM(spec.maxEpisodeSteps > 0, str("maxEpisodeSteps = ", spec.maxEpisodeSteps));
  CONFORM(std::isfinite(spec.successReturn), "successReturn is not finite");
  for (const auto& p : spec.tasks.params()) {
    CONFORM(!p.name.empty(), "task parameter without a name");
    CONFORM(std::isfinite(p.low) && std::isfinite(p.high) && p.low <= p.high,
            str("task parameter '", p.name, "' has bounds [", p.low, ", ", p.high, "]"));
    CONFORM(p.defaultValue >= p.low && p.defaultValue <= p.high,
            str("task parameter '", p.name, "' default ", p.defaultValue, " is out of bounds"));
  }
  return true;
}

// Random-action episodes run to their end: observations in the space and finite, rewards
// finite, step counter right, and the end exactly at the limit unless terminated earlier.
bool checkRandomEpisodes(Env& env, const std::vector<TaskValues>& tasks,
                         const ConformanceOptions& options) {
  const EnvSpec& spec = env.spec();
  const Shape shape(spec);
  std::vector<float> obs(shape.obsTotal()), actions(shape.actTotal()), rewards(shape.agents);
  Rng rng(options.seed ^ 0x5eedULL);
  auto checkObservation = [&](int step, const TaskValues& task) {
    env.observe(obs.data());
    for (int a = 0; a < shape.agents; ++a) {
      const std::span<const float> row(obs.data() + static_cast<size_t>(a) * shape.obs, shape.obs);
      for (size_t i = 0; i < row.size(); ++i)
        CONFORM(std::isfinite(row[i]), str("observation ", i, " of agent ", a, " is ", row[i],
                                           " at step ", step, " of task ", taskText(task)));
      if (!spec.observationSpace.contains(row)) {
        std::string bad;
        for (size_t i = 0; i < row.size() && bad.empty(); ++i)
          if (spec.observationSpace.kind == SpaceKind::Box &&
              (row[i] < spec.observationSpace.low[i] || row[i] > spec.observationSpace.high[i]))
            bad = str(" (dimension ", i, " = ", row[i], ")");
        CONFORM(false, str("observation of agent ", a, " outside ",
                           spec.observationSpace.describe(), bad, " at step ", step));
      }
    }
    return true;
  };
  int episode = 0;
  for (const TaskValues& task : tasks) {
    for (int e = 0; e < options.episodesPerTask; ++e, ++episode) {
      env.reset(options.seed + 1000 + episode, task);
      CONFORM(env.episodeStep() == 0, str("episodeStep() = ", env.episodeStep(), " after reset"));
      if (!checkObservation(0, task)) return false;
      bool ended = false;
      while (!ended) {
        for (int a = 0; a < shape.agents; ++a) {
          float* row = actions.data() + static_cast<size_t>(a) * shape.act;
          sampleAction(spec.actionSpace, rng, row);
          CONFORM(spec.actionSpace.contains(std::span<const float>(row, shape.act)),
                  str("a sampled action is outside ", spec.actionSpace.describe()));
        }
        const StepStatus status = env.step(actions.data(), rewards.data());
        const int step = env.episodeStep();
        for (int a = 0; a < shape.agents; ++a)
          CONFORM(std::isfinite(rewards[a]),
                  str("reward of agent ", a, " is ", rewards[a], " at step ", step));
        if (!checkObservation(step, task)) return false;
        CONFORM(step <= spec.maxEpisodeSteps,
                str("episode ran to step ", step, " past maxEpisodeSteps ", spec.maxEpisodeSteps));
        CONFORM(!status.truncated || step == spec.maxEpisodeSteps,
                str("truncated at step ", step, ", limit is ", spec.maxEpisodeSteps));
        CONFORM(step < spec.maxEpisodeSteps || status.terminated || status.truncated,
                str("episode neither terminated nor truncated at the limit ", step));
        ended = status.terminated || status.truncated;
      }
      CONFORM(!env.episodeInfo().outcome.empty(), "episodeInfo().outcome is empty at the end");
    }
  }
  return true;
}

// Same seed, task and actions => identical runs (also after a second reset of the same env);
// another seed => another run; the hash is stable under reads and moves with the state.
bool checkDeterminism(const std::function<EnvPtr()>& makeEnv, const TaskValues& task,
                      const ConformanceOptions& options) {
  EnvPtr a = makeEnv(), b = makeEnv(), c = makeEnv();
  const auto actions = randomActions(a->spec(), options.seed ^ 0xacULL, options.comparedSteps);
  const Trace ta = runTrace(*a, options.seed, task, actions);
  const Trace tb = runTrace(*b, options.seed, task, actions);
  if (!sameTrace(ta, tb, 0, "two envs, same seed, task and actions")) return false;
  const Trace again = runTrace(*a, options.seed, task, actions);
  if (!sameTrace(ta, again, 0, "same env reset again with the same seed")) return false;

  const Trace other = runTrace(*c, options.seed + 7, task, actions);
  bool differs = false;
  for (size_t t = 0; t < other.hashes.size() && t < ta.hashes.size(); ++t)
    differs = differs || other.hashes[t] != ta.hashes[t];
  CONFORM(differs, "a different seed gave the same state hashes");

  for (size_t t = 0; t + 1 < ta.hashes.size(); ++t)
    CONFORM(ta.hashes[t] != ta.hashes[t + 1], str("stateHash unchanged by step ", t + 1));
  const uint64_t h = a->stateHash();
  std::vector<float> obs(Shape(a->spec()).obsTotal());
  a->observe(obs.data());
  Scene scene;
  a->describe(scene);
  a->episodeInfo();
  CONFORM(a->stateHash() == h, "stateHash changed by observe/describe/episodeInfo");
  return true;
}

// A snapshot taken mid-episode and restored into a fresh env continues bit-identically.
bool checkSnapshot(const std::function<EnvPtr()>& makeEnv, const TaskValues& task,
                   const ConformanceOptions& options) {
  EnvPtr a = makeEnv();
  const Shape shape(a->spec());
  const auto actions = randomActions(a->spec(), options.seed ^ 0x5aULL, options.comparedSteps);
  const Trace full = runTrace(*a, options.seed + 3, task, actions);
  int k = std::min(options.snapshotStep, full.length() - 1);
  if (k < 0) k = 0;

  for (int at : {0, k}) {
    a->reset(options.seed + 3, task);
    std::vector<float> rewards(shape.agents);
    for (int t = 0; t < at; ++t) a->step(actions.data() + t * shape.actTotal(), rewards.data());
    const std::vector<uint8_t> snap = a->snapshot();
    CONFORM(a->stateHash() == full.hashes[at], str("snapshot() changed the state at step ", at));

    EnvPtr fresh = makeEnv();
    fresh->restore(snap);
    CONFORM(fresh->episodeStep() == at,
            str("restored episodeStep() = ", fresh->episodeStep(), ", snapshot was at ", at));
    const std::vector<float> rest(actions.begin() + static_cast<ptrdiff_t>(at * shape.actTotal()),
                                  actions.begin() + static_cast<ptrdiff_t>(full.length() * shape.actTotal()));
    Trace cont;
    std::vector<float> obs(shape.obsTotal());
    fresh->observe(obs.data());
    cont.observations.push_back(obs);
    cont.hashes.push_back(fresh->stateHash());
    for (size_t i = 0; i < rest.size(); i += shape.actTotal()) {
      cont.statuses.push_back(fresh->step(rest.data() + i, rewards.data()));
      fresh->observe(obs.data());
      cont.observations.push_back(obs);
      cont.rewards.push_back(rewards);
      cont.hashes.push_back(fresh->stateHash());
    }
    if (!sameTrace(full, cont, at, str("snapshot at step ", at, " restored into a fresh env")))
      return false;

    // Restoring into a used env rewinds it.
    a->restore(snap);
    CONFORM(a->stateHash() == full.hashes[at],
            str("snapshot at step ", at, " restored into the env that took it differs"));
  }
  return true;
}

// A recorded episode replays; the same log with one step altered fails exactly there.
bool checkReplay(const std::function<EnvPtr()>& makeEnv, const TaskValues& task,
                 const ConformanceOptions& options) {
  EnvPtr env = makeEnv();
  const EnvSpec& spec = env->spec();
  const Shape shape(spec);
  auto actions = randomActions(spec, options.seed ^ 0x7eULL, options.comparedSteps);
  const Trace trace = runTrace(*env, options.seed + 11, task, actions);
  CONFORM(trace.length() >= 1, "episode ended before its first step could be recorded");

  EpisodeRecord record;
  record.seed = options.seed + 11;
  record.task = task;
  record.length = trace.length();
  record.actionSize = static_cast<int>(shape.actTotal());
  record.actions.assign(actions.begin(),
                        actions.begin() + static_cast<ptrdiff_t>(trace.length() * shape.actTotal()));
  record.hashes = trace.hashes;
  double sum = 0;
  for (const auto& r : trace.rewards) sum += r[0];
  record.slotReturns = {sum};

  EnvPtr replayer = makeEnv();
  const ReplayCheck ok = verifyReplay(*replayer, record);
  CONFORM(ok.ok, str("replay of a recorded episode failed: ", ok.message));
  CONFORM(ok.stepsChecked == record.length + 1,
          str("replay checked ", ok.stepsChecked, " hashes of ", record.length + 1));

  const int altered = record.length / 2;
  float* step = record.actions.data() + static_cast<size_t>(altered) * shape.actTotal();
  for (int a = 0; a < shape.agents; ++a)
    for (int i = 0; i < shape.act; ++i) {
      float& v = step[a * shape.act + i];
      const Space& s = spec.actionSpace;
      if (s.kind == SpaceKind::Box) {
        const float lo = s.low[i], hi = s.high[i];
        if (std::isfinite(lo) && std::isfinite(hi))
          v = v > 0.5f * (lo + hi) ? lo : hi;
        else
          v = v > 0 ? -1.0f - v : 1.0f - v;
      } else {
        const int n = s.kind == SpaceKind::Discrete ? s.counts[0] : s.counts[i];
        v = static_cast<float>((static_cast<int>(v) + 1) % n);
      }
    }
  const ReplayCheck bad = verifyReplay(*replayer, record);
  if (spec.actionsIgnored) {
    // A built-in controller drives the agents: other actions must change nothing.
    CONFORM(bad.ok, str("spec.actionsIgnored, but altering step ", altered,
                        "'s action changed the replay: ", bad.message));
  } else {
    CONFORM(!bad.ok, str("replay with step ", altered, "'s action altered still passed"));
    CONFORM(bad.firstMismatch == altered + 1,
            str("altered step ", altered, " detected at hash ", bad.firstMismatch, ", expected ",
                altered + 1));
  }

  record.actions.pop_back();
  const ReplayCheck malformed = verifyReplay(*replayer, record);
  CONFORM(!malformed.ok && !malformed.message.empty(), "a malformed record was not rejected");
  return true;
}

// Heap bytes in use (every arena, mmapped chunks included); 0 where the allocator does not tell
// (sanitizer builds replace malloc).
double heapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

// EnvSpec::memoryBytes, what training memory estimates count per env, covers what envs really
// hold: 16 envs kept alive after a random episode each (or 400 steps), measured on the heap. It may
// exceed the measurement by the action log of a full-length episode (random episodes end early)
// and a factor of 3, no more.
bool checkMemoryDeclared(const std::function<EnvPtr()>& makeEnv, const TaskValues& task,
                         const ConformanceOptions& options) {
  constexpr int kEnvs = 16;
  const EnvSpec spec = makeEnv()->spec();
  const Shape shape(spec);
  std::vector<float> actions(shape.actTotal()), rewards(shape.agents);
  Rng rng(options.seed ^ 0x3e3ULL);
  std::vector<EnvPtr> envs;
  envs.reserve(kEnvs);
  const double before = heapInUse();
  for (int k = 0; k < kEnvs; ++k) {
    envs.push_back(makeEnv());
    Env& env = *envs.back();
    env.reset(options.seed + 500 + k, task);
    for (int t = 0; t < 400; ++t) {
      for (int a = 0; a < shape.agents; ++a)
        sampleAction(spec.actionSpace, rng, actions.data() + static_cast<size_t>(a) * shape.act);
      const StepStatus s = env.step(actions.data(), rewards.data());
      if (s.terminated || s.truncated) break;
    }
  }
  const double measured = (heapInUse() - before) / kEnvs;
  if (measured <= 0) return true;  // the allocator does not report (sanitizers)
  const double fullLog =
      static_cast<double>(spec.maxEpisodeSteps) * shape.actTotal() * sizeof(float);
  qInfo("%s: declared %.0f bytes per env, measured %.0f", spec.name.c_str(), spec.memoryBytes,
        measured);
  CONFORM(spec.memoryBytes >= measured,
          str("spec.memoryBytes = ", spec.memoryBytes, " but one env holds about ", measured,
              " bytes (heap in use per env, 16 envs after random episodes)"));
  CONFORM(spec.memoryBytes <= 3 * measured + fullLog,
          str("spec.memoryBytes = ", spec.memoryBytes, " overstates the ", measured,
              " bytes one env holds (plus ", fullLog, " for a full episode's action log)"));
  return true;
}

bool finitePoint(const Vec2f& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

bool checkScene(Env& env, const std::string& when) {
  Scene scene;
  env.describe(scene);
  const size_t items = scene.polygons.size() + scene.lines.size() + scene.circles.size() +
                       scene.particles.size() + scene.labels.size();
  CONFORM(items > 0, str("describe() produced an empty scene ", when));
  CONFORM(std::isfinite(scene.viewWidth) && scene.viewWidth > 0,
          str("scene viewWidth = ", scene.viewWidth, " ", when));
  CONFORM(finitePoint(scene.focus), str("scene focus is not finite ", when));
  for (const auto& p : scene.polygons) {
    CONFORM(p.points.size() >= 3, str("polygon with ", p.points.size(), " points ", when));
    for (const auto& v : p.points) CONFORM(finitePoint(v), str("polygon point not finite ", when));
  }
  for (const auto& l : scene.lines) {
    CONFORM(l.points.size() >= 2, str("line with ", l.points.size(), " points ", when));
    for (const auto& v : l.points) CONFORM(finitePoint(v), str("line point not finite ", when));
  }
  for (const auto& c : scene.circles)
    CONFORM(finitePoint(c.center) && c.radius > 0, str("bad circle ", when));
  for (const auto& p : scene.particles) {
    for (float v : p.xyAngle) CONFORM(std::isfinite(v), str("particle value not finite ", when));
    // Viewers colour particles one by one only when there is a colour for each.
    CONFORM(p.xyAngle.size() % 3 == 0,
            str("particle group with ", p.xyAngle.size(), " floats (x, y, heading each) ", when));
    CONFORM(p.colors.empty() || p.colors.size() == p.xyAngle.size() / 3,
            str("particle group with ", p.xyAngle.size() / 3, " particles but ", p.colors.size(),
                " colours (none or one each) ", when));
  }
  // Every live metric a viewer is told to plot is one the env reports.
  const EpisodeInfo info = env.episodeInfo();
  for (const std::string& metric : env.spec().liveMetrics) {
    bool reported = false;
    for (const auto& [name, value] : info.values) reported = reported || name == metric;
    CONFORM(reported, str("spec().liveMetrics names '", metric,
                          "' but episodeInfo() does not report it ", when));
  }
  // Overlay layers: declared once each with an id a viewer can toggle, and every primitive
  // on the base layer or a declared one (else no viewer could ever show or hide it).
  std::set<SceneLayerId> declared;
  for (const SceneLayerInfo& layer : env.spec().overlayLayers) {
    CONFORM(layer.id != kBaseLayer && layer.id <= kMaxSceneLayerId,
            str("overlay layer '", layer.label, "' has id ", int(layer.id), " (1..",
                int(kMaxSceneLayerId), " allowed)"));
    CONFORM(!layer.label.empty(), str("overlay layer ", int(layer.id), " has no label"));
    CONFORM(declared.insert(layer.id).second, str("overlay layer id ", int(layer.id), " twice"));
  }
  const auto checkLayer = [&](SceneLayerId id, const char* kind) {
    CONFORM(id == kBaseLayer || declared.count(id),
            str(kind, " on overlay layer ", int(id), " which spec().overlayLayers does not declare ",
                when));
    return true;
  };
  for (const auto& p : scene.polygons)
    if (!checkLayer(p.layer, "polygon")) return false;
  for (const auto& l : scene.lines)
    if (!checkLayer(l.layer, "line")) return false;
  for (const auto& c : scene.circles)
    if (!checkLayer(c.layer, "circle")) return false;
  for (const auto& l : scene.labels)
    if (!checkLayer(l.layer, "label")) return false;
  return true;
}

bool resetThrowsInvalidArgument(Env& env, const TaskValues& task) {
  try {
    env.reset(1, task);
  } catch (const std::invalid_argument&) {
    return true;
  } catch (...) {
    return false;
  }
  return false;
}

// Tasks at their bounds are accepted; out of range, non-finite, fractional integer and
// wrongly sized tasks are rejected with std::invalid_argument.
bool checkTaskValidation(Env& env) {
  const TaskSpace& tasks = env.spec().tasks;
  const TaskValues defaults = tasks.defaults();
  for (int i = 0; i < tasks.size(); ++i) {
    const TaskParam& p = tasks.params()[i];
    for (double v : {p.low, p.high}) {
      TaskValues t = defaults;
      t[i] = v;
      bool accepted = true;
      std::string error;
      try {
        env.reset(1, t);
      } catch (const std::exception& e) {
        accepted = false;
        error = e.what();
      }
      CONFORM(accepted, str("task ", p.name, " = ", v, " (a bound) was rejected: ", error));
    }
    const double span = std::max(1.0, p.high - p.low);
    std::vector<double> invalid{p.low - span, p.high + span, std::nan("")};
    if (p.integer && p.high > p.low) invalid.push_back(p.low + 0.5);
    for (double v : invalid) {
      TaskValues t = defaults;
      t[i] = v;
      CONFORM(resetThrowsInvalidArgument(env, t),
              str("reset with task ", p.name, " = ", v, " did not throw std::invalid_argument"));
    }
  }
  TaskValues tooLong = defaults;
  tooLong.push_back(0.0);
  CONFORM(resetThrowsInvalidArgument(env, tooLong),
          str("reset with ", tooLong.size(), " task values did not throw std::invalid_argument"));
  return true;
}

}  // namespace

namespace {
bool checkAll(const std::function<EnvPtr()>& makeEnv, const ConformanceOptions& options);
}  // namespace

void sampleAction(const Space& space, Rng& rng, float* out) {
  switch (space.kind) {
    case SpaceKind::Box:
      for (size_t i = 0; i < space.low.size(); ++i) {
        const float lo = space.low[i], hi = space.high[i];
        float v;
        if (std::isfinite(lo) && std::isfinite(hi)) {
          v = static_cast<float>(rng.uniform(lo, hi));
          v = std::min(std::max(v, lo), hi);  // rounding to float may land on hi
        } else {
          v = static_cast<float>(rng.normal());
          if (std::isfinite(lo)) v = lo + std::fabs(v);
          if (std::isfinite(hi)) v = hi - std::fabs(v);
        }
        out[i] = v;
      }
      // An env with a quantum is only ever handed multiples of it (Space::quantize).
      space.quantize(std::span<float>(out, space.low.size()));
      break;
    case SpaceKind::Discrete:
      out[0] = static_cast<float>(rng.below(static_cast<uint64_t>(space.counts[0])));
      break;
    case SpaceKind::MultiDiscrete:
      for (size_t i = 0; i < space.counts.size(); ++i)
        out[i] = static_cast<float>(rng.below(static_cast<uint64_t>(space.counts[i])));
      break;
  }
}

bool checkEnvConformance(const std::function<EnvPtr()>& makeEnv,
                         const ConformanceOptions& options) {
  struct Capture {
    explicit Capture(std::string* target) { capturedFailure = target; }
    ~Capture() { capturedFailure = nullptr; }
  } capture(options.failure);
  return checkAll(makeEnv, options);
}

namespace {

bool checkAll(const std::function<EnvPtr()>& makeEnv, const ConformanceOptions& options) {
  EnvPtr env = makeEnv();
  CONFORM(env != nullptr, "makeEnv returned no env");
  const EnvSpec& spec = env->spec();
  if (!checkSpec(spec)) return false;

  const TaskValues defaults = spec.tasks.defaults();
  std::vector<TaskValues> tasks{defaults};
  if (spec.tasks.size() > 0) {
    TaskValues low, high;
    for (const auto& p : spec.tasks.params()) {
      low.push_back(p.low);
      high.push_back(p.high);
    }
    tasks.push_back(low);
    tasks.push_back(high);
  }
  for (const auto& t : options.extraTasks) tasks.push_back(t);

  if (!checkRandomEpisodes(*env, tasks, options)) return false;
  if (!checkDeterminism(makeEnv, defaults, options)) return false;
  if (!checkSnapshot(makeEnv, defaults, options)) return false;
  if (!checkReplay(makeEnv, defaults, options)) return false;
  if (!checkMemoryDeclared(makeEnv, defaults, options)) return false;

  env->reset(options.seed, defaults);
  if (!checkScene(*env, "after reset")) return false;
  std::vector<float> actions(Shape(spec).actTotal()), rewards(spec.numAgents);
  Rng rng(options.seed);
  for (int t = 0; t < 10; ++t) {
    for (int a = 0; a < spec.numAgents; ++a)
      sampleAction(spec.actionSpace, rng, actions.data() + a * spec.actionSpace.size());
    const StepStatus s = env->step(actions.data(), rewards.data());
    if (s.terminated || s.truncated) break;
  }
  if (!checkScene(*env, "after a few steps")) return false;

  return checkTaskValidation(*env);
}

}  // namespace

}  // namespace palaestra::testing
