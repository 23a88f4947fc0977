#include "swarm/SwarmConfig.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "util/Errors.h"
#include "util/JsonReader.h"

namespace palaestra::swarm {

namespace {

constexpr double kPi = 3.14159265358979323846;

template <typename Enum>
Enum pick(JsonReader& reader, const std::string& key, const std::vector<std::string>& names,
          Enum fallback) {
  const std::string value = reader.string(key, names, names[static_cast<size_t>(fallback)]);
  return static_cast<Enum>(std::find(names.begin(), names.end(), value) - names.begin());
}

const std::vector<std::string> kModels = {"vicsek", "kuramoto", "aggregation", "boids"};
const std::vector<std::string> kControllers = {"policy", "classic"};
const std::vector<std::string> kActions = {"turn_rate", "discrete_turns"};
const std::vector<std::string> kRewards = {"alignment", "order", "aggregation"};
const std::vector<std::string> kDistributions = {"lorentzian", "gaussian"};
const std::vector<std::string> kSamplings = {"random", "quantiles"};
const std::vector<std::string> kRanges = {"local", "global"};

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// A model's own object ("kuramoto", "boids") given for another model is refused by name.
void refuseForeignSection(JsonReader& reader, const std::string& section, SwarmModel owner,
                          SwarmModel model) {
  const nlohmann::json given = reader.object(section);
  if (model != owner && !given.empty())
    throw ConfigError(reader.pathOf(section) + " is for model \"" + modelName(owner) +
                      "\"; this config's model is \"" + modelName(model) + "\"");
}

}  // namespace

const char* modelName(SwarmModel model) {
  switch (model) {
    case SwarmModel::Vicsek:
      return "vicsek";
    case SwarmModel::Kuramoto:
      return "kuramoto";
    case SwarmModel::Aggregation:
      return "aggregation";
    case SwarmModel::Boids:
      return "boids";
  }
  return "?";
}

SwarmConfig SwarmConfig::fromJson(const nlohmann::json& envConfig) {
  const nlohmann::json empty = nlohmann::json::object();
  JsonReader reader(envConfig.is_null() ? empty : envConfig, "env");
  SwarmConfig c;
  c.model = pick(reader, "model", kModels, SwarmModel::Vicsek);
  c.agents = static_cast<int>(reader.integer("agents", 1, kMaxAgents, c.agents));

  // The box: either its side or the density that sets it (not both, so a run's size is
  // unambiguous).
  const auto density = reader.optionalNumber("density", 1e-6, 1e6);
  const auto boxSize = reader.optionalNumber("box_size", 1e-3, 1e6);
  if (density && boxSize)
    throw ConfigError(reader.pathOf("density") + " and " + reader.pathOf("box_size") +
                      " both given; give one (box_size = sqrt(agents / density))");
  if (boxSize) {
    c.boxFromDensity = false;
    c.boxSize = *boxSize;
    c.density = c.agents / (c.boxSize * c.boxSize);
  } else {
    c.density = density.value_or(c.density);
    c.boxSize = std::sqrt(c.agents / c.density);
  }

  c.radius = reader.number("radius", 0.0, 1e6, c.radius);
  if (!(c.radius > 0))
    throw ConfigError(reader.pathOf("radius") + " must be greater than 0, got " + number(c.radius));
  if (c.radius > c.boxSize / 2)
    throw ConfigError(reader.pathOf("radius") + " " + number(c.radius) +
                      " is larger than half the box (box_size " + number(c.boxSize) +
                      (c.boxFromDensity ? " = sqrt(agents / density)" : "") +
                      "): neighbours would be found through both sides of the periodic box");
  c.speed = reader.number("speed", 0.0, 1e3, c.speed);
  c.dt = reader.number("dt", 1e-4, 10.0, c.model == SwarmModel::Kuramoto ? 0.1 : 1.0);
  c.noise = reader.number("noise", 0.0, 1.0, c.noise);
  c.episodeSteps = static_cast<int>(reader.integer("episode_steps", 1, 100000, c.episodeSteps));
  c.controller = pick(reader, "controller", kControllers, SwarmController::Policy);
  c.action = pick(reader, "action", kActions, SwarmAction::TurnRate);
  c.turnChoices = static_cast<int>(reader.integer("turn_choices", 2, 65, c.turnChoices));
  c.maxTurn = reader.number("max_turn", 0.0, kPi, c.maxTurn);
  c.reward =
      pick(reader, "reward", kRewards,
           c.model == SwarmModel::Aggregation ? SwarmReward::Aggregation : SwarmReward::Alignment);
  c.bins = static_cast<int>(reader.integer("bins", 2, 64, c.bins));
  c.neighbourCap = static_cast<int>(reader.integer("neighbour_cap", 1, 10000, c.neighbourCap));
  c.adversaries = static_cast<int>(reader.integer("adversaries", 0, kMaxAgents - 1, c.adversaries));
  if (c.adversaries >= c.agents)
    throw ConfigError(reader.pathOf("adversaries") + " " + std::to_string(c.adversaries) +
                      " leaves no swarm: it must be less than env.agents " +
                      std::to_string(c.agents));
  if (c.adversaries > 0 && c.controller == SwarmController::Classic)
    throw ConfigError(reader.pathOf("adversaries") +
                      " needs controller \"policy\": under the classic rule actions are ignored");

  refuseForeignSection(reader, "kuramoto", SwarmModel::Kuramoto, c.model);
  if (c.model == SwarmModel::Kuramoto) {
    JsonReader k(reader.object("kuramoto"), reader.pathOf("kuramoto"));
    KuramotoConfig& kc = c.kuramoto;
    kc.coupling = k.number("coupling", 0.0, 100.0, kc.coupling);
    kc.range = pick(k, "coupling_range", kRanges, CouplingRange::Local);
    kc.frequencies = pick(k, "frequencies", kDistributions, FrequencyDistribution::Lorentzian);
    kc.frequencyWidth = k.number("frequency_width", 0.0, 100.0, kc.frequencyWidth);
    kc.frequencyMean = k.number("frequency_mean", -100.0, 100.0, kc.frequencyMean);
    kc.sampling = pick(k, "frequency_sampling", kSamplings, FrequencySampling::Random);
    k.finish();
  }
  refuseForeignSection(reader, "boids", SwarmModel::Boids, c.model);
  if (c.model == SwarmModel::Boids) {
    JsonReader b(reader.object("boids"), reader.pathOf("boids"));
    BoidsConfig& bc = c.boids;
    bc.separationRadius =
        b.number("separation_radius", 0.0, 1e6, std::min(bc.separationRadius, c.radius));
    if (bc.separationRadius > c.radius)
      throw ConfigError(b.pathOf("separation_radius") + " " + number(bc.separationRadius) +
                        " is larger than env.radius " + number(c.radius));
    bc.separation = b.number("separation", 0.0, 100.0, bc.separation);
    bc.alignment = b.number("alignment", 0.0, 100.0, bc.alignment);
    bc.cohesion = b.number("cohesion", 0.0, 100.0, bc.cohesion);
    b.finish();
  }
  reader.finish();
  return c;
}

nlohmann::json SwarmConfig::toJson() const {
  nlohmann::json j = {
      {"model", kModels[static_cast<size_t>(model)]},
      {"agents", agents},
      {"radius", radius},
      {"speed", speed},
      {"dt", dt},
      {"noise", noise},
      {"episode_steps", episodeSteps},
      {"controller", kControllers[static_cast<size_t>(controller)]},
      {"action", kActions[static_cast<size_t>(action)]},
      {"turn_choices", turnChoices},
      {"max_turn", maxTurn},
      {"reward", kRewards[static_cast<size_t>(reward)]},
      {"bins", bins},
      {"neighbour_cap", neighbourCap},
  };
  // Written only when used, so configs (and the snapshots that embed them) of swarms without
  // adversaries read as before.
  if (adversaries > 0) j["adversaries"] = adversaries;
  if (boxFromDensity)
    j["density"] = density;
  else
    j["box_size"] = boxSize;
  if (model == SwarmModel::Kuramoto)
    j["kuramoto"] = {{"coupling", kuramoto.coupling},
                     {"coupling_range", kRanges[static_cast<size_t>(kuramoto.range)]},
                     {"frequencies", kDistributions[static_cast<size_t>(kuramoto.frequencies)]},
                     {"frequency_width", kuramoto.frequencyWidth},
                     {"frequency_mean", kuramoto.frequencyMean},
                     {"frequency_sampling", kSamplings[static_cast<size_t>(kuramoto.sampling)]}};
  if (model == SwarmModel::Boids)
    j["boids"] = {{"separation_radius", boids.separationRadius},
                  {"separation", boids.separation},
                  {"alignment", boids.alignment},
                  {"cohesion", boids.cohesion}};
  return j;
}

const std::vector<ConfigFieldDoc>& SwarmConfig::docs() {
  static const std::vector<ConfigFieldDoc> docs = {
      {"model",
       "vicsek (align with neighbours; Gregoire-Chate form), kuramoto (moving oscillators whose "
       "phases couple), aggregation (gather: reward for local density) or boids (Reynolds' "
       "separation, alignment, cohesion)."},
      {"agents",
       "Number of agents N, 1..100000; all share the one policy slot \"swarm\" (except the "
       "adversaries)."},
      {"density",
       "Agents per unit area; sets the box side to sqrt(agents / density). Give this or "
       "box_size, not both (default 3, as in Gregoire and Chate)."},
      {"box_size", "Side L of the periodic square box, instead of density."},
      {"radius",
       "Interaction radius r: neighbours are the agents closer than r (at most half the box)."},
      {"speed", "Speed v0 of every agent, in world units per time unit (default 0.5)."},
      {"dt", "Time per env step (default 1; kuramoto 0.1, the Euler step of the phases)."},
      {"noise",
       "Default of the task parameter noise eta in [0, 1]: each step adds eta * xi to every "
       "heading, xi uniform in [-pi, pi]."},
      {"episode_steps", "Steps per episode (then truncated)."},
      {"controller",
       "policy (the learned policy turns every agent) or classic (every agent follows the "
       "model's classic rule and actions are ignored: for evaluation and comparison on the same "
       "seeds)."},
      {"action",
       "turn_rate (Box(1) in [-1, 1] times max_turn, applied rounded to multiples of 1/32) or "
       "discrete_turns (Discrete(turn_choices), spread evenly over [-max_turn, max_turn])."},
      {"turn_choices", "Number of discrete turns (action discrete_turns)."},
      {"max_turn",
       "Largest turn per step in radians, at action +-1 (kuramoto: the phase is pulled at up to "
       "K per time unit instead)."},
      {"reward",
       "alignment (mean cos of the angle to each neighbour's heading or phase, 0 alone), order "
       "(the global order parameter, same for all) or aggregation (neighbour count / "
       "neighbour_cap, at most 1). Default: aggregation for the aggregation model, else "
       "alignment."},
      {"bins",
       "Histogram bins of each observed angle: neighbours' headings (phases for kuramoto) "
       "relative to the agent's own, and their bearings relative to its heading."},
      {"neighbour_cap",
       "Neighbour count at which the observed count (count / cap) and the aggregation reward "
       "saturate at 1."},
      {"adversaries",
       "Number k of adversaries (default 0): the last k agents move on policy slot "
       "\"adversary\" and are rewarded the negative of the order of the other agents (the "
       "swarm), whose order is the one reported. Train it with frozen_slots.swarm naming a "
       "swarm run and learn_slot \"adversary\"."},
      {"kuramoto.coupling", "Default of the task parameter coupling K."},
      {"kuramoto.coupling_range",
       "local (dtheta_i/dt = omega_i + K/n_i sum over neighbours within r of "
       "sin(theta_j - theta_i)) or global (all-to-all, in O(N) through the order parameter)."},
      {"kuramoto.frequencies", "Distribution of natural frequencies: lorentzian or gaussian."},
      {"kuramoto.frequency_width",
       "gamma, the Lorentzian's half width (K_c = 2 gamma), or the Gaussian's sigma."},
      {"kuramoto.frequency_mean", "Centre omega_0 of the natural frequencies."},
      {"kuramoto.frequency_sampling",
       "random (independent draws per episode) or quantiles (the distribution's N evenly spaced "
       "quantiles, shuffled per episode: less finite-size scatter)."},
      {"boids.separation_radius",
       "Agents closer than this push each other apart (at most radius)."},
      {"boids.separation", "Weight of separation (away from agents within separation_radius)."},
      {"boids.alignment", "Weight of alignment (towards the neighbours' mean heading)."},
      {"boids.cohesion", "Weight of cohesion (towards the neighbours' centre)."},
  };
  return docs;
}

}  // namespace palaestra::swarm
