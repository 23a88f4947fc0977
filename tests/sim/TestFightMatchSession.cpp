// A person's fight match without any UI (fight::FightMatchSession): a scripted match against the
// CPU runs to an outcome, the same way twice; quitting records "quit"; the stored Play episode of
// the match's run replays bit-exactly from what the run's stored config says; a bad setup is
// refused with a message before anything is stored.
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "fight/FightEnv.h"
#include "fight/FightMatchSession.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "train/StoredRunConfig.h"
#include "util/Errors.h"

using namespace palaestra;
using namespace palaestra::fight;

namespace {

// P1 walks forward and presses a button every 20 frames (pressed for 3 frames): a match that
// ends by itself, the same way for the same frames.
PadState scriptedP1(int frame) {
  PadState pad;
  pad.direction = 6;
  if (frame % 20 < 3) pad.buttons = static_cast<uint8_t>(1u << (frame / 20 % 6));
  return pad;
}

// P2 as a person: crouches, and now and then kicks.
PadState scriptedP2(int frame) {
  PadState pad;
  pad.direction = 2;
  if (frame % 45 < 2) pad.buttons = 8;
  return pad;
}

// Plays until the match is over (or a generous frame limit passes) and returns the frames played.
int playToTheEnd(FightMatchSession& session) {
  int frame = 0;
  for (; session.running() && frame < 200000; ++frame)
    session.playFrame(scriptedP1(frame), scriptedP2(frame));
  return frame;
}

FightMatchSetup cpuSetup() {
  FightMatchSetup setup;
  setup.p1Character = 0;
  setup.p2Character = 1;
  setup.opponent = FightMatchSetup::Opponent::Cpu;
  setup.cpuLevel = 3;
  setup.seed = 77;
  return setup;
}

}  // namespace

class TestFightMatchSession : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
    store_ = std::make_shared<RunStore>(dir_.filePath("play.sqlite").toStdString());
  }

  void scriptedMatchRunsToAnOutcomeDeterministically() {
    FightMatchSession first(cpuSetup(), store_);
    QVERIFY(first.running());
    QCOMPARE(first.framesPlayed(), 0);
    const int frames = playToTheEnd(first);
    QVERIFY2(!first.running(), "the match ended by itself");
    QCOMPARE(first.framesPlayed(), frames);
    const std::string outcome = first.record().info.outcome;
    QVERIFY2(outcome == "p1 won" || outcome == "p2 won" || outcome == "draw", outcome.c_str());
    QVERIFY(first.record().terminated || first.record().truncated);
    QVERIFY2(first.storeError().empty(), first.storeError().c_str());
    QVERIFY(first.storedEpisodeId() >= 0);
    first.playFrame(scriptedP1(0));  // over: nothing more is played
    QCOMPARE(first.framesPlayed(), frames);

    FightMatchSession second(cpuSetup(), store_);
    playToTheEnd(second);
    QCOMPARE(second.record().info.outcome, outcome);
    QCOMPARE(second.record().hashes, first.record().hashes);
    QCOMPARE(second.record().actions, first.record().actions);
    QVERIFY(second.runId() != first.runId());  // each match is its own run

    firstRun_ = first.runId();
    firstEpisode_ = first.storedEpisodeId();
    firstRecord_ = first.record();
  }

  void theStoredPlayEpisodeReplaysBitExactly() {
    QVERIFY(firstEpisode_ >= 0);
    const RunInfo run = store_->getRun(firstRun_);
    QCOMPARE(run.env, std::string("fight"));
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.steps, int64_t(firstRecord_.length));
    QVERIFY(run.endedAt.has_value());
    QCOMPARE(run.tags, std::vector<std::string>{"play"});
    QVERIFY2(run.name.rfind("Play: ", 0) == 0, run.name.c_str());
    const StoredRunConfig config = readStoredRunConfig(run);
    QVERIFY(config.isPlay());
    QCOMPARE(config.envConfig, FightMatchSession::playEnvConfig());
    QCOMPARE(config.seed, uint64_t(77));

    const StoredEpisode stored = store_->loadEpisode(firstEpisode_);
    QCOMPARE(stored.kind, EpisodeKind::Play);
    QCOMPARE(stored.runId, firstRun_);
    QCOMPARE(stored.record.info.outcome, firstRecord_.info.outcome);
    QCOMPARE(stored.record.actions, firstRecord_.actions);
    QCOMPARE(stored.record.seed, uint64_t(77));

    EnvPtr env = EnvRegistry::instance().get(config.env).create(config.envConfig);
    const ReplayCheck check = verifyReplay(*env, stored.record);
    QVERIFY2(check.ok, check.message.c_str());
    QCOMPARE(check.firstMismatch, -1);
  }

  void quittingRecordsQuit() {
    FightMatchSetup setup = cpuSetup();
    setup.opponent = FightMatchSetup::Opponent::Person;
    setup.seed = 5;
    FightMatchSession session(setup, store_);
    for (int frame = 0; frame < 150; ++frame)
      session.playFrame(scriptedP1(frame), scriptedP2(frame));
    QVERIFY(session.running());
    session.quit();
    QVERIFY(!session.running());
    QCOMPARE(session.record().info.outcome, std::string("quit"));
    QVERIFY(session.storedEpisodeId() >= 0);
    session.quit();  // already over: stored once
    QCOMPARE(store_->episodes(session.runId()).size(), size_t(1));

    const StoredEpisode stored = store_->loadEpisode(session.storedEpisodeId());
    QCOMPARE(stored.kind, EpisodeKind::Play);
    QCOMPARE(stored.record.info.outcome, std::string("quit"));
    QCOMPARE(stored.record.length, 150);
    QVERIFY(!stored.record.terminated && !stored.record.truncated);
    const RunInfo run = store_->getRun(session.runId());
    QCOMPARE(run.status, RunStatus::Finished);
    const StoredRunConfig config = readStoredRunConfig(run);
    EnvPtr env = EnvRegistry::instance().get(config.env).create(config.envConfig);
    QVERIFY(verifyReplay(*env, stored.record).ok);  // a quit match replays too
  }

  void restartStartsTheRecordingOver() {
    FightMatchSession session(cpuSetup(), store_);
    for (int frame = 0; frame < 40; ++frame) session.playFrame(scriptedP1(frame));
    QCOMPARE(session.framesPlayed(), 40);
    const uint64_t startHash = session.record().hashes.front();
    session.restart();
    QCOMPARE(session.framesPlayed(), 0);
    QCOMPARE(session.record().hashes.size(), size_t(1));
    QCOMPARE(session.record().hashes.front(), startHash);
    session.quit();
  }

  void aBadSetupIsRefusedBeforeAnythingIsStored() {
    const size_t runsBefore = store_->listRuns().size();
    FightMatchSetup noCharacter = cpuSetup();
    noCharacter.p2Character = 999;
    QVERIFY_THROWS_EXCEPTION(ConfigError, FightMatchSession(noCharacter, store_));
    FightMatchSetup badLevel = cpuSetup();
    badLevel.cpuLevel = 9;
    QVERIFY_THROWS_EXCEPTION(ConfigError, FightMatchSession(badLevel, store_));
    QVERIFY_THROWS_EXCEPTION(ConfigError, FightMatchSession(cpuSetup(), nullptr));
    QCOMPARE(store_->listRuns().size(), runsBefore);
  }

 private:
  QTemporaryDir dir_;
  std::shared_ptr<RunStore> store_;
  int64_t firstRun_ = -1;
  int64_t firstEpisode_ = -1;
  EpisodeRecord firstRecord_;
};

QTEST_GUILESS_MAIN(TestFightMatchSession)
#include "TestFightMatchSession.moc"
