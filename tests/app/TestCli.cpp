// palaestra-cli end to end: a real training run into a real SQLite file, then
// every error path of acceptance point 5 (unknown env/preset, bad config,
// missing/corrupt/foreign DB, locked DB, full disk, unknown ids) must give one
// clear line, a non-zero exit, and leave what is stored intact. Also replay
// verification catching an altered action log, and Ctrl-C keeping the run.
#include <QtTest>

#include <csignal>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "conformance/CliRunner.h"
#include "store/EpisodeCodec.h"
#include "util/Compression.h"

namespace {

using palaestra::testing::CliResult;
using palaestra::testing::cliPath;
using palaestra::testing::readAll;
using palaestra::testing::runCli;
using palaestra::testing::writeFile;

}  // namespace

/// Checks a failed command: exit code, exactly one error line (the last line of stderr, after
/// any progress a training run printed before it failed), and that it says `needle`.
#define QVERIFY_ONE_LINE_ERROR(result, code, needle)                                   \
  do {                                                                                 \
    const CliResult& r_ = (result);                                                    \
    QCOMPARE(r_.exitCode, code);                                                       \
    const QStringList lines_ = r_.err.trimmed().split('\n');                           \
    QVERIFY2(r_.err.count("palaestra-cli: error:") == 1, qPrintable("not exactly one error line: " + r_.err)); \
    QVERIFY2(lines_.last().startsWith("palaestra-cli: error: "), qPrintable(r_.err));  \
    QVERIFY2(r_.err.contains(needle), qPrintable("expected '" + QString(needle) + "' in: " + r_.err)); \
  } while (0)

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString db_, smallConfig_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  /// Run ids listed by `runs --json` of a store.
  QList<qint64> runIds(const QString& db) {
    const CliResult r = runCli({"runs", "--db", db, "--json"});
    QList<qint64> ids;
    if (r.exitCode != 0) return ids;
    const nlohmann::json listed = r.json();
    for (const auto& run : listed["runs"]) ids << run["id"].get<qint64>();
    return ids;
  }

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo::exists(cliPath()), "PALAESTRA_CLI must point at palaestra-cli");
    QVERIFY(dir_.isValid());
    db_ = path("runs.sqlite");
    // A small, fast walker run: few envs, short rollouts, an evaluation every 1024 steps.
    smallConfig_ = path("small.json");
    writeFile(smallConfig_, R"({"ppo": {"num_envs": 2, "num_steps": 128, "num_minibatches": 2,
      "update_epochs": 2}, "eval": {"every_steps": 1024, "episodes": 2, "final_episodes": 2},
      "keep_episodes": {"sample_rate": 0.5}})");
    const CliResult r = runCli({"train", "walker", "--config", smallConfig_, "--steps", "3000",
                                "--seed", "5", "--db", db_, "--name", "fixture", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = r.json();
    QCOMPARE(j["run_id"].get<int>(), 1);
    QVERIFY(j["steps"].get<int>() >= 3000);
    QVERIFY(j.contains("wall_s") && j.contains("eval_mean_return"));
    for (const char* key : {"eval_median_return", "eval_fall_rate", "eval_episodes",
                            "best_checkpoint_id", "best_step", "best_mean_return",
                            "best_std_return", "best_median_return", "best_fall_rate"})
      QVERIFY2(j.contains(key), key);
    QVERIFY(j["best_checkpoint_id"].is_number_integer());
    QVERIFY2(r.out.contains("best checkpoint"), qPrintable(r.out));
  }

  void helpForEveryCommand() {
    for (const char* cmd : {"train", "eval", "runs", "episodes", "replay", "export", "bench",
                            "tournament", "characters"}) {
      const CliResult r = runCli({cmd, "--help"});
      QCOMPARE(r.exitCode, 0);
      QVERIFY(r.out.contains("Usage"));
    }
  }

  void runsAndEpisodesListTheFixture() {
    const CliResult runs = runCli({"runs", "--db", db_, "--json"});
    QCOMPARE(runs.exitCode, 0);
    const auto run = runs.json()["runs"][0];
    QCOMPARE(run["name"].get<std::string>(), std::string("fixture"));
    QCOMPARE(run["status"].get<std::string>(), std::string("finished"));
    const CliResult eps = runCli({"episodes", "1", "--db", db_, "--json"});
    QCOMPARE(eps.exitCode, 0);
    int evalEpisodes = 0, trainEpisodes = 0;
    const nlohmann::json listed = eps.json();
    for (const auto& e : listed["episodes"])
      (e["kind"] == "eval" ? evalEpisodes : trainEpisodes)++;
    QVERIFY(evalEpisodes >= 4);  // two per evaluation, several evaluations
    QVERIFY(trainEpisodes >= 1);
    // The stored action log's size, per episode and per agent-step (the walker has one agent).
    for (const auto& e : listed["episodes"]) {
      const double bytes = e["action_bytes"].get<double>();
      QVERIFY(bytes > 0);
      QCOMPARE(e["action_bytes_per_agent_step"].get<double>(), bytes / e["length"].get<double>());
    }
    const CliResult table = runCli({"episodes", "1", "--db", db_});
    QVERIFY2(table.out.contains("bytes/agent-step"), qPrintable(table.out));
  }

  void evalReportsTheContractKeys() {
    const CliResult r = runCli({"eval", "1", "--episodes", "3", "--db", db_, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = r.json();
    QCOMPARE(j["episodes"].get<int>(), 3);
    for (const char* key : {"mean_return", "std_return", "median_return", "fall_rate",
                            "success_rate", "checkpoint_step"})
      QVERIFY2(j.contains(key), key);
    // The default checkpoint is the run's result, the best one train named.
    const CliResult runs = runCli({"runs", "--db", db_, "--json"});
    QCOMPARE(j["checkpoint_id"], runs.json()["runs"][0]["best_checkpoint_id"]);
    QVERIFY(j["checkpoint_is_best"].get<bool>());
    const CliResult latest =
        runCli({"eval", "1", "--checkpoint", "latest", "--episodes", "1", "--db", db_, "--json"});
    QVERIFY2(latest.exitCode == 0, qPrintable(latest.err));
    QVERIFY(latest.json()["checkpoint_step"].get<int64_t>() >= j["checkpoint_step"].get<int64_t>());
    QVERIFY_ONE_LINE_ERROR(runCli({"eval", "1", "--checkpoint", "newest", "--db", db_}), 2,
                           "--checkpoint must be best, latest or a checkpoint id, got 'newest'");
    // Deterministic: the same evaluation twice gives the same mean.
    const CliResult again = runCli({"eval", "1", "--episodes", "3", "--db", db_, "--json"});
    QCOMPARE(again.json()["mean_return"].get<double>(), j["mean_return"].get<double>());
    QVERIFY_ONE_LINE_ERROR(runCli({"eval", "1", "--task", "stump_height=1", "--db", db_}), 2,
                           "unknown task parameter 'stump_height'");
  }

  void everyStoredEpisodeReplaysBitExactly() {
    const CliResult r = runCli({"replay", "--run", "1", "--verify", "--db", db_, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    const auto j = r.json();
    QVERIFY(j["episodes"].get<int>() > 0);
    QCOMPARE(j["verified"].get<int>(), j["episodes"].get<int>());
    QCOMPARE(j["mismatches"].get<int>(), 0);
  }

  void alteredActionLogIsCaught() {
    const QString copy = path("altered.sqlite");
    QVERIFY(QFile::copy(db_, copy));
    // Nudge one action of the first episode in the copy, at step 10.
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(copy.toUtf8().constData(), &db), SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    QCOMPARE(sqlite3_prepare_v2(db, "SELECT id, actions, action_size, length FROM episodes ORDER BY id LIMIT 1",
                                -1, &read, nullptr), SQLITE_OK);
    QCOMPARE(sqlite3_step(read), SQLITE_ROW);
    const qint64 id = sqlite3_column_int64(read, 0);
    const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(read, 1));
    const std::vector<uint8_t> stored(blob, blob + sqlite3_column_bytes(read, 1));
    const int actionSize = sqlite3_column_int(read, 2);
    const int length = sqlite3_column_int(read, 3);
    sqlite3_finalize(read);
    std::vector<float> values = palaestra::decodeActionLog(stored, size_t(length) * actionSize);
    const int step = 10;
    values[step * actionSize] = values[step * actionSize] > 0 ? -0.9f : 0.9f;
    const std::vector<uint8_t> packed = palaestra::encodeActionLog(values, 3);
    sqlite3_stmt* write = nullptr;
    QCOMPARE(sqlite3_prepare_v2(db, "UPDATE episodes SET actions = ? WHERE id = ?", -1, &write, nullptr), SQLITE_OK);
    sqlite3_bind_blob(write, 1, packed.data(), int(packed.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(write, 2, id);
    QCOMPARE(sqlite3_step(write), SQLITE_DONE);
    sqlite3_finalize(write);
    sqlite3_close(db);

    const CliResult r = runCli({"replay", QString::number(id), "--verify", "--db", copy, "--json"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains("MISMATCH"), qPrintable(r.out));
    // The state after step 10 (hash index 11) is the first to differ.
    QVERIFY2(r.out.contains("diverges at step 11"), qPrintable(r.out));
    QCOMPARE(r.json()["mismatches"].get<int>(), 1);
    // Also on stderr, as the one error line: which episode, which step.
    QVERIFY_ONE_LINE_ERROR(r, 1, QString("episode %1: replay diverges at step 11").arg(id));
    // Without --verify it is a warning there, and the exit code stays 0.
    const CliResult unverified = runCli({"replay", QString::number(id), "--db", copy});
    QCOMPARE(unverified.exitCode, 0);
    QVERIFY2(unverified.err.contains(
                 QString("palaestra-cli: warning: episode %1: replay diverges at step 11").arg(id)),
             qPrintable(unverified.err));
  }

  void benchMeasuresReplaySeeking() {
    const CliResult eps = runCli({"episodes", "1", "--db", db_, "--json"});
    const nlohmann::json first = eps.json()["episodes"][0];
    const CliResult r = runCli({"bench", "walker", "--seek-episode", QString::number(first["id"].get<qint64>()),
                                "--db", db_, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = r.json();
    QCOMPARE(j["frames"].get<int>(), first["length"].get<int>() + 1);
    QVERIFY(j["replay_matches"].get<bool>());
    QVERIFY(j["seek_max_ms"].get<double>() >= j["seek_median_ms"].get<double>());
    QVERIFY_ONE_LINE_ERROR(runCli({"bench", "walker", "--seek-episode", "99999", "--db", db_}), 1,
                           "no episode with id 99999");
  }

  // One path for every env: the shared measurements, plus the engine's own where it has one.
  void benchMeasuresEveryEnvTheSameWay_data() {
    QTest::addColumn<QString>("env");
    QTest::newRow("walker") << "walker";
    QTest::newRow("fight") << "fight";
  }
  void benchMeasuresEveryEnvTheSameWay() {
    QFETCH(QString, env);
    // Generous limit: the bench makes a dozen measurements, slow under ASan on a loaded machine.
    const CliResult r =
        runCli({"bench", env, "--seconds", "0.2", "--threads", "1", "--json"}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = r.json();
    for (const char* key : {"env_steps_per_s_1t", "env_steps_per_s_all", "raw_engine_steps_per_s",
                            "env_steps_per_s_same_episodes", "overhead_ratio", "train_sps"})
      QVERIFY2(j.contains(key) && j[key].get<double>() > 0, key);
    QVERIFY(j.contains("store_overhead_pct"));
    QVERIFY2(r.out.contains("raw engine steps/s"), qPrintable(r.out));
    if (env == "fight") {
      QVERIFY(j["frames_per_s"].get<double>() > 0);
      QCOMPARE(j["frames_per_s_runs"].size(), size_t{5});
      QVERIFY(j["matches"].get<int>() > 0);
      QVERIFY(j["characters"].get<int>() >= 12);  // the built-in roster (plus any of the user's)
      QVERIFY2(r.out.contains("fight engine frames/s per core"), qPrintable(r.out));
    }
  }

  void exportWritesCsv() {
    const QString csv = path("metrics.csv");
    const CliResult r = runCli({"export", "1", "--csv", csv, "--db", db_});
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = QString::fromUtf8(readAll(csv)).trimmed().split('\n');
    QCOMPARE(lines[0], QString("step,wall_time,name,value"));
    QVERIFY(lines.size() > 10);
    QVERIFY(lines.join('\n').contains("eval/mean_return"));
  }

  void unknownEnvAndPreset() {
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "lava", "--steps", "10", "--db", db_}), 2,
                           "unknown environment 'lava'");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--preset", "turbo", "--db", db_}), 2,
                           "unknown preset 'turbo'");
    QVERIFY_ONE_LINE_ERROR(runCli({"bench", "lava", "--seconds", "0.1"}), 2, "unknown environment");
    QCOMPARE(runIds(db_), QList<qint64>{1});
  }

  void badConfigFiles_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("needle");
    QTest::newRow("wrong type") << QByteArray(R"({"ppo": {"learning_rate": "fast"}})") << "ppo.learning_rate";
    QTest::newRow("out of range") << QByteArray(R"({"ppo": {"gamma": 1.5}})") << "ppo.gamma";
    QTest::newRow("negative envs") << QByteArray(R"({"ppo": {"num_envs": -4}})") << "ppo.num_envs";
    QTest::newRow("unknown key") << QByteArray(R"({"ppo": {"learnin_rate": 0.1}})") << "learnin_rate";
    QTest::newRow("bad terrain") << QByteArray(R"({"env_config": {"terrain": "lava"}})") << "terrain";
    QTest::newRow("bad eval") << QByteArray(R"({"eval": {"episodes": 0}})") << "eval.episodes";
    QTest::newRow("not json") << QByteArray("{ppo: ") << "not valid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << "JSON object";
  }
  void badConfigFiles() {
    QFETCH(QByteArray, json);
    QFETCH(QString, needle);
    const QString file = path("bad.json");
    writeFile(file, json);
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--config", file, "--steps", "100", "--db", db_}),
                           2, needle);
    QCOMPARE(runIds(db_), QList<qint64>{1});
  }

  void missingConfigFileAndBadFlags() {
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--config", path("none.json"), "--db", db_}), 2,
                           "cannot read config file");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--steps", "-5", "--db", db_}), 2, "--steps");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--minutes", "1", "--steps", "5", "--db", db_}), 2,
                           "excludes");
    QVERIFY_ONE_LINE_ERROR(runCli({"frobnicate"}), 2, "subcommand");
  }

  void missingNonSqliteAndCorruptStores() {
    QVERIFY_ONE_LINE_ERROR(runCli({"runs", "--db", path("absent.sqlite")}), 1, "no run store at");
    QVERIFY(!QFileInfo::exists(path("absent.sqlite")));

    const QString text = path("notes.sqlite");
    writeFile(text, "these are my notes, not a database\n");
    const QByteArray textBefore = readAll(text);
    QVERIFY_ONE_LINE_ERROR(runCli({"runs", "--db", text}), 1, "not a database");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--steps", "100", "--db", text}), 1,
                           "not a database");
    QCOMPARE(readAll(text), textBefore);

    const QString corrupt = path("corrupt.sqlite");
    QByteArray bytes = readAll(db_);
    QVERIFY(bytes.size() > 8 * 4096);
    for (int i = 2 * 4096; i < 6 * 4096; ++i) bytes[i] = char(0x5a ^ (i & 0xff));
    writeFile(corrupt, bytes);
    QVERIFY_ONE_LINE_ERROR(runCli({"runs", "--db", corrupt}), 1, "corrupt");
    QCOMPARE(readAll(corrupt), bytes);

    const QString foreign = path("contacts.sqlite");
    sqlite3* db = nullptr;
    sqlite3_open(foreign.toUtf8().constData(), &db);
    sqlite3_exec(db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');",
                 nullptr, nullptr, nullptr);
    sqlite3_close(db);
    const QByteArray foreignBefore = readAll(foreign);
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--steps", "100", "--db", foreign}), 1,
                           "another program");
    QCOMPARE(readAll(foreign), foreignBefore);
  }

  void lockedStore() {
    const QString locked = path("locked.sqlite");
    QVERIFY(QFile::copy(db_, locked));
    sqlite3* holder = nullptr;
    QCOMPARE(sqlite3_open(locked.toUtf8().constData(), &holder), SQLITE_OK);
    QCOMPARE(sqlite3_exec(holder, "PRAGMA journal_mode=WAL; BEGIN EXCLUSIVE;", nullptr, nullptr, nullptr),
             SQLITE_OK);
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "walker", "--config", smallConfig_, "--steps", "500",
                                   "--db", locked}), 1, "locked by another writer");
    sqlite3_exec(holder, "ROLLBACK;", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    QCOMPARE(runIds(locked), QList<qint64>{1});
  }

  void fullDisk() {
    // A real full file system: a 1 MiB tmpfs (needs root, as in CI).
    if (geteuid() != 0) QSKIP("mounting a small tmpfs needs root");
    const QString mountPoint = path("small-disk");
    QVERIFY(QDir().mkpath(mountPoint));
    if (mount("tmpfs", mountPoint.toUtf8().constData(), "tmpfs", 0, "size=1m") != 0)
      QSKIP("cannot mount a tmpfs here");
    const QString full = mountPoint + "/runs.sqlite";
    const CliResult first = runCli({"train", "walker", "--config", smallConfig_, "--steps", "1000",
                                    "--db", full, "--name", "before"});
    const CliResult r = runCli({"train", "walker", "--config", smallConfig_, "--steps", "400000",
                                "--db", full, "--name", "fills-the-disk"});
    const CliResult after = runCli({"runs", "--db", full, "--json"});
    umount2(mountPoint.toUtf8().constData(), MNT_DETACH);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY_ONE_LINE_ERROR(r, 1, "disk full");
    QVERIFY2(after.exitCode == 0, qPrintable(after.err));
    const auto runs = after.json()["runs"];
    QCOMPARE(runs[0]["name"].get<std::string>(), std::string("before"));
    QCOMPARE(runs[0]["status"].get<std::string>(), std::string("finished"));
  }

  void unknownIds() {
    QVERIFY_ONE_LINE_ERROR(runCli({"eval", "999", "--db", db_}), 1, "no run with id 999");
    QVERIFY_ONE_LINE_ERROR(runCli({"episodes", "999", "--db", db_}), 1, "no run with id 999");
    QVERIFY_ONE_LINE_ERROR(runCli({"export", "999", "--csv", path("x.csv"), "--db", db_}), 1,
                           "no run with id 999");
    QVERIFY_ONE_LINE_ERROR(runCli({"replay", "99999", "--verify", "--db", db_}), 1,
                           "no episode with id 99999");
    QVERIFY_ONE_LINE_ERROR(runCli({"eval", "1", "--checkpoint", "999", "--db", db_}), 1, "999");
  }

  // A stored config that does not parse or validate is a problem of the store (exit 1), not of
  // the command line (exit 2), for every command that reads it.
  void corruptStoredConfigIsAStoreError_data() {
    QTest::addColumn<QString>("update");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not JSON") << "'{\"env\": \"walker\", '"
                              << "not JSON";
    QTest::newRow("bad field") << "json_set(config_json, '$.ppo.gamma', 7)"
                               << "ppo.gamma";
    QTest::newRow("unknown env") << "json_set(config_json, '$.env', 'lava')"
                                 << "unknown environment 'lava'";
    QTest::newRow("bad env config") << "json_set(config_json, '$.env_config.terrain', 'lava')"
                                    << "terrain";
    QTest::newRow("bad task") << "json_set(config_json, '$.task.no_such_parameter', 1)"
                              << "no_such_parameter";
  }
  void corruptStoredConfigIsAStoreError() {
    QFETCH(QString, update);
    QFETCH(QString, problem);
    const QString copy = path("bad-config.sqlite");
    QFile::remove(copy);
    QVERIFY(QFile::copy(db_, copy));
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(copy.toUtf8().constData(), &db), SQLITE_OK);
    const QByteArray sql = ("UPDATE runs SET config_json = " + update + " WHERE id = 1").toUtf8();
    QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    const QString firstEpisode = QString::number(runCli({"episodes", "1", "--db", copy, "--json"})
                                                     .json()["episodes"][0]["id"]
                                                     .get<qint64>());
    const QString expected = "run 1's stored config is not valid: ";
    for (const QStringList& args :
         {QStringList{"eval", "1", "--episodes", "1"},
          QStringList{"replay", firstEpisode, "--verify"}, QStringList{"replay", "--run", "1"},
          QStringList{"bench", "walker", "--seek-episode", firstEpisode}}) {
      const CliResult r = runCli(args + QStringList{"--db", copy});
      QVERIFY_ONE_LINE_ERROR(r, 1, expected);
      QVERIFY2(r.lastErrorLine().contains(problem), qPrintable(args.join(' ') + ": " + r.err));
    }
  }

  void ctrlCStopsCleanlyAndKeepsTheRun() {
    const QString db = path("interrupted.sqlite");
    QProcess p;
    p.start(cliPath(), {"train", "walker", "--config", smallConfig_, "--minutes", "5", "--db", db,
                        "--json"});
    QVERIFY(p.waitForStarted());
    // Wait for live progress, then press Ctrl-C.
    QString err;
    for (int i = 0; i < 600 && !err.contains("steps "); ++i) {
      p.waitForReadyRead(100);
      err += QString::fromUtf8(p.readAllStandardError());
    }
    QVERIFY2(err.contains("steps "), qPrintable(err));
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 130);
    const CliResult runs = runCli({"runs", "--db", db, "--json"});
    QCOMPARE(runs.json()["runs"][0]["status"].get<std::string>(), std::string("interrupted"));
    const CliResult replay = runCli({"replay", "--run", "1", "--verify", "--db", db, "--json"});
    QCOMPARE(replay.exitCode, 0);
    QVERIFY(replay.json()["verified"].get<int>() > 0);
    const int64_t stoppedAt = runs.json()["runs"][0]["steps"].get<int64_t>();

    // The interrupted run resumes in the same run id, from where it stopped, to a new budget.
    const CliResult resumed = runCli({"train", "--resume", "1", "--steps",
                                      QString::number(stoppedAt + 2000), "--db", db, "--json"});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.err.contains("resuming at step " + QString::number(stoppedAt)),
             qPrintable(resumed.err));
    QCOMPARE(resumed.json()["run_id"].get<int>(), 1);
    QCOMPARE(resumed.json()["resumed_from_step"].get<int64_t>(), stoppedAt);
    QVERIFY(resumed.json()["steps"].get<int64_t>() >= stoppedAt + 2000);
    const CliResult after = runCli({"runs", "--db", db, "--json"});
    QCOMPARE(after.json()["runs"].size(), size_t(1));
    QCOMPARE(after.json()["runs"][0]["status"].get<std::string>(), std::string("finished"));
    // Finished within its budget, it is refused; so are bad combinations.
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "--resume", "1", "--db", db}), 2,
                           "run 1 finished its budget");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "--resume", "1", "--seed", "3", "--db", db}), 2,
                           "--resume excludes --seed");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "--db", db}), 2, "train needs an env");
    QVERIFY_ONE_LINE_ERROR(runCli({"train", "--resume", "7", "--db", db}), 1, "no run with id 7");
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
