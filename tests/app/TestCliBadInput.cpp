// palaestra-cli against hostile input, through the real binary (issue 9, point 4): configs
// nested 100,000 levels deep, endless and huge files (/dev/zero, a FIFO without a writer, a
// directory), numbers out of the range of a double, duplicate keys, configs whose memory is
// absurd (refused up front with the estimate, also under `ulimit -v`), every numeric option of
// every command given 0, -1, nan, inf, text and 309-digit values, NaN task values, CSV export to
// device files (/dev/full fails with exit 1 and stays a device; /dev/stdout works), and
// character files of the same kinds. Each must end in one short error line and the right exit
// code, quickly, with nothing stored.
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "conformance/Sanitizers.h"
#include "conformance/CliRunner.h"

namespace {

using palaestra::testing::cliPath;
using palaestra::testing::CliResult;
using palaestra::testing::readAll;
using palaestra::testing::runCli;
using palaestra::testing::writeFile;

/// Runs the CLI with the address space limited to `bytes` (what `ulimit -v` sets).
CliResult runCliWithAddressLimit(const QStringList& args, rlim_t bytes) {
  QProcess p;
  p.setChildProcessModifier([bytes] {
    const rlimit limit{bytes, bytes};
    setrlimit(RLIMIT_AS, &limit);
  });
  p.start(cliPath(), args);
  p.waitForFinished(120000);
  CliResult r;
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

bool isCharacterDevice(const char* path) {
  struct stat info {};
  return ::stat(path, &info) == 0 && S_ISCHR(info.st_mode);
}

}  // namespace

/// A failed command: the exit code, exactly one error line that is short (no 309-digit ranges),
/// and that names `needle`.
#define QVERIFY_SHORT_ERROR(result, code, needle)                              \
  do {                                                                         \
    const CliResult& r_ = (result);                                            \
    QVERIFY2(r_.exitCode == (code),                                            \
             qPrintable(QString("exit %1: %2").arg(r_.exitCode).arg(r_.err))); \
    QVERIFY2(r_.err.count("palaestra-cli: error:") == 1,                       \
             qPrintable("not one error line: " + r_.err));                     \
    const QString line_ = r_.lastErrorLine();                                  \
    QVERIFY2(line_.startsWith("palaestra-cli: error: "), qPrintable(r_.err));  \
    QVERIFY2(line_.size() < 300, qPrintable("error line too long: " + line_)); \
    QVERIFY2(line_.contains(needle),                                           \
             qPrintable("expected '" + QString(needle) + "' in: " + line_));   \
  } while (0)

class TestCliBadInput : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString db_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  /// Trains with a config file's text; the store must stay untouched (not even created).
  CliResult trainWithConfig(const QByteArray& text, const QString& name = "config.json") {
    writeFile(path(name), text);
    return runCli({"train", "walker", "--config", path(name), "--steps", "100", "--db",
                   path("untouched.sqlite")});
  }

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo::exists(cliPath()), "PALAESTRA_CLI must point at palaestra-cli");
    QVERIFY(dir_.isValid());
    // A tiny Stump Tracks run (it has task parameters) for the commands that read a store.
    db_ = path("runs.sqlite");
    writeFile(path("tiny.json"), R"({"env_config": {"terrain": "stump_tracks"},
      "ppo": {"num_envs": 1, "num_steps": 64, "num_minibatches": 2, "update_epochs": 1},
      "eval": {"every_steps": 64, "episodes": 1, "final_episodes": 1}})");
    const CliResult r = runCli({"train", "walker", "--config", path("tiny.json"), "--steps", "128",
                                "--db", db_, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
  }

  void deeplyNestedConfigIsRefused() {
    // 100,000 levels segfaulted train (nlohmann copies and dumps recursively).
    const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
    QVERIFY_SHORT_ERROR(trainWithConfig(deep, "deep.json"), 2, "deep.json");
    QVERIFY_SHORT_ERROR(trainWithConfig(deep, "deep.json"), 2, "deeper than 64 levels");
    QByteArray objects;
    for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
    objects += "1" + QByteArray(100000, '}');
    QVERIFY_SHORT_ERROR(trainWithConfig(objects, "objects.json"), 2, "deeper than 64 levels");
    QVERIFY(!QFileInfo::exists(path("untouched.sqlite")));
  }

  void endlessHugeAndOddFilesAreRefused() {
    QElapsedTimer clock;
    clock.start();
    QVERIFY_SHORT_ERROR(
        runCli({"train", "walker", "--config", "/dev/zero", "--db", path("untouched.sqlite")}), 2,
        "'/dev/zero': it is not a regular file and yields more than the limit of 1 MiB");
    QVERIFY_SHORT_ERROR(
        runCli({"train", "walker", "--config", "/dev/urandom", "--db", path("untouched.sqlite")}),
        2, "/dev/urandom");
    QVERIFY2(clock.elapsed() < 20000, "reading endless devices took too long");
    // A regular file over the limit is refused by its size, before reading.
    QByteArray big = "{\"notes\": \"" + QByteArray(2 << 20, 'x') + "\"}";
    QVERIFY_SHORT_ERROR(trainWithConfig(big, "big.json"), 2, "larger than the limit of 1 MiB");
    QVERIFY_SHORT_ERROR(
        runCli({"train", "walker", "--config", dir_.path(), "--db", path("untouched.sqlite")}), 2,
        "is a directory");
    // A FIFO nobody writes to: opening must not wait forever.
    const QString fifo = path("config.fifo");
    QCOMPARE(::mkfifo(fifo.toUtf8().constData(), 0600), 0);
    QVERIFY_SHORT_ERROR(
        runCli({"train", "walker", "--config", fifo, "--db", path("untouched.sqlite")}, 20000), 2,
        "config.fifo");
    QVERIFY(!QFileInfo::exists(path("untouched.sqlite")));
  }

  void numbersOutOfRangeAndDuplicateKeysNameFileAndField() {
    QVERIFY_SHORT_ERROR(
        trainWithConfig(R"({"ppo": {"learning_rate": 1e400}})", "big-number.json"), 2,
        "config file '" + path("big-number.json") + "': ppo.learning_rate is 1e400");
    QVERIFY_SHORT_ERROR(trainWithConfig(R"({"ppo": {"hidden_sizes": [64, -1e999]}})", "list.json"),
                        2, "ppo.hidden_sizes[1] is -1e999");
    QVERIFY_SHORT_ERROR(trainWithConfig(R"({"ppo": {"gamma": 0.9, "gamma": 0.99}})", "twice.json"),
                        2, "ppo.gamma is given twice");
    QVERIFY_SHORT_ERROR(trainWithConfig(R"({"seed": 1e20})", "seed.json"), 2,
                        "seed must be an integer");
  }

  void absurdMemoryIsRefusedUpFrontWithTheEstimate() {
    // Far beyond any machine: refused by the machine's memory, in a second, with the figure.
    QElapsedTimer clock;
    clock.start();
    const CliResult huge = trainWithConfig(R"({"ppo": {"num_envs": 65536, "num_steps": 1048576}})");
    QVERIFY_SHORT_ERROR(huge, 2, "ppo.num_envs 65536");
    QVERIFY2(huge.lastErrorLine().contains("needs about") && huge.lastErrorLine().contains("TiB") &&
                 huge.lastErrorLine().contains("this machine has"),
             qPrintable(huge.err));
    QVERIFY2(clock.elapsed() < 30000, "the refusal came late");
    // ASan reserves terabytes of shadow address space at start-up, so an ASan build cannot start
    // under `ulimit -v` at all (it dies in ReserveShadowMemoryRange); the plain build runs this half.
    if (palaestra::testing::kAddressSanitizer)
      QSKIP("address-limit half needs a build without ASan (ASan cannot start under ulimit -v)");
    // num_envs 65536 of the walker preset (6 GB, which once segfaulted under a memory limit):
    // refused under `ulimit -v` 2 GiB, naming the limit.
    writeFile(path("envs.json"), R"({"ppo": {"num_envs": 65536}})");
    const CliResult underLimit =
        runCliWithAddressLimit({"train", "walker", "--config", path("envs.json"), "--steps", "100",
                                "--db", path("untouched.sqlite")},
                               rlim_t(2) << 30);
    QVERIFY_SHORT_ERROR(underLimit, 2, "ppo.num_envs 65536");
    QVERIFY2(underLimit.lastErrorLine().contains("GiB") &&
                 underLimit.lastErrorLine().contains("ulimit -v"),
             qPrintable(underLimit.err));
    QVERIFY(!QFileInfo::exists(path("untouched.sqlite")));
    // A modest config still trains under the same limit.
    const CliResult fits = runCliWithAddressLimit({"train", "walker", "--config", path("tiny.json"),
                                                   "--steps", "64", "--db", path("limited.sqlite")},
                                                  rlim_t(2) << 30);
    QVERIFY2(fits.exitCode == 0, qPrintable(fits.err));
  }

  void everyNumericOptionGivesAShortMessage_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    const QString digits309 = "1" + QString(308, '0');
    auto row = [](const char* name, const QStringList& args, const QString& needle) {
      QTest::newRow(name) << args << needle;
    };
    row("train --steps 0", {"train", "walker", "--steps", "0"},
        "--steps: must be a whole number in [1, ");
    row("train --steps -1", {"train", "walker", "--steps", "-1"}, "--steps");
    row("train --steps 1.5", {"train", "walker", "--steps", "1.5"}, "--steps");
    row("train --steps huge", {"train", "walker", "--steps", digits309}, "--steps");
    row("train --minutes nan", {"train", "walker", "--minutes", "nan"},
        "--minutes: must be a number in");
    row("train --minutes inf", {"train", "walker", "--minutes", "inf"}, "--minutes");
    row("train --minutes 0", {"train", "walker", "--minutes", "0"}, "--minutes");
    row("train --minutes 1e400", {"train", "walker", "--minutes", "1e400"}, "--minutes");
    row("train --seed -1", {"train", "walker", "--seed", "-1"},
        "--seed: must be a whole number in [0, ");
    row("train --seed huge", {"train", "walker", "--seed", digits309}, "--seed");
    row("train --threads 0", {"train", "walker", "--threads", "0"},
        "--threads: must be a whole number in [1, 256]");
    row("train --threads x", {"train", "walker", "--threads", "x"}, "--threads");
    row("eval run 0", {"eval", "0"}, "run: must be a whole number >= 1");
    row("eval run -3", {"eval", "-3"}, "run");
    row("eval --checkpoint 0", {"eval", "1", "--checkpoint", "0"}, "--checkpoint");
    row("eval --episodes abc", {"eval", "1", "--episodes", "abc"},
        "--episodes: must be a whole number in [1, 100000]");
    row("eval --episodes 0", {"eval", "1", "--episodes", "0"}, "--episodes");
    row("eval --seed -5", {"eval", "1", "--seed", "-5"}, "--seed");
    row("eval --threads nan", {"eval", "1", "--threads", "nan"}, "--threads");
    row("episodes -1", {"episodes", "-1"}, "run");
    row("episodes huge", {"episodes", "99999999999999999999999"}, "run");
    row("replay 0", {"replay", "0"}, "episode");
    row("replay --run 0", {"replay", "--run", "0"}, "--run");
    row("export 0", {"export", "0", "--csv", "x.csv"}, "run");
    row("bench --seconds nan", {"bench", "walker", "--seconds", "nan"},
        "--seconds: must be a number in [0.1, 3600]");
    row("bench --seconds inf", {"bench", "walker", "--seconds", "inf"}, "--seconds");
    row("bench --seconds -1", {"bench", "walker", "--seconds", "-1"}, "--seconds");
    row("bench --threads 999", {"bench", "walker", "--threads", "999"}, "--threads");
    row("bench --seek-episode 0", {"bench", "walker", "--seek-episode", "0"}, "--seek-episode");
    row("tournament --cpu-level 9", {"tournament", "--cpu-level", "9"},
        "--cpu-level: must be a whole number in [1, 8]");
    row("tournament --matches 0", {"tournament", "--matches", "0"}, "--matches");
    row("tournament --seed -1", {"tournament", "--seed", "-1"}, "--seed");
    row("tournament --threads 0", {"tournament", "--threads", "0"}, "--threads");
  }
  void everyNumericOptionGivesAShortMessage() {
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    // A hang (bench --seconds nan once ran forever) fails here through the timeout.
    QVERIFY_SHORT_ERROR(runCli(args + QStringList{"--db", db_}, 20000), 2, needle);
  }

  void taskValuesMustBeFinite() {
    QVERIFY_SHORT_ERROR(
        runCli({"eval", "1", "--episodes", "1", "--task", "stump_height=nan", "--db", db_}), 2,
        "not a finite number");
    QVERIFY_SHORT_ERROR(
        runCli({"eval", "1", "--episodes", "1", "--task", "stump_height=inf", "--db", db_}), 2,
        "stump_height");
    QVERIFY_SHORT_ERROR(
        runCli({"eval", "1", "--episodes", "1", "--task", "stump_height=1e999", "--db", db_}), 2,
        "out of the range of a number");
    QVERIFY_SHORT_ERROR(
        trainWithConfig(
            R"({"env_config": {"terrain": "stump_tracks"}, "task": {"stump_height": 1e999}})"),
        2, "task.stump_height is 1e999");
  }

  void exportToDevicesWritesInPlace() {
    if (!isCharacterDevice("/dev/full")) QSKIP("/dev/full is not available here");
    // /dev/full: the write fails, the command says so with exit 1, and the device stays a device
    // (it was once replaced by a regular file holding the CSV).
    const CliResult full = runCli({"export", "1", "--csv", "/dev/full", "--db", db_});
    QVERIFY_SHORT_ERROR(full, 1, "writing CSV file '/dev/full' failed: No space left on device");
    QVERIFY(isCharacterDevice("/dev/full"));
    QVERIFY(!QFileInfo::exists("/dev/full.partial"));
    const CliResult null = runCli({"export", "1", "--csv", "/dev/null", "--db", db_});
    QVERIFY2(null.exitCode == 0, qPrintable(null.err));
    QVERIFY(isCharacterDevice("/dev/null"));
    // /dev/stdout (a pipe here): the CSV arrives on stdout.
    const CliResult out = runCli({"export", "1", "--csv", "/dev/stdout", "--db", db_});
    QVERIFY2(out.exitCode == 0, qPrintable(out.err));
    QVERIFY(out.out.startsWith("step,wall_time,name,value\n"));
    QVERIFY(out.out.contains("eval/mean_return"));
    // A regular file is replaced whole; a stray temporary file of another program is never
    // overwritten and the old file stays.
    const QString csv = path("metrics.csv");
    writeFile(csv, "old\n");
    writeFile(csv + ".partial", "someone else's\n");
    QVERIFY_SHORT_ERROR(runCli({"export", "1", "--csv", csv, "--db", db_}), 2, "already exists");
    QCOMPARE(readAll(csv), QByteArray("old\n"));
    QCOMPARE(readAll(csv + ".partial"), QByteArray("someone else's\n"));
    QVERIFY(QFile::remove(csv + ".partial"));
    QCOMPARE(runCli({"export", "1", "--csv", csv, "--db", db_}).exitCode, 0);
    QVERIFY(readAll(csv).startsWith("step,wall_time,name,value\n"));
  }

  void characterFilesOfEveryKind() {
    const QString deep = path("deep.json");
    writeFile(deep, QByteArray(100000, '[') + QByteArray(100000, ']'));
    const QString big = path("big.json");
    writeFile(big, R"({"name": "Big", "health": 1e400})");
    // A regular file over the limit is refused by its size, before reading.
    const QString huge = path("huge.json");
    writeFile(huge, "{\"name\": \"" + QByteArray(2 << 20, 'x') + "\"}");
    const CliResult r = runCli({"characters", "/dev/zero", deep, big, huge, "--json"}, 20000);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(
        r.out.contains("/dev/zero: is not a regular file and yields more than the limit of 1 MiB"),
        qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(deep + ": nests arrays and objects deeper than 64 levels"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(big + ": health is 1e400"), qPrintable(r.out));
    QVERIFY2(r.out.contains(huge + ": is 2.0 MiB, larger than the limit of 1 MiB"),
             qPrintable(r.out));
    QCOMPARE(r.json()["invalid"].get<int>(), 4);
  }
};

QTEST_GUILESS_MAIN(TestCliBadInput)
#include "TestCliBadInput.moc"
