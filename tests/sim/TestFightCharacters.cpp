// Tests of the character files and their loader: every built-in character
// loads and has its own style, a user's 13th character joins the roster, and
// each kind of mistake in a file is reported with the file and the field.
#include <QtTest>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include <QTemporaryDir>

#include "fight/CharacterLoader.h"
#include "fight/FightMatch.h"
#include "fight/MotionInputs.h"

using namespace palaestra::fight;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path builtinFolder() {
  return Roster::defaultFolders().front();
}

json readJson(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

const MoveDef* findMove(const CharacterDef& c, const std::string& id) {
  for (const MoveDef& m : c.moves)
    if (m.id == id) return &m;
  return nullptr;
}

int countMoves(const CharacterDef& c, const std::function<bool(const MoveDef&)>& predicate) {
  return static_cast<int>(std::count_if(c.moves.begin(), c.moves.end(), predicate));
}

bool isSpecialKind(const MoveDef& m) {
  return m.kind != MoveKind::Normal && m.kind != MoveKind::Throw && m.kind != MoveKind::Super;
}

// Frames the defender is still in hitstun after the attacker recovers, for a
// hit on the move's first active frame.
int advantageOnHit(const MoveDef& m) {
  return m.hitstun - (m.active - 1 + m.recovery);
}

int indexOfMove(const json& character, const std::string& id) {
  const json& moves = character.at("moves");
  for (size_t i = 0; i < moves.size(); ++i)
    if (moves[i].at("id") == id) return static_cast<int>(i);
  return -1;
}

// Performs one move of P1 in a match against an idle P2 standing close, and
// reports whether it started and whether it connected (hit, throw or counter).
struct MoveTrial {
  bool started = false;
  bool connected = false;
  std::string note;
};

constexpr PadState kIdle{5, 0};

// Air moves are input `airFrames` frames after a forward jump from `distance`
// pixels (0: a straight jump up, input at 40 pixels high).
MoveTrial tryMove(const CharacterDef& c, const CharacterDef& dummy, int index, int distance = 60,
                  int airFrames = 0) {
  const MoveDef& m = c.moves[static_cast<size_t>(index)];
  MatchRules rules;
  rules.startDistancePixels = distance;
  FightMatch match(c, dummy, rules);
  match.reset(1);
  MoveTrial trial;
  auto run = [&](PadState p1, PadState p2 = kIdle) {
    match.step(p1, p2);
    for (const FightEvent& e : match.events())
      if (e.player == 0 && e.move == index &&
          (e.kind == FightEventKind::Hit || e.kind == FightEventKind::Throw ||
           e.kind == FightEventKind::Counter))
        trial.connected = true;
    const MoveDef* current = match.currentMove(0);
    if (current == &m) trial.started = true;
  };
  auto waitUntilFree = [&] {
    for (int f = 0; f < 120 && !match.canAct(0); ++f) run(kIdle);
  };
  if (m.kind == MoveKind::Super) {
    // Fill P1's meter through a snapshot (the state is plain bytes).
    std::vector<uint8_t> bytes = match.snapshot();
    MatchState s;
    std::memcpy(&s, bytes.data() + bytes.size() - sizeof s, sizeof s);
    s.fighters[0].meter = 1000;
    std::memcpy(bytes.data() + bytes.size() - sizeof s, &s, sizeof s);
    match.restore(bytes);
  }
  if (m.stance == 2) {
    int switchIndex = -1;
    for (size_t i = 0; i < c.moves.size(); ++i)
      if (c.moves[i].kind == MoveKind::StanceSwitch) switchIndex = static_cast<int>(i);
    const MoveDef& sw = c.moves[static_cast<size_t>(switchIndex)];
    for (Direction d : motionFrames(sw.motion, c.chargeFrames))
      run(PadState{toScreen(d, match.fighter(0).facing), 0});
    run(PadState{5, static_cast<uint8_t>(sw.buttons.mask & -sw.buttons.mask)});
    waitUntilFree();
    // Let the switch's 2 5 2 leave the input buffer, or a crouching punch repeats it.
    for (int f = 0; f < 30; ++f) run(kIdle);
    if (match.fighter(0).stance != 2) trial.note = "stance switch failed";
  }
  if (m.posture == Posture::Air && airFrames > 0) {
    run(PadState{toScreen(9, match.fighter(0).facing), 0});
    for (int f = 0; f < airFrames; ++f) run(kIdle);
  } else if (m.posture == Posture::Air) {
    run(PadState{8, 0});
    for (int f = 0; f < 40 && match.fighter(0).y < 40 * kUnitsPerPixel; ++f) run(kIdle);
  }
  const uint8_t buttons =
      m.buttons.together ? m.buttons.mask : static_cast<uint8_t>(m.buttons.mask & -m.buttons.mask);
  std::vector<Direction> frames = motionFrames(m.motion, c.chargeFrames);
  if (m.kind == MoveKind::Normal && m.posture == Posture::Crouching) frames = {2};
  const int32_t startX = match.fighter(0).x;
  for (size_t k = 0; k < frames.size(); ++k) {
    const Direction screen = toScreen(frames[k], match.fighter(0).facing);
    // The dummy jabs into a counter's active frames.
    const bool poke = m.kind == MoveKind::Counter && k + 1 == frames.size();
    run(PadState{screen, k + 1 == frames.size() ? buttons : uint8_t{0}},
        poke ? PadState{5, kLP} : kIdle);
  }
  for (int f = 0; f < 150 && !match.over(); ++f) {
    if (m.kind == MoveKind::Teleport && trial.started &&
        std::abs(match.fighter(0).x - startX) >= 50 * kUnitsPerPixel)
      trial.connected = true;
    if (m.kind == MoveKind::StanceSwitch && match.fighter(0).stance == 2) trial.connected = true;
    run(kIdle, m.kind == MoveKind::Counter && f < 4 ? PadState{5, kLP} : kIdle);
  }
  return trial;
}

}  // namespace

class TestFightCharacters : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;
  int fileCounter_ = 0;

  // Writes `text` to a fresh file named <stem>.json in its own folder.
  fs::path writeCharacter(const std::string& text, const std::string& stem = "kestrel") {
    const fs::path folder = fs::path(temp_.path().toStdString()) / std::to_string(fileCounter_++);
    fs::create_directories(folder);
    const fs::path file = folder / (stem + ".json");
    writeText(file, text);
    return file;
  }

  // Loads the mutated built-in Kestrel and checks the error names the file and the field.
  void expectError(const std::function<void(json&)>& mutate, const std::string& field,
                   const std::string& problemPart) {
    json j = readJson(builtinFolder() / "kestrel.json");
    mutate(j);
    expectFileError(j.dump(2), field, problemPart);
  }

  void expectFileError(const std::string& text, const std::string& field,
                       const std::string& problemPart) {
    const fs::path file = writeCharacter(text);
    try {
      loadCharacterFile(file);
      QFAIL(("no error for the field " + field + " (" + problemPart + ")").c_str());
    } catch (const CharacterFileError& e) {
      const std::string what = e.what();
      QVERIFY2(e.file() == file.string(), what.c_str());
      QVERIFY2(e.field() == field, ("field \"" + e.field() + "\": " + what).c_str());
      QVERIFY2(e.problem().find(problemPart) != std::string::npos, what.c_str());
      QVERIFY2(what.find(file.string()) != std::string::npos, what.c_str());
      QVERIFY2(what.find(field) != std::string::npos, what.c_str());
    }
  }

 private slots:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    qunsetenv("PALAESTRA_CHARACTERS_DIR");
  }

  void everyBuiltinFileLoads() {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(builtinFolder())) {
      if (entry.path().extension() != ".json") continue;
      ++files;
      const CharacterDef c = loadCharacterFile(entry.path());
      QCOMPARE(c.id, entry.path().stem().string());
    }
    QCOMPARE(files, 12);
  }

  void roster_hasTwelveOnTheLadder() {
    const Roster& roster = Roster::builtin();
    QCOMPARE(roster.size(), 12);
    std::set<std::string> ids;
    for (int i = 0; i < roster.size(); ++i) {
      const CharacterDef& c = roster.at(i);
      QCOMPARE(c.ladder, i + 1);
      ids.insert(c.id);
      QCOMPARE(roster.indexOf(c.id), i);
      QCOMPARE(&roster.get(c.id), &c);
      QVERIFY(!c.displayName.empty());
      QVERIFY(!c.style.empty());
    }
    QCOMPARE(static_cast<int>(ids.size()), 12);
    QCOMPARE(roster.ids().size(), size_t{12});
    QCOMPARE(roster.ids().front(), roster.at(0).id);
    QCOMPARE(roster.indexOf("nobody"), -1);
    try {
      roster.get("nobody");
      QFAIL("get() of an unknown id did not throw");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find(roster.at(0).id) != std::string::npos, e.what());
    }
  }

  void builtin_isLoadedOnceAcrossThreads() {
    std::vector<const Roster*> seen(4, nullptr);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < seen.size(); ++i)
      threads.emplace_back([&seen, i] { seen[i] = &Roster::builtin(); });
    for (auto& t : threads) t.join();
    for (const Roster* r : seen) QCOMPARE(r, &Roster::builtin());
  }

  void pixelsBecomeUnitsExactly() {
    const CharacterDef& kestrel = Roster::builtin().get("kestrel");
    QCOMPARE(kestrel.walkForward, 350);  // "walk_forward": 3.5
    QCOMPARE(kestrel.walkBack, 280);     // 2.8 (not 279 from 2.8 * 100 in binary)
    QCOMPARE(kestrel.jumpVelocityY, 1500);
    QCOMPARE(kestrel.gravity, 100);
    QCOMPARE(kestrel.color, 0xc83c32u);
    json j = readJson(builtinFolder() / "kestrel.json");
    j["walk_forward"] = 3.14;
    j["walk_back"] = 0.29;
    const CharacterDef c = parseCharacter(j, "kestrel.json");
    QCOMPARE(c.walkForward, 314);
    QCOMPARE(c.walkBack, 29);
    QCOMPARE(c.id, std::string("kestrel"));
    // Boxes stay in pixels; a throw's default buttons are LP+LK.
    const MoveDef* grab = findMove(c, "throw");
    QVERIFY(grab);
    QCOMPARE(grab->buttons.mask, static_cast<uint8_t>(kLP | kLK));
    QVERIFY(grab->buttons.together);
    QCOMPARE(c.standing.hurtbox.h, static_cast<int16_t>(100));
  }

  void everyCharacterIsComplete() {
    const Roster& roster = Roster::builtin();
    for (int i = 0; i < roster.size(); ++i) {
      const CharacterDef& c = roster.at(i);
      const std::string who = c.id + ": ";
      int normals = 0;
      for (int p = 0; p < 3; ++p)
        for (int b = 0; b < kButtonCount; ++b)
          normals += countMoves(c, [&](const MoveDef& m) {
                       return m.kind == MoveKind::Normal && m.stance != 2 &&
                              static_cast<int>(m.posture) == p && m.buttons.mask == (1 << b);
                     }) == 1;
      QVERIFY2(normals == 18, (who + "normals per posture x button").c_str());
      QVERIFY2(countMoves(c, [](const MoveDef& m) { return m.kind == MoveKind::Throw; }) == 1,
               (who + "one throw").c_str());
      const int specials = countMoves(c, isSpecialKind);
      QVERIFY2(specials >= 2 && specials <= 5,
               (who + std::to_string(specials) + " specials").c_str());
      QVERIFY2(countMoves(c,
                          [](const MoveDef& m) {
                            return m.kind == MoveKind::Super && m.meterCost > 0 &&
                                   m.meterCost <= 1000;
                          }) == 1,
               (who + "one super").c_str());
      QVERIFY2(countMoves(c, [](const MoveDef& m) { return m.specialCancel; }) >= 3,
               (who + "special-cancellable normals").c_str());
      QVERIFY2(countMoves(c, [](const MoveDef& m) { return m.knockdown; }) >= 3,
               (who + "knockdowns").c_str());
      // Crouching LK and MK hit low; air normals must be blocked standing.
      for (const char* low : {"cr.LK", "cr.MK"})
        QVERIFY2(findMove(c, low) && findMove(c, low)->guard == GuardType::Low,
                 (who + low + " low").c_str());
      for (const MoveDef& m : c.moves) {
        const std::string move = who + m.id + ": ";
        if (m.kind == MoveKind::Normal && m.posture == Posture::Air)
          QVERIFY2(m.guard == GuardType::Overhead, (move + "air normal overhead").c_str());
        // A hitbox exists only on active frames.
        for (const TimedBox& box : m.hitboxes)
          QVERIFY2(box.first >= m.startup && box.last <= m.startup + m.active - 1,
                   (move + "hitbox frames").c_str());
        if (m.kind != MoveKind::Normal) continue;
        const bool light = m.buttons.mask & (kLP | kLK);
        const bool heavy = m.buttons.mask & (kHP | kHK);
        if (light) QVERIFY2(m.startup >= 3 && m.startup <= 5, (move + "light startup").c_str());
        if (heavy) QVERIFY2(m.startup >= 8 && m.startup <= 16, (move + "heavy startup").c_str());
      }
      // Lights link into lights: a grounded light jab is fast enough to hit
      // before the defender recovers from a grounded light jab.
      const MoveDef* jab = findMove(c, "st.LP");
      const MoveDef* crJab = findMove(c, "cr.LP");
      QVERIFY(jab && crJab);
      QVERIFY2(advantageOnHit(*jab) >= jab->startup, (who + "st.LP links into st.LP").c_str());
      QVERIFY2(advantageOnHit(*crJab) >= jab->startup, (who + "cr.LP links into st.LP").c_str());
      // A sweep does not link into anything: it is punishable on block.
      const MoveDef* sweep = findMove(c, "cr.HK");
      QVERIFY(sweep);
      QVERIFY2(sweep->knockdown, (who + "sweep knocks down").c_str());
      QVERIFY2(sweep->blockstun < sweep->active - 1 + sweep->recovery,
               (who + "sweep unsafe on block").c_str());
    }
  }

  void everyMoveCanBePerformedAndConnects() {
    const Roster& roster = Roster::builtin();
    const CharacterDef& dummy = roster.get("kestrel");
    std::string failures;
    for (int i = 0; i < roster.size(); ++i) {
      const CharacterDef& c = roster.at(i);
      for (size_t k = 0; k < c.moves.size(); ++k) {
        const MoveDef& m = c.moves[k];
        MoveTrial t = tryMove(c, dummy, static_cast<int>(k));
        // Air normals are jump-ins: from a forward jump at some distance, pressed
        // at some point of the jump, they must hit a standing dummy.
        if (m.kind == MoveKind::Normal && m.posture == Posture::Air)
          for (int distance : {80, 110, 140})
            for (int frame = 4; frame < 36 && !t.connected; frame += 2)
              t = tryMove(c, dummy, static_cast<int>(k), distance, frame);
        if (!t.started || !t.connected)
          failures += c.id + "/" + m.id + (t.started ? " did not connect" : " did not start") +
                      (t.note.empty() ? "" : " (" + t.note + ")") + "\n";
      }
    }
    QVERIFY2(failures.empty(), failures.c_str());
  }

  void stylesDiffer() {
    const Roster& roster = Roster::builtin();
    auto has = [&](const std::string& id, const std::function<bool(const MoveDef&)>& p) {
      return countMoves(roster.get(id), p);
    };
    auto projectile = [](const MoveDef& m) {
      return m.hasProjectile && m.kind == MoveKind::Special;
    };
    auto antiAir = [](const MoveDef& m) {
      return m.kind == MoveKind::Special && m.jumpY > 0 && (m.invulnTo & kInvulnStrike);
    };
    // Two all-rounders with projectiles and anti-airs, and a zoner with more projectiles.
    for (const char* id : {"kestrel", "vale"}) {
      QVERIFY2(has(id, projectile) == 1, id);
      QVERIFY2(has(id, antiAir) >= 1, id);
    }
    QVERIFY(has("sable", projectile) >= 3);
    QVERIFY(has("sable", [](const MoveDef& m) {
      return m.hasProjectile && m.posture == Posture::Air && m.projectile.speedY < 0;
    }));
    // The grappler's command throws on half circles.
    QVERIFY(has("bramble", [](const MoveDef& m) {
              return m.kind == MoveKind::CommandThrow && m.motion == Motion::HalfCircleBack;
            }) >= 2);
    // The charge character: a charge_bf projectile and a charge_du anti-air.
    QVERIFY(has("garrison", [](const MoveDef& m) {
      return m.motion == Motion::ChargeBackForward && m.hasProjectile;
    }));
    QVERIFY(has("garrison",
                [](const MoveDef& m) { return m.motion == Motion::ChargeDownUp && m.jumpY > 0; }));
    // The ninja teleports behind and forward.
    QVERIFY(has("kiri",
                [](const MoveDef& m) { return m.kind == MoveKind::Teleport && m.teleportBehind; }));
    QVERIFY(has("kiri",
                [](const MoveDef& m) { return m.kind == MoveKind::Teleport && m.teleportX > 0; }));
    // The counter character parries high and low.
    QVERIFY(has("mireille", [](const MoveDef& m) { return m.kind == MoveKind::Counter; }) >= 2);
    // The stance character switches stance and has moves of each stance.
    QVERIFY(has("marr", [](const MoveDef& m) { return m.kind == MoveKind::StanceSwitch; }));
    QVERIFY(has("marr", [](const MoveDef& m) { return m.stance == 1; }));
    QVERIFY(
        has("marr", [](const MoveDef& m) { return m.stance == 2 && m.kind == MoveKind::Normal; }));
    // The mix-up character: overheads, lows, and cross-up air kicks reaching behind.
    QVERIFY(has("wren", [](const MoveDef& m) {
              return m.posture != Posture::Air && m.guard == GuardType::Overhead;
            }) >= 2);
    QVERIFY(has("wren", [](const MoveDef& m) { return m.guard == GuardType::Low; }) >= 4);
    QVERIFY(has("wren", [](const MoveDef& m) {
      return m.posture == Posture::Air && !m.hitboxes.empty() && m.hitboxes[0].box.x < -20;
    }));
    // Footsies: the longest standing MK; heavy hitter: the slowest walk and the hardest st.HP.
    // Rushdown and ninja: the fastest walks.
    auto reach = [](const CharacterDef& c) {
      const Box& b = findMove(c, "st.MK")->hitboxes[0].box;
      return b.x + b.w;
    };
    for (int i = 0; i < roster.size(); ++i) {
      const CharacterDef& c = roster.at(i);
      if (c.id != "heron") QVERIFY2(reach(roster.get("heron")) > reach(c), c.id.c_str());
      if (c.id != "hollis") {
        QVERIFY2(roster.get("hollis").walkForward < c.walkForward, c.id.c_str());
        QVERIFY2(findMove(roster.get("hollis"), "st.HP")->damage > findMove(c, "st.HP")->damage,
                 c.id.c_str());
      }
      if (c.id != "vex" && c.id != "kiri")
        QVERIFY2(roster.get("vex").walkForward > c.walkForward, c.id.c_str());
    }
  }

  void thirteenthCharacterJoins() {
    json j = readJson(builtinFolder() / "kestrel.json");
    j["name"] = "Newcomer";
    j["ladder"] = 0;
    const fs::path file = writeCharacter(j.dump(2), "newcomer");
    json k = j;
    k["name"] = "Another";
    writeText(file.parent_path() / "another.json", k.dump(2));
    writeText(file.parent_path() / "notes.txt", "not a character");

    qputenv("PALAESTRA_CHARACTERS_DIR", file.parent_path().string().c_str());
    const std::vector<fs::path> folders = Roster::defaultFolders();
    qunsetenv("PALAESTRA_CHARACTERS_DIR");
    QCOMPARE(folders.size(), size_t{2});
    QCOMPARE(folders[1], file.parent_path());
    const Roster roster = Roster::load(folders);
    QCOMPARE(roster.size(), 14);
    QCOMPARE(roster.at(11).ladder, 12);
    // Off the ladder, after it, by id.
    QCOMPARE(roster.at(12).id, std::string("another"));
    QCOMPARE(roster.at(13).id, std::string("newcomer"));
    QCOMPARE(roster.get("newcomer").displayName, std::string("Newcomer"));
    // A mistyped PALAESTRA_CHARACTERS_DIR is an error naming it.
    const std::string typo = (file.parent_path() / "missing").string();
    qputenv("PALAESTRA_CHARACTERS_DIR", typo.c_str());
    try {
      Roster::defaultFolders();
      qunsetenv("PALAESTRA_CHARACTERS_DIR");
      QFAIL("a PALAESTRA_CHARACTERS_DIR that is not a folder was accepted");
    } catch (const CharacterFileError& e) {
      qunsetenv("PALAESTRA_CHARACTERS_DIR");
      QCOMPARE(e.file(), typo);
      QVERIFY2(e.problem().find("PALAESTRA_CHARACTERS_DIR") != std::string::npos, e.what());
    }
    // Missing folders given to load() are skipped.
    QCOMPARE(Roster::load({builtinFolder(), file.parent_path() / "missing"}).size(), 12);
  }

  void errors_nameFileAndField() {
    expectError([](json& j) { j["moves"][0]["startup"] = "four"; }, "moves[0].startup",
                "must be an integer in [1, 120]");
    expectError([](json& j) { j["moves"][0]["startup"] = 0; }, "moves[0].startup",
                "must be an integer in [1, 120], got 0");
    expectError([](json& j) { j["health"] = 2.5; }, "health", "must be an integer");
    expectError([](json& j) { j["ladder"] = 13; }, "ladder", "must be an integer in [0, 12]");
    expectError([](json& j) { j["jump"]["gravity"] = -1; }, "jump.gravity", "must be a number in");
    expectError([](json& j) { j["walk_forward"] = 3.125; }, "walk_forward", "two decimals");
    expectError([](json& j) { j["moves"][2]["startp"] = 5; }, "moves[2].startp",
                "is not a known key");
    expectError([](json& j) { j["jump"]["hieght"] = 5; }, "jump.hieght", "is not a known key");
    expectError([](json& j) { j.erase("walk_forward"); }, "walk_forward", "is required");
    expectError([](json& j) { j["moves"][3].erase("recovery"); }, "moves[3].recovery",
                "is required");
    expectError([](json& j) { j["moves"][1]["guard"] = "middle"; }, "moves[1].guard",
                "one of high, mid, low, overhead, throw");
    expectError([](json& j) { j["moves"][1]["kind"] = "fireball"; }, "moves[1].kind", "one of");
    expectError([](json& j) { j["moves"][1]["buttons"] = "LP+XX"; }, "moves[1].buttons",
                "must be a button");
    expectError([](json& j) { j["moves"][1]["id"] = "st.LP"; }, "moves[1].id", "is not unique");
    expectError(
        [](json& j) {
          j["moves"][0]["hitboxes"][0]["frames"] = {1, 5};
        },
        "moves[0].hitboxes[0].frames", "must lie within the active frames [4, 5]");
    expectError(
        [](json& j) {
          j["moves"][0]["hitboxes"][0]["box"] = {1, 2, 0, 4};
        },
        "moves[0].hitboxes[0].box", "width and height in [1, 1000]");
    expectError([](json& j) { j["moves"].erase(static_cast<size_t>(indexOfMove(j, "throw"))); },
                "moves", "lacks a throw");
    expectError([](json& j) { j["moves"].erase(static_cast<size_t>(indexOfMove(j, "cr.MK"))); },
                "moves", "lacks a crouching MK normal");
    expectError(
        [](json& j) {
          json copy = j["moves"][0];
          copy["id"] = "st.LP2";
          j["moves"].push_back(copy);
        },
        "moves[" + std::to_string(readJson(builtinFolder() / "kestrel.json")["moves"].size()) + "]",
        "is a second standing LP normal");
    expectError(
        [](json& j) { j["moves"][indexOfMove(j, "super")]["meter_cost"] = 0; },
        "moves[" +
            std::to_string(indexOfMove(readJson(builtinFolder() / "kestrel.json"), "super")) +
            "].meter_cost",
        "must be in (0, 1000] for a super");
    const int fireball = indexOfMove(readJson(builtinFolder() / "kestrel.json"), "fireball");
    QVERIFY(fireball >= 0);
    expectError(
        [](json& j) { j["moves"][indexOfMove(j, "fireball")]["projectile"].erase("speed_x"); },
        "moves[" + std::to_string(fireball) + "].projectile", "needs a speed");
    expectError([](json& j) { j["moves"][indexOfMove(j, "fireball")]["motion"] = "none"; },
                "moves[" + std::to_string(fireball) + "].motion", "must be a motion");
    expectError([](json& j) { j["color"] = "red"; }, "color", "#RRGGBB");
    expectError([](json& j) { j["moves"] = json::array(); }, "moves", "non-empty list");
    expectError([](json& j) { j["moves"][0]["special_cancel"] = "yes"; }, "moves[0].special_cancel",
                "must be true or false");
  }

  void errors_fileLevel() {
    expectFileError("", "", "is empty");
    expectFileError("  \n", "", "is empty");
    expectFileError("{\n  \"name\": \"X\",\n  \"style\" \"s\"\n}\n", "", "line 3");
    expectFileError("[1, 2]", "", "must hold a JSON object");
    {
      // A key given twice (the second would silently win) names its path.
      std::string text = readJson(builtinFolder() / "kestrel.json").dump(2);
      const size_t at = text.find("\"startup\": 4");
      QVERIFY(at != std::string::npos);
      text.insert(at, "\"startup\": 9, ");
      const json moves = readJson(builtinFolder() / "kestrel.json")["moves"];
      int first = -1;
      for (size_t i = 0; i < moves.size() && first < 0; ++i)
        if (moves[i]["startup"] == 4) first = static_cast<int>(i);
      expectFileError(text, "moves[" + std::to_string(first) + "].startup", "is given twice");
      expectFileError("{\"name\": \"A\", \"name\": \"B\"}", "name", "is given twice");
    }
    const fs::path file = writeCharacter("{}", "Bad Name");
    try {
      loadCharacterFile(file);
      QFAIL("a file name that is not an id was accepted");
    } catch (const CharacterFileError& e) {
      QVERIFY2(std::string(e.what()).find("lower-case") != std::string::npos, e.what());
    }
    try {
      loadCharacterFile(file.parent_path() / "missing.json");
      QFAIL("a missing file was read");
    } catch (const CharacterFileError& e) {
      QVERIFY2(e.problem().find("cannot be opened") != std::string::npos, e.what());
    }
  }

  void errors_duplicateIdAcrossFolders() {
    json j = readJson(builtinFolder() / "kestrel.json");
    j["ladder"] = 0;
    const fs::path copy = writeCharacter(j.dump(2), "kestrel");
    try {
      Roster::load({builtinFolder(), copy.parent_path()});
      QFAIL("a duplicate character id was accepted");
    } catch (const CharacterFileError& e) {
      const std::string what = e.what();
      QCOMPARE(e.field(), std::string("id"));
      QVERIFY2(what.find(copy.string()) != std::string::npos, what.c_str());
      QVERIFY2(what.find((builtinFolder() / "kestrel.json").string()) != std::string::npos,
               what.c_str());
    }
    // A ladder position held twice is an error too.
    j["ladder"] = 3;
    const fs::path clash = writeCharacter(j.dump(2), "newcomer");
    try {
      Roster::load({builtinFolder(), clash.parent_path()});
      QFAIL("a taken ladder position was accepted");
    } catch (const CharacterFileError& e) {
      QCOMPARE(e.field(), std::string("ladder"));
      QVERIFY2(std::string(e.what()).find("hollis.json") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestFightCharacters)
#include "TestFightCharacters.moc"
