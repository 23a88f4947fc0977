// The visual curriculum editor (issue 11, point 4) on a real training: a Kuramoto swarm whose
// noise and coupling a random teacher chooses trains on its own thread (TrainingJob) into a real
// SQLite store. The editor shows the stored events; dragging the noise bound with the mouse
// edits the running training, and every task drawn after the edit respects the new bound; a
// painted region that leaves no task is refused with its reason and changes nothing; the
// timeline scrubs back to the curriculum the run started with; a stage added by hand makes the
// curriculum staged.
//
// With PALAESTRA_CURRICULUM_SCREENSHOT=STORE:RUN:PNG, curriculumScreenshot saves the editor on a
// stored run (docs/curriculum-editor.png).
#include <QCheckBox>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "Simulations.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "widgets/CurriculumEditor.h"
#include "widgets/TrainingJob.h"

using namespace palaestra;

namespace {

nlohmann::json kuramotoConfig() {
  return {{"env", "swarm"},
          {"env_config", {{"model", "kuramoto"}, {"agents", 16}, {"episode_steps", 8}}},
          {"curriculum",
           {{"teacher", "random"},
            {"params", {"noise", "coupling"}},
            {"bounds", {{"coupling", {0.0, 4.0}}}}}},
          {"ppo",
           {{"num_envs", 2},
            {"num_steps", 16},
            {"num_minibatches", 1},
            {"update_epochs", 1},
            {"hidden_sizes", {8}}}},
          {"budget", {{"steps", 50'000'000}}},
          {"eval", {{"every_steps", 5'000'000}, {"episodes", 1}, {"final_episodes", 1}}},
          {"keep_episodes", {{"eval", false}, {"best_and_last", false}, {"sample_rate", 0.0}}},
          {"threads", 1},
          {"seed", 4}};
}

// Samples drawn after the last edit event so far: their noise values.
std::vector<double> noiseAfterLastEdit(const RunStore& store, int64_t run, nlohmann::json& edit) {
  std::vector<double> noise;
  for (const CurriculumEvent& e : store.curriculumEvents(run)) {
    if (e.kind == CurriculumEventKind::Edit) {
      edit = nlohmann::json::parse(e.dataJson);
      noise.clear();
    } else if (e.kind == CurriculumEventKind::Sample && !edit.is_null()) {
      noise.push_back(nlohmann::json::parse(e.dataJson)["task"][0].get<double>());
    }
  }
  return noise;
}

}  // namespace

class TestCurriculumEditor : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    QVERIFY(dir_.isValid());
  }

  void draggingABoundEditsTheRunningTraining() {
    auto store = std::make_shared<RunStore>(dir_.filePath("e.sqlite").toStdString());
    const nlohmann::json json = kuramotoConfig();
    NewRun run;
    run.name = "edited live";
    run.env = "swarm";
    run.configJson = json.dump();
    run.status = RunStatus::Queued;
    const int64_t runId = store->createRun(run);
    TrainingJob job(store, runId, TrainConfig::fromJson(json), {});
    job.start(1);
    QTRY_VERIFY_WITH_TIMEOUT(store->curriculumEvents(runId).size() > 50, 20000);

    CurriculumEditor editor(store, runId);
    editor.setEditFunction([&job](const nlohmann::json& s) { return job.editCurriculum(s); });
    editor.resize(900, 640);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QCOMPARE(editor.map()->xParam(), 0);  // noise
    QCOMPARE(editor.map()->yParam(), 1);  // coupling
    QVERIFY(!editor.history().outcomes().empty());

    // Drag the noise's high bound from 1 to 0.3.
    CurriculumMap* map = editor.map();
    const QPoint from = map->toWidget(1.0, 2.0).toPoint();
    const QPoint to = map->toWidget(0.3, 2.0).toPoint();
    QTest::mousePress(map, Qt::LeftButton, {}, from);
    QTest::mouseMove(map, (from + to) / 2);
    QTest::mouseMove(map, to);
    QTest::mouseRelease(map, Qt::LeftButton, {}, to);
    QVERIFY2(editor.statusText().startsWith("Applied"), qPrintable(editor.statusText()));
    nlohmann::json edit;
    QTRY_VERIFY_WITH_TIMEOUT(noiseAfterLastEdit(*store, runId, edit).size() >= 40, 20000);
    const double high = edit["section"]["bounds"]["noise"][1].get<double>();
    QVERIFY2(std::abs(high - 0.3) < 0.01, qPrintable(QString::number(high)));
    for (double noise : noiseAfterLastEdit(*store, runId, edit))
      QVERIFY2(noise <= high, qPrintable(QString("%1 > %2").arg(noise).arg(high)));

    // Painting out the whole box leaves no task: refused, named, nothing changes.
    editor.refresh();
    const int64_t before = editor.history().lastEventId();
    QVERIFY(!editor.history().sectionAt(before).contains("regions"));
    QSignalSpy refused(&editor, &CurriculumEditor::editRefused);
    map->setTool(CurriculumMap::Tool::PaintOut);
    const QPoint corner1 = map->toWidget(0.0, 4.0).toPoint() + QPoint(-3, -3);
    const QPoint corner2 = map->toWidget(1.0, 0.0).toPoint() + QPoint(3, 3);
    QTest::mousePress(map, Qt::LeftButton, {}, map->toWidget(0.5, 2.0).toPoint());
    QTest::mouseRelease(map, Qt::LeftButton, {}, map->toWidget(0.5, 2.0).toPoint());  // no area
    QTest::mousePress(map, Qt::LeftButton, {}, corner1);
    QTest::mouseMove(map, corner2);
    QTest::mouseRelease(map, Qt::LeftButton, {}, corner2);
    QVERIFY2(editor.statusText().contains("leave no task"), qPrintable(editor.statusText()));
    QCOMPARE(refused.count(), 2);
    // The refusals are stored as events (the store's writer commits within 0.1 s).
    QTRY_VERIFY_WITH_TIMEOUT((editor.refresh(), editor.history().refusals().size() == 2), 5000);
    QVERIFY(!editor.history().sectionAt(editor.history().lastEventId()).contains("regions"));

    // A region painted out of the upper half of the noise: later tasks avoid it.
    const QPoint a = map->toWidget(0.15, 4.0).toPoint() + QPoint(0, -3);
    const QPoint b = map->toWidget(0.3, 0.0).toPoint() + QPoint(3, 3);
    QTest::mousePress(map, Qt::LeftButton, {}, a);
    QTest::mouseMove(map, b);
    QTest::mouseRelease(map, Qt::LeftButton, {}, b);
    QVERIFY2(editor.statusText().startsWith("Applied"), qPrintable(editor.statusText()));
    QTRY_VERIFY_WITH_TIMEOUT(
        noiseAfterLastEdit(*store, runId, edit).size() >= 40 && edit["section"].contains("regions"),
        20000);
    const double cut = edit["section"]["regions"][0]["bounds"]["noise"][0].get<double>();
    for (double noise : noiseAfterLastEdit(*store, runId, edit)) QVERIFY(noise < cut);

    // A stage set by hand: the curriculum becomes staged, its one stage over the bounds shown.
    editor.refresh();
    editor.addStage(5.0);
    QVERIFY2(editor.statusText().startsWith("Applied"), qPrintable(editor.statusText()));
    QTRY_VERIFY_WITH_TIMEOUT(noiseAfterLastEdit(*store, runId, edit).size() >= 20 &&
                                 edit["section"]["teacher"] == "staged",
                             20000);
    const nlohmann::json stages = edit["section"]["staged"]["stages"];
    QCOMPARE(stages.size(), size_t{1});
    QCOMPARE(stages[0]["advance_at"].get<double>(), 5.0);
    QCOMPARE(stages[0]["bounds"]["noise"][1].get<double>(), high);
    for (double noise : noiseAfterLastEdit(*store, runId, edit)) QVERIFY(noise < cut);

    // The timeline scrubs back to the start: the curriculum the run began with.
    editor.refresh();
    editor.timeline()->setValue(0);
    QVERIFY(!editor.liveBox()->isChecked());
    QCOMPARE(
        editor.history().sectionAt(editor.history().timeline().front().first)["bounds"]["noise"],
        nlohmann::json({0.0, 1.0}));
    job.requestStop();
    job.join();
  }

  void curriculumScreenshot() {
    const QStringList parts = qEnvironmentVariable("PALAESTRA_CURRICULUM_SCREENSHOT").split(':');
    if (parts.size() != 3) QSKIP("set PALAESTRA_CURRICULUM_SCREENSHOT=STORE:RUN:PNG");
    auto store =
        std::make_shared<RunStore>(parts[0].toStdString(), RunStore::OpenMode::OpenExisting);
    CurriculumEditor editor(store, parts[1].toLongLong());
    editor.resize(1100, 760);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QVERIFY(editor.grab().save(parts[2]));
  }
};

QTEST_MAIN(TestCurriculumEditor)
#include "TestCurriculumEditor.moc"
