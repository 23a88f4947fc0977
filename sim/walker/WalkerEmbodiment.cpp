#include "walker/WalkerEmbodiment.h"

#include <stdexcept>

namespace palaestra::walker {

WalkerEmbodiment classicBipedal() {
  WalkerEmbodiment e;
  e.name = "classic_bipedal";
  e.description = "Gymnasium BipedalWalker-v3: 4 motors, 24-D observation";
  e.hullPolygon = {{-30, +9}, {+6, +9}, {+34, +1}, {+34, -8}, {-30, -8}};
  e.legWidth = 8 / kScale;
  e.legHeight = 34 / kScale;
  // Gymnasium's LEG_DOWN = -8/SCALE: the hip anchor sits 8 px below the hull
  // centre while the thigh is spawned with its top 8 px above it; the joint
  // pulls the two together on the first step (kept as in the original).
  e.hipAnchorY = -8 / kScale;
  e.thighTopY = +8 / kScale;
  e.legTilt = 0.05;
  e.legPairX = {0.0};
  e.spawnHeight = 2 * e.legHeight;
  e.motorTorque = 80.0;
  e.torquePenalty = 0.00035;
  return e;
}

WalkerEmbodiment smallBipedal() {
  // The classic hull, motors and costs on half-length legs hung as TeachMyAgent hangs them.
  WalkerEmbodiment e = classicBipedal();
  e.name = "small_bipedal";
  e.description = "TeachMyAgent's small bipedal: classic hull, half-length legs";
  const double legDown = 3 / kScale;  // TeachMyAgent: hip 3 px below the hull centre
  e.legHeight = 17 / kScale;
  e.hipAnchorY = -legDown;
  e.thighTopY = -legDown;
  e.legTilt = 0.0;
  e.spawnHeight = 2 * e.legHeight + legDown;
  return e;
}

WalkerEmbodiment bigQuadruped() {
  WalkerEmbodiment e;
  e.name = "big_quadruped";
  e.description = "TeachMyAgent's big quadruped: 2 pairs of long legs, torque 300, 8 motors";
  e.hullPolygon = {{-46, +13}, {+6, +13}, {+50, +5}, {+50, -12}, {-46, -12}};
  const double legDown = 3 / kScale;
  const double hullBottomHalfWidth = 96.0 / 2.0 / kScale;
  e.legWidth = 10 / kScale;
  e.legHeight = 51 / kScale;
  e.hipAnchorY = -legDown;
  e.thighTopY = -legDown;
  e.legTilt = 0.0;
  // TeachMyAgent places the pairs at -0.7 and +0.5 of the hull's bottom half-width.
  e.legPairX = {-0.7 * hullBottomHalfWidth, 0.5 * hullBottomHalfWidth};
  e.spawnHeight = 2 * e.legHeight + legDown;
  e.motorTorque = 300.0;
  e.torquePenalty = 0.00035 / 2.0;  // divided by the number of leg pairs
  return e;
}

const std::vector<std::string>& embodimentNames() {
  static const std::vector<std::string> names{"classic_bipedal", "small_bipedal",
                                              "big_quadruped"};
  return names;
}

WalkerEmbodiment embodimentByName(const std::string& name) {
  if (name == "classic_bipedal") return classicBipedal();
  if (name == "small_bipedal") return smallBipedal();
  if (name == "big_quadruped") return bigQuadruped();
  throw std::invalid_argument("unknown walker embodiment '" + name +
                              "' (known: classic_bipedal, small_bipedal, big_quadruped)");
}

}  // namespace palaestra::walker
