#pragma once
// Draws a match into core's renderer-neutral Scene: the stage (floor and
// walls), stylised fighters built from their boxes and state (torso, head,
// limbs reaching toward an active hitbox; crouch, jump and knockdown poses;
// the character's colours), projectiles, the HUD (health and meter bars,
// timer, round wins, names) and KO / round banners. Hurtboxes, hitboxes and
// pushboxes go on FightScene::kHitboxLayer, state names on FightScene::kStateNameLayer
// (FightEnv declares both in its EnvSpec).
//
// World units are pixels (state units / kUnitsPerPixel), y up, the floor at
// y = 0; the camera is fixed on the stage (viewWidth = the stage width). The
// HUD sits above the fighters, inside the view of a 1400 x 900 window.

#include <array>
#include <string>

#include "env/Scene.h"
#include "fight/FightMatch.h"

namespace palaestra::fight {

struct FightSceneOptions {
  /// Names shown over the health bars ("" = the characters' display names).
  std::array<std::string, 2> names;
  /// Show the KO / round / winner banners.
  bool banners = true;
};

class FightScene {
 public:
  /// Appends the whole match (stage, fighters, projectiles, HUD, overlays) to `scene`.
  static void draw(const FightMatch& match, Scene& scene, const FightSceneOptions& options = {});
  /// Appends only the stage (floor, walls) and sets the camera (for an env before its first reset).
  static void drawStage(Scene& scene, const MatchRules& rules);
  /// The height of the HUD's health bars in world pixels (overlays added by the app go below it).
  static constexpr float kHudTop = 538.0f;
  /// Overlay layer of the hurt-, hit- and pushboxes.
  static constexpr SceneLayerId kHitboxLayer = 1;
  /// Overlay layer of the fighters' state names (action, move, frame, stun, combo).
  static constexpr SceneLayerId kStateNameLayer = 2;
};

}  // namespace palaestra::fight
