// Tests of the run store on real SQLite files: round trips (bit-exact
// episodes), schema migration, refusal of foreign/corrupt/newer files,
// locking, disk full, not-found ids, cascading deletes, and write throughput.
#include <QTemporaryDir>
#include <QtTest>
#include <QElapsedTimer>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <tuple>

#include "conformance/RunOwners.h"
#include "store/RunStore.h"
#include "store/Sqlite.h"
#include "store/StoreSchema.h"
#include "util/Compression.h"
#include "util/Errors.h"
#include "util/WallClock.h"

using namespace palaestra;

namespace {

std::vector<char> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// A random episode with awkward values: -0.0, denormals, huge magnitudes,
// hashes and seeds with the top bit set.
EpisodeRecord randomEpisode(std::mt19937_64& rng, int length, int actionSize) {
  EpisodeRecord r;
  r.seed = rng() | (uint64_t{1} << 63);
  r.task = {0.1 + 0.2, -0.0, std::numeric_limits<double>::denorm_min(), 1e308, 3.0};
  r.envIndex = 7;
  r.episodeIndex = (uint64_t{1} << 63) + 12345;
  r.length = length;
  r.actionSize = actionSize;
  std::uniform_real_distribution<float> action(-1.0f, 1.0f);
  r.actions.resize(static_cast<size_t>(length) * actionSize);
  for (float& a : r.actions) a = action(rng);
  if (!r.actions.empty()) {
    r.actions[0] = -0.0f;
    r.actions.back() = std::numeric_limits<float>::denorm_min();
  }
  r.hashes.resize(static_cast<size_t>(length) + 1);
  for (uint64_t& h : r.hashes) h = rng();
  r.hashes[0] = ~uint64_t{0};
  r.slotReturns = {std::uniform_real_distribution<double>(-500, 500)(rng), -1.0 / 3.0};
  r.terminated = true;
  r.truncated = false;
  r.info.outcome = "fell";
  r.info.values = {{"distance", 12.345678901234567},
                   {"best", std::numeric_limits<double>::infinity()},
                   {"distance", -0.0}};
  return r;
}

void compareRecords(const EpisodeRecord& a, const EpisodeRecord& b) {
  QCOMPARE(a.seed, b.seed);
  QCOMPARE(a.task.size(), b.task.size());
  for (size_t i = 0; i < a.task.size(); ++i) QVERIFY(sameBits(a.task[i], b.task[i]));
  QCOMPARE(a.envIndex, b.envIndex);
  QCOMPARE(a.episodeIndex, b.episodeIndex);
  QCOMPARE(a.length, b.length);
  QCOMPARE(a.actionSize, b.actionSize);
  QCOMPARE(a.actions.size(), b.actions.size());
  QVERIFY(a.actions.empty() ||
          std::memcmp(a.actions.data(), b.actions.data(), a.actions.size() * sizeof(float)) == 0);
  QVERIFY(a.hashes == b.hashes);
  QCOMPARE(a.slotReturns.size(), b.slotReturns.size());
  for (size_t i = 0; i < a.slotReturns.size(); ++i) {
    QVERIFY(sameBits(a.slotReturns[i], b.slotReturns[i]));
  }
  QCOMPARE(a.terminated, b.terminated);
  QCOMPARE(a.truncated, b.truncated);
  QCOMPARE(a.info.outcome, b.info.outcome);
  QCOMPARE(a.info.values.size(), b.info.values.size());
  for (size_t i = 0; i < a.info.values.size(); ++i) {
    QCOMPARE(a.info.values[i].first, b.info.values[i].first);
    QVERIFY(sameBits(a.info.values[i].second, b.info.values[i].second));
  }
}

// Expects `fn` to throw E whose message contains every one of `parts`.
template <typename E, typename Fn>
bool throwsWith(Fn&& fn, std::initializer_list<std::string> parts) {
  try {
    fn();
  } catch (const E& e) {
    const std::string message = e.what();
    if (message.find('\n') != std::string::npos) {
      qWarning("message spans several lines: '%s'", message.c_str());
      return false;
    }
    for (const std::string& part : parts) {
      if (message.find(part) == std::string::npos) {
        qWarning("message '%s' lacks '%s'", message.c_str(), part.c_str());
        return false;
      }
    }
    return true;
  } catch (const std::exception& e) {
    qWarning("wrong exception type: %s", e.what());
    return false;
  }
  qWarning("no exception thrown");
  return false;
}

RunStore::Options fastOptions() {
  RunStore::Options options;
  options.busyTimeoutMs = 50;
  options.batchIntervalMs = 10;
  return options;
}

NewRun sampleRun(const std::string& name = "walker-ppo") {
  NewRun run;
  run.name = name;
  run.env = "walker";
  run.configJson = R"({"ppo":{"lr":0.0003,"epochs":10},"envs":16})";
  run.seed = 0xFEDCBA9876543210ULL;
  run.codeVersion = "v0.1-test";
  return run;
}

int64_t countRows(const std::string& path, const std::string& sql) {
  SqliteConnection db(path, SQLITE_OPEN_READONLY);
  return db.queryInt(sql);
}

double heartbeatOf(const std::string& path, int64_t runId) {
  SqliteConnection db(path, SQLITE_OPEN_READONLY);
  SqliteStatement s(db, "SELECT heartbeat_at FROM runs WHERE id = ?1");
  s.bind(1, runId);
  return s.step() ? s.columnDouble(0) : std::nan("");
}

using palaestra::testing::deadProcess;
using palaestra::testing::setRunOwner;
using palaestra::testing::startLiveProcess;

}  // namespace

class TestRunStore : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  int counter_ = 0;
  std::string freshPath() {
    return dir_.filePath(QString("store%1.sqlite").arg(++counter_)).toStdString();
  }

  // A closed store holding one run with metrics, checkpoints and episodes.
  std::string populatedStore(int episodes) {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const int64_t run = store.createRun(sampleRun());
    std::mt19937_64 rng(1);
    for (int i = 0; i < 200; ++i) store.logMetric(run, i * 100, "train/return", i * 0.5);
    std::vector<uint8_t> policy(20000);
    for (auto& b : policy) b = static_cast<uint8_t>(rng());
    const int64_t ckpt = store.addCheckpoint(run, 1000, policy, "{}");
    for (int i = 0; i < episodes; ++i) {
      store.addEpisode(run, ckpt, EpisodeKind::Train, randomEpisode(rng, 100, 4));
    }
    store.flush();
    return path;
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void compressionRoundTripsAndRejectsCorruptInput() {
    std::vector<uint8_t> data(10000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 % 13);
    const auto frame = compressBytes(data);
    QVERIFY(frame.size() < data.size());
    QVERIFY(decompressBytes(frame) == data);
    QVERIFY(decompressBytes(compressBytes({})).empty());

    const std::vector<uint8_t> garbage = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    QVERIFY(throwsWith<StoreError>([&] { decompressBytes(garbage); }, {"not a zstd frame"}));
    auto truncated = frame;
    truncated.resize(truncated.size() / 2);
    QVERIFY(throwsWith<StoreError>([&] { decompressBytes(truncated); }, {"corrupt"}));
    auto flipped = frame;
    flipped[flipped.size() / 2] ^= 0xFF;
    flipped[flipped.size() / 2 + 1] ^= 0xFF;
    QVERIFY(throwsWith<StoreError>([&] { decompressBytes(flipped); }, {"corrupt"}));
    QVERIFY(throwsWith<StoreError>([&] { decompressBytes(frame, 100); }, {"more than the limit"}));
  }

  void defaultPathFollowsXdgThenHome() {
    const QByteArray oldXdg = qgetenv("XDG_DATA_HOME");
    const QByteArray oldHome = qgetenv("HOME");
    qputenv("XDG_DATA_HOME", "/data/xdg");
    QCOMPARE(RunStore::defaultPath(), std::string("/data/xdg/palaestra/runs.sqlite"));
    qputenv("XDG_DATA_HOME", "relative/ignored");
    qputenv("HOME", "/home/someone");
    QCOMPARE(RunStore::defaultPath(), std::string("/home/someone/.local/share/palaestra/runs.sqlite"));
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(RunStore::defaultPath(), std::string("/home/someone/.local/share/palaestra/runs.sqlite"));
    if (oldXdg.isNull()) qunsetenv("XDG_DATA_HOME");
    else qputenv("XDG_DATA_HOME", oldXdg);
    qputenv("HOME", oldHome);
  }

  void createOrOpenMakesDirectoriesAndWal() {
    const std::string path = dir_.filePath("nested/deeper/runs.sqlite").toStdString();
    {
      RunStore store(path);
      QCOMPARE(store.path(), path);
      QVERIFY(store.listRuns().empty());
      QVERIFY(store.storeSizeBytes() > 0);
    }
    QVERIFY(std::filesystem::exists(path));
    SqliteConnection raw(path, SQLITE_OPEN_READONLY);
    QCOMPARE(raw.queryInt("PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});
    QCOMPARE(raw.queryInt("PRAGMA application_id"), int64_t{kRunStoreApplicationId});
    SqliteStatement mode(raw, "PRAGMA journal_mode");
    QVERIFY(mode.step());
    QCOMPARE(mode.columnText(0), std::string("wal"));
  }

  void runsRoundTrip() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const double before = std::chrono::duration<double>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    const int64_t a = store.createRun(sampleRun("first"));
    NewRun second = sampleRun("second");
    second.notes = "baseline";
    const int64_t b = store.createRun(second);
    QVERIFY(b > a);

    RunInfo run = store.getRun(a);
    QCOMPARE(run.id, a);
    QCOMPARE(run.name, std::string("first"));
    QCOMPARE(run.env, std::string("walker"));
    QCOMPARE(run.configJson, sampleRun().configJson);
    QCOMPARE(run.seed, uint64_t{0xFEDCBA9876543210ULL});
    QCOMPARE(run.codeVersion, std::string("v0.1-test"));
    QVERIFY(run.createdAt >= before - 1 && run.createdAt < before + 60);
    QVERIFY(run.startedAt.has_value());
    QVERIFY(!run.endedAt.has_value());
    QCOMPARE(run.status, RunStatus::Running);
    QCOMPARE(run.steps, int64_t{0});
    QCOMPARE(store.getRun(b).notes, std::string("baseline"));

    store.updateRun(a, {.status = RunStatus::Finished, .steps = 1'000'000, .endedAt = before + 5});
    store.renameRun(a, "renamed");
    store.setNotes(a, "good gait");
    store.updateRun(a, {.steps = 1'000'001});  // other fields stay
    run = store.getRun(a);
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.steps, int64_t{1'000'001});
    QVERIFY(run.endedAt && sameBits(*run.endedAt, before + 5));
    QCOMPARE(run.name, std::string("renamed"));
    QCOMPARE(run.notes, std::string("good gait"));

    const auto runs = store.listRuns();
    QCOMPARE(runs.size(), size_t{2});
    QCOMPARE(runs[0].id, a);
    QCOMPARE(runs[1].id, b);

    NewRun bad = sampleRun();
    bad.configJson = "{not json";
    QVERIFY(throwsWith<ConfigError>([&] { store.createRun(bad); }, {"run config", "not valid JSON"}));
    QCOMPARE(runStatusFromName(runStatusName(RunStatus::Interrupted)), RunStatus::Interrupted);
    QVERIFY(throwsWith<ConfigError>([] { runStatusFromName("paused"); }, {"paused"}));
  }

  void metricsRoundTrip() {
    const std::string path = freshPath();
    int64_t run = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      run = store.createRun(sampleRun());
      for (int step = 0; step < 50; ++step) {
        store.logMetric(run, step * 10, "loss/value", 1.0 / (step + 1));
        store.logMetric(run, step * 10, "train/return", step * 2.5);
      }
      store.logMetric(run, MetricPoint{500, 1234.5, "loss/nan", std::nan("")});
      store.flush();
      QCOMPARE(store.metricNames(run),
               (std::vector<std::string>{"loss/nan", "loss/value", "train/return"}));
      const auto returns = store.metrics(run, std::string("train/return"));
      QCOMPARE(returns.size(), size_t{50});
      for (int step = 0; step < 50; ++step) {
        QCOMPARE(returns[step].step, int64_t{step * 10});
        QCOMPARE(returns[step].value, step * 2.5);
        QCOMPARE(returns[step].name, std::string("train/return"));
        QVERIFY(returns[step].wallTime > 1e9);
      }
      const auto nanPoint = store.metrics(run, std::string("loss/nan"));
      QCOMPARE(nanPoint.size(), size_t{1});
      QVERIFY(std::isnan(nanPoint[0].value));
      QCOMPARE(nanPoint[0].wallTime, 1234.5);
      QCOMPARE(store.metrics(run).size(), size_t{101});
      // Queued without flush: the destructor must commit these.
      store.logMetric(run, 9999, "late", 1.0);
    }
    RunStore reopened(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reopened.metrics(run, std::string("late")).size(), size_t{1});
  }

  // A trickle of queued items (far below a full batch) is committed within the batch interval,
  // without flush(): readers such as the app's episode list see a checkpoint's episodes at once.
  void aFewQueuedItemsAreCommittedWithinTheInterval() {
    const std::string path = freshPath();
    RunStore::Options options;
    options.batchIntervalMs = 50;  // batchMaxItems stays 2000
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, options);
    const int64_t run = store.createRun(sampleRun());
    std::mt19937_64 rng(3);
    for (int round = 0; round < 3; ++round) {
      store.logMetric(run, round, "eval/mean_return", round * 1.5);
      store.addEpisode(run, std::nullopt, EpisodeKind::Eval, randomEpisode(rng, 20, 4));
      QElapsedTimer waited;
      waited.start();
      while (store.episodes(run).size() < static_cast<size_t>(round + 1) && waited.elapsed() < 5000)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      QCOMPARE(store.episodes(run).size(), static_cast<size_t>(round + 1));
      QCOMPARE(store.metrics(run).size(), static_cast<size_t>(round + 1));
      qInfo("round %d: committed after %lld ms", round, static_cast<long long>(waited.elapsed()));
      QVERIFY2(waited.elapsed() < 2000, "a lone queued item waited for a full batch");
    }
  }

  void checkpointsRoundTrip() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const int64_t run = store.createRun(sampleRun());
    QVERIFY(!store.latestCheckpoint(run).has_value());
    std::mt19937_64 rng(5);
    std::vector<uint8_t> p1(300000), p2(1000, 0x42);
    for (auto& b : p1) b = static_cast<uint8_t>(rng() % 4);  // compressible, not trivial
    const int64_t c2 = store.addCheckpoint(run, 2000, p2, R"({"eval_return":212.5})");
    const int64_t c1 = store.addCheckpoint(run, 1000, p1);
    const auto list = store.checkpoints(run);
    QCOMPARE(list.size(), size_t{2});
    QCOMPARE(list[0].id, c1);  // ordered by step
    QCOMPARE(list[1].id, c2);
    QCOMPARE(list[0].policyBytes, int64_t{300000});
    QVERIFY(list[0].storedBytes < 300000);
    const auto latest = store.latestCheckpoint(run);
    QVERIFY(latest.has_value());
    QCOMPARE(latest->id, c2);
    QCOMPARE(latest->step, int64_t{2000});
    QCOMPARE(latest->metaJson, std::string(R"({"eval_return":212.5})"));
    const Checkpoint loaded = store.loadCheckpoint(c1);
    QVERIFY(loaded.policy == p1);
    QCOMPARE(loaded.info.runId, run);
    QCOMPARE(loaded.info.metaJson, std::string("{}"));
    QVERIFY(store.loadCheckpoint(c2).policy == p2);
    QVERIFY(throwsWith<ConfigError>([&] { store.addCheckpoint(run, 1, p2, "{oops"); },
                                    {"checkpoint meta"}));
  }

  void episodesRoundTripBitExact() {
    const std::string path = freshPath();
    std::mt19937_64 rng(42);
    const EpisodeRecord queued = randomEpisode(rng, 1600, 4);
    const EpisodeRecord direct = randomEpisode(rng, 37, 6);
    EpisodeRecord empty;  // zero-length episode: one hash, no actions, no slots
    empty.hashes = {0x8000000000000000ULL};
    int64_t run = 0, ckpt = 0, directId = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      run = store.createRun(sampleRun());
      ckpt = store.addCheckpoint(run, 10, std::vector<uint8_t>{1, 2, 3});
      store.addEpisode(run, ckpt, EpisodeKind::Train, queued);
      store.addEpisode(run, std::nullopt, EpisodeKind::Train, empty);
      directId = store.addEpisodeNow(run, ckpt, EpisodeKind::Eval, direct);
    }
    RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
    const auto all = store.episodes(run);
    QCOMPARE(all.size(), size_t{3});
    QCOMPARE(all[2].id, directId);
    QCOMPARE(all[0].kind, EpisodeKind::Train);
    QCOMPARE(all[0].checkpointId, std::optional<int64_t>(ckpt));
    QVERIFY(!all[1].checkpointId.has_value());
    QCOMPARE(all[0].seed, queued.seed);
    QCOMPARE(all[0].length, 1600);
    QVERIFY(sameBits(all[0].episodeReturn, queued.episodeReturn()));
    QCOMPARE(all[0].outcome, std::string("fell"));
    QVERIFY(all[0].terminated);
    QCOMPARE(all[0].envIndex, 7);
    QCOMPARE(all[0].episodeIndex, queued.episodeIndex);
    QVERIFY(sameBits(all[0].task[1], -0.0));
    const auto evals = store.episodes(run, EpisodeKind::Eval);
    QCOMPARE(evals.size(), size_t{1});
    QCOMPARE(evals[0].id, directId);
    QCOMPARE(store.episodeSummary(directId).length, 37);

    const StoredEpisode a = store.loadEpisode(all[0].id);
    QCOMPARE(a.runId, run);
    QCOMPARE(a.kind, EpisodeKind::Train);
    compareRecords(a.record, queued);
    const StoredEpisode b = store.loadEpisode(directId);
    QCOMPARE(b.kind, EpisodeKind::Eval);
    compareRecords(b.record, direct);
    compareRecords(store.loadEpisode(all[1].id).record, empty);

    EpisodeRecord broken = direct;
    broken.hashes.pop_back();
    QVERIFY(throwsWith<std::invalid_argument>(
        [&] { store.addEpisode(run, std::nullopt, EpisodeKind::Train, broken); },
        {"state hashes"}));
    broken = direct;
    broken.actions.push_back(0.0f);
    QVERIFY(throwsWith<std::invalid_argument>(
        [&] { store.addEpisode(run, std::nullopt, EpisodeKind::Train, broken); },
        {"action floats"}));
  }

  void migratesHandMadeVersion1Store() {
    const std::string path = freshPath();
    const std::vector<uint8_t> policy = {9, 8, 7, 6, 5};
    std::mt19937_64 rng(3);
    const EpisodeRecord record = randomEpisode(rng, 3, 2);
    {
      // The version-1 schema exactly as Palaestra 0.1 wrote it (frozen here on purpose).
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec(R"sql(
        PRAGMA journal_mode = WAL;
        BEGIN;
        CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, env TEXT NOT NULL,
          config_json TEXT NOT NULL, seed INTEGER NOT NULL, code_version TEXT NOT NULL,
          created_at REAL NOT NULL, started_at REAL, ended_at REAL,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
          steps INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL, wall_time REAL NOT NULL, name TEXT NOT NULL, value REAL);
        CREATE INDEX metrics_by_run_name_step ON metrics (run_id, name, step);
        CREATE TABLE checkpoints (id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL, created_at REAL NOT NULL, policy BLOB NOT NULL,
          policy_size INTEGER NOT NULL, meta_json TEXT NOT NULL DEFAULT '{}');
        CREATE INDEX checkpoints_by_run_step ON checkpoints (run_id, step);
        CREATE TABLE episodes (id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
          kind TEXT NOT NULL CHECK (kind IN ('train', 'eval')), env_index INTEGER NOT NULL,
          episode_index INTEGER NOT NULL, task_json TEXT NOT NULL, seed INTEGER NOT NULL,
          length INTEGER NOT NULL, action_size INTEGER NOT NULL, episode_return REAL,
          slot_returns_json TEXT NOT NULL, outcome TEXT NOT NULL, info_json TEXT NOT NULL,
          terminated INTEGER NOT NULL, truncated INTEGER NOT NULL, actions BLOB NOT NULL,
          hashes BLOB NOT NULL, created_at REAL NOT NULL);
        CREATE INDEX episodes_by_run_kind ON episodes (run_id, kind);
        INSERT INTO runs VALUES (1, 'old run', 'walker', '{"lr":0.001}', -2, 'v0.0.9',
          1700000000.0, 1700000000.0, 1700003600.0, 'finished', 5000);
        INSERT INTO metrics VALUES (1, 100, 1700000100.0, 'train/return', 12.5);
        INSERT INTO metrics VALUES (1, 200, 1700000200.0, 'train/return', 25.0);
        PRAGMA user_version = 1;
        PRAGMA application_id = 1346456641;
        COMMIT;
      )sql");
      const auto frame = compressBytes(policy);
      SqliteStatement ck(raw, "INSERT INTO checkpoints VALUES (1, 1, 200, 1700000200.0, ?1, 5, '{}')");
      ck.bind(1, std::span<const uint8_t>(frame));
      ck.run();
      const auto actions = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.actions.data()), record.actions.size() * 4));
      const auto hashes = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.hashes.data()), record.hashes.size() * 8));
      SqliteStatement ep(raw,
                         "INSERT INTO episodes VALUES (1, 1, 1, 'eval', 7, -9223372036854763463,"
                         " '[0.30000000000000004,-0.0,5e-324,1e+308,3.0]', ?1, 3, 2, ?2, ?3,"
                         " 'fell', '[[\"distance\",12.345678901234567],[\"best\",\"inf\"],"
                         "[\"distance\",-0.0]]', 1, 0, ?4, ?5, 1700000300.0)");
      ep.bind(1, static_cast<int64_t>(record.seed));
      ep.bind(2, record.slotReturns[0]);
      ep.bind(3, nlohmann::json(record.slotReturns).dump());
      ep.bind(4, std::span<const uint8_t>(actions));
      ep.bind(5, std::span<const uint8_t>(hashes));
      ep.run();
    }
    RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(countRows(path, "PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});
    QCOMPARE(countRows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'episodes_by_checkpoint'"),
             int64_t{1});
    const RunInfo run = store.getRun(1);
    QCOMPARE(run.name, std::string("old run"));
    QCOMPARE(run.notes, std::string(""));
    QCOMPARE(run.seed, uint64_t{0xFFFFFFFFFFFFFFFEULL});
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.steps, int64_t{5000});
    QCOMPARE(store.metrics(1, std::string("train/return")).size(), size_t{2});
    QVERIFY(store.loadCheckpoint(1).policy == policy);
    compareRecords(store.loadEpisode(1).record, record);
    QVERIFY(run.tags.empty());
    store.setNotes(1, "migrated");
    QCOMPARE(store.getRun(1).notes, std::string("migrated"));
  }

  // Version 3 rebuilds the runs table to widen its status CHECK: every row and
  // id must survive, and the other tables' foreign keys must still cascade.
  void migratesHandMadeVersion2StoreKeepingIdsAndRows() {
    const std::string path = freshPath();
    const std::vector<uint8_t> policy = {1, 2, 3, 4};
    std::mt19937_64 rng(5);
    const EpisodeRecord record = randomEpisode(rng, 4, 3);
    {
      // The version-2 schema exactly as Palaestra wrote it (frozen here on purpose).
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec(R"sql(
        PRAGMA journal_mode = WAL;
        BEGIN;
        CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, env TEXT NOT NULL,
          config_json TEXT NOT NULL, seed INTEGER NOT NULL, code_version TEXT NOT NULL,
          created_at REAL NOT NULL, started_at REAL, ended_at REAL,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
          steps INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT '');
        CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL, wall_time REAL NOT NULL, name TEXT NOT NULL, value REAL);
        CREATE INDEX metrics_by_run_name_step ON metrics (run_id, name, step);
        CREATE TABLE checkpoints (id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL, created_at REAL NOT NULL, policy BLOB NOT NULL,
          policy_size INTEGER NOT NULL, meta_json TEXT NOT NULL DEFAULT '{}');
        CREATE INDEX checkpoints_by_run_step ON checkpoints (run_id, step);
        CREATE TABLE episodes (id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
          kind TEXT NOT NULL CHECK (kind IN ('train', 'eval')), env_index INTEGER NOT NULL,
          episode_index INTEGER NOT NULL, task_json TEXT NOT NULL, seed INTEGER NOT NULL,
          length INTEGER NOT NULL, action_size INTEGER NOT NULL, episode_return REAL,
          slot_returns_json TEXT NOT NULL, outcome TEXT NOT NULL, info_json TEXT NOT NULL,
          terminated INTEGER NOT NULL, truncated INTEGER NOT NULL, actions BLOB NOT NULL,
          hashes BLOB NOT NULL, created_at REAL NOT NULL);
        CREATE INDEX episodes_by_run_kind ON episodes (run_id, kind);
        CREATE INDEX episodes_by_checkpoint ON episodes (checkpoint_id);
        INSERT INTO runs VALUES (3, 'kept', 'walker', '{"lr":0.001}', 42, 'v0.1',
          1700000000.0, 1700000001.0, 1700003600.0, 'finished', 5000, 'keep me');
        INSERT INTO runs VALUES (7, 'crashed', 'walker', '{}', 43, 'v0.1',
          1700000010.0, NULL, NULL, 'failed', 12, '');
        INSERT INTO metrics VALUES (3, 100, 1700000100.0, 'train/return', 12.5);
        INSERT INTO metrics VALUES (3, 200, 1700000200.0, 'train/return', NULL);
        INSERT INTO metrics VALUES (7, 10, 1700000110.0, 'loss/value', 0.5);
        PRAGMA user_version = 2;
        PRAGMA application_id = 1346456641;
        COMMIT;
      )sql");
      const auto frame = compressBytes(policy);
      SqliteStatement ck(raw, "INSERT INTO checkpoints VALUES (5, 7, 12, 1700000200.0, ?1, 4, '{}')");
      ck.bind(1, std::span<const uint8_t>(frame));
      ck.run();
      const auto actions = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.actions.data()), record.actions.size() * 4));
      const auto hashes = compressBytes(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(record.hashes.data()), record.hashes.size() * 8));
      SqliteStatement ep(raw,
                         "INSERT INTO episodes VALUES (9, 7, 5, 'train', 7, -9223372036854763463,"
                         " '[0.30000000000000004,-0.0,5e-324,1e+308,3.0]', ?1, 4, 3, ?2, ?3,"
                         " 'fell', '[[\"distance\",12.345678901234567],[\"best\",\"inf\"],"
                         "[\"distance\",-0.0]]', 1, 0, ?4, ?5, 1700000300.0)");
      ep.bind(1, static_cast<int64_t>(record.seed));
      ep.bind(2, record.slotReturns[0]);
      ep.bind(3, nlohmann::json(record.slotReturns).dump());
      ep.bind(4, std::span<const uint8_t>(actions));
      ep.bind(5, std::span<const uint8_t>(hashes));
      ep.run();
    }
    {
      RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
      QCOMPARE(countRows(path, "PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});
      QCOMPARE(countRows(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'runs_v%'"),
               int64_t{0});
      const auto runs = store.listRuns();
      QCOMPARE(runs.size(), size_t{2});
      QCOMPARE(runs[0].id, int64_t{3});
      QCOMPARE(runs[0].name, std::string("kept"));
      QCOMPARE(runs[0].notes, std::string("keep me"));
      QCOMPARE(runs[0].status, RunStatus::Finished);
      QVERIFY(runs[0].startedAt && *runs[0].startedAt == 1700000001.0);
      QVERIFY(runs[0].tags.empty());
      QCOMPARE(runs[1].id, int64_t{7});
      QCOMPARE(runs[1].status, RunStatus::Failed);
      QVERIFY(!runs[1].startedAt.has_value());
      QCOMPARE(runs[1].steps, int64_t{12});
      const auto metrics = store.metrics(3, std::string("train/return"));
      QCOMPARE(metrics.size(), size_t{2});
      QVERIFY(std::isnan(metrics[1].value));
      QCOMPARE(store.metrics(7).size(), size_t{1});
      QVERIFY(store.loadCheckpoint(5).policy == policy);
      const StoredEpisode episode = store.loadEpisode(9);
      QCOMPARE(episode.runId, int64_t{7});
      QCOMPARE(episode.checkpointId, std::optional<int64_t>(5));
      compareRecords(episode.record, record);

      // The widened CHECK takes 'queued'; a new run gets the next id.
      NewRun queued = sampleRun("waiting");
      queued.status = RunStatus::Queued;
      const int64_t id = store.createRun(queued);
      QCOMPARE(id, int64_t{8});
      QCOMPARE(store.getRun(id).status, RunStatus::Queued);
      store.setTags(3, {"baseline"});
      QCOMPARE(store.getRun(3).tags, std::vector<std::string>{"baseline"});

      // Foreign keys still point at the rebuilt table and cascade.
      store.deleteRun(7);
    }
    QCOMPARE(countRows(path, "SELECT count(*) FROM metrics WHERE run_id = 7"), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM checkpoints"), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM episodes"), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM metrics WHERE run_id = 3"), int64_t{2});
    QCOMPARE(countRows(path, "SELECT count(*) FROM pragma_foreign_key_check"), int64_t{0});
    // Writing a metric for a missing run is refused: foreign keys are on again.
    SqliteConnection raw(path, SQLITE_OPEN_READWRITE);
    raw.exec("PRAGMA foreign_keys = ON");
    bool refused = false;
    try {
      raw.exec("INSERT INTO metrics VALUES (7, 1, 1.0, 'x', 1.0)");
    } catch (const SqliteError& e) {
      refused = e.primaryCode() == SQLITE_CONSTRAINT;
    }
    QVERIFY(refused);
  }

  // The app's rescue when the store file is deleted while open: notice it, then
  // save everything (queued writes included) to a new file.
  void fileDeletedWhileOpenIsNoticedAndSavedToACopy() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("open.sqlite").toStdString();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    QVERIFY(!store.fileMoved());
    const int64_t run = store.createRun(sampleRun("precious"));
    store.setTags(run, {"keep"});
    const std::vector<uint8_t> policy = {5, 6, 7};
    const int64_t ckpt = store.addCheckpoint(run, 10, policy, "{}");
    std::mt19937_64 rng(11);
    const EpisodeRecord record = randomEpisode(rng, 20, 2);
    store.addEpisode(run, ckpt, EpisodeKind::Eval, record);
    store.flush();

    QVERIFY(std::filesystem::remove(path));
    QVERIFY(store.fileMoved());
    // Writes still go to the open (now nameless) file; the copy must hold them too.
    for (int i = 0; i < 50; ++i) store.logMetric(run, i, "train/return", i * 2.0);

    const std::string copy = dir.filePath("rescued.sqlite").toStdString();
    store.saveCopyTo(copy);
    {
      RunStore rescued(copy, RunStore::OpenMode::OpenExisting, fastOptions());
      QVERIFY(!rescued.fileMoved());
      const auto runs = rescued.listRuns();
      QCOMPARE(runs.size(), size_t{1});
      QCOMPARE(runs[0].id, run);
      QCOMPARE(runs[0].name, std::string("precious"));
      QCOMPARE(runs[0].tags, std::vector<std::string>{"keep"});
      QCOMPARE(rescued.metrics(run, std::string("train/return")).size(), size_t{50});
      QVERIFY(rescued.loadCheckpoint(ckpt).policy == policy);
      const auto episodes = rescued.episodes(run);
      QCOMPARE(episodes.size(), size_t{1});
      compareRecords(rescued.loadEpisode(episodes[0].id).record, record);
    }
    QCOMPARE(countRows(copy, "PRAGMA application_id"), int64_t{kRunStoreApplicationId});
    QCOMPARE(countRows(copy, "PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});

    // Never overwrites: an existing file stays byte for byte.
    const std::string existing = dir.filePath("existing.txt").toStdString();
    {
      std::ofstream out(existing);
      out << "my thesis";
    }
    const auto before = fileBytes(existing);
    QVERIFY(throwsWith<StoreError>([&] { store.saveCopyTo(existing); },
                                   {existing, "already exists", "never overwritten"}));
    QVERIFY(fileBytes(existing) == before);
    QVERIFY(throwsWith<StoreError>([&] { store.saveCopyTo(copy); }, {"already exists"}));
    const std::string nowhere = dir.filePath("no/such/dir/copy.sqlite").toStdString();
    QVERIFY(throwsWith<StoreError>([&] { store.saveCopyTo(nowhere); },
                                   {nowhere, "does not exist"}));
    QVERIFY(!std::filesystem::exists(nowhere));
    QVERIFY(throwsWith<StoreError>([&] { store.saveCopyTo(""); }, {"no file name"}));
    // The store keeps working after the refusals.
    store.logMetric(run, 99, "train/return", 1.0);
    store.flush();
  }

  void fileRenamedWhileOpenIsNoticed() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("a.sqlite").toStdString();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    store.createRun(sampleRun());
    QVERIFY(!store.fileMoved());
    std::filesystem::rename(path, dir.filePath("b.sqlite").toStdString());
    QVERIFY(store.fileMoved());
    // A different file put in its place is not the open store either.
    { RunStore other(path, RunStore::OpenMode::CreateOrOpen, fastOptions()); }
    QVERIFY(store.fileMoved());
  }

  void queuedRunStartsLater() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    NewRun waiting = sampleRun("waiting");
    waiting.status = RunStatus::Queued;
    const int64_t id = store.createRun(waiting);
    RunInfo run = store.getRun(id);
    QCOMPARE(run.status, RunStatus::Queued);
    QVERIFY(!run.startedAt.has_value());
    QVERIFY(!run.endedAt.has_value());
    store.updateRun(id, {.status = RunStatus::Running, .startedAt = run.createdAt + 3});
    run = store.getRun(id);
    QCOMPARE(run.status, RunStatus::Running);
    QVERIFY(run.startedAt && sameBits(*run.startedAt, run.createdAt + 3));
    QCOMPARE(runStatusName(RunStatus::Queued), std::string("queued"));
    QCOMPARE(runStatusFromName("queued"), RunStatus::Queued);
    QVERIFY(throwsWith<ConfigError>([] { runStatusFromName("waiting"); }, {"waiting", "queued"}));
  }

  void tagsAreTrimmedValidatedAndStored() {
    const std::string path = freshPath();
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      const int64_t id = store.createRun(sampleRun());
      QVERIFY(store.getRun(id).tags.empty());
      store.setTags(id, {"  baseline ", "lr-sweep", "baseline", "ünïcode tag"});
      QCOMPARE(store.getRun(id).tags,
               (std::vector<std::string>{"baseline", "lr-sweep", "ünïcode tag"}));
      QVERIFY(throwsWith<ConfigError>([&] { store.setTags(id, {"ok", "   "}); }, {"empty"}));
      QVERIFY(throwsWith<ConfigError>([&] { store.setTags(id, {"a,b"}); }, {"'a,b'", "comma"}));
      QVERIFY(throwsWith<NotFoundError>([&] { store.setTags(id + 100, {"x"}); },
                                        {"no run with id"}));
      // A refused change leaves the stored tags as they were.
      QCOMPARE(store.getRun(id).tags.size(), size_t{3});
      store.setTags(id, {});
      QVERIFY(store.getRun(id).tags.empty());
      store.setTags(id, {"kept"});
    }
    RunStore reopened(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reopened.listRuns().at(0).tags, std::vector<std::string>{"kept"});
    QCOMPARE(normalizedTags({" a ", "b", "a"}), (std::vector<std::string>{"a", "b"}));
  }

  void refusesNewerSchemaUntouched() {
    const std::string path = populatedStore(1);
    {
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE);
      raw.exec("PRAGMA user_version = 99");
    }
    const auto before = fileBytes(path);
    for (auto mode : {RunStore::OpenMode::CreateOrOpen, RunStore::OpenMode::OpenExisting}) {
      QVERIFY(throwsWith<StoreError>(
          [&] { RunStore store(path, mode, fastOptions()); },
          {path, "store schema version 99 is newer than this Palaestra (" +
                       std::to_string(RunStore::currentSchemaVersion()) + "); upgrade Palaestra"}));
    }
    QVERIFY(fileBytes(path) == before);
  }

  void refusesNonSqliteFileUntouched() {
    const std::string path = freshPath();
    {
      std::ofstream out(path, std::ios::binary);
      for (int i = 0; i < 200; ++i) out << "these are my lecture notes, not a database\n";
    }
    const auto before = fileBytes(path);
    for (auto mode : {RunStore::OpenMode::CreateOrOpen, RunStore::OpenMode::OpenExisting}) {
      QVERIFY(throwsWith<StoreError>([&] { RunStore store(path, mode, fastOptions()); },
                                     {"cannot open run store " + path, "file is not a database"}));
    }
    QVERIFY(fileBytes(path) == before);
    QVERIFY(!std::filesystem::exists(path + "-wal"));
  }

  void refusesCorruptStoreUntouched() {
    const std::string path = populatedStore(40);
    {
      // Checkpoint everything into the main file so the damage is not masked by the WAL.
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE);
      raw.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
    }
    const auto size = std::filesystem::file_size(path);
    QVERIFY(size > 40 * 4096);
    {
      std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
      // Scribble over a few pages in the middle (b-tree headers and cell pointers included).
      for (uint64_t page = 3; page < 12; page += 2) {
        file.seekp(static_cast<std::streamoff>(page * 4096));
        const std::string junk(4096, '\x5A');
        file.write(junk.data(), junk.size());
      }
    }
    const auto before = fileBytes(path);
    for (auto mode : {RunStore::OpenMode::CreateOrOpen, RunStore::OpenMode::OpenExisting}) {
      QVERIFY(throwsWith<StoreError>([&] { RunStore store(path, mode, fastOptions()); },
                                     {"run store " + path, "corrupt"}));
    }
    QVERIFY(fileBytes(path) == before);
  }

  void refusesForeignSqliteUntouched() {
    const std::string path = freshPath();
    {
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec("CREATE TABLE contacts (name TEXT, phone TEXT);"
               "INSERT INTO contacts VALUES ('Ada', '123');");
    }
    const auto before = fileBytes(path);
    for (auto mode : {RunStore::OpenMode::CreateOrOpen, RunStore::OpenMode::OpenExisting}) {
      QVERIFY(throwsWith<StoreError>(
          [&] { RunStore store(path, mode, fastOptions()); },
          {"cannot open run store " + path, "another program (tables: contacts)",
           "not a Palaestra run store"}));
    }
    QVERIFY(fileBytes(path) == before);
  }

  void openExistingRefusesMissingFile() {
    const std::string path = dir_.filePath("missing/runs.sqlite").toStdString();
    QVERIFY(throwsWith<StoreError>(
        [&] { RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions()); },
        {"no run store at " + path}));
    QVERIFY(!std::filesystem::exists(path));
    QVERIFY(!std::filesystem::exists(dir_.filePath("missing").toStdString()));
  }

  void lockedByAnotherWriterAtOpen() {
    const std::string path = populatedStore(1);
    SqliteConnection other(path, SQLITE_OPEN_READWRITE);
    other.exec("BEGIN EXCLUSIVE");
    QElapsedTimer timer;
    timer.start();
    QVERIFY(throwsWith<StoreError>(
        [&] { RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions()); },
        {"run store " + path + " is locked by another writer"}));
    QVERIFY(timer.elapsed() < 1000);
    // Readers are not blocked by a writer in WAL mode.
    RunStore reader(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reader.listRuns().size(), size_t{1});
    other.exec("COMMIT");
  }

  void lockedByAnotherWriterAtWrite() {
    const std::string path = freshPath();
    int64_t run = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      run = store.createRun(sampleRun());
      store.logMetric(run, 1, "kept", 1.0);
      store.flush();
      SqliteConnection other(path, SQLITE_OPEN_READWRITE);
      other.exec("BEGIN EXCLUSIVE");
      store.logMetric(run, 2, "lost", 2.0);
      QVERIFY(throwsWith<StoreError>([&] { store.flush(); },
                                     {"run store " + path + " is locked by another writer",
                                      "writing metrics"}));
      // The error sticks for every later write.
      QVERIFY(throwsWith<StoreError>([&] { store.logMetric(run, 3, "x", 3.0); },
                                     {"locked by another writer"}));
      QVERIFY(throwsWith<StoreError>([&] { store.createRun(sampleRun()); },
                                     {"locked by another writer"}));
      other.exec("COMMIT");
      // Reads still work.
      QCOMPARE(store.metrics(run).size(), size_t{1});
    }
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      QCOMPARE(store.metricNames(run), std::vector<std::string>{"kept"});
      // Synchronous writes report the lock too.
      SqliteConnection other(path, SQLITE_OPEN_READWRITE);
      other.exec("BEGIN EXCLUSIVE");
      QVERIFY(throwsWith<StoreError>([&] { store.addCheckpoint(run, 5, std::vector<uint8_t>{1}); },
                                     {"locked by another writer", "writing a checkpoint"}));
      other.exec("ROLLBACK");
      QVERIFY(store.addCheckpoint(run, 5, std::vector<uint8_t>{1}) > 0);
    }
  }

  void diskFullSurfacesAndKeepsCommittedData() {
    const std::string path = freshPath();
    int64_t run = 0;
    std::mt19937_64 rng(11);
    {
      RunStore::Options options = fastOptions();
      options.maxSizeBytes = 256 * 1024;
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, options);
      run = store.createRun(sampleRun());
      for (int i = 0; i < 100; ++i) store.logMetric(run, i, "before", i);
      store.addEpisode(run, std::nullopt, EpisodeKind::Train, randomEpisode(rng, 200, 4));
      store.flush();
      // Random actions and hashes do not compress: ~40 KB per episode.
      bool failed = false;
      std::string message;
      for (int i = 0; i < 50 && !failed; ++i) {
        try {
          store.addEpisode(run, std::nullopt, EpisodeKind::Train, randomEpisode(rng, 2000, 4));
          store.logMetric(run, 1000 + i, "during", i);
          store.flush();
        } catch (const StoreError& e) {
          failed = true;
          message = e.what();
        }
      }
      QVERIFY(failed);
      QVERIFY2(message.find("run store " + path + ": disk full") != std::string::npos &&
                   message.find("everything written before is kept") != std::string::npos,
               message.c_str());
      QVERIFY(throwsWith<StoreError>([&] { store.logMetric(run, 5000, "after", 1.0); },
                                     {"disk full"}));
      QVERIFY(throwsWith<StoreError>([&] { store.flush(); }, {"disk full"}));
    }
    RunStore reopened(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(reopened.metrics(run, std::string("before")).size(), size_t{100});
    const auto episodes = reopened.episodes(run);
    QVERIFY(episodes.size() >= 1);
    // Every committed episode is whole and loads.
    for (const auto& e : episodes) QCOMPARE(reopened.loadEpisode(e.id).record.length, e.length);
    QCOMPARE(reopened.metrics(run, std::string("during")).size(), episodes.size() - 1);
  }

  void unknownIdsAreNotFound() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const int64_t run = store.createRun(sampleRun());
    const std::string suffix = " in " + path;
    QVERIFY(throwsWith<NotFoundError>([&] { store.getRun(999); }, {"no run with id 999" + suffix}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.updateRun(999, {.steps = 1}); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.renameRun(999, "x"); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.setNotes(999, "x"); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.deleteRun(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.logMetric(999, 1, "x", 1); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.metrics(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.metricNames(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.checkpoints(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.latestCheckpoint(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.episodes(999); }, {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.addCheckpoint(999, 1, std::vector<uint8_t>{}); },
                                      {"no run with id 999"}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.loadCheckpoint(77); },
                                      {"no checkpoint with id 77" + suffix}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.loadEpisode(55); },
                                      {"no episode with id 55" + suffix}));
    QVERIFY(throwsWith<NotFoundError>([&] { store.episodeSummary(55); }, {"no episode with id 55"}));
    std::mt19937_64 rng(2);
    QVERIFY(throwsWith<NotFoundError>(
        [&] { store.addEpisode(run, 77, EpisodeKind::Eval, randomEpisode(rng, 2, 1)); },
        {"no checkpoint with id 77"}));
    store.flush();  // nothing bad was queued
  }

  void deleteRunCascades() {
    const std::string path = freshPath();
    std::mt19937_64 rng(8);
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    int64_t runs[2];
    for (int64_t& run : runs) {
      run = store.createRun(sampleRun());
      const int64_t ckpt = store.addCheckpoint(run, 1, std::vector<uint8_t>(100, 1));
      for (int i = 0; i < 5; ++i) {
        store.logMetric(run, i, "m", i);
        store.addEpisode(run, ckpt, EpisodeKind::Train, randomEpisode(rng, 10, 2));
      }
    }
    // Queued rows of the doomed run are flushed first, then removed with it.
    store.deleteRun(runs[0]);
    QVERIFY(throwsWith<NotFoundError>([&] { store.getRun(runs[0]); }, {"no run with id"}));
    const std::string ofRun0 = " WHERE run_id = " + std::to_string(runs[0]);
    QCOMPARE(countRows(path, "SELECT count(*) FROM metrics" + ofRun0), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM checkpoints" + ofRun0), int64_t{0});
    QCOMPARE(countRows(path, "SELECT count(*) FROM episodes" + ofRun0), int64_t{0});
    QCOMPARE(store.listRuns().size(), size_t{1});
    QCOMPARE(store.metrics(runs[1]).size(), size_t{5});
    QCOMPARE(store.episodes(runs[1]).size(), size_t{5});
    QCOMPARE(store.checkpoints(runs[1]).size(), size_t{1});
  }

  void secondStoreOnSameFileSeesCommits() {
    // The app reads a store while the CLI trains into it: two connections, WAL.
    const std::string path = freshPath();
    RunStore writer(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    RunStore reader(path, RunStore::OpenMode::OpenExisting, fastOptions());
    const int64_t run = writer.createRun(sampleRun());
    QCOMPARE(reader.getRun(run).name, std::string("walker-ppo"));
    for (int i = 0; i < 10; ++i) writer.logMetric(run, i, "m", i);
    writer.flush();
    QCOMPARE(reader.metrics(run, std::string("m")).size(), size_t{10});
    writer.updateRun(run, {.status = RunStatus::Interrupted});
    QCOMPARE(reader.getRun(run).status, RunStatus::Interrupted);
  }

  // ---- crash consistency ----

  void runsOfDeadProcessesAreFoundCrashed() {
    const std::string path = freshPath();
    int64_t running = 0, queued = 0, finished = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      running = store.createRun(sampleRun("was running"));
      store.logMetric(running, 4096, "train/return", 1.0);  // how far it got
      NewRun waiting = sampleRun("was queued");
      waiting.status = RunStatus::Queued;
      queued = store.createRun(waiting);
      finished = store.createRun(sampleRun("done"));
      store.updateRun(finished, {.status = RunStatus::Finished, .endedAt = nowSeconds()});
    }
    const double now = nowSeconds();
    const ProcessIdentity dead = deadProcess();
    QVERIFY(dead.pid > 0);
    setRunOwner(path, running, RunStatus::Running, dead, now - 30);
    setRunOwner(path, queued, RunStatus::Queued, dead, now - 2);
    {
      RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
      const std::vector<CrashedRun>& crashed = store.crashedRunsFound();
      QCOMPARE(crashed.size(), size_t{2});
      QCOMPARE(crashed[0].runId, running);
      QCOMPARE(crashed[0].previousStatus, RunStatus::Running);
      QCOMPARE(crashed[1].runId, queued);
      QCOMPARE(crashed[1].previousStatus, RunStatus::Queued);
      for (const CrashedRun& run : crashed) {
        QVERIFY(run.marked);
        QVERIFY2(run.why == "its process " + std::to_string(dead.pid) + " on this host is gone",
                 run.why.c_str());
      }
      const std::string line = describeCrashedRun(crashed[0], now);
      QVERIFY2(line.rfind("run " + std::to_string(running) + " 'was running' crashed: its process ",
                          0) == 0 &&
                   line.find("last heartbeat") != std::string::npos &&
                   line.find("(30 s ago)") != std::string::npos &&
                   line.find("marked crashed") != std::string::npos &&
                   line.find('\n') == std::string::npos,
               line.c_str());
      QVERIFY(describeCrashedRun(crashed[1], now).find("crashed while queued") !=
              std::string::npos);
      QCOMPARE(store.getRun(running).status, RunStatus::Crashed);
      QCOMPARE(*store.getRun(running).endedAt, now - 30);  // ended when last seen alive
      QCOMPARE(store.getRun(running).steps, int64_t{4096});
      QCOMPARE(store.getRun(queued).status, RunStatus::Crashed);
      QCOMPARE(store.getRun(finished).status, RunStatus::Finished);
    }
    // Marked once: the next open finds nothing new.
    RunStore again(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QVERIFY(again.crashedRunsFound().empty());
  }

  void runOwnedByALiveProcessIsNotCrashed() {
    const std::string path = freshPath();
    int64_t run = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      run = store.createRun(sampleRun("alive elsewhere"));
    }
    QProcess child;
    const ProcessIdentity live = startLiveProcess(child);
    QVERIFY(live.pid > 0);
    QVERIFY(!live.started.empty());
    // On this host the process decides, not the heartbeat (stale on purpose).
    setRunOwner(path, run, RunStatus::Running, live, nowSeconds() - 100000);
    {
      RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
      QVERIFY(store.crashedRunsFound().empty());
      QCOMPARE(store.getRun(run).status, RunStatus::Running);
    }
    // The same pid with another start time is a new process that reused the pid.
    ProcessIdentity reused = live;
    reused.started = live.started + "0";
    setRunOwner(path, run, RunStatus::Running, reused, nowSeconds());
    {
      RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
      QCOMPARE(store.crashedRunsFound().size(), size_t{1});
      QCOMPARE(store.getRun(run).status, RunStatus::Crashed);
    }
    // The owner dies.
    setRunOwner(path, run, RunStatus::Running, live, nowSeconds());
    child.kill();
    QVERIFY(child.waitForFinished());
    RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(store.crashedRunsFound().size(), size_t{1});
    QCOMPARE(store.getRun(run).status, RunStatus::Crashed);
  }

  void foreignHostIsJudgedByItsHeartbeat() {
    const std::string path = freshPath();
    int64_t run = 0;
    {
      RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
      run = store.createRun(sampleRun("on another host"));
    }
    RunStore::Options options = fastOptions();
    options.foreignHeartbeatTimeoutSeconds = 600;
    const ProcessIdentity elsewhere{"elsewhere.example", 4242, "boot/1"};
    setRunOwner(path, run, RunStatus::Running, elsewhere, nowSeconds() - 100);
    {
      RunStore store(path, RunStore::OpenMode::OpenExisting, options);
      QVERIFY(store.crashedRunsFound().empty());
      QCOMPARE(store.getRun(run).status, RunStatus::Running);
    }
    setRunOwner(path, run, RunStatus::Running, elsewhere, nowSeconds() - 700);
    RunStore store(path, RunStore::OpenMode::OpenExisting, options);
    QCOMPARE(store.crashedRunsFound().size(), size_t{1});
    const std::string why = store.crashedRunsFound()[0].why;
    QVERIFY2(why.find("its process 4242 on host elsewhere.example sent no heartbeat for 70") == 0 &&
                 why.find("(limit 600 s)") != std::string::npos,
             why.c_str());
    QCOMPARE(store.getRun(run).status, RunStatus::Crashed);
  }

  void theOwnerRefreshesTheHeartbeatUntilTheRunEnds() {
    const std::string path = freshPath();
    RunStore::Options options = fastOptions();
    options.heartbeatIntervalMs = 40;
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, options);
    NewRun waiting = sampleRun("queued");
    waiting.status = RunStatus::Queued;
    const int64_t run = store.createRun(waiting);
    const double created = heartbeatOf(path, run);
    QVERIFY(!std::isnan(created));
    QTRY_VERIFY_WITH_TIMEOUT(heartbeatOf(path, run) > created, 3000);  // queued runs beat too
    store.updateRun(run, {.status = RunStatus::Running, .startedAt = nowSeconds()});
    const double started = heartbeatOf(path, run);
    QTRY_VERIFY_WITH_TIMEOUT(heartbeatOf(path, run) > started, 3000);
    store.updateRun(run, {.status = RunStatus::Interrupted, .endedAt = nowSeconds()});
    const double ended = heartbeatOf(path, run);
    QTest::qWait(300);
    QCOMPARE(heartbeatOf(path, run), ended);
    // The owner recorded is this process.
    QCOMPARE(countRows(path, "SELECT owner_pid FROM runs WHERE id = " + std::to_string(run)),
             thisProcess().pid);
  }

  void keptTrainingEpisodesAreRetractedOrLinked() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const int64_t run = store.createRun(sampleRun());
    std::mt19937_64 rng(21);
    const EpisodeRecord kept = randomEpisode(rng, 30, 2), superseded = randomEpisode(rng, 31, 2),
                        later = randomEpisode(rng, 32, 2), eval = randomEpisode(rng, 33, 2);
    const auto keptTicket = store.addTrainingEpisode(run, kept);
    // Retracted while still queued: never written.
    store.retractEpisode(store.addTrainingEpisode(run, superseded));
    store.flush();
    QCOMPARE(store.episodes(run).size(), size_t{1});
    // Retracted after it was written: deleted.
    const auto laterTicket = store.addTrainingEpisode(run, later);
    store.flush();
    QCOMPARE(store.episodes(run).size(), size_t{2});
    QVERIFY(!store.episodes(run)[0].checkpointId.has_value());
    store.retractEpisode(laterTicket);
    store.flush();
    const auto left = store.episodes(run);
    QCOMPARE(left.size(), size_t{1});
    QCOMPARE(left[0].length, 30);
    QVERIFY(throwsWith<std::invalid_argument>([&] { store.retractEpisode(laterTicket); },
                                              {"already retracted"}));
    // A checkpoint links the kept ones and stores its eval episodes.
    const int64_t checkpoint =
        store.addCheckpoint(run, 100, std::vector<uint8_t>{1, 2, 3}, "{}",
                            RunStore::CheckpointEpisodes{{eval}, {keptTicket}});
    const auto all = store.episodes(run);
    QCOMPARE(all.size(), size_t{2});
    for (const EpisodeSummary& e : all)
      QCOMPARE(e.checkpointId, std::optional<int64_t>(checkpoint));
    QCOMPARE(store.episodes(run, EpisodeKind::Eval).size(), size_t{1});
    compareRecords(store.loadEpisode(all[0].id).record, kept);
    QVERIFY(
        throwsWith<std::invalid_argument>([&] { store.retractEpisode(keptTicket); }, {"ticket"}));
    QVERIFY(throwsWith<std::invalid_argument>(
        [&] {
          store.addCheckpoint(run, 200, std::vector<uint8_t>{1}, "{}", {{}, {keptTicket}});
        },
        {"ticket"}));
  }

  // A checkpoint, its evaluation episodes and the links of its training episodes commit
  // together: a failed write leaves none of them.
  void aCheckpointAndItsEpisodesCommitTogether() {
    const std::string path = freshPath();
    RunStore store(path, RunStore::OpenMode::CreateOrOpen, fastOptions());
    const int64_t run = store.createRun(sampleRun());
    std::mt19937_64 rng(22);
    const auto ticket = store.addTrainingEpisode(run, randomEpisode(rng, 10, 2));
    store.flush();
    SqliteConnection other(path, SQLITE_OPEN_READWRITE);
    other.exec("BEGIN EXCLUSIVE");
    QVERIFY(throwsWith<StoreError>(
        [&] {
          store.addCheckpoint(run, 5, std::vector<uint8_t>{1}, "{}",
                              {{randomEpisode(rng, 12, 2), randomEpisode(rng, 13, 2)}, {ticket}});
        },
        {"locked by another writer", "writing a checkpoint"}));
    other.exec("ROLLBACK");
    QVERIFY(store.checkpoints(run).empty());
    QCOMPARE(store.episodes(run, EpisodeKind::Eval).size(), size_t{0});
    QVERIFY(!store.episodes(run, EpisodeKind::Train)[0].checkpointId.has_value());
  }

  // Stores of schema 3 get the owner columns; runs an older Palaestra left running are judged by
  // their last metric.
  void migratesVersion3StoreAndJudgesOwnerlessRuns() {
    const std::string path = freshPath();
    const double now = nowSeconds();
    {
      SqliteConnection raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      raw.exec("PRAGMA journal_mode = WAL; BEGIN;");
      for (const StoreMigration& step : storeMigrations())
        if (step.version <= 3) raw.exec(step.sql);
      raw.exec("PRAGMA user_version = 3; PRAGMA application_id = 1346456641;");
      SqliteStatement run(raw,
                          "INSERT INTO runs (id, name, env, config_json, seed, code_version,"
                          " created_at, started_at, status) VALUES (?1, ?2, 'walker', '{}', 1,"
                          " 'v0.3', ?3, ?3, ?4)");
      const std::vector<std::tuple<int64_t, std::string, double, std::string>> rows = {
          {1, "stuck since 2023", 1700000000.0, "running"},
          {2, "queued a moment ago", now - 5, "queued"},
          {3, "done", 1700000000.0, "finished"}};
      for (const auto& [id, name, created, status] : rows) {
        run.reset();
        run.bind(1, id);
        run.bind(2, name);
        run.bind(3, created);
        run.bind(4, status);
        run.run();
      }
      raw.exec(
          "INSERT INTO metrics VALUES (1, 100, 1700000500.0, 'train/return', 1.0);"
          "COMMIT;");
    }
    RunStore store(path, RunStore::OpenMode::OpenExisting, fastOptions());
    QCOMPARE(countRows(path, "PRAGMA user_version"), int64_t{RunStore::currentSchemaVersion()});
    QCOMPARE(store.crashedRunsFound().size(), size_t{1});
    const CrashedRun& crashed = store.crashedRunsFound()[0];
    QCOMPARE(crashed.runId, int64_t{1});
    QCOMPARE(*crashed.lastHeartbeat, 1700000500.0);  // its latest metric
    QVERIFY2(crashed.why.find("no owner recorded") != std::string::npos, crashed.why.c_str());
    QCOMPARE(store.getRun(1).status, RunStatus::Crashed);
    QCOMPARE(store.getRun(2).status, RunStatus::Queued);  // recent: it may still start
    QCOMPARE(store.getRun(3).status, RunStatus::Finished);
    QCOMPARE(store.listRuns().size(), size_t{3});
    // The CHECK takes 'crashed' and still refuses anything else; the table kept every column.
    SqliteConnection raw(path, SQLITE_OPEN_READWRITE);
    bool refused = false;
    try {
      raw.exec("UPDATE runs SET status = 'exploded' WHERE id = 3");
    } catch (const SqliteError& e) {
      refused = e.primaryCode() == SQLITE_CONSTRAINT;
    }
    QVERIFY(refused);
    QCOMPARE(countRows(path, "SELECT count(*) FROM pragma_table_info('runs')"), int64_t{17});
    QCOMPARE(
        countRows(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
        int64_t{1});
  }

  void writeThroughput() {
    const std::string path = freshPath();
    std::mt19937_64 rng(99);
    std::vector<EpisodeRecord> episodes;
    for (int i = 0; i < 100; ++i) episodes.push_back(randomEpisode(rng, 1600, 4));
    RunStore store(path);  // default options, as training uses
    const int64_t run = store.createRun(sampleRun());

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 10000; ++i) store.logMetric(run, i / 40, "metric/" + std::to_string(i % 40), i);
    const double metricEnqueueMs = timer.nsecsElapsed() / 1e6;
    store.flush();
    const double metricTotalMs = timer.nsecsElapsed() / 1e6;

    timer.restart();
    for (const auto& e : episodes) store.addEpisode(run, std::nullopt, EpisodeKind::Train, e);
    const double episodeEnqueueMs = timer.nsecsElapsed() / 1e6;
    store.flush();
    const double episodeTotalMs = timer.nsecsElapsed() / 1e6;

    qInfo("10000 metrics: enqueue %.1f ms, enqueue+commit %.1f ms", metricEnqueueMs, metricTotalMs);
    qInfo("100 episodes (1600 x 4 actions, 1601 hashes): enqueue %.1f ms, enqueue+commit %.1f ms",
          episodeEnqueueMs, episodeTotalMs);
    qInfo("store size %.1f MB", store.storeSizeBytes() / 1e6);
    QCOMPARE(store.metrics(run).size(), size_t{10000});
    QCOMPARE(store.episodes(run).size(), size_t{100});
    // Generous bounds (2 shared cores); the printed figures are what matter.
    QVERIFY(metricTotalMs < 5000);
    QVERIFY(episodeTotalMs < 10000);
  }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "TestRunStore.moc"
