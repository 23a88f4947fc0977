#include "widgets/fight/FightTrainingOverlay.h"

#include "fight/FightScene.h"

namespace palaestra {

namespace {

// Screen numpad -> numpad as seen by a fighter facing left (back and forward swap).
int mirrored(int direction) {
  static constexpr int kMirror[10] = {0, 3, 2, 1, 6, 5, 4, 9, 8, 7};
  return kMirror[direction];
}

std::string buttonNames(uint8_t buttons) {
  static constexpr const char* kNames[6] = {"LP", "MP", "HP", "LK", "MK", "HK"};
  std::string out;
  for (int b = 0; b < 6; ++b)
    if (buttons & (1 << b)) out += kNames[b];
  return out;
}

std::string signedFrames(int frames) {
  std::string text = frames > 0 ? "+" : "";
  return text.append(std::to_string(frames));
}

}  // namespace

void FightTrainingOverlay::reset() {
  for (auto& h : history_) h.clear();
  previous_ = {};
  advantage_.clear();
}

void FightTrainingOverlay::record(const fight::FightMatch& match,
                                  const std::array<fight::PadState, 2>& pads) {
  for (int p = 0; p < 2; ++p) {
    const fight::PadState pad = pads[static_cast<size_t>(p)];
    const int direction = match.fighter(p).facing < 0 ? mirrored(pad.direction) : pad.direction;
    const uint8_t pressed = pad.buttons & ~previous_[static_cast<size_t>(p)].buttons;
    previous_[static_cast<size_t>(p)] = pad;
    auto& history = history_[static_cast<size_t>(p)];
    // Holding a direction or button adds nothing; a new direction or a new press is an input.
    if (!history.empty() && history.back().direction == direction && pressed == 0) continue;
    history.push_back({direction, pressed});
    if (history.size() > kHistoryLength) history.pop_front();
  }
  for (const fight::FightEvent& event : match.events()) {
    if (event.kind != fight::FightEventKind::Hit && event.kind != fight::FightEventKind::Block)
      continue;
    const auto& moves = match.character(event.player).moves;
    const std::string move = event.move >= 0 && static_cast<size_t>(event.move) < moves.size()
                                 ? moves[static_cast<size_t>(event.move)].displayName
                                 : std::string("attack");
    // Built by appending: GCC 12 misreports (-Wrestrict) a chain of std::string operator+.
    std::string text = "P";
    text.append(std::to_string(event.player + 1)).append(" ").append(move);
    text.append(event.kind == fight::FightEventKind::Hit ? " hit: " : " blocked: ");
    text.append(signedFrames(event.frameAdvantage));
    advantage_ = std::move(text);
  }
}

std::string FightTrainingOverlay::history(int player) const {
  std::string out;
  for (const Entry& e : history_.at(static_cast<size_t>(player))) {
    if (!out.empty()) out += ' ';
    out += std::to_string(e.direction) + buttonNames(e.pressed);
  }
  return out;
}

void FightTrainingOverlay::draw(Scene& scene) const {
  const float top = fight::FightScene::kHudTop - 70.0f;
  const Rgba text{0.08f, 0.1f, 0.3f, 1.0f};  // dark on the light sky
  scene.labels.push_back({{16.0f, top}, false, "P1 inputs: " + history(0), text, kBaseLayer});
  scene.labels.push_back(
      {{16.0f, top - 22.0f}, false, "P2 inputs: " + history(1), text, kBaseLayer});
  scene.labels.push_back(
      {{16.0f, top - 44.0f},
       false,
       "Frame advantage: " + (advantage_.empty() ? std::string("-") : advantage_),
       {0.7f, 0.15f, 0.0f, 1.0f},
       kBaseLayer});
}

}  // namespace palaestra
