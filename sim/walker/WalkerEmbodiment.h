#pragma once
// Body plans of the walker: a hull and pairs of two-segment legs (thigh and
// shin joined by a knee motor, the thigh hung from the hull by a hip motor).
// Every embodiment is one description of that plan, so the body builder,
// observation and action layouts are shared: per leg (hip angle, hip speed,
// knee angle + 1, knee speed, shin contact), legs in creation order.

#include <string>
#include <vector>

namespace palaestra::walker {

/// Physics constants shared by every embodiment and terrain (Gymnasium's values).
inline constexpr double kScale = 30.0;  // pixels per metre in the original code
inline constexpr int kFps = 50;
inline constexpr double kSpeedHip = 4.0;
inline constexpr double kSpeedKnee = 6.0;
inline constexpr double kHipLowerAngle = -0.8;
inline constexpr double kHipUpperAngle = 1.1;
inline constexpr double kKneeLowerAngle = -1.6;
inline constexpr double kKneeUpperAngle = -0.1;
inline constexpr double kReferenceTorque = 80.0;  // torque cost is scaled by the original torque
inline constexpr double kInitialRandomForce = 5.0;
inline constexpr double kViewportW = 600.0;
inline constexpr double kViewportH = 400.0;

struct WalkerEmbodiment {
  std::string name;
  std::string description;
  /// Hull outline in pixels (divided by kScale when built), convex.
  std::vector<std::pair<double, double>> hullPolygon;
  double hullDensity = 5.0;
  double hullFriction = 0.1;
  double legWidth = 8 / kScale;       // thigh width (metres); the shin is 0.8 of it
  double legHeight = 34 / kScale;     // thigh and shin length (metres)
  double shinWidthFactor = 0.8;
  double legDensity = 1.0;
  double legFriction = 0.2;           // Box2D's default, which both originals keep
  /// Hull-local y of the hip joint anchor on the hull.
  double hipAnchorY = 0.0;
  /// Where the top of the thigh starts, relative to the hull centre at spawn.
  double thighTopY = 0.0;
  /// Legs of side s (-1 near, +1 far) start tilted by s * legTilt radians.
  double legTilt = 0.0;
  /// Hull-local x of each leg pair's hip (one entry per pair).
  std::vector<double> legPairX{0.0};
  /// Height of the hull centre above the flat start pad at spawn.
  double spawnHeight = 0.0;
  double motorTorque = 80.0;
  /// Cost per unit |action| (times kReferenceTorque): 0.00035 / number of leg pairs in TeachMyAgent.
  double torquePenalty = 0.00035;

  /// Number of legs (two per pair).
  int numLegs() const { return 2 * static_cast<int>(legPairX.size()); }
  /// Number of motors = action size (hip and knee per leg).
  int numMotors() const { return 2 * numLegs(); }
  /// Observation size: 4 hull values, 5 per leg, 10 lidar fractions.
  int observationSize() const { return 4 + 5 * numLegs() + 10; }
};

/// Gymnasium BipedalWalker-v3's walker (legs hung 8 px below the hull centre, tilted +-0.05).
WalkerEmbodiment classicBipedal();
/// TeachMyAgent's small bipedal walker: the classic hull on half-length legs.
WalkerEmbodiment smallBipedal();
/// TeachMyAgent's big quadruped: a longer hull on two pairs of long legs, torque 300.
WalkerEmbodiment bigQuadruped();

/// Names of the known embodiments, in a stable order.
const std::vector<std::string>& embodimentNames();
/// The embodiment of that name; throws std::invalid_argument for an unknown name.
WalkerEmbodiment embodimentByName(const std::string& name);

}  // namespace palaestra::walker
