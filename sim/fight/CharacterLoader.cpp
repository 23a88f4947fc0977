#include "fight/CharacterLoader.h"

// Character file format (pixels and frames; the full reference with every
// field, range and default is docs/fight-characters.md):
//
//   {
//     "name": "Kestrel", "style": "all-rounder ...", "color": "#c83c32", "accent": "#f0d080",
//     "ladder": 1, "health": 1000,
//     "walk_forward": 3.5, "walk_back": 2.8,                  // pixels per frame
//     "dash": {"speed": 9, "frames": 18},
//     "backdash": {"speed": 8, "frames": 21, "invulnerable": 6},
//     "jump": {"squat": 3, "velocity_y": 15, "velocity_x": 3.5, "gravity": 1},
//     "boxes": {"standing": {"push": [x, y, w, h], "hurt": [x, y, w, h]}, "crouching": ...,
//               "air": ...},                                  // pixels, facing right
//     "moves": [{"id": "st.LP", "posture": "standing", "buttons": "LP", "startup": 4, ...}]
//   }
//
// Pixel values may have up to two decimals and become state units (100 per
// pixel) exactly: 3.5 -> 350. Unknown keys are errors, so typos never pass.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>

#include "util/Errors.h"
#include "util/Files.h"
#include "util/JsonReader.h"
#include "util/JsonText.h"

namespace palaestra::fight {

namespace {

using nlohmann::json;

// An error inside one file; parseCharacter adds the file name.
struct FieldError {
  std::string field, problem;
};

[[noreturn]] void fail(const std::string& field, const std::string& problem) {
  throw FieldError{field, problem};
}

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string joined(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// One JSON object of the file: rejects unknown keys up front (listing the
// known ones), reads scalars through JsonReader (type and range checks) and
// hands out nested arrays and objects raw.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, std::initializer_list<const char*> keys)
      : path_(std::move(path)) {
    if (!object.is_object()) fail(path_, "must be a JSON object, got " + shown(object));
    for (const auto& [key, value] : object.items()) {
      bool known = false;
      for (const char* k : keys) known = known || key == k;
      if (!known) fail(pathOf(key), "is not a known key (known here: " + joined(keys) + ")");
    }
    object_ = &object;
    reader_.emplace(object, path_);
  }

  std::string pathOf(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  bool has(const std::string& key) const {
    auto it = object_->find(key);
    return it != object_->end() && !it->is_null();
  }
  const json* raw(const std::string& key) const {
    auto it = object_->find(key);
    return it == object_->end() || it->is_null() ? nullptr : &*it;
  }
  const json& required(const std::string& key) const {
    const json* v = raw(key);
    if (!v) fail(pathOf(key), "is required but missing");
    return *v;
  }

  int64_t integer(const std::string& key, int64_t low, int64_t high, int64_t fallback) {
    return reader_->integer(key, low, high, fallback);
  }
  int64_t requiredInteger(const std::string& key, int64_t low, int64_t high) {
    required(key);
    return reader_->integer(key, low, high, 0);
  }
  bool boolean(const std::string& key, bool fallback) { return reader_->boolean(key, fallback); }
  std::string string(const std::string& key, const std::string& fallback) {
    return reader_->string(key, {}, fallback);
  }
  std::string requiredString(const std::string& key) {
    required(key);
    return reader_->string(key, {}, "");
  }
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback) {
    return reader_->string(key, allowed, fallback);
  }

  // Pixels (or pixels per frame) in [low, high] with at most two decimals, as state units.
  int32_t pixels(const std::string& key, double low, double high, double fallback) {
    const double px = reader_->number(key, low, high, fallback);
    const double units = px * kUnitsPerPixel;
    const double rounded = std::round(units);
    if (std::abs(units - rounded) > 1e-6)
      fail(pathOf(key), "must have at most two decimals (1/100 pixel), got " + shown(*raw(key)));
    return static_cast<int32_t>(rounded);
  }
  int32_t requiredPixels(const std::string& key, double low, double high) {
    required(key);
    return pixels(key, low, high, 0);
  }

 private:
  std::string path_;
  const json* object_ = nullptr;
  std::optional<JsonReader> reader_;
};

// --- names of enums ---------------------------------------------------------

const std::vector<std::pair<std::string, MoveKind>> kKinds = {
    {"normal", MoveKind::Normal},
    {"special", MoveKind::Special},
    {"super", MoveKind::Super},
    {"throw", MoveKind::Throw},
    {"command_throw", MoveKind::CommandThrow},
    {"teleport", MoveKind::Teleport},
    {"counter", MoveKind::Counter},
    {"stance_switch", MoveKind::StanceSwitch}};
const std::vector<std::pair<std::string, Posture>> kPostures = {
    {"standing", Posture::Standing}, {"crouching", Posture::Crouching}, {"air", Posture::Air}};
const std::vector<std::pair<std::string, Motion>> kMotions = {
    {"none", Motion::None},
    {"qcf", Motion::QuarterForward},
    {"qcb", Motion::QuarterBack},
    {"dp", Motion::DragonPunch},
    {"hcb", Motion::HalfCircleBack},
    {"qcfx2", Motion::DoubleQuarter},
    {"charge_bf", Motion::ChargeBackForward},
    {"charge_du", Motion::ChargeDownUp},
    {"dd", Motion::DownDown}};
const std::vector<std::pair<std::string, GuardType>> kGuards = {{"high", GuardType::High},
                                                                {"mid", GuardType::Mid},
                                                                {"low", GuardType::Low},
                                                                {"overhead", GuardType::Overhead},
                                                                {"throw", GuardType::Throw}};
const std::vector<std::pair<std::string, uint8_t>> kInvulnNames = {
    {"strike", kInvulnStrike}, {"throw", kInvulnThrow}, {"projectile", kInvulnProjectile}};
const char* const kButtonNames[kButtonCount] = {"LP", "MP", "HP", "LK", "MK", "HK"};

template <typename T>
std::vector<std::string> namesOf(const std::vector<std::pair<std::string, T>>& table) {
  std::vector<std::string> out;
  for (const auto& [name, _] : table) out.push_back(name);
  return out;
}

template <typename T>
T enumValue(ObjectReader& r, const std::string& key,
            const std::vector<std::pair<std::string, T>>& table, const std::string& fallback) {
  const std::string name = r.choice(key, namesOf(table), fallback);
  for (const auto& [n, value] : table)
    if (n == name) return value;
  return table.front().second;  // unreachable: choice() accepted only listed names
}

// "LP" (one button), "P" / "K" (any punch / any kick), "LP+LK" (pressed together).
ButtonSpec parseButtons(const json& value, const std::string& path) {
  const std::string expected =
      "must be a button (LP, MP, HP, LK, MK, HK), P (any punch), K (any kick) or buttons "
      "pressed together such as LP+LK";
  if (!value.is_string()) fail(path, expected + ", got " + shown(value));
  const std::string text = value.get<std::string>();
  if (text == "P") return ButtonSpec{static_cast<uint8_t>(kLP | kMP | kHP), false};
  if (text == "K") return ButtonSpec{static_cast<uint8_t>(kLK | kMK | kHK), false};
  ButtonSpec spec;
  int count = 0;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, '+')) {
    int bit = -1;
    for (int b = 0; b < kButtonCount; ++b)
      if (part == kButtonNames[b]) bit = b;
    if (bit < 0 || (spec.mask & (1 << bit))) fail(path, expected + ", got " + shown(value));
    spec.mask = static_cast<uint8_t>(spec.mask | (1 << bit));
    ++count;
  }
  if (count == 0 || text.back() == '+') fail(path, expected + ", got " + shown(value));
  spec.together = count > 1;
  return spec;
}

std::string buttonsName(const ButtonSpec& b) {
  std::string out;
  for (int i = 0; i < kButtonCount; ++i)
    if (b.mask & (1 << i)) out += (out.empty() ? "" : "+") + std::string(kButtonNames[i]);
  return out;
}

// [x, y, w, h] in pixels: x and y in [-1000, 1000], w and h in [1, 1000].
Box parseBox(const json& value, const std::string& path) {
  const std::string expected =
      "must be a box [x, y, width, height] of integer pixels (x, y in [-1000, 1000], width and "
      "height in [1, 1000])";
  if (!value.is_array() || value.size() != 4) fail(path, expected + ", got " + shown(value));
  int v[4];
  for (int i = 0; i < 4; ++i) {
    if (!value[static_cast<size_t>(i)].is_number_integer())
      fail(path, expected + ", got " + shown(value));
    const int64_t x = value[static_cast<size_t>(i)].get<int64_t>();
    const int64_t low = i < 2 ? -1000 : 1;
    if (x < low || x > 1000) fail(path, expected + ", got " + shown(value));
    v[i] = static_cast<int>(x);
  }
  return Box{static_cast<int16_t>(v[0]), static_cast<int16_t>(v[1]), static_cast<int16_t>(v[2]),
             static_cast<int16_t>(v[3])};
}

// [first, last] move frames, 1 <= first <= last.
std::pair<uint16_t, uint16_t> parseFrames(const json& value, const std::string& path) {
  const std::string expected = "must be [first, last] move frames with 1 <= first <= last <= 999";
  if (!value.is_array() || value.size() != 2 || !value[0].is_number_integer() ||
      !value[1].is_number_integer())
    fail(path, expected + ", got " + shown(value));
  const int64_t first = value[0].get<int64_t>(), last = value[1].get<int64_t>();
  if (first < 1 || last < first || last > 999) fail(path, expected + ", got " + shown(value));
  return {static_cast<uint16_t>(first), static_cast<uint16_t>(last)};
}

uint32_t parseColor(ObjectReader& r, const std::string& key, uint32_t fallback) {
  if (!r.has(key)) return fallback;
  const json& v = *r.raw(key);
  static const std::regex hex("#[0-9a-fA-F]{6}");
  if (!v.is_string() || !std::regex_match(v.get<std::string>(), hex))
    fail(r.pathOf(key), "must be a colour \"#RRGGBB\", got " + shown(v));
  return static_cast<uint32_t>(std::stoul(v.get<std::string>().substr(1), nullptr, 16));
}

BodyBoxes parseBody(const json& value, const std::string& path) {
  ObjectReader r(value, path, {"push", "hurt"});
  return BodyBoxes{parseBox(r.required("push"), r.pathOf("push")),
                   parseBox(r.required("hurt"), r.pathOf("hurt"))};
}

std::vector<TimedBox> parseTimedBoxes(const json* value, const std::string& path,
                                      uint16_t defaultFirst, uint16_t defaultLast, uint16_t lowest,
                                      uint16_t highest, const char* within) {
  std::vector<TimedBox> out;
  if (!value) return out;
  if (!value->is_array())
    fail(path, "must be a list of {\"box\": [x, y, w, h], \"frames\": [first, last]}, got " +
                   shown(*value));
  for (size_t i = 0; i < value->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    ObjectReader r((*value)[i], at, {"box", "frames"});
    TimedBox t;
    t.box = parseBox(r.required("box"), r.pathOf("box"));
    t.first = defaultFirst;
    t.last = defaultLast;
    if (r.has("frames"))
      std::tie(t.first, t.last) = parseFrames(*r.raw("frames"), r.pathOf("frames"));
    if (t.first < lowest || t.last > highest)
      fail(r.pathOf("frames"), "must lie within the " + std::string(within) + " [" +
                                   std::to_string(lowest) + ", " + std::to_string(highest) +
                                   "], got [" + std::to_string(t.first) + ", " +
                                   std::to_string(t.last) + "]");
    out.push_back(t);
  }
  return out;
}

ProjectileDef parseProjectile(const json& value, const std::string& path) {
  ObjectReader r(value, path,
                 {"box", "speed_x", "speed_y", "spawn_x", "spawn_y", "lifetime", "hits"});
  ProjectileDef p;
  p.hitbox = parseBox(r.required("box"), r.pathOf("box"));
  p.speedX = r.pixels("speed_x", -40, 40, 0);
  p.speedY = r.pixels("speed_y", -40, 40, 0);
  if (p.speedX == 0 && p.speedY == 0)
    fail(path, "needs a speed: speed_x or speed_y must be non-zero");
  p.spawnX = r.pixels("spawn_x", -400, 400, 0);
  p.spawnY = r.pixels("spawn_y", -200, 600, 0);
  p.lifetime = static_cast<uint16_t>(r.integer("lifetime", 1, 600, 120));
  p.hits = static_cast<uint8_t>(r.integer("hits", 1, 10, 1));
  return p;
}

bool strikes(const MoveDef& m) {
  return m.kind == MoveKind::Normal || m.kind == MoveKind::Special || m.kind == MoveKind::Super;
}

MoveDef parseMove(const json& value, const std::string& path) {
  ObjectReader r(value, path,
                 {"id",
                  "name",
                  "kind",
                  "posture",
                  "motion",
                  "buttons",
                  "stance",
                  "startup",
                  "active",
                  "recovery",
                  "damage",
                  "chip_damage",
                  "hitstun",
                  "blockstun",
                  "hitstop",
                  "pushback_hit",
                  "pushback_block",
                  "guard",
                  "knockdown",
                  "launch_y",
                  "hitboxes",
                  "hurtboxes",
                  "advance_x",
                  "jump_y",
                  "teleport_x",
                  "teleport_behind",
                  "invulnerable",
                  "special_cancel",
                  "chain_cancel",
                  "cancel_window",
                  "meter_cost",
                  "meter_gain_hit",
                  "meter_gain_block",
                  "throw_range",
                  "throw_distance",
                  "tech_window",
                  "projectile"});
  MoveDef m;
  m.id = r.requiredString("id");
  static const std::regex idPattern("[A-Za-z0-9_.+\\-]{1,40}");
  if (!std::regex_match(m.id, idPattern))
    fail(r.pathOf("id"),
         "must be 1-40 letters, digits or _ . + - (e.g. \"st.LP\"), got " + shown(m.id));
  m.displayName = r.string("name", m.id);
  m.kind = enumValue(r, "kind", kKinds, "normal");
  m.posture = enumValue(r, "posture", kPostures, "standing");
  m.motion = enumValue(r, "motion", kMotions, "none");
  const bool isThrow = m.kind == MoveKind::Throw;
  const bool grabs = isThrow || m.kind == MoveKind::CommandThrow;
  if (r.has("buttons"))
    m.buttons = parseButtons(*r.raw("buttons"), r.pathOf("buttons"));
  else if (isThrow)
    m.buttons = ButtonSpec{static_cast<uint8_t>(kLP | kLK), true};
  else
    r.required("buttons");
  m.stance = static_cast<uint8_t>(r.integer("stance", 0, 2, 0));

  m.startup = static_cast<uint16_t>(r.requiredInteger("startup", 1, 120));
  m.active = static_cast<uint16_t>(r.requiredInteger("active", 1, 120));
  m.recovery = static_cast<uint16_t>(r.requiredInteger("recovery", 1, 180));
  const uint16_t lastActive = static_cast<uint16_t>(m.startup + m.active - 1);
  const uint16_t total = static_cast<uint16_t>(lastActive + m.recovery);

  m.damage = static_cast<int16_t>(r.integer("damage", 0, 1000, 0));
  m.chipDamage = static_cast<int16_t>(r.integer("chip_damage", 0, m.damage, 0));
  m.hitstun = static_cast<uint16_t>(r.integer("hitstun", 0, 180, 0));
  m.blockstun = static_cast<uint16_t>(r.integer("blockstun", 0, 180, 0));
  m.hitstop = static_cast<uint16_t>(r.integer("hitstop", 0, 30, 0));
  m.pushbackHit = r.pixels("pushback_hit", 0, 300, 0);
  m.pushbackBlock = r.pixels("pushback_block", 0, 300, 0);
  m.guard = enumValue(r, "guard", kGuards, grabs ? "throw" : "mid");
  m.knockdown = r.boolean("knockdown", false);
  m.launchY = r.pixels("launch_y", 0, 30, 0);

  m.hitboxes = parseTimedBoxes(r.raw("hitboxes"), r.pathOf("hitboxes"), m.startup, lastActive,
                               m.startup, lastActive, "active frames");
  m.hurtboxes = parseTimedBoxes(r.raw("hurtboxes"), r.pathOf("hurtboxes"), 1, total, 1, total,
                                "move's frames");

  m.advanceX = r.pixels("advance_x", -30, 30, 0);
  m.jumpY = r.pixels("jump_y", 0, 40, 0);
  m.teleportX = r.pixels("teleport_x", -960, 960, 0);
  m.teleportBehind = r.boolean("teleport_behind", false);

  if (const json* inv = r.raw("invulnerable")) {
    const std::string at = r.pathOf("invulnerable");
    ObjectReader ir(*inv, at, {"frames", "to"});
    std::tie(m.invulnFirst, m.invulnLast) = parseFrames(ir.required("frames"), ir.pathOf("frames"));
    if (m.invulnLast > total)
      fail(ir.pathOf("frames"), "must lie within the move's frames [1, " + std::to_string(total) +
                                    "], got [" + std::to_string(m.invulnFirst) + ", " +
                                    std::to_string(m.invulnLast) + "]");
    const json& to = ir.required("to");
    const std::string expected = "must be a non-empty list of strike, throw, projectile";
    if (!to.is_array() || to.empty()) fail(ir.pathOf("to"), expected + ", got " + shown(to));
    for (const json& name : to) {
      bool found = false;
      for (const auto& [n, bit] : kInvulnNames)
        if (name.is_string() && name.get<std::string>() == n) {
          m.invulnTo = static_cast<uint8_t>(m.invulnTo | bit);
          found = true;
        }
      if (!found) fail(ir.pathOf("to"), expected + ", got " + shown(to));
    }
  }

  m.specialCancel = r.boolean("special_cancel", false);
  m.chainCancel = r.boolean("chain_cancel", false);
  m.cancelWindow = static_cast<uint16_t>(r.integer("cancel_window", 0, 60, 0));
  if ((m.specialCancel || m.chainCancel) && m.cancelWindow == 0)
    fail(r.pathOf("cancel_window"),
         "must be at least 1 when special_cancel or chain_cancel is true");

  m.meterCost = static_cast<int16_t>(r.integer("meter_cost", 0, 1000, 0));
  m.meterGainHit = static_cast<int16_t>(r.integer("meter_gain_hit", 0, 1000, 0));
  m.meterGainBlock = static_cast<int16_t>(r.integer("meter_gain_block", 0, 1000, 0));
  m.throwRange = r.pixels("throw_range", 0, 300, 0);
  m.throwDistance = r.pixels("throw_distance", -400, 400, 0);
  m.throwTechWindow = static_cast<uint16_t>(r.integer("tech_window", 0, 60, 0));

  if (const json* p = r.raw("projectile")) {
    m.hasProjectile = true;
    m.projectile = parseProjectile(*p, r.pathOf("projectile"));
  }

  // Rules that tie fields together.
  const std::string kindName = namesOf(kKinds)[static_cast<size_t>(m.kind)];
  if (m.kind == MoveKind::Normal || isThrow) {
    if (m.motion != Motion::None)
      fail(r.pathOf("motion"), "must be none for a " + kindName + " move");
  } else if (m.motion == Motion::None) {
    fail(r.pathOf("motion"),
         "must be a motion (qcf, qcb, dp, hcb, qcfx2, charge_bf, charge_du, "
         "dd) for a " +
             kindName + " move");
  }
  if (m.kind == MoveKind::Normal && (m.buttons.together || std::popcount(m.buttons.mask) != 1))
    fail(r.pathOf("buttons"),
         "must be a single button (LP, MP, HP, LK, MK or HK) for a normal, "
         "got \"" +
             buttonsName(m.buttons) + "\"");
  if (isThrow) {
    if (m.buttons.mask != (kLP | kLK) || !m.buttons.together)
      fail(r.pathOf("buttons"), "must be \"LP+LK\" for a throw");
    if (m.posture != Posture::Standing) fail(r.pathOf("posture"), "must be standing for a throw");
  }
  if (grabs != (m.guard == GuardType::Throw))
    fail(r.pathOf("guard"), grabs ? "must be throw for a " + kindName + " move"
                                  : "may be throw only for throw and command_throw moves");
  if (isThrow && m.throwRange <= 0)
    fail(r.pathOf("throw_range"), "must be greater than 0 for a throw");
  if (m.kind == MoveKind::CommandThrow && m.throwRange <= 0 && m.hitboxes.empty())
    fail(r.pathOf("throw_range"), "must be greater than 0 for a command_throw without hitboxes");
  if (m.kind == MoveKind::Normal && m.hitboxes.empty())
    fail(r.pathOf("hitboxes"), "must hold at least one box for a normal");
  if ((m.kind == MoveKind::Special || m.kind == MoveKind::Super) && m.hitboxes.empty() &&
      !m.hasProjectile)
    fail(r.pathOf("hitboxes"),
         "must hold at least one box (or the move a projectile) for a " + kindName + " move");
  if (m.hasProjectile && !strikes(m))
    fail(r.pathOf("projectile"), "is only allowed on normal, special and super moves");
  if ((strikes(m) || m.kind == MoveKind::Counter || grabs) && m.damage <= 0)
    fail(r.pathOf("damage"), "must be greater than 0 for a " + kindName + " move");
  if ((strikes(m) || m.kind == MoveKind::Counter) && m.hitstun == 0)
    fail(r.pathOf("hitstun"), "must be greater than 0 for a " + kindName + " move");
  if (strikes(m) && m.blockstun == 0)
    fail(r.pathOf("blockstun"), "must be greater than 0 for a " + kindName + " move");
  if (m.kind == MoveKind::Super && m.meterCost <= 0)
    fail(r.pathOf("meter_cost"), "must be in (0, 1000] for a super, got 0");
  if (m.kind != MoveKind::Super && m.meterCost != 0)
    fail(r.pathOf("meter_cost"), "is only allowed on supers");
  if (m.kind == MoveKind::Teleport && m.teleportX == 0 && !m.teleportBehind)
    fail(r.pathOf("teleport_x"),
         "must be non-zero for a teleport (or teleport_behind must be true)");
  if (m.kind != MoveKind::Teleport && (m.teleportX != 0 || m.teleportBehind))
    fail(r.pathOf(m.teleportX != 0 ? "teleport_x" : "teleport_behind"),
         "is only allowed on teleport moves");
  if (!isThrow && m.throwTechWindow != 0)
    fail(r.pathOf("tech_window"), "is only allowed on throw moves");
  if (m.posture == Posture::Air && m.jumpY != 0)
    fail(r.pathOf("jump_y"), "must be 0 for an air move");
  return m;
}

CharacterDef parseFields(const json& root, const std::string& fileName) {
  if (!root.is_object()) fail("", "must hold a JSON object, got " + shown(root));
  ObjectReader r(root, "",
                 {"id", "name", "style", "color", "accent", "ladder", "health", "walk_forward",
                  "walk_back", "dash", "backdash", "jump", "charge_frames", "wakeup_frames",
                  "wakeup_invulnerable", "boxes", "moves"});
  CharacterDef c;
  c.id = r.string("id", std::filesystem::path(fileName).stem().string());
  static const std::regex idPattern("[a-z0-9_]{1,32}");
  if (!std::regex_match(c.id, idPattern))
    fail(r.has("id") ? "id" : "",
         "character id must be 1-32 lower-case letters, digits or _ (it defaults to the file "
         "name without .json), got " +
             shown(c.id));
  c.displayName = r.requiredString("name");
  if (c.displayName.empty() || c.displayName.size() > 40)
    fail("name", "must be 1-40 characters, got " + shown(c.displayName));
  c.style = r.requiredString("style");
  c.color = parseColor(r, "color", 0xffffff);
  c.accent = parseColor(r, "accent", 0x000000);
  c.ladder = static_cast<int>(r.integer("ladder", 0, 12, 0));
  c.health = static_cast<int16_t>(r.integer("health", 1, 10000, 1000));
  c.walkForward = r.requiredPixels("walk_forward", 0.01, 20);
  c.walkBack = r.requiredPixels("walk_back", 0.01, 20);
  {
    ObjectReader d(r.required("dash"), "dash", {"speed", "frames"});
    c.dashSpeed = d.requiredPixels("speed", 0.01, 40);
    c.dashFrames = static_cast<uint16_t>(d.requiredInteger("frames", 3, 60));
  }
  {
    ObjectReader d(r.required("backdash"), "backdash", {"speed", "frames", "invulnerable"});
    c.backdashSpeed = d.requiredPixels("speed", 0.01, 40);
    c.backdashFrames = static_cast<uint16_t>(d.requiredInteger("frames", 3, 60));
    c.backdashInvuln = static_cast<uint16_t>(d.integer("invulnerable", 0, c.backdashFrames, 0));
  }
  {
    ObjectReader j(r.required("jump"), "jump",
                   {"squat", "velocity_y", "velocity_x", "gravity", "landing_recovery"});
    c.jumpSquat = static_cast<uint16_t>(j.integer("squat", 1, 15, 3));
    c.jumpVelocityY = j.requiredPixels("velocity_y", 0.01, 40);
    c.jumpVelocityX = j.requiredPixels("velocity_x", 0, 20);
    c.gravity = j.requiredPixels("gravity", 0.01, 5);
    c.landingRecovery = static_cast<uint16_t>(j.integer("landing_recovery", 0, 30, 3));
  }
  c.chargeFrames = static_cast<uint16_t>(r.integer("charge_frames", 1, 120, 45));
  c.wakeupFrames = static_cast<uint16_t>(r.integer("wakeup_frames", 1, 120, 40));
  c.wakeupInvuln = static_cast<uint16_t>(r.integer("wakeup_invulnerable", 0, 60, 6));
  {
    ObjectReader b(r.required("boxes"), "boxes", {"standing", "crouching", "air"});
    c.standing = parseBody(b.required("standing"), "boxes.standing");
    c.crouching = parseBody(b.required("crouching"), "boxes.crouching");
    c.air = parseBody(b.required("air"), "boxes.air");
  }

  const json& moves = r.required("moves");
  if (!moves.is_array() || moves.empty())
    fail("moves", "must be a non-empty list of moves, got " + shown(moves));
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < moves.size(); ++i) {
    const std::string at = "moves[" + std::to_string(i) + "]";
    c.moves.push_back(parseMove(moves[i], at));
    const auto [it, fresh] = seen.emplace(c.moves.back().id, i);
    if (!fresh)
      fail(at + ".id", "\"" + c.moves.back().id + "\" is not unique: moves[" +
                           std::to_string(it->second) + "] has the same id");
  }

  // Stances: stance-specific moves need a way into stance 2.
  const bool hasSwitch = std::any_of(c.moves.begin(), c.moves.end(), [](const MoveDef& m) {
    return m.kind == MoveKind::StanceSwitch;
  });
  for (size_t i = 0; i < c.moves.size(); ++i)
    if (c.moves[i].stance != 0 && !hasSwitch)
      fail("moves[" + std::to_string(i) + "].stance",
           "needs a stance_switch move in the character (without one the fighter stays in "
           "stance 1)");

  // Every posture x button has exactly one normal in each stance, and every stance a throw.
  const int stances = hasSwitch ? 2 : 1;
  for (int p = 0; p < 3; ++p)
    for (int b = 0; b < kButtonCount; ++b)
      for (int s = 1; s <= stances; ++s) {
        int general = -1, specific = -1;
        for (size_t i = 0; i < c.moves.size(); ++i) {
          const MoveDef& m = c.moves[i];
          if (m.kind != MoveKind::Normal || static_cast<int>(m.posture) != p ||
              !(m.buttons.mask & (1 << b)) || (m.stance != 0 && m.stance != s))
            continue;
          int& slot = m.stance == 0 ? general : specific;
          if (slot >= 0)
            fail("moves[" + std::to_string(i) + "]",
                 "is a second " + namesOf(kPostures)[static_cast<size_t>(p)] + " " +
                     kButtonNames[b] + " normal" +
                     (m.stance ? " for stance " + std::to_string(s) : std::string()) + " (moves[" +
                     std::to_string(slot) + "] is the first)");
          slot = static_cast<int>(i);
        }
        if (general < 0 && specific < 0)
          fail("moves", "lacks a " + namesOf(kPostures)[static_cast<size_t>(p)] + " " +
                            kButtonNames[b] + " normal" +
                            (hasSwitch ? " for stance " + std::to_string(s) : std::string()) +
                            " (every posture x button needs one: 18 normals)");
      }
  for (int s = 1; s <= stances; ++s) {
    const bool hasThrow = std::any_of(c.moves.begin(), c.moves.end(), [&](const MoveDef& m) {
      return m.kind == MoveKind::Throw && (m.stance == 0 || m.stance == s);
    });
    if (!hasThrow)
      fail("moves", "lacks a throw (kind \"throw\", buttons LP+LK)" +
                        (hasSwitch ? " for stance " + std::to_string(s) : std::string()));
  }
  return c;
}

}  // namespace

CharacterFileError::CharacterFileError(std::string file, std::string field, std::string problem)
    : std::runtime_error(file + ": " + (field.empty() ? problem : field + " " + problem)),
      file_(std::move(file)),
      field_(std::move(field)),
      problem_(std::move(problem)) {}

CharacterDef parseCharacter(const nlohmann::json& json, const std::string& fileName) {
  try {
    return parseFields(json, fileName);
  } catch (const FieldError& e) {
    throw CharacterFileError(fileName, e.field, e.problem);
  } catch (const ConfigError& e) {
    // JsonReader's messages read "<path> must be ..., got ...".
    const std::string message = e.what();
    const size_t space = message.find(' ');
    if (space == std::string::npos) throw CharacterFileError(fileName, "", message);
    throw CharacterFileError(fileName, message.substr(0, space), message.substr(space + 1));
  }
}

CharacterDef parseCharacterText(std::string_view text, const std::string& fileName) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw CharacterFileError(fileName, "",
                             "is empty (expected a JSON object describing a character)");
  nlohmann::json json;
  try {
    json = parseJsonText(text);
  } catch (const JsonTextError& e) {
    throw CharacterFileError(fileName, e.field(), e.problem());
  }
  return parseCharacter(json, fileName);
}

CharacterDef loadCharacterFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::string text;
  try {
    text = readFileBounded(path, kMaxCharacterFileBytes);
  } catch (const FileReadError& e) {
    throw CharacterFileError(name, "", e.what());
  }
  return parseCharacterText(text, name);
}

Roster Roster::load(const std::vector<std::filesystem::path>& folders) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::shared_ptr<const CharacterDef>, std::string>> loaded;
  for (const fs::path& folder : folders) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) continue;
    if (!fs::is_directory(folder, ec))
      throw CharacterFileError(folder.string(), "",
                               "is not a folder (character folders hold <id>.json files)");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".json" && !entry.is_directory())
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      auto def = std::make_shared<const CharacterDef>(loadCharacterFile(file));
      for (const auto& [other, otherFile] : loaded) {
        if (other->id == def->id)
          throw CharacterFileError(file.string(), "id",
                                   "\"" + def->id + "\" is already used by " + otherFile +
                                       " (character ids must be unique across folders)");
        if (def->ladder != 0 && other->ladder == def->ladder)
          throw CharacterFileError(file.string(), "ladder",
                                   std::to_string(def->ladder) + " is already taken by " +
                                       otherFile + " (each ladder position holds one character)");
      }
      loaded.emplace_back(std::move(def), file.string());
    }
  }
  std::stable_sort(loaded.begin(), loaded.end(), [](const auto& a, const auto& b) {
    const int la = a.first->ladder, lb = b.first->ladder;
    const bool ladderA = la >= 1 && la <= 12, ladderB = lb >= 1 && lb <= 12;
    if (ladderA != ladderB) return ladderA;
    if (ladderA && la != lb) return la < lb;
    return a.first->id < b.first->id;
  });
  Roster roster;
  for (auto& [def, _] : loaded) roster.characters_.push_back(std::move(def));
  return roster;
}

std::vector<std::filesystem::path> Roster::defaultFolders() {
  std::vector<std::filesystem::path> folders{PALAESTRA_FIGHT_CHARACTERS_DIR};
  if (const char* user = std::getenv("PALAESTRA_CHARACTERS_DIR"); user && *user) {
    // A mistyped folder would otherwise leave the user's characters out without a word.
    std::error_code ec;
    if (!std::filesystem::is_directory(user, ec))
      throw CharacterFileError(user, "",
                               "is not a folder (named by PALAESTRA_CHARACTERS_DIR, which must "
                               "name a folder of character files)");
    folders.emplace_back(user);
  }
  return folders;
}

const Roster& Roster::builtin() {
  // Loaded once; a failure is kept and rethrown to every caller.
  struct Loaded {
    Roster roster;
    std::exception_ptr error;
  };
  static const Loaded loaded = [] {
    Loaded l;
    try {
      l.roster = load(defaultFolders());
    } catch (...) {
      l.error = std::current_exception();
    }
    return l;
  }();
  if (loaded.error) std::rethrow_exception(loaded.error);
  return loaded.roster;
}

int Roster::indexOf(const std::string& id) const {
  for (size_t i = 0; i < characters_.size(); ++i)
    if (characters_[i]->id == id) return static_cast<int>(i);
  return -1;
}

const CharacterDef& Roster::get(const std::string& id) const {
  const int i = indexOf(id);
  if (i < 0) {
    std::string known;
    for (const auto& c : characters_) known += (known.empty() ? "" : ", ") + c->id;
    throw std::invalid_argument("unknown character \"" + id + "\" (known: " + known + ")");
  }
  return at(i);
}

std::vector<std::string> Roster::ids() const {
  std::vector<std::string> out;
  for (const auto& c : characters_) out.push_back(c->id);
  return out;
}

}  // namespace palaestra::fight
