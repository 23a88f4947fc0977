#pragma once
// A person's fight match, without any UI: P1 a person, P2 a CPU, a second
// person or a stored agent checkpoint. The match is the "fight" env in
// two-player pad mode (one env step = one frame, each agent's action a PadState
// code), so what is recorded (seed, task, both pads per frame, state hash per
// frame) is exactly what the replay player re-simulates. Starting a session
// creates the match's run in the store (tag "play", StoredRunConfig::playConfig);
// when the match ends, or is quit (outcome "quit"), it is stored as that run's
// EpisodeKind::Play episode and the run marked finished.
//
// The caller owns time and input: it calls playFrame() at the frame rate with
// the people's pads (the app's FightPlayView does, from the keyboard at 60 Hz).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fight/FightTypes.h"
#include "replay/EpisodeRecord.h"

namespace palaestra {

class Policy;
class RunStore;

namespace fight {

class FightActionSet;
class FightController;
class FightEnv;
class FightObservationDelay;

/// Who plays which side of a person's match.
struct FightMatchSetup {
  enum class Opponent { Cpu, Person, Agent };
  int p1Character = 0;  // index into Roster::builtin()
  int p2Character = 0;  // index into Roster::builtin()
  Opponent opponent = Opponent::Cpu;
  int cpuLevel = 1;                // 1..8 (Cpu)
  int64_t agentCheckpointId = -1;  // a checkpoint of a run of env "fight" (Agent)
  bool trainingMode = false;       // recorded in the run's config (the UI draws the overlays)
  uint64_t seed = 1;               // the match seed
};

class FightMatchSession {
 public:
  /// The env config of every person's match: two players, raw pads, a short frozen round break.
  static nlohmann::json playEnvConfig();

  /// Checks `setup` (characters, CPU level, the agent's checkpoint), creates the match's run in
  /// `store` and starts the match; throws ConfigError with a message for people when it cannot.
  FightMatchSession(const FightMatchSetup& setup, std::shared_ptr<RunStore> store);
  ~FightMatchSession();
  FightMatchSession(const FightMatchSession&) = delete;
  FightMatchSession& operator=(const FightMatchSession&) = delete;

  /// Plays one frame with P1's pad and, when P2 is a person, P2's (otherwise the CPU or the agent
  /// decides P2's); stores the match when the frame ends it. Does nothing once the match is over.
  void playFrame(PadState p1, PadState p2Person = {});
  /// Puts both fighters back at the round start; the recording starts over (training mode).
  void restart();
  /// Ends the match now (outcome "quit" unless it had ended) and stores it; no-op when over.
  void quit();

  /// Whether the match goes on (not ended, not quit).
  bool running() const { return running_; }
  /// The match env.
  const FightEnv& env() const { return *env_; }
  /// The recording so far; after the end its info holds the outcome ("p1 won", "p2 won", "draw",
  /// "quit").
  const EpisodeRecord& record() const { return record_; }
  /// Frames played in the current recording.
  int framesPlayed() const { return record_.length; }
  /// The names shown over the health bars: "<P1 character> (P1)", "<P2 character> (<opponent>)".
  const std::array<std::string, 2>& names() const { return names_; }
  /// The setup played.
  const FightMatchSetup& setup() const { return setup_; }
  /// The match's run in the store.
  int64_t runId() const { return runId_; }
  /// The stored episode once the match is over and stored, else -1.
  int64_t storedEpisodeId() const { return storedEpisode_; }
  /// Why storing the finished match failed; empty when it did not.
  const std::string& storeError() const { return storeError_; }

 private:
  // P2's pad this frame from the CPU or the agent (or the person's pad as given).
  PadState opponentPad(PadState p2Person);
  // Resets the env, the opponent and the recording to the match start.
  void restartRecording();
  // Ends the match and stores it as the run's Play episode.
  void finish();

  FightMatchSetup setup_;
  std::shared_ptr<RunStore> store_;
  int64_t runId_ = -1;
  std::unique_ptr<FightEnv> env_;
  std::unique_ptr<FightController> cpu_;
  std::shared_ptr<const Policy> agent_;
  std::unique_ptr<FightActionSet> agentDecoder_;
  std::unique_ptr<FightObservationDelay> agentObservations_;
  std::array<std::string, 2> names_;
  EpisodeRecord record_;
  std::vector<double> agentReturns_;
  bool running_ = false;
  int64_t storedEpisode_ = -1;
  std::string storeError_;
};

}  // namespace fight
}  // namespace palaestra
