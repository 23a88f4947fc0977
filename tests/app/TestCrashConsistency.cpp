// Crash consistency with the real palaestra-cli on a real SQLite file: training
// processes killed with SIGKILL at random moments leave a sound store whose
// runs the next open marks crashed and whose every kept episode replays
// bit-exactly; SIGTERM and SIGHUP stop a run cleanly (exit 143 / 129, run
// interrupted with its final checkpoint and evaluation); a second Ctrl-C exits
// at once and the run is then found crashed.
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

#include <unistd.h>

#include <csignal>
#include <map>

#include "Simulations.h"
#include "conformance/CliRunner.h"
#include "conformance/RunOwners.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayVerifier.h"
#include "store/RunStore.h"
#include "store/Sqlite.h"
#include "train/StoredRunConfig.h"

using namespace palaestra;
using palaestra::testing::cliPath;
using palaestra::testing::CliResult;
using palaestra::testing::deadProcess;
using palaestra::testing::readAll;
using palaestra::testing::runCli;
using palaestra::testing::setRunOwner;
using palaestra::testing::writeFile;

namespace {

// A walker run that checkpoints, evaluates and finishes episodes every fraction of a second.
constexpr const char* kSmallWalker = R"({"ppo": {"num_envs": 4, "num_steps": 128,
  "num_minibatches": 2, "update_epochs": 2}, "eval": {"every_steps": 15000, "episodes": 2,
  "final_episodes": 2}, "keep_episodes": {"sample_rate": 0.05}})";

// A training process that runs until signalled.
struct Trainer {
  QProcess process;
  QString err;
  void start(const QString& db, const QString& config, const QString& name) {
    process.start(cliPath(), {"train", "walker", "--config", config, "--minutes", "10", "--threads",
                              "2", "--db", db, "--name", name});
  }
  // Waits until the progress line shows `steps` (the session is iterating).
  bool waitForProgress(int timeoutMs = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("steps ") && timer.elapsed() < timeoutMs) {
      process.waitForReadyRead(50);
      err += QString::fromUtf8(process.readAllStandardError());
    }
    return err.contains("steps ");
  }
  // A process that already ended has no id (0), and kill(0, ...) would signal this test's group.
  void signal(int number) {
    const auto pid = static_cast<pid_t>(process.processId());
    QVERIFY2(pid > 0, "the training process has already ended");
    ::kill(pid, number);
  }
  // The exit code, or -1 if the process was killed by a signal (or did not end in time).
  int finish(int timeoutMs = 60000) {
    const bool ended = process.waitForFinished(timeoutMs);
    err += QString::fromUtf8(process.readAllStandardError());
    return ended && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  }
};

std::string integrityCheck(const QString& db) {
  SqliteConnection raw(db.toStdString(), SQLITE_OPEN_READONLY);
  SqliteStatement check(raw, "PRAGMA integrity_check");
  std::string result;
  while (check.step()) result += check.columnText(0);
  return result;
}

}  // namespace

class TestCrashConsistency : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString config_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  // Every episode of the run replays bit-exactly; returns how many there are.
  int replayAll(RunStore& store, const RunInfo& run) {
    const StoredRunConfig config = readStoredRunConfig(run);
    EnvPtr env = EnvRegistry::instance().get(config.env).create(config.envConfig);
    int count = 0;
    for (const EpisodeSummary& summary : store.episodes(run.id)) {
      const StoredEpisode episode = store.loadEpisode(summary.id);
      const ReplayCheck check = verifyReplay(*env, episode.record);
      if (!check.ok) {
        qWarning("run %lld episode %lld: %s", static_cast<long long>(run.id),
                 static_cast<long long>(summary.id), check.message.c_str());
        return -1;
      }
      ++count;
    }
    return count;
  }

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo::exists(cliPath()), "PALAESTRA_CLI must point at palaestra-cli");
    QVERIFY(dir_.isValid());
    registerBuiltinSimulations();
    config_ = path("small.json");
    writeFile(config_, kSmallWalker);
  }

  // kill -9 at random moments, 20 times, into one store.
  void killedRunsAreFoundCrashedAndKeepWhatTheyFinished() {
    const QString db = path("killed.sqlite");
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("kill times drawn with seed %u", seed);
    QRandomGenerator random(seed);
    constexpr int kKills = 20;
    std::map<int64_t, qint64> killedAtMs;  // run id -> wall time of the kill (ms since epoch)
    QElapsedTimer total;
    total.start();
    int64_t previousRunId = 0;  // the run the previous process printed (0: killed before that)
    for (int i = 0; i < kKills; ++i) {
      Trainer trainer;
      trainer.start(db, config_, QString("killed-%1").arg(i));
      QVERIFY(trainer.process.waitForStarted());
      const int delayMs = 300 + static_cast<int>(random.bounded(3700));
      QTest::qWait(delayMs);
      trainer.signal(SIGKILL);
      const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
      QCOMPARE(trainer.finish(), -1);
      // The run id is printed once the run exists ("run N 'name' in ...").
      const QRegularExpressionMatch created =
          QRegularExpression("run (\\d+) 'killed-").match(trainer.err);
      const int64_t runId = created.hasMatch() ? created.captured(1).toLongLong() : 0;
      if (runId) killedAtMs[runId] = killedAt;
      // The open of this process found the previous killed run crashed and said so, when that
      // run was committed: a process killed between printing its run and committing it (a slow
      // start, e.g. under ASan) leaves no run, and its id is handed out again.
      if (previousRunId && runId > previousRunId)
        QVERIFY2(trainer.err.contains("palaestra-cli: warning: run ") &&
                     trainer.err.contains("crashed: its process"),
                 qPrintable(trainer.err));
      previousRunId = runId;
    }
    qInfo("%d kills in %.1f s", kKills, total.elapsed() / 1000.0);

    QCOMPARE(integrityCheck(db), std::string("ok"));
    // The CLI's open marks the last one and says so on stderr, one line per run.
    const CliResult runs = runCli({"runs", "--db", db, "--json"});
    QCOMPARE(runs.exitCode, 0);
    QVERIFY2(runs.err.count("palaestra-cli: warning: run ") <= 1, qPrintable(runs.err));
    RunStore store(db.toStdString(), RunStore::OpenMode::OpenExisting);
    QVERIFY(store.crashedRunsFound().empty());  // all marked already
    int episodes = 0, runsWithTrainingEpisodes = 0, runsWithUnlinkedEpisodes = 0;
    for (const RunInfo& run : store.listRuns()) {
      QVERIFY2(
          run.status == RunStatus::Crashed,
          qPrintable(QString("run %1 is %2").arg(run.id).arg(runStatusName(run.status).c_str())));
      QVERIFY(run.endedAt.has_value());
      const int replayed = replayAll(store, run);
      QVERIFY(replayed >= 0);
      episodes += replayed;
      // A run that logged a finished training episode holds a kept one: kept episodes are
      // queued before the metrics that report them.
      const bool loggedAnEpisode =
          !store.metrics(run.id, std::string("train/episode_return")).empty();
      const bool keptAnEpisode = !store.episodes(run.id, EpisodeKind::Train).empty();
      if (loggedAnEpisode) QVERIFY2(keptAnEpisode, qPrintable(QString("run %1").arg(run.id)));
      if (keptAnEpisode) ++runsWithTrainingEpisodes;
      // Kept episodes of an interval whose checkpoint never came are there too.
      for (const EpisodeSummary& e : store.episodes(run.id, EpisodeKind::Train))
        if (!e.checkpointId) {
          ++runsWithUnlinkedEpisodes;
          break;
        }
      // Every checkpoint has its evaluation episodes (they commit together).
      for (const CheckpointInfo& checkpoint : store.checkpoints(run.id)) {
        int evals = 0;
        for (const EpisodeSummary& e : store.episodes(run.id, EpisodeKind::Eval))
          evals += e.checkpointId == checkpoint.id;
        QCOMPARE(evals, 2);
      }
    }
    qInfo(
        "%d runs, %d of them with kept training episodes (%d with some not yet linked to a "
        "checkpoint); %d episodes replay bit-exactly",
        static_cast<int>(store.listRuns().size()), runsWithTrainingEpisodes,
        runsWithUnlinkedEpisodes, episodes);
    QVERIFY(static_cast<int>(store.listRuns().size()) >= kKills - 2);  // a kill may precede the run
    QVERIFY(runsWithTrainingEpisodes > 0);
    QVERIFY(runsWithUnlinkedEpisodes > 0);
  }

  // A read command on a file it cannot write reports the dead run and writes nothing.
  void readOnlyStoreIsReportedNotWritten() {
    // Run as an unprivileged user where needed: root writes through file permissions.
    QString program = cliPath();
    QStringList prefix;
    if (geteuid() == 0) {
      if (!QFileInfo::exists("/usr/bin/setpriv")) QSKIP("setpriv is needed to drop root");
      program = "/usr/bin/setpriv";
      prefix = {"--reuid=65534", "--regid=65534", "--clear-groups", cliPath()};
    }
    const QString folder = path("shared");
    QVERIFY(QDir().mkpath(folder));
    // The directory stays writable (SQLite keeps its WAL index there); the file is read-only.
    QVERIFY(QFile::setPermissions(dir_.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                   QFileDevice::ExeOther));
    QVERIFY(QFile::setPermissions(folder, QFileDevice::Permissions(0x7777)));
    const QString db = folder + "/runs.sqlite";
    int64_t runId = 0;
    {
      RunStore store(db.toStdString());
      NewRun orphan;
      orphan.name = "orphan";
      orphan.env = "walker";
      runId = store.createRun(orphan);
    }
    setRunOwner(db.toStdString(), runId, RunStatus::Running, deadProcess(), 1.7e9);
    QVERIFY(QFile::setPermissions(
        db, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    const QByteArray before = readAll(db);
    QProcess p;
    p.start(program, prefix + QStringList{"runs", "--db", db, "--json"});
    QVERIFY(p.waitForFinished(60000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QCOMPARE(p.exitCode(), 0);
    QVERIFY2(err.contains("palaestra-cli: warning: run 1 'orphan' crashed: its process ") &&
                 err.contains("not marked (the store file is read-only)"),
             qPrintable(err));
    const nlohmann::json listed =
        nlohmann::json::parse(out.trimmed().split('\n').last().toStdString());
    QCOMPARE(listed["runs"][0]["status"].get<std::string>(), std::string("running"));
    QCOMPARE(readAll(db), before);
  }

  void sigtermStopsCleanlyWithExit143() {
    const QString db = path("term.sqlite");
    Trainer trainer;
    trainer.start(db, config_, "terminated");
    QVERIFY2(trainer.waitForProgress(), qPrintable(trainer.err));
    trainer.signal(SIGTERM);
    QCOMPARE(trainer.finish(), 143);
    RunStore store(db.toStdString(), RunStore::OpenMode::OpenExisting);
    QVERIFY(store.crashedRunsFound().empty());
    const RunInfo run = store.listRuns().at(0);
    QCOMPARE(run.status, RunStatus::Interrupted);
    // Its final checkpoint is at the last step trained, with the final evaluation's episodes.
    const auto last = store.latestCheckpoint(run.id);
    QVERIFY(last.has_value());
    QCOMPARE(last->step, run.steps);
    int finalEvals = 0;
    for (const EpisodeSummary& e : store.episodes(run.id, EpisodeKind::Eval))
      finalEvals += e.checkpointId == last->id;
    QCOMPARE(finalEvals, 2);
    QVERIFY(!store.metrics(run.id, std::string("eval/final_mean_return")).empty());
    QVERIFY(replayAll(store, run) > 0);
  }

  void sighupStopsCleanlyWithExit129() {
    const QString db = path("hup.sqlite");
    Trainer trainer;
    trainer.start(db, config_, "hung-up");
    QVERIFY2(trainer.waitForProgress(), qPrintable(trainer.err));
    trainer.signal(SIGHUP);
    QCOMPARE(trainer.finish(), 129);
    RunStore store(db.toStdString(), RunStore::OpenMode::OpenExisting);
    const RunInfo run = store.listRuns().at(0);
    QCOMPARE(run.status, RunStatus::Interrupted);
    QCOMPARE(store.latestCheckpoint(run.id)->step, run.steps);
  }

  void secondCtrlCExitsAtOnceAndTheRunIsFoundCrashed() {
    const QString db = path("twice.sqlite");
    // A long evaluation at the stop (a stopped run evaluates eval.episodes), so the second
    // Ctrl-C arrives while the first is being honoured; the first periodic one comes later.
    const QString slowStop = path("slow-stop.json");
    nlohmann::json config = nlohmann::json::parse(kSmallWalker);
    config["eval"]["episodes"] = 200;
    config["eval"]["every_steps"] = 10000000;
    writeFile(slowStop, QByteArray::fromStdString(config.dump()));
    Trainer trainer;
    trainer.start(db, slowStop, "impatient");
    QVERIFY2(trainer.waitForProgress(), qPrintable(trainer.err));
    trainer.signal(SIGINT);
    QTest::qWait(200);
    QElapsedTimer timer;
    timer.start();
    trainer.signal(SIGINT);
    QCOMPARE(trainer.finish(), 130);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    const CliResult runs = runCli({"runs", "--db", db, "--json"});
    QCOMPARE(runs.exitCode, 0);
    QCOMPARE(runs.json()["runs"][0]["status"].get<std::string>(), std::string("crashed"));
    QVERIFY2(runs.err.contains("palaestra-cli: warning: run 1 'impatient' crashed: its process ") &&
                 runs.err.contains("last heartbeat") && runs.err.contains("marked crashed"),
             qPrintable(runs.err));
    QCOMPARE(runs.err.trimmed().count('\n'), 0);  // one line
  }
};

QTEST_GUILESS_MAIN(TestCrashConsistency)
#include "TestCrashConsistency.moc"
