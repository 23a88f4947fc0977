#include "fight/FightScene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace palaestra::fight {

namespace {

constexpr float kPx = static_cast<float>(kUnitsPerPixel);
constexpr float kBarWidth = 380.0f;
constexpr float kBarHeight = 18.0f;

Rgba rgb(uint32_t c, float a = 1.0f) {
  return {static_cast<float>((c >> 16) & 0xff) / 255.0f,
          static_cast<float>((c >> 8) & 0xff) / 255.0f, static_cast<float>(c & 0xff) / 255.0f, a};
}
Rgba darker(Rgba c, float f) {
  return {c.r * f, c.g * f, c.b * f, c.a};
}

void rect(Scene& scene, float x, float y, float w, float h, Rgba fill, Rgba outline,
          SceneLayerId layer = kBaseLayer) {
  ScenePolygon p;
  p.points = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
  p.fill = fill;
  p.outline = outline;
  p.layer = layer;
  scene.polygons.push_back(std::move(p));
}

void boxOutline(Scene& scene, const std::array<int32_t, 4>& b, Rgba color) {
  const Rgba fill{color.r, color.g, color.b, 0.18f};
  rect(scene, static_cast<float>(b[0]) / kPx, static_cast<float>(b[1]) / kPx,
       static_cast<float>(b[2]) / kPx, static_cast<float>(b[3]) / kPx, fill, color,
       FightScene::kHitboxLayer);
}

void limb(Scene& scene, Vec2f a, Vec2f b, Rgba color, float width) {
  SceneLine line;
  line.points = {a, b};
  line.color = color;
  line.width = width;
  scene.lines.push_back(std::move(line));
}

void label(Scene& scene, float x, float y, std::string text, Rgba color,
           SceneLayerId layer = kBaseLayer) {
  SceneLabel l;
  l.layer = layer;
  l.position = {x, y};
  l.text = std::move(text);
  l.color = color;
  scene.labels.push_back(std::move(l));
}

const char* actionName(FighterAction a) {
  switch (a) {
    case FighterAction::Idle:
      return "idle";
    case FighterAction::WalkForward:
      return "walk fwd";
    case FighterAction::WalkBack:
      return "walk back";
    case FighterAction::Crouch:
      return "crouch";
    case FighterAction::JumpSquat:
      return "jump squat";
    case FighterAction::Airborne:
      return "airborne";
    case FighterAction::Landing:
      return "landing";
    case FighterAction::Dash:
      return "dash";
    case FighterAction::Backdash:
      return "backdash";
    case FighterAction::Attack:
      return "attack";
    case FighterAction::Hitstun:
      return "hitstun";
    case FighterAction::Blockstun:
      return "blockstun";
    case FighterAction::Knockdown:
      return "knockdown";
    case FighterAction::WakeUp:
      return "wake-up";
    case FighterAction::Thrown:
      return "thrown";
    case FighterAction::KnockedOut:
      return "KO";
    case FighterAction::Count:
      break;
  }
  return "?";
}

// One stylised fighter: torso and head from the posture's height, limbs
// reaching toward an active hitbox when attacking.
void drawFighter(const FightMatch& match, int i, Scene& scene) {
  const FighterState& f = match.fighter(i);
  const CharacterDef& c = match.character(i);
  const Rgba body = rgb(c.color), accent = rgb(c.accent);
  const Rgba outline = darker(body, 0.45f);
  const float x = static_cast<float>(f.x) / kPx, y = static_cast<float>(f.y) / kPx;
  const float dir = f.facing >= 0 ? 1.0f : -1.0f;
  const bool lying = f.action == FighterAction::Knockdown || f.action == FighterAction::KnockedOut;
  const bool crouching = f.action == FighterAction::Crouch ||
                         (f.action == FighterAction::Attack && match.currentMove(i) &&
                          match.currentMove(i)->posture == Posture::Crouching) ||
                         (f.action == FighterAction::Blockstun && f.crouchingGuard);
  const bool airborne = y > 0.5f || f.action == FighterAction::Airborne;
  const BodyBoxes& boxes = airborne ? c.air : crouching ? c.crouching : c.standing;
  const float height = std::max<float>(40.0f, boxes.hurtbox.h);
  const float width = std::max<float>(24.0f, boxes.pushbox.w);

  // Shadow on the floor.
  ScenePolygon shadow;
  for (int k = 0; k < 12; ++k) {
    const float a = static_cast<float>(k) * 6.2831853f / 12.0f;
    shadow.points.push_back({x + width * 0.7f * std::cos(a), 1.0f + 5.0f * std::sin(a)});
  }
  shadow.fill = {0, 0, 0, 0.22f};
  shadow.outline = {0, 0, 0, 0.0f};
  scene.polygons.push_back(std::move(shadow));

  if (lying) {
    // Lying along the floor, head behind.
    const float len = height * 0.8f;
    rect(scene, x - dir * len * 0.5f - (dir < 0 ? 0 : 0), y, 0, 0, body, outline);
    scene.polygons.pop_back();
    const float left = dir > 0 ? x - len * 0.55f : x - len * 0.45f;
    rect(scene, left, y + 2.0f, len, width * 0.55f, body, outline);
    SceneCircle head;
    head.center = {x - dir * len * 0.62f, y + 2.0f + width * 0.3f};
    head.radius = width * 0.32f;
    head.fill = accent;
    head.outline = outline;
    scene.circles.push_back(head);
    return;
  }

  const float legs = crouching ? height * 0.25f : height * 0.42f;
  const float torsoH = height * (crouching ? 0.5f : 0.36f);
  const float headR = std::min(height * 0.11f, width * 0.45f);
  const float hipY = y + legs;
  const float shoulderY = hipY + torsoH;
  const float limbW = std::max(5.0f, width * 0.22f);

  // Legs: apart when standing, tucked in the air.
  const float stride = airborne ? width * 0.25f : width * 0.35f;
  const Rgba legColor = darker(body, 0.8f);
  Vec2f frontFoot{x + dir * stride, y}, backFoot{x - dir * stride, y};
  if (airborne)
    frontFoot = {x + dir * stride, y + legs * 0.35f},
    backFoot = {x - dir * stride, y + legs * 0.2f};

  // Arms and a kicking leg reach toward an active hitbox.
  Vec2f frontHand{x + dir * width * 0.55f, shoulderY - torsoH * 0.25f};
  const Vec2f backHand{x + dir * width * 0.15f, shoulderY - torsoH * 0.35f};
  if (f.action == FighterAction::Blockstun) frontHand = {x + dir * width * 0.35f, shoulderY + 4.0f};
  const auto hits = match.hitboxes(i);
  if (!hits.empty()) {
    const auto& h = hits.front();
    const float hx =
        (static_cast<float>(h[0]) + static_cast<float>(h[2]) * (dir > 0 ? 1.0f : 0.0f)) / kPx;
    const float hy = (static_cast<float>(h[1]) + static_cast<float>(h[3]) * 0.5f) / kPx;
    if (hy < hipY + torsoH * 0.2f)
      frontFoot = {hx, hy};  // a kick or a low attack
    else
      frontHand = {hx, hy};
  }
  limb(scene, {x - dir * width * 0.15f, hipY}, backFoot, legColor, limbW);
  limb(scene, {x + dir * width * 0.15f, hipY}, frontFoot, legColor, limbW);
  limb(scene, {x, shoulderY - 2.0f}, backHand, darker(accent, 0.8f), limbW * 0.85f);

  // Torso: a slightly tapered polygon, leaning forward when attacking.
  const float lean = f.action == FighterAction::Attack ? dir * width * 0.12f : 0.0f;
  ScenePolygon torso;
  torso.points = {{x - width * 0.32f, hipY},
                  {x + width * 0.32f, hipY},
                  {x + width * 0.42f + lean, shoulderY},
                  {x - width * 0.42f + lean, shoulderY}};
  torso.fill = f.action == FighterAction::Hitstun ? darker(body, 0.7f) : body;
  torso.outline = outline;
  scene.polygons.push_back(std::move(torso));
  rect(scene, x - width * 0.34f, hipY - 3.0f, width * 0.68f, 7.0f, accent, outline);  // belt

  limb(scene, {x + lean, shoulderY - 2.0f}, frontHand, accent, limbW * 0.9f);
  SceneCircle fist;
  fist.center = frontHand;
  fist.radius = limbW * 0.7f;
  fist.fill = accent;
  fist.outline = outline;
  scene.circles.push_back(fist);

  SceneCircle head;
  head.center = {x + lean + dir * 2.0f, shoulderY + headR + 2.0f};
  head.radius = headR;
  head.fill = rgb(0xf0d0b0);
  head.outline = outline;
  scene.circles.push_back(head);
  // A headband in the accent colour shows the facing.
  limb(scene, {head.center.x - dir * headR, head.center.y + headR * 0.35f},
       {head.center.x + dir * headR, head.center.y + headR * 0.35f}, accent, 4.0f);
  SceneCircle eye;
  eye.center = {head.center.x + dir * headR * 0.5f, head.center.y + headR * 0.1f};
  eye.radius = std::max(1.5f, headR * 0.14f);
  eye.fill = {0.1f, 0.1f, 0.1f, 1};
  eye.outline = eye.fill;
  scene.circles.push_back(eye);
}

void drawHud(const FightMatch& match, Scene& scene, const FightSceneOptions& options,
             float stageWidth) {
  const MatchState& s = match.state();
  const float top = FightScene::kHudTop;
  for (int i = 0; i < 2; ++i) {
    const FighterState& f = match.fighter(i);
    const CharacterDef& c = match.character(i);
    // P1's bar drains toward the left edge, P2's toward the right (toward the timer: full at it).
    const float left = i == 0 ? 20.0f : stageWidth - 20.0f - kBarWidth;
    const float fraction =
        std::clamp(static_cast<float>(f.health) / std::max<int>(1, c.health), 0.0f, 1.0f);
    rect(scene, left, top, kBarWidth, kBarHeight, {0.55f, 0.08f, 0.08f, 1}, {0.1f, 0.1f, 0.1f, 1});
    const float w = kBarWidth * fraction;
    const float fillLeft = i == 0 ? left + kBarWidth - w : left;
    if (w > 0)
      rect(scene, fillLeft, top, w, kBarHeight, {0.98f, 0.85f, 0.15f, 1}, {0.1f, 0.1f, 0.1f, 1});
    // Meter below the bar.
    const float meter = std::clamp(static_cast<float>(f.meter) / 1000.0f, 0.0f, 1.0f);
    const float meterLeft = i == 0 ? left : stageWidth - 20.0f - kBarWidth * 0.6f;
    rect(scene, meterLeft, top - 16.0f, kBarWidth * 0.6f, 8.0f, {0.15f, 0.15f, 0.25f, 1},
         {0.1f, 0.1f, 0.1f, 1});
    if (meter > 0)
      rect(scene, meterLeft, top - 16.0f, kBarWidth * 0.6f * meter, 8.0f,
           meter >= 1.0f ? Rgba{0.3f, 0.9f, 1.0f, 1} : Rgba{0.2f, 0.5f, 1.0f, 1},
           {0.1f, 0.1f, 0.1f, 1});
    // Round wins: filled circles next to the timer.
    for (int r = 0; r < match.rules().roundsToWin; ++r) {
      SceneCircle dot;
      dot.center = {stageWidth * 0.5f + (i == 0 ? -1.0f : 1.0f) * (48.0f + 16.0f * r), top - 12.0f};
      dot.radius = 6.0f;
      dot.fill = r < f.roundsWon ? Rgba{1.0f, 0.8f, 0.1f, 1} : Rgba{0.3f, 0.3f, 0.3f, 1};
      dot.outline = {0.1f, 0.1f, 0.1f, 1};
      scene.circles.push_back(dot);
    }
    const std::string& name = options.names[static_cast<size_t>(i)].empty()
                                  ? c.displayName
                                  : options.names[static_cast<size_t>(i)];
    label(scene, i == 0 ? left : left + kBarWidth - 9.0f * static_cast<float>(name.size() + 3),
          top - 36.0f, (i == 0 ? "P1 " : "P2 ") + name, {0.1f, 0.1f, 0.15f, 1});
    rect(scene, i == 0 ? left - 14.0f : left + kBarWidth + 4.0f, top, 10.0f, kBarHeight,
         rgb(c.color), rgb(c.accent));
  }
  const int seconds = (s.timerFrames + kFramesPerSecond - 1) / kFramesPerSecond;
  label(scene, stageWidth * 0.5f - 8.0f, top + 14.0f, std::to_string(seconds),
        {0.1f, 0.1f, 0.1f, 1});
  label(scene, stageWidth * 0.5f - 28.0f, top - 30.0f, "ROUND " + std::to_string(s.round),
        {0.1f, 0.1f, 0.15f, 1});

  if (!options.banners) return;
  std::string banner;
  if (s.phase == MatchPhase::MatchOver) {
    banner = s.matchWinner == 2 ? "DRAW GAME" : (s.matchWinner == 0 ? "P1 WINS" : "P2 WINS");
  } else if (s.phase == MatchPhase::RoundOver) {
    const RoundEnd end = s.roundEnds[static_cast<size_t>(std::clamp<int>(s.round - 1, 0, 4))];
    banner = end == RoundEnd::TimeOut ? "TIME" : end == RoundEnd::Draw ? "DRAW" : "K.O.";
  } else if (s.roundFrame < 60) {
    banner = s.roundFrame < 30 ? "ROUND " + std::to_string(s.round) : "FIGHT!";
  }
  if (!banner.empty()) {
    rect(scene, stageWidth * 0.5f - 130.0f, 330.0f, 260.0f, 60.0f, {0.05f, 0.05f, 0.1f, 0.75f},
         {1.0f, 0.8f, 0.1f, 1});
    label(scene, stageWidth * 0.5f - 5.0f * static_cast<float>(banner.size()), 354.0f, banner,
          {1.0f, 0.85f, 0.2f, 1});
  }
}

}  // namespace

void FightScene::drawStage(Scene& scene, const MatchRules& rules) {
  const float w = static_cast<float>(rules.stageWidthPixels);
  scene.background = {0.78f, 0.85f, 0.95f, 1.0f};
  scene.viewWidth = w;
  // The floor's bottom (-60) to the timer's text (about 570) must show in a view of any aspect:
  // a wide view shows more stage around it instead of cropping the health bars or the floor.
  scene.viewHeight = 650.0f;
  scene.focus = {w * 0.5f, 258.0f};
  // Distant hills, the floor and the walls.
  ScenePolygon hills;
  hills.points = {{0, 0},          {0, 120}, {w * 0.2f, 170}, {w * 0.45f, 110},
                  {w * 0.7f, 180}, {w, 120}, {w, 0}};
  hills.fill = {0.62f, 0.74f, 0.62f, 1};
  hills.outline = hills.fill;
  scene.polygons.push_back(std::move(hills));
  rect(scene, -40.0f, -60.0f, w + 80.0f, 60.0f, {0.55f, 0.45f, 0.35f, 1}, {0.35f, 0.28f, 0.2f, 1});
  for (int k = 0; k < 12; ++k) {
    const float x = w * static_cast<float>(k) / 12.0f;
    limb(scene, {x, 0}, {x - 30.0f, -60.0f}, {0.45f, 0.36f, 0.28f, 1}, 1.0f);
  }
  // Walls: thin strips inside the view's edges (the view is exactly the stage's width).
  rect(scene, -40.0f, -60.0f, 46.0f, 700.0f, {0.4f, 0.4f, 0.45f, 1}, {0.2f, 0.2f, 0.25f, 1});
  rect(scene, w - 6.0f, -60.0f, 46.0f, 700.0f, {0.4f, 0.4f, 0.45f, 1}, {0.2f, 0.2f, 0.25f, 1});
}

void FightScene::draw(const FightMatch& match, Scene& scene, const FightSceneOptions& options) {
  drawStage(scene, match.rules());
  const float stageWidth = static_cast<float>(match.rules().stageWidthPixels);
  // The fighter who is attacking is drawn last (in front).
  const int front = match.fighter(1).action == FighterAction::Attack ? 1 : 0;
  drawFighter(match, 1 - front, scene);
  drawFighter(match, front, scene);

  const MatchState& s = match.state();
  for (const ProjectileState& p : s.projectiles) {
    if (p.lifeLeft == 0) continue;
    const Rgba color = rgb(match.character(p.owner).accent);
    const Vec2f c{static_cast<float>(p.x) / kPx, static_cast<float>(p.y) / kPx};
    SceneCircle ball;
    ball.center = c;
    ball.radius = 14.0f;
    ball.fill = {color.r, color.g, color.b, 0.85f};
    ball.outline = rgb(match.character(p.owner).color);
    scene.circles.push_back(ball);
    const float dir = p.vx >= 0 ? 1.0f : -1.0f;
    limb(scene, {c.x - dir * 12.0f, c.y}, {c.x - dir * 34.0f, c.y},
         {color.r, color.g, color.b, 0.5f}, 6.0f);
    if (p.moveIndex >= 0 && p.moveIndex < static_cast<int>(match.character(p.owner).moves.size())) {
      const ProjectileDef& def =
          match.character(p.owner).moves[static_cast<size_t>(p.moveIndex)].projectile;
      const float bx = p.facing >= 0 ? def.hitbox.x : -def.hitbox.x - def.hitbox.w;
      rect(scene, c.x + bx, c.y + def.hitbox.y, def.hitbox.w, def.hitbox.h, {1, 0.1f, 0.1f, 0.18f},
           {1, 0.1f, 0.1f, 1}, FightScene::kHitboxLayer);
    }
  }

  // Overlays: hurtboxes (blue), hitboxes (red), pushboxes (green); state names.
  for (int i = 0; i < 2; ++i) {
    for (const auto& b : match.hurtboxes(i)) boxOutline(scene, b, {0.2f, 0.45f, 1.0f, 1});
    for (const auto& b : match.hitboxes(i)) boxOutline(scene, b, {1.0f, 0.15f, 0.1f, 1});
    boxOutline(scene, match.pushbox(i), {0.1f, 0.8f, 0.2f, 1});
    const FighterState& f = match.fighter(i);
    std::string state = actionName(f.action);
    if (const MoveDef* move = match.currentMove(i)) state += " " + move->id;
    state += " f" + std::to_string(f.actionFrame);
    if (f.stunLeft) state += " stun " + std::to_string(f.stunLeft);
    if (f.comboHits > 1) state += " combo " + std::to_string(f.comboHits);
    label(scene, static_cast<float>(f.x) / kPx - 40.0f,
          static_cast<float>(f.y) / kPx + match.character(i).standing.hurtbox.h + 40.0f, state,
          {0.05f, 0.05f, 0.05f, 1}, FightScene::kStateNameLayer);
  }
  drawHud(match, scene, options, stageWidth);
}

}  // namespace palaestra::fight
