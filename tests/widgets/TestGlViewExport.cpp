// Export of what a SimView shows, on a real OpenGL context (xcb under xvfb-run):
// grabFramebuffer() includes the QPainter overlay; a PNG saved from the view holds
// exactly the framebuffer's pixels; a FrameSource rendering through a SimView
// exports an MP4 whose first frame, decoded by ffmpeg, matches the view's pixels.
#include <QtTest/QtTest>

#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "Simulations.h"
#include "env/EnvRegistry.h"
#include "widgets/FrameSource.h"
#include "widgets/SimView.h"
#include "widgets/VideoExporter.h"
#include "widgets/ViewImageExport.h"

using namespace palaestra;

namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 400;

// Walker scenes of a short episode, shown through a SimView: what the replay player will do.
class SimViewFrames : public FrameSource {
 public:
  SimViewFrames(SimView& view, std::vector<Scene> scenes) : view_(view), scenes_(std::move(scenes)) {}
  int frameCount() const override { return static_cast<int>(scenes_.size()); }
  double framesPerSecond() const override { return 30.0; }
  QImage renderFrame(int index) override {
    view_.setScene(scenes_[static_cast<size_t>(index)]);
    view_.setOverlayLines({QStringLiteral("step %1").arg(index)});
    QImage image = view_.grabFramebuffer();
    if (index == 0) firstFrame = image;
    return image;
  }
  QImage firstFrame;

 private:
  SimView& view_;
  std::vector<Scene> scenes_;
};

// Mean absolute difference per channel (RGB) of two same-sized images.
double meanDifference(const QImage& a, const QImage& b) {
  const QImage x = a.convertToFormat(QImage::Format_RGB32);
  const QImage y = b.convertToFormat(QImage::Format_RGB32);
  double sum = 0;
  for (int row = 0; row < x.height(); ++row) {
    const QRgb* p = reinterpret_cast<const QRgb*>(x.constScanLine(row));
    const QRgb* q = reinterpret_cast<const QRgb*>(y.constScanLine(row));
    for (int col = 0; col < x.width(); ++col)
      sum += std::abs(qRed(p[col]) - qRed(q[col])) + std::abs(qGreen(p[col]) - qGreen(q[col])) +
             std::abs(qBlue(p[col]) - qBlue(q[col]));
  }
  return sum / (3.0 * x.width() * x.height());
}

}  // namespace

class TestGlViewExport : public QObject {
  Q_OBJECT

  EnvPtr env_;
  Scene scene_;

  std::unique_ptr<SimView> shownView() {
    auto view = std::make_unique<SimView>();
    view->resize(kWidth, kHeight);
    view->setFrameTimesVisible(false);  // the FPS text would differ between grabs
    view->setScene(scene_);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get())) return nullptr;
    if (!QTest::qWaitFor([&] { return view->framesPainted() > 0; }, 5000)) return nullptr;
    return view;
  }

 private slots:
  void initTestCase() {
    const QString problem = SimView::openGlProblem();
    if (!problem.isEmpty()) QSKIP(qPrintable("no OpenGL here: " + problem));
    registerBuiltinSimulations();
    env_ = EnvRegistry::instance().get("walker").create(nlohmann::json::object());
    env_->reset(11, {});
    env_->describe(scene_);
  }

  void grabbedFramebufferIncludesThePainterOverlay() {
    auto view = shownView();
    QVERIFY(view);
    QVERIFY2(view->glAvailable(), qPrintable(view->glError()));
    const QImage plain = view->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
    view->setOverlayLines({QStringLiteral("step 123"), QStringLiteral("return 45.67")});
    const QImage withOverlay = view->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(plain.size(), withOverlay.size());
    // The overlay box is top-left: those pixels change, the right half does not.
    const QRect overlayCorner(0, 0, 60, 30);
    const QRect rightHalf(plain.width() / 2, 0, plain.width() / 2, plain.height());
    QVERIFY(plain.copy(overlayCorner) != withOverlay.copy(overlayCorner));
    QCOMPARE(plain.copy(rightHalf), withOverlay.copy(rightHalf));
  }

  void savedPngHoldsTheFramebufferPixels() {
    auto view = shownView();
    QVERIFY(view);
    view->setOverlayLines({QStringLiteral("step 7"), QStringLiteral("return 1.25")});
    QTemporaryDir dir;
    const QString path = dir.filePath("view.png");
    QString error;
    QVERIFY2(saveViewAsPng(view.get(), path, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    const QImage saved(path);
    QVERIFY(!saved.isNull());
    const QImage shown = view->grabFramebuffer();
    QCOMPARE(saved.size(), shown.size());
    QCOMPARE(saved.convertToFormat(QImage::Format_RGB32), shown.convertToFormat(QImage::Format_RGB32));
  }

  void pngErrorsAreClear() {
    QTemporaryDir dir;
    QString error;
    QVERIFY(!saveViewAsPng(nullptr, dir.filePath("a.png"), &error));
    QVERIFY2(error.contains("no view"), qPrintable(error));
    SimView neverShown;
    QVERIFY(!saveViewAsPng(&neverShown, dir.filePath("b.png"), &error));
    QVERIFY2(error.contains("no OpenGL image"), qPrintable(error));
    auto view = shownView();
    QVERIFY(view);
    QVERIFY(!saveViewAsPng(view.get(), dir.filePath("c.jpg"), &error));
    QVERIFY2(error.contains("must end in .png"), qPrintable(error));
    const QString missing = dir.filePath("no/such/dir/d.png");
    QVERIFY(!saveViewAsPng(view.get(), missing, &error));
    QVERIFY2(error.contains("cannot write PNG file '" + missing + "'"), qPrintable(error));
    QVERIFY(!saveWidgetAsPng(nullptr, dir.filePath("e.png"), &error));
    QVERIFY2(error.contains("no widget"), qPrintable(error));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{});
  }

  void widgetGrabSavesThePlainWidget() {
    QLabel label(QStringLiteral("no OpenGL here"));
    label.resize(200, 50);
    label.show();
    QVERIFY(QTest::qWaitForWindowExposed(&label));
    QTemporaryDir dir;
    const QString path = dir.filePath("label.png");
    QString error;
    QVERIFY2(saveWidgetAsPng(&label, path, &error), qPrintable(error));
    const QImage saved(path);
    QCOMPARE(saved.convertToFormat(QImage::Format_RGB32),
             label.grab().toImage().convertToFormat(QImage::Format_RGB32));
  }

  void mp4FirstFrameMatchesTheView() {
    if (VideoExporter::ffmpegProgram().isEmpty()) QSKIP("ffmpeg is not installed (./dev installs it)");
    auto view = shownView();
    QVERIFY(view);
    std::vector<Scene> scenes;
    std::vector<float> action(static_cast<size_t>(env_->spec().actionSpace.size()), 0.0f);
    float reward = 0;
    env_->reset(11, {});
    for (int i = 0; i < 24; ++i) {
      Scene scene;
      env_->describe(scene);
      scenes.push_back(std::move(scene));
      for (size_t k = 0; k < action.size(); ++k)
        action[k] = static_cast<float>(std::sin(0.2 * i + static_cast<double>(k)));
      env_->step(action.data(), &reward);
    }
    SimViewFrames frames(*view, std::move(scenes));
    QTemporaryDir dir;
    const QString out = dir.filePath("walker.mp4");
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(frames, out), qPrintable(exporter.errorString()));
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

    const QImage expected = frames.firstFrame;
    QVERIFY(!expected.isNull());
    QProcess decode;
    decode.start(VideoExporter::ffmpegProgram(),
                 {"-v", "error", "-i", out, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"});
    QVERIFY(decode.waitForFinished(60000));
    QCOMPARE(decode.exitCode(), 0);
    const QByteArray raw = decode.readAllStandardOutput();
    QCOMPARE(raw.size(), qsizetype(expected.width()) * expected.height() * 4);
    const QImage decoded(reinterpret_cast<const uchar*>(raw.constData()), expected.width(), expected.height(),
                         expected.width() * 4, QImage::Format_RGBA8888);
    const double difference = meanDifference(decoded, expected);
    qInfo("first MP4 frame vs the view's framebuffer: mean difference %.2f of 255 per channel", difference);
    // H.264 at CRF 18 with 4:2:0 chroma: small losses at edges only.
    QVERIFY2(difference < 4.0, qPrintable(QString::number(difference)));
  }
};

QTEST_MAIN(TestGlViewExport)
#include "TestGlViewExport.moc"
