// The viewers' many-agent features (issue 10) on a real OpenGL view (xcb under xvfb-run, Mesa
// llvmpipe), driven with QTest like a user: per-particle colours and the minimum particle size in
// real pixels; clicking an agent of the test env ParticleTestEnv picks it, the env's highlight is
// drawn and the inspector shows its observation row, following the episode; clicking empty space
// clears it; the env's live metric is plotted step by step in the live viewer and over the frames
// of a stored episode in the replay player; wheel, drag and double-click zoom, pan and reset the
// camera in the live, replay and comparison views. The walker shows no strip and no inspector.
// In the replay player and the comparison a click picks the agent at the frame shown, and the
// highlight and observation follow seeks forward and back.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

#include "Simulations.h"
#include "conformance/EnvConformance.h"
#include "conformance/EpisodeRecording.h"
#include "env/EnvRegistry.h"
#include "replay/ReplayTimeline.h"
#include "store/RunStore.h"
#include "train/TrainConfig.h"
#include "widgets/AgentInspector.h"
#include "widgets/ComparePane.h"
#include "widgets/CompareView.h"
#include "widgets/LiveMetricStrip.h"
#include "widgets/LiveViewer.h"
#include "widgets/ParticleTestEnv.h"
#include "widgets/ReplayPlayer.h"
#include "widgets/SimView.h"

using namespace palaestra;
using testing::ParticleTestEnv;

namespace {

int channel(float v) {
  return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255));
}

bool closeTo(QColor pixel, Rgba expected, int tolerance = 10) {
  return std::abs(pixel.red() - channel(expected.r)) <= tolerance &&
         std::abs(pixel.green() - channel(expected.g)) <= tolerance &&
         std::abs(pixel.blue() - channel(expected.b)) <= tolerance;
}

// Pixels of `color` in the whole image.
int countColor(const QImage& image, Rgba color) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) count += closeTo(image.pixelColor(x, y), color, 6);
  return count;
}

// The framebuffer pixel under a widget position.
QColor pixelAt(const QImage& image, const SimView& view, QPointF widgetPos) {
  const double ratio = static_cast<double>(image.width()) / view.width();
  return image.pixelColor(
      std::clamp(static_cast<int>(widgetPos.x() * ratio), 0, image.width() - 1),
      std::clamp(static_cast<int>(widgetPos.y() * ratio), 0, image.height() - 1));
}

// The observation row of `agent` as the env gives it now.
std::vector<float> observationOf(const Env& env, int agent) {
  const int size = env.spec().observationSpace.size();
  std::vector<float> all(static_cast<size_t>(env.spec().numAgents * size));
  env.observe(all.data());
  return {all.begin() + agent * size, all.begin() + (agent + 1) * size};
}

// Wheel up one notch at `pixel`, drag 80 px right, then double-click: zoomed about the cursor,
// panned, and back at the env's own view.
void zoomPanAndReset(SimView& view) {
  const QPointF cursor(view.width() * 0.7, view.height() * 0.3);
  const Vec2f anchor = view.pixelToWorld(cursor);
  QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(&view, &wheel);
  QVERIFY(view.zoom() > 1.1);
  const QPointF back = view.worldToPixel(anchor);
  QVERIFY2(std::abs(back.x() - cursor.x()) < 0.5 && std::abs(back.y() - cursor.y()) < 0.5,
           "the point under the cursor stays under it");

  const Vec2f before = view.cameraCenter();
  const double perPixel = view.worldUnitsPerPixel();
  const QPoint from(view.width() / 2, view.height() / 2);
  QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, from);
  QMouseEvent move(QEvent::MouseMove, from + QPointF(80, 0),
                   view.mapToGlobal(from + QPointF(80, 0)), Qt::NoButton, Qt::LeftButton,
                   Qt::NoModifier);
  QApplication::sendEvent(&view, &move);
  QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, from + QPoint(80, 0));
  QVERIFY(!view.followsFocus());
  QVERIFY2(std::abs(view.cameraCenter().x - (before.x - 80 * perPixel)) < 1e-3,
           qPrintable(QStringLiteral("centre %1").arg(view.cameraCenter().x)));

  QTest::mouseDClick(&view, Qt::LeftButton, Qt::NoModifier, from);
  QCOMPARE(view.zoom(), 1.0);
  QVERIFY(view.followsFocus());
  QCOMPARE(view.cameraCenter().x, view.scene().focus.x);
  QCOMPARE(view.cameraCenter().y, view.scene().focus.y);
}

// A test env at `frame` of an episode recorded from `seed` with no actions (as initTestCase's).
std::unique_ptr<ParticleTestEnv> envAtFrame(uint64_t seed, int frame) {
  auto env = std::make_unique<ParticleTestEnv>(64);
  env->reset(seed, {});
  std::vector<float> actions(64 * 2, 0.0f), rewards(64);
  for (int t = 0; t < frame; ++t) env->step(actions.data(), rewards.data());
  return env;
}

}  // namespace

class TestGlSwarmViewers : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::shared_ptr<RunStore> store_;
  int64_t episodeA_ = -1, episodeB_ = -1;

  // A shown live viewer watching `agents` test agents, paused at step 0.
  std::unique_ptr<LiveViewer> pausedViewer(int agents) {
    auto viewer = std::make_unique<LiveViewer>();
    viewer->resize(900, 640);
    viewer->show();
    if (!QTest::qWaitForWindowExposed(viewer.get())) return nullptr;
    viewer->watch("particles-test", {{"agents", agents}}, {}, 3);
    viewer->togglePlay();  // paused: the test steps
    if (viewer->clock().paused() != true || !viewer->simView()) return nullptr;
    return viewer;
  }

 private slots:
  void initTestCase() {
    const QString problem = SimView::openGlProblem();
    QVERIFY2(problem.isEmpty(),
             qPrintable("this suite needs OpenGL 3.3 (run under xvfb-run): " + problem));
    registerBuiltinSimulations();
    testing::registerParticleTestEnv();
    QVERIFY(dir_.isValid());

    // Two stored episodes of the test env in a real store (for the replay and the comparison).
    store_ = std::make_shared<RunStore>(dir_.filePath("runs.sqlite").toStdString(),
                                        RunStore::OpenMode::CreateOrOpen);
    TrainConfig config;
    config.env = "particles-test";
    config.envConfig = {{"agents", 64}};
    config.maxSteps = 1000;
    NewRun run;
    run.name = "particles";
    run.env = "particles-test";
    run.configJson = config.toJson().dump();
    const int64_t runId = store_->createRun(run);
    ParticleTestEnv env(64);
    const auto noActions = [](int, float*) {};
    const EpisodeRecord a = testing::recordEpisode(env, 5, {}, noActions, 120);
    const EpisodeRecord b = testing::recordEpisode(env, 6, {}, noActions, 90);
    episodeA_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, a);
    episodeB_ = store_->addEpisodeNow(runId, std::nullopt, EpisodeKind::Train, b);
  }

  // The test env itself passes the shared conformance test, so what it shows is a fair stand-in.
  void testEnvConforms() {
    QVERIFY(testing::checkEnvConformance([] { return std::make_unique<ParticleTestEnv>(50); }));
  }

  void particlesTakeTheirOwnColoursAndAMinimumSize() {
    ParticleTestEnv env(4);  // a 2 x 2 grid
    env.reset(1, {});
    Scene scene;
    env.describe(scene);
    SimView view;
    view.resize(400, 400);
    view.setFrameTimesVisible(false);
    view.setScene(scene);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QImage image = view.grabFramebuffer();
    QVERIFY2(view.glAvailable(), qPrintable(view.glError()));
    // Each agent's body (a little behind its nose-tail middle) shows its own colour: as point
    // sprites at zoom 1 (58 px squares), as instanced triangles zoomed in (beyond 64 px).
    for (double zoom : {1.0, 2.0}) {
      view.setZoom(zoom);
      image = view.grabFramebuffer();
      for (int i = 0; i < 4; ++i) {
        const Vec2f p = env.position(i);
        const float h = env.heading(i);
        const Vec2f body{p.x - 0.5f / 6 * std::cos(h), p.y - 0.5f / 6 * std::sin(h)};
        const QColor pixel = pixelAt(image, view, view.worldToPixel(body));
        QVERIFY2(
            closeTo(pixel, ParticleTestEnv::colorOf(i)),
            qPrintable(
                QStringLiteral("zoom %1, agent %2: pixel %3").arg(zoom).arg(i).arg(pixel.name())));
        // Ahead of the nose is background.
        const Vec2f ahead{p.x + 0.4f * std::cos(h), p.y + 0.4f * std::sin(h)};
        QVERIFY(closeTo(pixelAt(image, view, view.worldToPixel(ahead)), scene.background));
      }
    }
    // Zoomed far out (the grid about 0.01 px wide) the four would be a speck of a hundredth of a
    // pixel; drawn at least kMinParticlePixels long, they still make an arrow of several pixels.
    view.setZoom(0.002);
    image = view.grabFramebuffer();
    const int lit = countColor(image, ParticleTestEnv::colorOf(0)) +
                    countColor(image, ParticleTestEnv::colorOf(1));
    QVERIFY2(lit >= 8, qPrintable(QStringLiteral("%1 particle pixels zoomed out").arg(lit)));
  }

  void clickPicksAnAgentAndTheInspectorFollowsIt() {
    auto viewer = pausedViewer(100);
    QVERIFY(viewer);
    SimView* view = viewer->simView();
    const auto& env = dynamic_cast<const ParticleTestEnv&>(viewer->runner()->env());
    QVERIFY(!viewer->agentInspector()->isVisible());
    const Rgba highlight{1.0f, 1.0f, 0.3f, 1.0f};
    QCOMPARE(countColor(view->grabFramebuffer(), highlight), 0);

    // Click a little off agent 37 (within the pick tolerance): it is picked.
    const QPointF at = view->worldToPixel(env.position(37)) + QPointF(2, -1);
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QCOMPARE(viewer->selectedAgent(), 37);
    QVERIFY(viewer->agentInspector()->isVisible());
    QCOMPARE(viewer->agentInspector()->agent(), 37);
    QCOMPARE(viewer->agentInspector()->title(), QStringLiteral("Agent 37"));
    QCOMPARE(viewer->agentInspector()->values(), observationOf(env, 37));
    // The env's highlight is in the scene and on screen: its neighbour ring and links.
    QCOMPARE(view->scene().circles.size(), size_t{1});
    QCOMPARE(view->scene().circles[0].radius, ParticleTestEnv::kNeighbourRadius);
    QCOMPARE(view->scene().lines.size(), env.neighbours(37).size());
    QVERIFY(countColor(view->grabFramebuffer(), highlight) > 50);
    // Bars: x, y scaled by the box bounds [-1, 1] are the values themselves.
    QCOMPARE(viewer->agentInspector()->barFraction(2),
             static_cast<double>(observationOf(env, 37)[2]));

    // The panel follows the episode.
    const std::vector<float> atStepZero = viewer->agentInspector()->values();
    viewer->stepForward();
    viewer->stepForward();
    QCOMPARE(env.episodeStep(), 2);
    QCOMPARE(viewer->agentInspector()->values(), observationOf(env, 37));
    QVERIFY(viewer->agentInspector()->values() != atStepZero);

    // A drag pans and keeps the pick; a click on empty space clears it.
    const QPoint from(200, 200);
    QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(30, 0)),
                     view->mapToGlobal(QPointF(from + QPoint(30, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(view, &move);
    QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, from + QPoint(30, 0));
    QCOMPARE(viewer->selectedAgent(), 37);
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, QPoint(3, 3));
    QCOMPARE(viewer->selectedAgent(), -1);
    QVERIFY(!viewer->agentInspector()->isVisible());
    QVERIFY(view->scene().circles.empty());

    // Programmatic picks: an index the env does not have clears.
    viewer->selectAgent(99);
    QCOMPARE(viewer->selectedAgent(), 99);
    viewer->selectAgent(100);
    QCOMPARE(viewer->selectedAgent(), -1);
  }

  void liveMetricIsPlottedStepByStep() {
    auto viewer = pausedViewer(30);
    QVERIFY(viewer);
    LiveMetricStrip* strip = viewer->metricStrip();
    QVERIFY(strip->isVisible());
    QCOMPARE(strip->metricNames(), std::vector<std::string>{"order"});
    for (int i = 0; i < 5; ++i) viewer->stepForward();
    QCOMPARE(strip->values(0).size(), size_t{6});
    for (int step = 0; step <= 5; ++step)
      QCOMPARE(strip->values(0)[static_cast<size_t>(step)], ParticleTestEnv::order(step));
    QCOMPARE(strip->cursorFrame(), 5);
    QCOMPARE(strip->legendText(0),
             QStringLiteral("order %1").arg(ParticleTestEnv::order(5), 0, 'f', 3));
    // A new episode starts a new curve.
    for (int i = 5; i < 300; ++i) viewer->stepForward();
    QCOMPARE(viewer->runner()->episodesFinished(), 1);
    QCOMPARE(strip->values(0).size(), size_t{1});
    QCOMPARE(strip->values(0)[0], ParticleTestEnv::order(0));
    // The inspector dock's values carry it too.
    bool listed = false;
    for (const auto& [name, value] : viewer->stepValues())
      listed = listed || (name == QStringLiteral("order") && value == ParticleTestEnv::order(0));
    QVERIFY(listed);

    // The walker names no live metric and has no agent to pick: neither shows.
    viewer->watch("walker", nlohmann::json::object(), {}, 1);
    QVERIFY(!strip->isVisible());
    QCOMPARE(viewer->pickAgentAt(QPointF(100, 100)), -1);
    QVERIFY(!viewer->agentInspector()->isVisible());
  }

  void liveViewZoomsPansAndResets() {
    auto viewer = pausedViewer(100);
    QVERIFY(viewer);
    zoomPanAndReset(*viewer->simView());
  }

  void replayPlotsTheMetricOverItsFramesAndZooms() {
    ReplayPlayer player;
    player.resize(900, 700);
    player.show();
    QVERIFY(QTest::qWaitForWindowExposed(&player));
    QSignalSpy errors(&player, &ReplayPlayer::errorOccurred);
    const bool opened = player.openEpisode(store_, episodeA_);
    QVERIFY2(opened, errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(player.waitUntilBuilt(20000));
    QVERIFY2(errors.isEmpty(),
             errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(player.badgeMatches());
    LiveMetricStrip* strip = player.metricStrip();
    QVERIFY(strip->isVisible());
    QCOMPARE(strip->values(0).size(), size_t{121});
    for (int f = 0; f <= 120; ++f)
      QCOMPARE(strip->values(0)[static_cast<size_t>(f)], ParticleTestEnv::order(f));
    player.seek(40);
    QCOMPARE(strip->cursorFrame(), 40);
    QCOMPARE(strip->valueAtCursor(0), ParticleTestEnv::order(40));
    // Particles of the replay keep their own colours frame by frame (the timeline compares them).
    QCOMPARE(player.simView()->scene().particles.at(0).colors.size(), size_t{64});
    zoomPanAndReset(*player.simView());
  }

  void replayClickPicksTheAgentAtTheFrameShown() {
    ReplayPlayer player;
    player.resize(900, 700);
    player.show();
    QVERIFY(QTest::qWaitForWindowExposed(&player));
    QVERIFY(player.openEpisode(store_, episodeA_));
    QVERIFY(player.waitUntilBuilt(20000));
    SimView* view = player.simView();
    player.seek(40);
    auto reference = envAtFrame(5, 40);
    const QPointF at = view->worldToPixel(reference->position(37)) + QPointF(2, -1);
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QCOMPARE(player.selectedAgent(), 37);
    QVERIFY(player.agentInspector()->isVisible());
    QCOMPARE(player.agentInspector()->values(), observationOf(*reference, 37));
    QCOMPARE(view->scene().circles.size(), size_t{1});
    QCOMPARE(view->scene().lines.size(), reference->neighbours(37).size());
    QCOMPARE(view->scene().particles.at(0).colors.size(), size_t{64});  // the frame is all there
    // The pick follows the frames, forward and back.
    for (int frame : {100, 12, 13, 119}) {
      player.seek(frame);
      reference = envAtFrame(5, frame);
      QCOMPARE(player.agentInspector()->values(), observationOf(*reference, 37));
      QCOMPARE(view->scene().particles.at(0).xyAngle[3 * 37], reference->position(37).x);
    }
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, QPoint(3, 3));
    QCOMPARE(player.selectedAgent(), -1);
    QVERIFY(!player.agentInspector()->isVisible());
    QVERIFY(view->scene().circles.empty());
    // Another episode starts without a pick.
    player.selectAgent(5);
    QVERIFY(player.openEpisode(store_, episodeB_));
    QCOMPARE(player.selectedAgent(), -1);
  }

  void comparisonHighlightsThePickedAgentOnBothSides() {
    CompareView compare;
    compare.resize(1000, 700);
    compare.show();
    QVERIFY(QTest::qWaitForWindowExposed(&compare));
    QVERIFY(compare.compareEpisodes(store_, episodeA_, episodeB_));
    QTRY_VERIFY_WITH_TIMEOUT(compare.replaysBuilt(), 20000);
    compare.seek(30);
    SimView* viewA = compare.pane(0)->simView();
    const auto atA = envAtFrame(5, 30);
    QTest::mouseClick(viewA, Qt::LeftButton, Qt::NoModifier,
                      (viewA->worldToPixel(atA->position(12)) + QPointF(1, 1)).toPoint());
    QCOMPARE(compare.selectedAgent(), 12);
    const auto atB = envAtFrame(6, 30);
    QCOMPARE(compare.pane(0)->scene().lines.size(), atA->neighbours(12).size());
    QCOMPARE(compare.pane(1)->scene().circles.size(), size_t{1});
    QCOMPARE(compare.pane(1)->scene().lines.size(), atB->neighbours(12).size());
    // Past side B's end (90 steps) it shows its last frame, still with the agent.
    compare.seek(110);
    QCOMPARE(compare.pane(1)->scene().circles.size(), size_t{1});
    QCOMPARE(compare.pane(0)->scene().particles.at(0).xyAngle[3 * 12],
             envAtFrame(5, 110)->position(12).x);
    QTest::mouseClick(viewA, Qt::LeftButton, Qt::NoModifier, QPoint(3, 3));
    QCOMPARE(compare.selectedAgent(), -1);
    QVERIFY(compare.pane(0)->scene().circles.empty() && compare.pane(1)->scene().circles.empty());
  }

  void comparisonPanesZoomPanAndReset() {
    CompareView compare;
    compare.resize(1000, 700);
    compare.show();
    QVERIFY(QTest::qWaitForWindowExposed(&compare));
    QVERIFY(compare.compareEpisodes(store_, episodeA_, episodeB_));
    QTRY_VERIFY_WITH_TIMEOUT(compare.replaysBuilt(), 20000);
    for (int side = 0; side < 2; ++side) {
      SimView* view = compare.pane(side)->simView();
      QVERIFY(view);
      zoomPanAndReset(*view);
    }
  }
};

QTEST_MAIN(TestGlSwarmViewers)
#include "TestGlSwarmViewers.moc"
