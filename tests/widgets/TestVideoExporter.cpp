// VideoExporter and ExportProgressDialog on synthetic frames (offscreen): MP4 and GIF
// really produced by ffmpeg (file headers, ffprobe frame count and size, odd sizes
// padded for H.264), progress reaching the total, and every error path: ffmpeg
// missing, ffmpeg failing with its stderr, bad suffix, unwritable place, frames of
// differing size, cancel. A failed or cancelled export leaves no file behind and an
// existing output untouched.
#include <QtTest/QtTest>

#include <QPainter>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "widgets/ExportProgressDialog.h"
#include "widgets/VideoExporter.h"

using namespace palaestra;

namespace {

// Distinct frames: a colour ramp over time and a square moving across.
class SyntheticFrames : public FrameSource {
 public:
  SyntheticFrames(int count, QSize size, double fps = 25.0) : count_(count), size_(size), fps_(fps) {}
  int frameCount() const override { return count_; }
  double framesPerSecond() const override { return fps_; }
  QImage renderFrame(int index) override {
    ++rendered;
    if (index == badSizeFrame) return QImage(size_ + QSize(2, 2), QImage::Format_RGB32);
    QImage image(size_, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((index * 37) % 360, 200, 220));
    QPainter painter(&image);
    const int side = std::max(2, size_.height() / 4);
    painter.fillRect((index * 5) % std::max(1, size_.width() - side), size_.height() / 3, side, side, Qt::black);
    return image;
  }
  int rendered = 0;
  int badSizeFrame = -1;

 private:
  int count_;
  QSize size_;
  double fps_;
};

QByteArray head(const QString& path, int bytes) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.read(bytes);
}

// ffprobe's answer for the first video stream: "width,height,frames".
QString probe(const QString& path) {
  QProcess ffprobe;
  ffprobe.start(QStringLiteral("ffprobe"),
                {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                 "stream=width,height,nb_read_frames", "-of", "csv=p=0", path});
  if (!ffprobe.waitForFinished(60000)) return QStringLiteral("ffprobe did not finish");
  return QString::fromUtf8(ffprobe.readAllStandardOutput()).trimmed();
}

// Files in `dir` (hidden ones too: the exporter's temporary file is hidden).
QStringList filesIn(const QTemporaryDir& dir) {
  return QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

// Waits for finished(); returns {ok, error}.
std::pair<bool, QString> waitForExport(QSignalSpy& finished) {
  if (finished.isEmpty() && !finished.wait(120000)) return {false, QStringLiteral("timed out")};
  return {finished.first().at(0).toBool(), finished.first().at(1).toString()};
}

}  // namespace

class TestVideoExporter : public QObject {
  Q_OBJECT

  bool haveFfprobe_ = false;

 private slots:
  void initTestCase() {
    qunsetenv("PALAESTRA_FFMPEG");
    if (VideoExporter::ffmpegProgram().isEmpty()) QSKIP("ffmpeg is not installed (./dev installs it)");
    haveFfprobe_ = !QStandardPaths::findExecutable("ffprobe").isEmpty();
  }

  void cleanup() { qunsetenv("PALAESTRA_FFMPEG"); }

  void exportsMp4WithEveryFrame() {
    QTemporaryDir dir;
    const QString out = dir.filePath("walk.mp4");
    SyntheticFrames frames(48, {160, 96});
    VideoExporter exporter;
    QSignalSpy progress(&exporter, &VideoExporter::progress);
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(frames, out), qPrintable(exporter.errorString()));
    QVERIFY(exporter.isRunning());
    const auto [ok, error] = waitForExport(finished);
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(finished.size(), 1);
    QVERIFY(!exporter.isRunning());
    QCOMPARE(frames.rendered, 48);  // each frame rendered exactly once
    QCOMPARE(progress.last().at(0).toInt(), 48);
    QCOMPARE(progress.last().at(1).toInt(), 48);
    for (int i = 1; i < progress.size(); ++i)
      QVERIFY(progress.at(i).at(0).toInt() > progress.at(i - 1).at(0).toInt());
    QCOMPARE(head(out, 8).mid(4, 4), QByteArray("ftyp"));  // ISO base media file
    QCOMPARE(filesIn(dir), QStringList{"walk.mp4"});        // no temporary file left
    if (haveFfprobe_) QCOMPARE(probe(out), QString("160,96,48"));
  }

  void oddSizedMp4IsPaddedToEven() {
    QTemporaryDir dir;
    const QString out = dir.filePath("odd.MP4");  // suffix in any case
    SyntheticFrames frames(5, {33, 21});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(frames, out), qPrintable(exporter.errorString()));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY2(ok, qPrintable(error));
    if (!haveFfprobe_) QSKIP("ffprobe missing");
    QCOMPARE(probe(out), QString("34,22,5"));
  }

  void exportsGifWithEveryFrame() {
    QTemporaryDir dir;
    const QString out = dir.filePath("walk.gif");
    SyntheticFrames frames(12, {81, 50}, 10.0);
    VideoExporter exporter;
    QSignalSpy progress(&exporter, &VideoExporter::progress);
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(frames, out), qPrintable(exporter.errorString()));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(progress.last().at(0).toInt(), 12);
    QCOMPARE(head(out, 6), QByteArray("GIF89a"));
    QVERIFY(exporter.lastArguments().join(' ').contains("palettegen"));
    QCOMPARE(filesIn(dir), QStringList{"walk.gif"});
    if (haveFfprobe_) QCOMPARE(probe(out), QString("81,50,12"));
  }

  void replacesAnExistingOutputOnlyOnSuccess() {
    QTemporaryDir dir;
    const QString out = dir.filePath("again.gif");
    {
      QFile old(out);
      QVERIFY(old.open(QIODevice::WriteOnly));
      old.write("old");
    }
    SyntheticFrames frames(3, {20, 20});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY(exporter.start(frames, out));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(head(out, 6), QByteArray("GIF89a"));
  }

  void missingFfmpegIsAClearErrorAndNoFile() {
    qputenv("PALAESTRA_FFMPEG", "/nonexistent/ffmpeg");
    QCOMPARE(VideoExporter::ffmpegProgram(), QString());
    QTemporaryDir dir;
    SyntheticFrames frames(3, {20, 20});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY(!exporter.start(frames, dir.filePath("x.mp4")));
    QVERIFY2(exporter.errorString().startsWith(
                 "ffmpeg was not found: install the Debian package ffmpeg (./dev installs it)"),
             qPrintable(exporter.errorString()));
    QVERIFY(exporter.errorString().contains("/nonexistent/ffmpeg"));
    QVERIFY(!exporter.isRunning());
    QCOMPARE(finished.size(), 0);
    QCOMPARE(frames.rendered, 0);
    QCOMPARE(filesIn(dir), QStringList{});
  }

  void ffmpegOverrideByName() {
    qputenv("PALAESTRA_FFMPEG", "ffmpeg");
    QVERIFY(VideoExporter::ffmpegProgram().endsWith("/ffmpeg"));
    qputenv("PALAESTRA_FFMPEG", "no-such-ffmpeg-program");
    QCOMPARE(VideoExporter::ffmpegProgram(), QString());
  }

  void failingFfmpegReportsItsStderr() {
    QTemporaryDir dir;
    const QString fake = dir.filePath("fake-ffmpeg");
    {
      QFile script(fake);
      QVERIFY(script.open(QIODevice::WriteOnly));
      script.write("#!/bin/sh\necho 'starting' >&2\necho 'Unknown encoder libx264: codec exploded' >&2\nexit 3\n");
    }
    QVERIFY(QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    qputenv("PALAESTRA_FFMPEG", fake.toUtf8());
    const QString out = dir.filePath("fail.mp4");
    SyntheticFrames frames(200, {320, 240});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY2(exporter.start(frames, out), qPrintable(exporter.errorString()));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY(!ok);
    QVERIFY2(error.startsWith("ffmpeg failed (exit code 3)") || error.startsWith("ffmpeg stopped"),
             qPrintable(error));
    QVERIFY2(error.contains("codec exploded"), qPrintable(error));
    QCOMPARE(exporter.errorString(), error);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(filesIn(dir), QStringList{"fake-ffmpeg"});
  }

  void badSuffixAndUnwritablePlaces() {
    QTemporaryDir dir;
    SyntheticFrames frames(3, {20, 20});
    VideoExporter exporter;
    QVERIFY(!exporter.start(frames, dir.filePath("clip.avi")));
    QVERIFY2(exporter.errorString().contains("must end in .mp4 or .gif"), qPrintable(exporter.errorString()));
    QVERIFY(!exporter.start(frames, dir.filePath("noSuffix")));
    QVERIFY(exporter.errorString().contains("must end in .mp4 or .gif"));
    QVERIFY(!exporter.start(frames, QString()));
    QVERIFY(exporter.errorString().contains("no video file name"));
    const QString missing = dir.filePath("no/such/dir/clip.mp4");
    QVERIFY(!exporter.start(frames, missing));
    QVERIFY2(exporter.errorString().contains("cannot write video file '" + missing + "'"),
             qPrintable(exporter.errorString()));
    QVERIFY(exporter.errorString().contains("does not exist"));
    QVERIFY(QDir(dir.path()).mkdir("taken.mp4"));
    QVERIFY(!exporter.start(frames, dir.filePath("taken.mp4")));
    QVERIFY2(exporter.errorString().contains("is a directory"), qPrintable(exporter.errorString()));
    SyntheticFrames none(0, {20, 20});
    QVERIFY(!exporter.start(none, dir.filePath("none.gif")));
    QVERIFY(exporter.errorString().contains("no frames"));
    SyntheticFrames still(3, {20, 20}, 0.0);
    QVERIFY(!exporter.start(still, dir.filePath("still.gif")));
    QVERIFY(exporter.errorString().contains("frames per second"));
    QCOMPARE(frames.rendered, 0);
    QCOMPARE(filesIn(dir), QStringList{});
  }

  void frameOfDifferentSizeFailsCleanly() {
    QTemporaryDir dir;
    SyntheticFrames frames(20, {40, 30});
    frames.badSizeFrame = 7;
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY(exporter.start(frames, dir.filePath("sizes.mp4")));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY(!ok);
    QVERIFY2(error.contains("frame 7 is 42x32 pixels but frame 0 was 40x30"), qPrintable(error));
    QCOMPARE(filesIn(dir), QStringList{});
  }

  void cancelLeavesNoFile() {
    QTemporaryDir dir;
    SyntheticFrames frames(400, {320, 240});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    connect(&exporter, &VideoExporter::progress, &exporter, [&](int done, int) {
      if (done == 5) exporter.cancel();
    });
    QVERIFY(exporter.start(frames, dir.filePath("cancel.mp4")));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY(!ok);
    QCOMPARE(error, QString("export cancelled"));
    QCOMPARE(frames.rendered, 5);  // nothing rendered after the cancel
    QTest::qWait(50);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(filesIn(dir), QStringList{});
    exporter.cancel();  // idle: nothing happens
    QCOMPARE(finished.size(), 1);
  }

  void refusesASecondExportWhileRunning() {
    QTemporaryDir dir;
    SyntheticFrames frames(30, {64, 48});
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    QVERIFY(exporter.start(frames, dir.filePath("one.gif")));
    QVERIFY(!exporter.start(frames, dir.filePath("two.gif")));
    QVERIFY(exporter.errorString().contains("already running"));
    const auto [ok, error] = waitForExport(finished);
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(filesIn(dir), QStringList{"one.gif"});
  }

  void destroyingARunningExporterRemovesItsPartialFile() {
    QTemporaryDir dir;
    SyntheticFrames frames(400, {320, 240});
    {
      VideoExporter exporter;
      QVERIFY(exporter.start(frames, dir.filePath("gone.mp4")));
      QTest::qWait(20);
    }
    QCOMPARE(filesIn(dir), QStringList{});
  }

  void dialogRunsAnExport() {
    QTemporaryDir dir;
    const QString out = dir.filePath("dialog.gif");
    SyntheticFrames frames(10, {40, 30});
    ExportProgressDialog dialog;
    dialog.setMessageBoxesEnabled(false);
    QSignalSpy done(&dialog, &ExportProgressDialog::exportFinished);
    int shownValue = -1;
    connect(&dialog.exporter(), &VideoExporter::progress, &dialog, [&] { shownValue = dialog.value(); });
    QVERIFY(dialog.exportVideo(frames, out));
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.maximum(), 10);
    QVERIFY(done.wait(60000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QCOMPARE(shownValue, 10);
    QVERIFY(!dialog.isVisible());
    QTest::qWait(50);
    QVERIFY(!dialog.isVisible());  // no automatic show after the export either
    QCOMPARE(dialog.lastError(), QString());
    QCOMPARE(head(out, 6), QByteArray("GIF89a"));
  }

  void dialogStaysHiddenUntilAnExport() {
    ExportProgressDialog dialog;
    QTest::qWait(100);  // QProgressDialog's own show timer would have fired by now
    QVERIFY(!dialog.isVisible());
  }

  void dialogReportsMissingFfmpeg() {
    qputenv("PALAESTRA_FFMPEG", "/nonexistent");
    QTemporaryDir dir;
    SyntheticFrames frames(10, {40, 30});
    ExportProgressDialog dialog;
    dialog.setMessageBoxesEnabled(false);
    QSignalSpy done(&dialog, &ExportProgressDialog::exportFinished);
    QVERIFY(!dialog.exportVideo(frames, dir.filePath("x.mp4")));
    QCOMPARE(done.size(), 1);
    QVERIFY(!done.first().at(0).toBool());
    QVERIFY(dialog.lastError().startsWith("ffmpeg was not found"));
    QVERIFY(!dialog.isVisible());
    QTest::qWait(50);
    QVERIFY(!dialog.isVisible());
    QCOMPARE(filesIn(dir), QStringList{});
  }

  void dialogCancelButtonStopsTheExport() {
    QTemporaryDir dir;
    SyntheticFrames frames(400, {320, 240});
    ExportProgressDialog dialog;
    dialog.setMessageBoxesEnabled(false);
    QSignalSpy done(&dialog, &ExportProgressDialog::exportFinished);
    connect(&dialog.exporter(), &VideoExporter::progress, &dialog, [&](int count, int) {
      if (count == 3) emit dialog.canceled();  // what the Cancel button does
    });
    QVERIFY(dialog.exportVideo(frames, dir.filePath("c.mp4")));
    QVERIFY(done.wait(60000));
    QVERIFY(!done.first().at(0).toBool());
    QCOMPARE(dialog.lastError(), QString("export cancelled"));
    QCOMPARE(filesIn(dir), QStringList{});
  }
};

QTEST_MAIN(TestVideoExporter)
#include "TestVideoExporter.moc"
