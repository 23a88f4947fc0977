// Curriculum events and edits (issue 11, points 2 and 6). A curriculum's painted regions keep the
// teacher's tasks out of the regions painted out; an edit replaces the section at once and a bad
// one (bounds outside the task space, an empty region, regions that exclude everything, unknown
// keys) is refused naming its field, the curriculum unchanged; an edited curriculum's state
// restores to it. In a real training stored in a real SQLite file, every task drawn, every
// outcome, every refit of ALP-GMM (with its mixture) and every edit, accepted or refused, is an
// event in order; an edit made from another thread while the envs step applies to the next task
// drawn, and a run resumed after an edit keeps the edited curriculum.
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "Simulations.h"
#include "conformance/TinyTraining.h"
#include "curriculum/Curriculum.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "train/TrainingSession.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

TaskSpace stumpSpace() {
  return TaskSpace(
      {{"stump_height", 0.0, 3.0, 0.0, false, ""}, {"obstacle_spacing", 0.0, 6.0, 6.0, false, ""}});
}

nlohmann::json swarmConfig(int64_t steps) {
  nlohmann::json config = testing::tinySwarmConfig(steps, 2, 9);
  config["curriculum"] = {
      {"teacher", "alp_gmm"},
      {"bounds", {{"noise", {0.1, 0.6}}}},
      {"alp_gmm", {{"fit_rate", 10}, {"k_max", 4}, {"return_range", {0, 16}}}}};
  return config;
}

std::string editError(Curriculum& curriculum, const nlohmann::json& section) {
  const nlohmann::json before = curriculum.canonical();
  try {
    curriculum.edit(section);
  } catch (const ConfigError& e) {
    if (curriculum.canonical() != before) return "(the refused edit changed the curriculum)";
    return e.what();
  }
  return "(no error)";
}

nlohmann::json data(const CurriculumEvent& e) {
  return nlohmann::json::parse(e.dataJson);
}

// Blocks (briefly polling) until `done` or `seconds` pass.
void waitFor(const std::atomic<bool>& done, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done.load() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

struct ProgressFlag : TrainingListener {
  std::atomic<int> iterations{0};
  std::atomic<bool> started{false};
  std::atomic<bool>* stopAt = nullptr;
  int stopAfter = 0;
  void onProgress(const TrainingProgress&) override {
    started = true;
    if (++iterations == stopAfter && stopAt) stopAt->store(true);
  }
};

}  // namespace

class TestCurriculumEvents : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
  }

  void regionsKeepTasksOutOfWhatIsPaintedOut() {
    const TaskSpace space = stumpSpace();
    Curriculum c({{"teacher", "random"},
                  {"regions",
                   {{{"mode", "out"}, {"bounds", {{"stump_height", {0.0, 2.0}}}}},
                    {{"mode", "out"},
                     {"bounds", {{"stump_height", {2.0, 3.0}}, {"obstacle_spacing", {0, 3}}}}}}}},
                 space, space.defaults(), 3);
    for (int i = 0; i < 500; ++i) {
      const TaskValues t = c.nextTask();
      QVERIFY2(t[0] > 2.0 && t[1] > 3.0, qPrintable(QString("%1 %2").arg(t[0]).arg(t[1])));
      c.observe(t, 0.0);
    }
    QCOMPARE(c.canonical()["regions"].size(), size_t{2});
    // "in" regions: only tasks inside one of them.
    Curriculum in({{"teacher", "random"},
                   {"regions", {{{"mode", "in"}, {"bounds", {{"obstacle_spacing", {1, 2}}}}}}}},
                  space, space.defaults(), 3);
    for (int i = 0; i < 200; ++i) {
      const double spacing = in.nextTask()[1];
      QVERIFY(spacing >= 1.0 && spacing <= 2.0);
    }
  }

  void badEditsAreRefusedByFieldAndChangeNothing() {
    const TaskSpace space = stumpSpace();
    Curriculum c({{"teacher", "alp_gmm"}, {"alp_gmm", {{"fit_rate", 20}}}}, space, space.defaults(),
                 3);
    for (int i = 0; i < 100; ++i) {
      const TaskValues t = c.nextTask();
      c.observe(t, 50.0 * t[0]);
    }
    nlohmann::json good = c.canonical();
    const auto has = [](const std::string& error, const std::string& part) {
      return error.find(part) != std::string::npos;
    };
    nlohmann::json bad = good;
    bad["bounds"]["stump_height"] = {1.0, 4.0};
    QVERIFY(
        has(editError(c, bad), "curriculum.bounds.stump_height [1.000000, 4.000000] is outside"));
    bad = good;
    bad["alp_gmm"]["fit_every"] = 5;
    QVERIFY(has(editError(c, bad), "unknown config key 'curriculum.alp_gmm.fit_every'"));
    bad = good;
    bad["regions"] = {{{"mode", "out"}, {"bounds", {{"stump_height", {1.0, 1.0}}}}}};
    QVERIFY(has(editError(c, bad), "curriculum.regions[0].bounds.stump_height is an empty region"));
    bad["regions"] = {{{"mode", "out"}, {"bounds", {{"stump_height", {0.0, 3.0}}}}}};
    QVERIFY(has(editError(c, bad), "curriculum.regions leave no task"));
    bad["regions"] = {{{"mode", "in"}, {"bounds", {{"level", {1, 2}}}}}};
    QVERIFY(has(editError(c, bad), "'level' is not a parameter the curriculum chooses"));
    bad["regions"] = {{{"mode", "sideways"}, {"bounds", {{"stump_height", {1, 2}}}}}};
    QVERIFY(has(editError(c, bad), "curriculum.regions[0].mode must be"));

    // A good edit: new bounds apply to the next task; the new teacher learnt from the history
    // inside its box (one fit per fit_rate = 20 of those episodes).
    good["bounds"]["stump_height"] = {1.5, 3.0};
    int inside = 0;
    const nlohmann::json before = c.state();
    for (const nlohmann::json& h : before["history"]) inside += h["task"][0].get<double>() >= 1.5;
    QCOMPARE(c.edit(good), std::string("curriculum"));
    QVERIFY2(inside >= 20, qPrintable(QString::number(inside)));
    QCOMPARE(c.teacher().modelVersion(), inside / 20);
    for (int i = 0; i < 50; ++i) {
      const double h = c.nextTask()[0];
      QVERIFY(h >= 1.5 && h <= 3.0);
    }
    QCOMPARE(c.edit(good), std::string("nothing"));
    good["regions"] = {{{"mode", "out"}, {"bounds", {{"stump_height", {1.5, 2.25}}}}}};
    QCOMPARE(c.edit(good), std::string("regions"));

    // The edited curriculum's state restores, into a curriculum built from the original config.
    Curriculum restored({{"teacher", "alp_gmm"}, {"alp_gmm", {{"fit_rate", 20}}}}, space,
                        space.defaults(), 3);
    restored.restore(nlohmann::json::parse(c.state().dump()));
    QCOMPARE(restored.canonical(), c.canonical());
    for (int i = 0; i < 50; ++i) {
      const TaskValues t = c.nextTask();
      QCOMPARE(restored.nextTask(), t);
      QVERIFY(t[0] > 2.25 && t[0] <= 3.0);
      c.observe(t, 10.0);
      restored.observe(t, 10.0);
    }
  }

  void trainingStoresEveryEventAndTakesEditsWhileItRuns() {
    RunStore store(dir_.filePath("events.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    TrainingSession session(TrainConfig::fromJson(swarmConfig(4096)), &store, "edited");
    QVERIFY_THROWS_EXCEPTION(ConfigError, session.editCurriculum({{"teacher", "nobody"}}));
    std::atomic<bool> stop{false};
    ProgressFlag listener;
    std::thread training([&] { session.run(stop, &listener); });
    waitFor(listener.started, 60.0);
    // From this (another) thread, while the envs step: narrow the noise, then bad edits.
    nlohmann::json section = session.curriculumSection();
    section["bounds"]["noise"] = {0.4, 0.45};
    const nlohmann::json applied = session.editCurriculum(section);
    QCOMPARE(applied["bounds"]["noise"], nlohmann::json({0.4, 0.45}));
    nlohmann::json bad = section;
    bad["bounds"]["noise"] = {0.4, 1.5};
    QVERIFY_THROWS_EXCEPTION(ConfigError, session.editCurriculum(bad));
    bad = section;
    bad["teacher"] = "alp-gmm";
    QVERIFY_THROWS_EXCEPTION(ConfigError, session.editCurriculum(bad));
    training.join();
    store.flush();

    const auto events = store.curriculumEvents(session.runId());
    QVERIFY(!events.empty());
    QCOMPARE(events.front().kind, CurriculumEventKind::Start);
    QCOMPARE(data(events.front())["section"]["teacher"], "alp_gmm");
    std::map<std::pair<int, int64_t>, nlohmann::json> sampled;
    int samples = 0, outcomes = 0, refits = 0, edits = 0, refused = 0, afterEdit = 0;
    bool edited = false;
    int64_t lastStep = 0;
    for (auto it = events.begin() + 1; it != events.end(); ++it) {
      const CurriculumEvent& e = *it;
      QVERIFY(e.step >= lastStep);
      lastStep = e.step;
      const nlohmann::json d = data(e);
      switch (e.kind) {
        case CurriculumEventKind::Sample: {
          ++samples;
          sampled[{e.env, e.episode}] = d["task"];
          const double noise = d["task"][0];
          if (edited) {
            ++afterEdit;
            QVERIFY2(noise >= 0.4 && noise <= 0.45, qPrintable(QString::number(noise)));
          }
          break;
        }
        case CurriculumEventKind::Outcome:
          ++outcomes;
          QCOMPARE(d["task"], sampled.at({e.env, e.episode}));  // drawn before it ended
          QVERIFY(d["return"].is_number());
          break;
        case CurriculumEventKind::Refit:
          ++refits;
          if (d["model"]["gmm"].empty()) {  // only the new teacher an edit made, before its fit
            QVERIFY(edited);
            break;
          }
          QCOMPARE(d["model"]["gmm"][0]["mean"].size(), size_t{1});
          QVERIFY(d["model"]["gmm"][0].contains("progress"));
          break;
        case CurriculumEventKind::Edit:
          ++edits;
          edited = true;
          QCOMPARE(d["changed"], "curriculum");
          break;
        case CurriculumEventKind::RefusedEdit:
          ++refused;
          QVERIFY(d["error"].get<std::string>().find("curriculum.") != std::string::npos);
          break;
        case CurriculumEventKind::Start:
          QFAIL("a second start");
      }
    }
    QCOMPARE(edits, 1);
    QCOMPARE(refused, 3);  // the one before the run too
    QVERIFY2(afterEdit >= 20, qPrintable(QString::number(afterEdit)));
    QVERIFY(outcomes >= 200 && samples >= outcomes && samples <= outcomes + 2);
    QVERIFY2(refits >= outcomes / 10 - 2, qPrintable(QString("%1 refits").arg(refits)));
    // The stored training episodes played the tasks the events say.
    for (const EpisodeSummary& e : store.episodes(session.runId(), EpisodeKind::Train))
      QCOMPARE(nlohmann::json(e.task),
               sampled.at({e.envIndex, static_cast<int64_t>(e.episodeIndex)}));
  }

  void resumedRunKeepsTheEditedCurriculum() {
    RunStore store(dir_.filePath("resume.sqlite").toStdString(), RunStore::OpenMode::CreateOrOpen);
    TrainingSession first(TrainConfig::fromJson(swarmConfig(1536)), &store, "edit then stop");
    nlohmann::json section = first.curriculumSection();
    section["bounds"]["noise"] = {0.5, 0.55};
    first.editCurriculum(section);  // before it runs: the first episodes had their tasks already
    std::atomic<bool> stop{false};
    ProgressFlag listener;
    listener.stopAt = &stop;
    listener.stopAfter = 6;  // past the first checkpoint (256 steps = 4 iterations)
    QCOMPARE(first.run(stop, &listener).status, RunStatus::Interrupted);
    stop = false;
    TrainingSession resumed(store, first.runId(), ResumeRequest{});
    QCOMPARE(resumed.curriculumSection()["bounds"]["noise"], nlohmann::json({0.5, 0.55}));
    QCOMPARE(resumed.run(stop).status, RunStatus::Finished);
    store.flush();
    int starts = 0, samples = 0;
    bool edited = false;
    for (const CurriculumEvent& e : store.curriculumEvents(first.runId())) {
      edited = edited || e.kind == CurriculumEventKind::Edit;
      if (e.kind == CurriculumEventKind::Start) {
        ++starts;
        QCOMPARE(data(e)["section"]["bounds"]["noise"], nlohmann::json({0.5, 0.55}));
        QCOMPARE(data(e)["resumed"].get<bool>(), starts == 2);
      }
      if (e.kind != CurriculumEventKind::Sample || !edited) continue;
      ++samples;
      const double noise = data(e)["task"][0];
      QVERIFY2(noise >= 0.5 && noise <= 0.55, qPrintable(QString::number(noise)));
    }
    QCOMPARE(starts, 2);
    QVERIFY(samples >= 90);
  }
};

QTEST_GUILESS_MAIN(TestCurriculumEvents)
#include "TestCurriculumEvents.moc"
