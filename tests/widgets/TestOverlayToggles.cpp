// Overlay toggles come from the env's declared layers (EnvSpec::overlayLayers): a walker live
// viewer offers exactly the walker's toggles at their defaults, a fight one the fight's; a toggle
// shows or hides that layer's primitives in the view; the replay player and both comparison
// panes build the same toggles from the env of what they show. Runs on xcb (a real view).
#include <QCheckBox>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "Simulations.h"
#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "fight/FightScene.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "walker/WalkerEnv.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/LiveViewer.h"
#include "widgets/OverlayToggleBar.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/SceneTessellator.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

std::vector<SceneLayerInfo> declaredLayers(const std::string& env) {
  return EnvRegistry::instance().get(env).create(nlohmann::json::object())->spec().overlayLayers;
}

TaskValues defaultTask(const std::string& env) {
  return EnvRegistry::instance().get(env).create(nlohmann::json::object())->spec().tasks.defaults();
}

// The toggles as "label=on/off" in the order shown, to compare with what the env declares.
QStringList shown(const OverlayToggleBar& bar) {
  QStringList out;
  for (const QCheckBox* box : bar.toggles())
    out << box->text() + (box->isChecked() ? "=on" : "=off");
  return out;
}

QStringList declared(const std::vector<SceneLayerInfo>& layers) {
  QStringList out;
  for (const SceneLayerInfo& layer : layers)
    out << QString::fromStdString(layer.label) + (layer.visibleByDefault ? "=on" : "=off");
  return out;
}

// Triangles the view draws of its scene with the layers it shows now.
size_t drawnTriangles(const SimView& view) {
  TessellatedScene out;
  SceneTessellator::tessellate(view.scene(), view.visibleLayers(), 0.01f, out);
  return out.triangles.size();
}

int64_t storeEpisode(RunStore& store, const std::string& env, uint64_t seed) {
  TrainConfig config;
  config.env = env;
  config.maxSteps = 1000;
  NewRun run;
  run.name = env + "-run";
  run.env = env;
  run.configJson = config.toJson().dump();
  const int64_t runId = store.createRun(run);
  EnvPtr instance = EnvRegistry::instance().get(env).create(nlohmann::json::object());
  const int actionSize = instance->spec().numAgents * instance->spec().actionSpace.size();
  const EpisodeRecord record = testing::recordEpisode(
      *instance, seed, instance->spec().tasks.defaults(),
      [actionSize](int, float* action) {
        for (int i = 0; i < actionSize; ++i) action[i] = 0.0f;
      },
      30);
  return store.addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, record);
}

}  // namespace

class TestOverlayToggles : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    store_ = std::make_shared<RunStore>(dir_->filePath("runs.sqlite").toStdString());
    walkerEpisode_ = storeEpisode(*store_, "walker", 3);
    fightEpisode_ = storeEpisode(*store_, "fight", 4);
  }

  void walkerLiveViewerShowsTheWalkersToggles() {
    LiveViewer viewer;
    QVERIFY(viewer.overlayToggles()->toggles().isEmpty());  // nothing watched, nothing declared
    viewer.watch("walker", nlohmann::json::object(), {}, 1);
    QVERIFY2(viewer.errorMessage().isEmpty(), qPrintable(viewer.errorMessage()));
    QCOMPARE(shown(*viewer.overlayToggles()),
             QStringList({"Lidar rays=off", "Contacts=off", "Joint motors=on"}));
    QCOMPARE(shown(*viewer.overlayToggles()), declared(declaredLayers("walker")));
    viewer.stop();
  }

  void fightLiveViewerShowsTheFightsToggles() {
    LiveViewer viewer;
    viewer.watch("walker", nlohmann::json::object(), {}, 1);
    viewer.watch("fight", nlohmann::json::object(), defaultTask("fight"),
                 1);  // the walker's toggles go
    QVERIFY2(viewer.errorMessage().isEmpty(), qPrintable(viewer.errorMessage()));
    QCOMPARE(shown(*viewer.overlayToggles()), QStringList({"Hitboxes=off", "State names=off"}));
    QCOMPARE(shown(*viewer.overlayToggles()), declared(declaredLayers("fight")));
    if (SimView* view = viewer.simView()) {
      QVERIFY(!view->layerVisible(fight::FightScene::kHitboxLayer));
      QVERIFY(!view->layerVisible(WalkerEnv::kJointsLayer));  // the walker's default is gone too
    }
    viewer.stop();
  }

  void togglingHidesThatLayersPrimitives() {
    LiveViewer viewer;
    viewer.resize(640, 480);
    viewer.show();
    SimView* view = viewer.simView();
    QVERIFY2(view, qPrintable("no OpenGL view: " + viewer.glProblem()));
    viewer.watch("fight", nlohmann::json::object(), defaultTask("fight"), 1);
    viewer.stepForward();  // paused, with a described frame in the view
    OverlayToggleBar& toggles = *viewer.overlayToggles();
    QCheckBox* hitboxes = toggles.toggle(fight::FightScene::kHitboxLayer);
    QVERIFY(hitboxes);
    QVERIFY(!toggles.toggle(WalkerEnv::kJointsLayer + 10));  // nothing undeclared is offered

    size_t hitboxPolygons = 0;
    for (const ScenePolygon& p : view->scene().polygons)
      hitboxPolygons += p.layer == fight::FightScene::kHitboxLayer;
    QVERIFY(hitboxPolygons >= 4);  // hurt- and pushboxes of both fighters
    const size_t without = drawnTriangles(*view);
    hitboxes->setChecked(true);
    QVERIFY(view->layerVisible(fight::FightScene::kHitboxLayer));
    QVERIFY(!view->layerVisible(fight::FightScene::kStateNameLayer));
    const size_t with = drawnTriangles(*view);
    QVERIFY2(with >= without + 2 * hitboxPolygons,
             qPrintable(
                 QStringLiteral("%1 triangles with hitboxes, %2 without").arg(with).arg(without)));
    hitboxes->setChecked(false);
    QVERIFY(!view->layerVisible(fight::FightScene::kHitboxLayer));
    QCOMPARE(drawnTriangles(*view), without);
    viewer.stop();
  }

  void replayPlayerBuildsTheSameToggles() {
    ReplayPlayer player;
    QVERIFY(player.overlayToggles()->toggles().isEmpty());
    QVERIFY(player.openEpisode(store_, walkerEpisode_));
    QCOMPARE(shown(*player.overlayToggles()), declared(declaredLayers("walker")));
    if (SimView* view = player.simView())
      QVERIFY(
          view->layerVisible(WalkerEnv::kJointsLayer));  // the declared default reaches the view
    QVERIFY(player.openEpisode(store_, fightEpisode_));
    QCOMPARE(shown(*player.overlayToggles()), declared(declaredLayers("fight")));
    if (SimView* view = player.simView()) {
      QVERIFY(!view->layerVisible(WalkerEnv::kJointsLayer));
      player.overlayToggles()->toggle(fight::FightScene::kStateNameLayer)->setChecked(true);
      QVERIFY(view->layerVisible(fight::FightScene::kStateNameLayer));
    }
  }

  void compareViewBuildsEachSidesToggles() {
    CompareView compare;
    QVERIFY(compare.compareEpisodes(store_, walkerEpisode_, fightEpisode_));
    QCOMPARE(shown(*compare.pane(0)->overlayToggles()), declared(declaredLayers("walker")));
    QCOMPARE(shown(*compare.pane(1)->overlayToggles()), declared(declaredLayers("fight")));
    if (SimView* view = compare.pane(0)->simView()) {
      QVERIFY(view->layerVisible(WalkerEnv::kJointsLayer));
      compare.pane(0)->overlayToggles()->toggle(WalkerEnv::kJointsLayer)->setChecked(false);
      QVERIFY(!view->layerVisible(WalkerEnv::kJointsLayer));
    }
    QVERIFY(compare.compareEpisodes(store_, fightEpisode_, fightEpisode_));
    QCOMPARE(shown(*compare.pane(0)->overlayToggles()), declared(declaredLayers("fight")));
    QCOMPARE(shown(*compare.pane(1)->overlayToggles()), declared(declaredLayers("fight")));
  }

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  std::shared_ptr<RunStore> store_;
  int64_t walkerEpisode_ = -1;
  int64_t fightEpisode_ = -1;
};

QTEST_MAIN(TestOverlayToggles)
#include "TestOverlayToggles.moc"
