// SimView on a real OpenGL context (xcb under xvfb-run, Mesa llvmpipe): renders a
// walker scene and checks real pixels of the framebuffer.
#include <QtTest/QtTest>

#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QProcess>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QWindow>

#include <algorithm>
#include <cmath>
#include <vector>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "walker/WalkerEnv.h"
#include "widgets/SimView.h"

using namespace palaestra;

namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 400;

int channel(float v) { return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); }

bool closeTo(QColor pixel, Rgba expected, int tolerance = 8) {
  return std::abs(pixel.red() - channel(expected.r)) <= tolerance &&
         std::abs(pixel.green() - channel(expected.g)) <= tolerance &&
         std::abs(pixel.blue() - channel(expected.b)) <= tolerance;
}

QString describe(QColor pixel, Rgba expected) {
  return QStringLiteral("pixel (%1, %2, %3), expected (%4, %5, %6)")
      .arg(pixel.red())
      .arg(pixel.green())
      .arg(pixel.blue())
      .arg(channel(expected.r))
      .arg(channel(expected.g))
      .arg(channel(expected.b));
}

// The framebuffer pixel under a widget position (device pixels may be denser).
QColor pixelAt(const QImage& image, const SimView& view, QPointF widgetPos) {
  const double ratio = static_cast<double>(image.width()) / view.width();
  const int x = std::clamp(static_cast<int>(std::floor(widgetPos.x() * ratio)), 0, image.width() - 1);
  const int y = std::clamp(static_cast<int>(std::floor(widgetPos.y() * ratio)), 0, image.height() - 1);
  return image.pixelColor(x, y);
}

Vec2f vertexAverage(const std::vector<Vec2f>& points) {
  Vec2f sum;
  for (const Vec2f& p : points) {
    sum.x += p.x;
    sum.y += p.y;
  }
  return {sum.x / static_cast<float>(points.size()), sum.y / static_cast<float>(points.size())};
}

int countColor(const QImage& image, Rgba color) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (closeTo(image.pixelColor(x, y), color, 4)) ++count;
  return count;
}

// Counts the events of each type that the watched objects receive.
class EventCounter : public QObject {
 public:
  int count(QEvent::Type type) const { return counts_.value(type); }

 protected:
  bool eventFilter(QObject*, QEvent* event) override {
    ++counts_[event->type()];
    return false;
  }

 private:
  QHash<QEvent::Type, int> counts_;
};

}  // namespace

class TestGlSimView : public QObject {
  Q_OBJECT

  EnvPtr env_;
  Scene scene_;

  // Waits until `count` more frames have been painted.
  static bool waitForFrames(const SimView& view, quint64 count) {
    const quint64 target = view.framesPainted() + count;
    return QTest::qWaitFor([&] { return view.framesPainted() >= target; }, 5000);
  }

  // A shown view with the walker scene and its first frame painted.
  std::unique_ptr<SimView> shownView() {
    auto view = std::make_unique<SimView>();
    view->resize(kWidth, kHeight);
    view->setScene(scene_);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get())) return nullptr;
    if (!QTest::qWaitFor([&] { return view->framesPainted() > 0; }, 5000)) return nullptr;
    return view;
  }

  // Lays out `window` (not shown yet) with `above` over a view of the walker scene.
  SimView* viewBelow(QWidget& window, QWidget* above) {
    auto* layout = new QVBoxLayout(&window);
    auto* view = new SimView(&window);
    layout->addWidget(above);
    layout->addWidget(view, 1);
    window.resize(kWidth, kHeight + 40);
    view->setScene(scene_);
    return view;
  }

  const ScenePolygon& hull() const { return scene_.polygons.back(); }  // describe() adds it last

 private slots:
  void initTestCase() {
    registerBuiltinSimulations();
    env_ = EnvRegistry::instance().get("walker").create(nlohmann::json::object());
    env_->reset(11, {});
    env_->describe(scene_);
    QVERIFY(scene_.polygons.size() > 10);
  }

  void rendersTheWalkerScene() {
    auto view = shownView();
    QVERIFY(view);
    QVERIFY2(view->glAvailable(), qPrintable(view->glError()));
    const QImage image = view->grabFramebuffer();
    QVERIFY(!image.isNull());
    QCOMPARE(image.width() * view->height(), image.height() * view->width());

    // Top-right corner: sky far above the terrain (the overlay box is top-left).
    const QColor corner = pixelAt(image, *view, {kWidth - 3.0, 3.0});
    QVERIFY2(closeTo(corner, scene_.background), qPrintable(describe(corner, scene_.background)));

    // The hull's fill where its centre projects (the camera follows the hull).
    const Vec2f hullCenter = vertexAverage(hull().points);
    const QPointF hullPixel = view->worldToPixel(hullCenter);
    QVERIFY(std::abs(hullPixel.x() - kWidth / 2.0) < 40 && std::abs(hullPixel.y() - kHeight / 2.0) < 40);
    const QColor hullColor = pixelAt(image, *view, hullPixel);
    QVERIFY2(closeTo(hullColor, hull().fill), qPrintable(describe(hullColor, hull().fill)));

    // Earth below the walker: the terrain quad under the hull reaches down to y = 0 or below (the
    // ground is drawn to the bottom of any view, not as a slab).
    const ScenePolygon* ground = nullptr;
    for (const ScenePolygon& poly : scene_.polygons) {
      const auto [minX, maxX] = std::minmax_element(poly.points.begin(), poly.points.end(),
                                                    [](Vec2f a, Vec2f b) { return a.x < b.x; });
      const bool reachesZero = std::any_of(poly.points.begin(), poly.points.end(),
                                           [](Vec2f p) { return p.y <= 0.0f; });
      if (reachesZero && minX->x <= hullCenter.x && maxX->x > hullCenter.x) ground = &poly;
    }
    QVERIFY(ground);
    float groundTop = 0;
    for (const Vec2f& p : ground->points) groundTop = std::max(groundTop, p.y);
    const QPointF earthPixel = view->worldToPixel({hullCenter.x, groundTop * 0.5f});
    QVERIFY(earthPixel.y() > hullPixel.y() && earthPixel.y() < kHeight);
    const QColor earth = pixelAt(image, *view, earthPixel);
    QVERIFY2(closeTo(earth, ground->fill), qPrintable(describe(earth, ground->fill)));
  }

  void lidarLayerTogglesRayPixels() {
    auto view = shownView();
    QVERIFY(view);
    QVERIFY(!view->layerVisible(WalkerEnv::kLidarLayer));
    QVERIFY(view->layerVisible(kBaseLayer));
    view->setLayerVisible(kBaseLayer, false);  // Base cannot be hidden
    QVERIFY(view->layerVisible(kBaseLayer));
    const QImage without = view->grabFramebuffer();
    view->setLayerVisible(WalkerEnv::kLidarLayer, true);
    QVERIFY(view->layerVisible(WalkerEnv::kLidarLayer));
    const QImage with = view->grabFramebuffer();

    const SceneLine* ray = nullptr;
    for (const SceneLine& line : scene_.lines)
      if (line.layer == WalkerEnv::kLidarLayer) ray = &line;  // the last ray points forward-down
    QVERIFY(ray);
    int changed = 0, samples = 0;
    for (double t = 0.5; t <= 0.9; t += 0.02, ++samples) {
      const Vec2f a = ray->points.front(), b = ray->points.back();
      const Vec2f p{static_cast<float>(a.x + t * (b.x - a.x)), static_cast<float>(a.y + t * (b.y - a.y))};
      const QPointF pixel = view->worldToPixel(p);
      if (pixelAt(with, *view, pixel) != pixelAt(without, *view, pixel)) ++changed;
    }
    QVERIFY2(changed * 2 >= samples, qPrintable(QStringLiteral("%1 of %2 ray pixels changed").arg(changed).arg(samples)));

    view->setLayerVisible(WalkerEnv::kLidarLayer, false);
    const QImage again = view->grabFramebuffer();
    QCOMPARE(again, without);
  }

  void zoomScalesTheHull() {
    auto view = shownView();
    QVERIFY(view);
    const int atOne = countColor(view->grabFramebuffer(), hull().fill);
    QVERIFY(atOne > 200);
    view->setZoom(2.0);
    QCOMPARE(view->zoom(), 2.0);
    const int atTwo = countColor(view->grabFramebuffer(), hull().fill);
    const double ratio = static_cast<double>(atTwo) / atOne;
    QVERIFY2(ratio > 3.5 && ratio < 4.5, qPrintable(QStringLiteral("area ratio %1").arg(ratio)));
  }

  void cameraWheelPanAndDoubleClick() {
    auto view = shownView();
    QVERIFY(view);
    QVERIFY(view->followsFocus());
    const QPointF cursor(500, 120);
    const Vec2f anchor = view->pixelToWorld(cursor);
    QWheelEvent wheel(cursor, view->mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view.get(), &wheel);
    QVERIFY(view->zoom() > 1.3);
    QVERIFY(view->followsFocus());  // zooming keeps following
    const QPointF back = view->worldToPixel(anchor);
    QVERIFY2(std::abs(back.x() - cursor.x()) < 0.5 && std::abs(back.y() - cursor.y()) < 0.5,
             "the world point under the cursor stays under it");

    // Drag 100 px to the right: the scene moves with the mouse and following stops.
    const Vec2f before = view->cameraCenter();
    const double perPixel = view->worldUnitsPerPixel();
    QMouseEvent press(QEvent::MouseButtonPress, QPointF(200, 200), view->mapToGlobal(QPointF(200, 200)),
                      Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QMouseEvent move(QEvent::MouseMove, QPointF(300, 200), view->mapToGlobal(QPointF(300, 200)),
                     Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QMouseEvent release(QEvent::MouseButtonRelease, QPointF(300, 200),
                        view->mapToGlobal(QPointF(300, 200)), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(view.get(), &press);
    QApplication::sendEvent(view.get(), &move);
    QApplication::sendEvent(view.get(), &release);
    QVERIFY(!view->followsFocus());
    QVERIFY(std::abs(view->cameraCenter().x - (before.x - 100 * perPixel)) < 1e-3);
    // A new scene with another focus does not move a panned camera.
    Scene moved = scene_;
    moved.focus.x += 5;
    view->setScene(moved);
    QVERIFY(std::abs(view->cameraCenter().x - (before.x - 100 * perPixel)) < 1e-3);

    QTest::mouseDClick(view.get(), Qt::LeftButton, Qt::NoModifier, QPoint(300, 200));
    QVERIFY(view->followsFocus());
    QCOMPARE(view->cameraCenter().x, moved.focus.x);
    view->resetCamera();
    QCOMPARE(view->zoom(), 1.0);
    // Bad zoom values are ignored.
    view->setZoom(std::nan(""));
    view->setZoom(-2);
    QCOMPARE(view->zoom(), 1.0);
  }

  void tenThousandInstancedParticles() {
    Scene swarm;
    swarm.background = {0, 0, 0, 1};
    swarm.focus = {0, 0};
    swarm.viewWidth = 100;
    SceneParticles particles;
    particles.size = 0.8f;
    particles.color = {1.0f, 0.5f, 0.0f, 1.0f};
    for (int i = 0; i < 100; ++i)
      for (int j = 0; j < 100; ++j) {
        particles.xyAngle.push_back(static_cast<float>(i) - 49.5f);
        particles.xyAngle.push_back(static_cast<float>(j) - 49.5f);
        particles.xyAngle.push_back(0.0f);
      }
    swarm.particles.push_back(particles);
    SimView view;
    view.resize(kWidth, kHeight);
    view.setFrameTimesVisible(false);
    view.setScene(swarm);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(view.framesPainted() > 0);
    QVERIFY2(view.glAvailable(), qPrintable(view.glError()));
    const QImage image = view.grabFramebuffer();
    // Particle (x, y) = (0.5, 0.5): its body centre is 1/6 of its size behind the nose-tail middle.
    const QColor body = pixelAt(image, view, view.worldToPixel({0.5f - 0.8f / 6, 0.5f}));
    QVERIFY2(closeTo(body, particles.color), qPrintable(describe(body, particles.color)));
    const QColor between = pixelAt(image, view, view.worldToPixel({0.5f, 1.0f}));
    QVERIFY2(closeTo(between, swarm.background), qPrintable(describe(between, swarm.background)));
    // Count lit pixels: every particle draws, not only the first.
    const int lit = countColor(image, particles.color);
    QVERIFY2(lit > 64 * 40 * 2, qPrintable(QString::number(lit)));
  }

  void frameTimesOfALiveWalker() {
    auto view = shownView();
    QVERIFY(view);
    view->setOverlayLines({QStringLiteral("step 0"), QStringLiteral("return 0.00"),
                           QStringLiteral("speed 1x")});
    // Step the walker at 60 Hz for two seconds and show every state, as the viewer does.
    const int frames = 120;
    std::vector<float> action(static_cast<size_t>(env_->spec().actionSpace.size()), 0.0f);
    float reward = 0;
    double returnSoFar = 0;
    Scene scene;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < frames; ++i) {
      for (size_t k = 0; k < action.size(); ++k)
        action[k] = static_cast<float>(std::sin(0.1 * i + static_cast<double>(k)));
      const StepStatus status = env_->step(action.data(), &reward);
      returnSoFar += reward;
      if (status.terminated || status.truncated) env_->reset(static_cast<uint64_t>(12 + i), {});
      scene.clear();
      env_->describe(scene);
      view->setScene(scene);
      view->setOverlayLines({QStringLiteral("step %1").arg(env_->episodeStep()),
                             QStringLiteral("return %1").arg(returnSoFar, 0, 'f', 2),
                             QStringLiteral("speed 1x")});
      const qint64 nextFrame = (i + 1) * 1000LL / 60;
      while (timer.elapsed() < nextFrame) QCoreApplication::processEvents(QEventLoop::AllEvents, 2);
    }
    QTest::qWait(100);  // let the last update reach the screen
    const FrameTimeMeter& meter = view->frameTimes();
    qInfo("walker at 60 Hz, %d updates in %lld ms: %zu frames shown; frame p50 %.2f ms, p95 %.2f ms; "
          "paint p50 %.2f ms, p95 %.2f ms",
          frames, static_cast<long long>(timer.elapsed()), meter.totalFrames(),
          meter.p50Milliseconds(), meter.p95Milliseconds(), meter.paintP50Milliseconds(),
          meter.paintP95Milliseconds());
    QVERIFY(meter.sampleCount() >= 30);
    QVERIFY(std::isfinite(meter.p95Milliseconds()) && meter.p95Milliseconds() > 0);
    QVERIFY(std::isfinite(meter.paintP95Milliseconds()) && meter.paintP95Milliseconds() > 0);
    QVERIFY(meter.p95Milliseconds() >= meter.p50Milliseconds());
  }

  // The view draws into a native window of its own, so its frames leave the top-level window
  // alone: no update request reaches it and the widgets beside the view are not repainted.
  // (With a QOpenGLWidget every frame was an update of the whole top-level window, which Qt
  // then composed with OpenGL: on llvmpipe most of the frame time, growing with the window.)
  void framesLeaveTheTopLevelWindowAlone() {
    QWidget window;
    auto* label = new QLabel(QStringLiteral("a widget beside the view"), &window);
    SimView* view = viewBelow(window, label);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(view->framesPainted() > 0);
    QVERIFY2(view->glAvailable(), qPrintable(view->glError()));
    QTest::qWait(200);  // the window's own first paints are done

    // The view's surface is an OpenGL child window of the top-level window, which stays raster.
    QWindow* surface = view->surfaceWindow();
    QVERIFY(surface);
    QCOMPARE(surface->surfaceType(), QSurface::OpenGLSurface);
    QVERIFY(surface->handle() && surface->isExposed());
    QWindow* top = surface;
    while (top->parent()) top = top->parent();
    QCOMPARE(top, window.windowHandle());
    QCOMPARE(window.windowHandle()->surfaceType(), QSurface::RasterSurface);

    EventCounter windowEvents, labelEvents;
    window.installEventFilter(&windowEvents);
    window.windowHandle()->installEventFilter(&windowEvents);
    label->installEventFilter(&labelEvents);
    Scene moving = scene_;
    const quint64 before = view->framesPainted();
    for (int i = 0; i < 30; ++i) {
      moving.focus.x += 0.05f;
      view->setScene(moving);
      QVERIFY(waitForFrames(*view, 1));
    }
    QVERIFY(view->framesPainted() >= before + 30);
    QCOMPARE(windowEvents.count(QEvent::UpdateRequest), 0);
    QCOMPARE(windowEvents.count(QEvent::Paint), 0);
    QCOMPARE(labelEvents.count(QEvent::Paint), 0);
  }

  // Input that reaches the native surface is the view's (mouse, wheel, double-click), and the
  // surface never takes keyboard focus: keys stay with the focused widget.
  void surfaceInputGoesToTheViewAndKeysStayWithTheWidgets() {
    QWidget window;
    auto* edit = new QLineEdit(&window);
    SimView* view = viewBelow(window, edit);
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(view->framesPainted() > 0);
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    QWindow* surface = view->surfaceWindow();
    QVERIFY(surface);
    QVERIFY(surface->flags() & Qt::WindowDoesNotAcceptFocus);

    // A drag on the surface pans the view's camera (through the window system's event path).
    QVERIFY(view->followsFocus());
    const Vec2f before = view->cameraCenter();
    const double perPixel = view->worldUnitsPerPixel();
    QTest::mousePress(surface, Qt::LeftButton, Qt::NoModifier, QPoint(200, 200));
    QTest::mouseMove(surface, QPoint(260, 200));
    QTest::mouseRelease(surface, Qt::LeftButton, Qt::NoModifier, QPoint(260, 200));
    QVERIFY(!view->followsFocus());
    QVERIFY2(std::abs(view->cameraCenter().x - (before.x - 60 * perPixel)) < 1e-3,
             qPrintable(QString::number(view->cameraCenter().x)));
    // The click left the keyboard where it was.
    QVERIFY(edit->hasFocus());
    QCOMPARE(QGuiApplication::focusWindow(), window.windowHandle());
    QTest::keyClicks(edit, QStringLiteral("ok"));
    QCOMPARE(edit->text(), QStringLiteral("ok"));

    // The wheel zooms about the cursor; a double-click follows the focus again.
    const QPointF cursor(300, 150);
    QWheelEvent wheel(cursor, surface->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(surface, &wheel);
    QVERIFY(wheel.isAccepted());
    QVERIFY(view->zoom() > 1.1);
    QTest::mouseDClick(surface, Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
    QVERIFY(view->followsFocus());
    QVERIFY(edit->hasFocus());
  }

  // Pages of a stacked widget: the hidden view's surface is hidden and draws nothing, a grab
  // still renders, and shown again it draws at the size it has then; deleting a shown view
  // while another one keeps drawing is fine.
  void hiddenShownResizedAndDeleted() {
    QStackedWidget pages;
    auto* other = new QLabel(QStringLiteral("another page"));
    auto* view = new SimView;
    pages.addWidget(view);
    pages.addWidget(other);
    pages.resize(kWidth, kHeight);
    view->setScene(scene_);
    pages.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pages));
    QTRY_VERIFY(view->framesPainted() > 0);
    QWindow* surface = view->surfaceWindow();
    QVERIFY(surface && surface->isVisible());

    pages.setCurrentWidget(other);
    QTRY_VERIFY(!surface->isVisible());
    const quint64 hiddenFrames = view->framesPainted();
    view->setZoom(2.0);
    QTest::qWait(100);
    QCOMPARE(view->framesPainted(), hiddenFrames);
    const QImage hiddenGrab = view->grabFramebuffer();
    QCOMPARE(hiddenGrab.size(), view->size() * view->devicePixelRatio());
    QVERIFY(countColor(hiddenGrab, hull().fill) > 200);

    pages.setCurrentWidget(view);
    QTRY_VERIFY(surface->isVisible() && surface->isExposed());
    QTRY_VERIFY(view->framesPainted() > hiddenFrames);
    pages.resize(kWidth + 100, kHeight - 50);
    QTRY_COMPARE(surface->size(), view->size());
    QCOMPARE(view->size(), QSize(kWidth + 100, kHeight - 50));
    const QImage resized = view->grabFramebuffer();
    QCOMPARE(resized.size(), QSize(kWidth + 100, kHeight - 50) * view->devicePixelRatio());
    const QColor hullColor =
        pixelAt(resized, *view, view->worldToPixel(vertexAverage(hull().points)));
    QVERIFY2(closeTo(hullColor, hull().fill), qPrintable(describe(hullColor, hull().fill)));

    auto* second = new SimView;
    pages.addWidget(second);
    second->setScene(scene_);
    delete view;  // the shown view goes; the stack shows the next page
    pages.setCurrentWidget(second);
    QTRY_VERIFY(second->framesPainted() > 0);
    QVERIFY(second->glAvailable());
  }

  void messageInsteadOfGlWhenUnavailable() {
    qputenv("PALAESTRA_FORCE_NO_GL", "1");
    SimView view;
    view.resize(kWidth, kHeight);
    view.setScene(scene_);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(view.framesPainted() > 0);
    qunsetenv("PALAESTRA_FORCE_NO_GL");
    QVERIFY(!view.glAvailable());
    QVERIFY2(view.glError().contains("PALAESTRA_FORCE_NO_GL"), qPrintable(view.glError()));
    const QImage image = view.grabFramebuffer();
    QCOMPARE(image.pixelColor(2, 2), QColor(48, 48, 52));
    int light = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x)
        if (image.pixelColor(x, y).lightness() > 150) ++light;
    QVERIFY2(light > 200, "the message text is drawn");
    // Camera and layer calls still work without GL.
    view.setZoom(2);
    view.setLayerVisible(WalkerEnv::kLidarLayer, true);
    QVERIFY(waitForFrames(view, 1));
  }

  // The probe says yes here (xcb) and no, with a clear reason, on the offscreen
  // platform without an X display (no GLX), where no view is shown to anyone:
  // this function runs itself again in such a child process.
  void openGlProbe() {
    if (QGuiApplication::platformName() == QStringLiteral("offscreen")) {
      const QString problem = SimView::openGlProblem();
      QVERIFY2(problem.contains(QStringLiteral("offscreen")), qPrintable(problem));
      qInfo("%s", qPrintable(problem));
      return;
    }
    QVERIFY2(SimView::openGlProblem().isEmpty(), qPrintable(SimView::openGlProblem()));
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.remove(QStringLiteral("DISPLAY"));  // with a display, offscreen borrows its GLX
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("openGlProbe")});
    QVERIFY(child.waitForFinished(60000));
    const QByteArray output = child.readAll();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, output.constData());
    QVERIFY2(output.contains("PASS   : TestGlSimView::openGlProbe()"), output.constData());
  }

  void messagePainterOnAnImage() {
    QImage image(400, 300, QImage::Format_RGB32);
    image.fill(Qt::red);
    {
      QPainter painter(&image);
      SimView::paintUnavailableMessage(painter, image.rect(), QStringLiteral("No OpenGL here."));
    }
    QCOMPARE(image.pixelColor(0, 0), QColor(48, 48, 52));
    int light = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x)
        if (image.pixelColor(x, y).lightness() > 150) ++light;
    QVERIFY(light > 100);
  }
};

QTEST_MAIN(TestGlSimView)
#include "TestGlSimView.moc"
