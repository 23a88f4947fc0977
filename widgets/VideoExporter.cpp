#include "widgets/VideoExporter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QStandardPaths>

#include <cmath>
#include <cstdio>

namespace palaestra {

namespace {

// At most this many frames wait in QProcess's write buffer: memory stays bounded
// however long the export, and rendering pauses while ffmpeg catches up.
constexpr int kMaxBufferedFrames = 3;
// Rendering slice per event-loop turn, so input and repaints stay live during an export.
constexpr qint64 kSliceMs = 15;
// How much of ffmpeg's stderr is kept for the error message.
constexpr qsizetype kMaxStderrBytes = 16 * 1024;

QString fileErrorText(const QString& path, const QString& why) {
  return QStringLiteral("cannot write video file '%1': %2").arg(path, why);
}

}  // namespace

VideoExporter::VideoExporter(QObject* parent) : QObject(parent) {
  pumpTimer_.setSingleShot(true);
  pumpTimer_.setInterval(0);
  connect(&pumpTimer_, &QTimer::timeout, this, &VideoExporter::pumpFrames);
}

VideoExporter::~VideoExporter() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(2000);
  }
  if (!temporaryPath_.isEmpty()) QFile::remove(temporaryPath_);
}

QString VideoExporter::ffmpegProgram() {
  const QString override = qEnvironmentVariable("PALAESTRA_FFMPEG");
  if (!override.isEmpty()) {
    if (override.contains('/')) {
      const QFileInfo info(override);
      return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(override);
  }
  return QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
}

QString VideoExporter::ffmpegMissingMessage() {
  QString message =
      QStringLiteral("ffmpeg was not found: install the Debian package ffmpeg (./dev installs it)");
  const QString override = qEnvironmentVariable("PALAESTRA_FFMPEG");
  if (!override.isEmpty())
    message += QStringLiteral("; PALAESTRA_FFMPEG='%1' is not an executable program").arg(override);
  return message;
}

bool VideoExporter::formatForPath(const QString& outputPath, Format* format) {
  const QString suffix = QFileInfo(outputPath).suffix().toLower();
  if (suffix == QLatin1String("mp4")) {
    *format = Format::Mp4;
    return true;
  }
  if (suffix == QLatin1String("gif")) {
    *format = Format::Gif;
    return true;
  }
  return false;
}

bool VideoExporter::start(FrameSource& source, const QString& outputPath) {
  if (isRunning()) {
    error_ = QStringLiteral("an export is already running");
    return false;
  }
  error_.clear();
  arguments_.clear();
  stderr_.clear();

  Format format = Format::Mp4;
  if (outputPath.isEmpty()) {
    error_ = QStringLiteral("no video file name given");
    return false;
  }
  if (!formatForPath(outputPath, &format)) {
    error_ = QStringLiteral("cannot export '%1': the file name must end in .mp4 or .gif").arg(outputPath);
    return false;
  }
  const QString program = ffmpegProgram();
  if (program.isEmpty()) {
    error_ = ffmpegMissingMessage();
    return false;
  }
  const int total = source.frameCount();
  if (total <= 0) {
    error_ = QStringLiteral("nothing to export: the source has no frames");
    return false;
  }
  const double fps = source.framesPerSecond();
  if (!std::isfinite(fps) || fps <= 0.0 || fps > 1000.0) {
    error_ = QStringLiteral("cannot export at %1 frames per second (expected 0 < fps <= 1000)").arg(fps);
    return false;
  }

  const QFileInfo output(outputPath);
  if (output.isDir()) {
    error_ = fileErrorText(outputPath, QStringLiteral("it is a directory"));
    return false;
  }
  const QDir directory = output.absoluteDir();
  if (!directory.exists()) {
    error_ = fileErrorText(outputPath, QStringLiteral("the folder '%1' does not exist").arg(directory.path()));
    return false;
  }
  // Hidden and next to the output, so the final rename stays on one file system.
  const QString temporary = directory.filePath(QStringLiteral(".%1.partial").arg(output.fileName()));
  {
    QFile probe(temporary);
    if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
      error_ = fileErrorText(outputPath, probe.errorString());
      return false;
    }
  }

  // The first frame fixes the size ffmpeg is told about.
  const QImage first = source.renderFrame(0);
  if (first.isNull() || first.width() <= 0 || first.height() <= 0) {
    QFile::remove(temporary);
    error_ = QStringLiteral("cannot export: frame 0 could not be rendered");
    return false;
  }

  arguments_ = {QStringLiteral("-hide_banner"), QStringLiteral("-nostats"),
                QStringLiteral("-loglevel"),    QStringLiteral("error"),
                QStringLiteral("-y"),           QStringLiteral("-f"),
                QStringLiteral("rawvideo"),     QStringLiteral("-pix_fmt"),
                QStringLiteral("rgba"),         QStringLiteral("-s"),
                QStringLiteral("%1x%2").arg(first.width()).arg(first.height()),
                QStringLiteral("-framerate"),   QString::number(fps, 'g', 10),
                QStringLiteral("-i"),           QStringLiteral("pipe:0")};
  if (format == Format::Mp4) {
    // yuv420p (what players expect) needs even dimensions: pad by at most one pixel.
    arguments_ << QStringLiteral("-vf") << QStringLiteral("pad=ceil(iw/2)*2:ceil(ih/2)*2")
               << QStringLiteral("-c:v") << QStringLiteral("libx264") << QStringLiteral("-pix_fmt")
               << QStringLiteral("yuv420p") << QStringLiteral("-crf") << QStringLiteral("18")
               << QStringLiteral("-movflags") << QStringLiteral("+faststart") << QStringLiteral("-f")
               << QStringLiteral("mp4");
  } else {
    // One palette computed over all frames, then applied, in a single filter graph.
    arguments_ << QStringLiteral("-filter_complex")
               << QStringLiteral("[0:v]split[frames][forpalette];[forpalette]palettegen[palette];"
                                 "[frames][palette]paletteuse")
               << QStringLiteral("-f") << QStringLiteral("gif");
  }
  arguments_ << temporary;

  source_ = &source;
  outputPath_ = outputPath;
  temporaryPath_ = temporary;
  frameSize_ = first.size();
  total_ = total;
  nextFrame_ = 0;

  process_ = new QProcess(this);
  process_->setProcessChannelMode(QProcess::SeparateChannels);
  process_->setStandardOutputFile(QProcess::nullDevice());
  process_->start(program, arguments_);
  // Waiting for fork and exec takes milliseconds and makes a program that cannot run a
  // plain start() error rather than a later signal.
  if (!process_->waitForStarted(10000)) {
    error_ = QStringLiteral("could not start ffmpeg (%1): %2").arg(program, process_->errorString());
    delete process_;
    process_ = nullptr;
    QFile::remove(temporary);
    temporaryPath_.clear();
    source_ = nullptr;
    return false;
  }
  connect(process_, &QProcess::finished, this, &VideoExporter::onProcessFinished);
  connect(process_, &QProcess::errorOccurred, this, &VideoExporter::onProcessError);
  connect(process_, &QProcess::readyReadStandardError, this, &VideoExporter::collectStderr);
  connect(process_, &QProcess::bytesWritten, this, [this] {
    if (state_ == State::Sending && !pumpTimer_.isActive()) pumpTimer_.start();
  });
  state_ = State::Sending;
  if (!writeFrame(first, 0)) return true;  // fail() has reported it through finished()
  nextFrame_ = 1;
  emit progress(1, total_);
  if (state_ != State::Sending) return true;  // cancelled from a progress slot
  if (nextFrame_ == total_) {
    process_->closeWriteChannel();
    state_ = State::Encoding;
  } else {
    pumpTimer_.start();
  }
  return true;
}

void VideoExporter::pumpFrames() {
  // A modal progress dialog processes events inside progress(): no nested pumping then.
  if (state_ != State::Sending || !process_ || pumping_) return;
  pumping_ = true;
  const auto done = qScopeGuard([this] { pumping_ = false; });
  const qint64 frameBytes = static_cast<qint64>(frameSize_.width()) * frameSize_.height() * 4;
  QElapsedTimer slice;
  slice.start();
  while (nextFrame_ < total_) {
    if (process_->bytesToWrite() >= kMaxBufferedFrames * frameBytes) return;  // bytesWritten resumes
    const int index = nextFrame_;
    if (!writeFrame(source_->renderFrame(index), index)) return;
    nextFrame_ = index + 1;
    emit progress(nextFrame_, total_);
    if (state_ != State::Sending) return;  // cancelled from a progress slot
    if (slice.elapsed() >= kSliceMs) break;
  }
  if (nextFrame_ == total_) {
    // QProcess writes what is buffered, then closes ffmpeg's stdin: ffmpeg finishes the file.
    process_->closeWriteChannel();
    state_ = State::Encoding;
  } else {
    pumpTimer_.start();
  }
}

bool VideoExporter::writeFrame(const QImage& frame, int index) {
  if (frame.isNull()) {
    fail(QStringLiteral("export failed: frame %1 could not be rendered").arg(index));
    return false;
  }
  if (frame.size() != frameSize_) {
    fail(QStringLiteral("export failed: frame %1 is %2x%3 pixels but frame 0 was %4x%5")
             .arg(index)
             .arg(frame.width())
             .arg(frame.height())
             .arg(frameSize_.width())
             .arg(frameSize_.height()));
    return false;
  }
  // Straight (not premultiplied) RGBA, 4 bytes per pixel, rows without padding.
  const QImage rgba = frame.convertToFormat(QImage::Format_RGBA8888);
  const qsizetype rowBytes = static_cast<qsizetype>(rgba.width()) * 4;
  if (rgba.bytesPerLine() == rowBytes) {
    process_->write(reinterpret_cast<const char*>(rgba.constBits()), rowBytes * rgba.height());
  } else {
    for (int y = 0; y < rgba.height(); ++y)
      process_->write(reinterpret_cast<const char*>(rgba.constScanLine(y)), rowBytes);
  }
  return true;
}

void VideoExporter::collectStderr() {
  if (!process_) return;
  stderr_ += process_->readAllStandardError();
  if (stderr_.size() > kMaxStderrBytes) stderr_ = stderr_.right(kMaxStderrBytes);
}

QString VideoExporter::lastStderrLines() const {
  QStringList lines;
  for (const QByteArray& line : stderr_.split('\n')) {
    const QString text = QString::fromLocal8Bit(line).trimmed();
    if (!text.isEmpty()) lines << text;
  }
  if (lines.size() > 3) lines = lines.mid(lines.size() - 3);
  return lines.join(QStringLiteral(" | "));
}

void VideoExporter::onProcessError(QProcess::ProcessError error) {
  // A failed start never reports finished(); a crash and a write error (ffmpeg
  // gone) are followed by finished(), which reports them with ffmpeg's stderr.
  if (error == QProcess::FailedToStart && isRunning())
    fail(QStringLiteral("could not start ffmpeg (%1): %2")
             .arg(process_->program(), process_->errorString()));
}

void VideoExporter::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
  if (!isRunning()) return;
  collectStderr();
  const QString details = lastStderrLines();
  if (status != QProcess::NormalExit) {
    fail(QStringLiteral("ffmpeg crashed%1").arg(details.isEmpty() ? QString() : ": " + details));
    return;
  }
  if (exitCode != 0) {
    fail(QStringLiteral("ffmpeg failed (exit code %1)%2")
             .arg(exitCode)
             .arg(details.isEmpty() ? QString() : ": " + details));
    return;
  }
  if (state_ != State::Encoding) {
    fail(QStringLiteral("ffmpeg stopped after %1 of %2 frames%3")
             .arg(nextFrame_)
             .arg(total_)
             .arg(details.isEmpty() ? QString() : ": " + details));
    return;
  }
  succeed();
}

void VideoExporter::succeed() {
  // rename() replaces an existing output atomically (the caller has confirmed that).
  const QByteArray from = QFile::encodeName(temporaryPath_);
  const QByteArray to = QFile::encodeName(outputPath_);
  if (std::rename(from.constData(), to.constData()) != 0) {
    fail(fileErrorText(outputPath_, QStringLiteral("renaming the finished file failed")));
    return;
  }
  temporaryPath_.clear();
  state_ = State::Idle;
  source_ = nullptr;
  if (process_) {
    process_->disconnect(this);
    process_->deleteLater();
    process_ = nullptr;
  }
  error_.clear();
  emit finished(true, QString());
}

void VideoExporter::fail(const QString& error) {
  pumpTimer_.stop();
  if (process_) {
    process_->disconnect(this);
    if (process_->state() != QProcess::NotRunning) {
      process_->kill();
      process_->waitForFinished(2000);
    }
    process_->deleteLater();
    process_ = nullptr;
  }
  if (!temporaryPath_.isEmpty()) QFile::remove(temporaryPath_);
  temporaryPath_.clear();
  state_ = State::Idle;
  source_ = nullptr;
  error_ = error;
  emit finished(false, error);
}

void VideoExporter::cancel() {
  if (!isRunning()) return;
  fail(QStringLiteral("export cancelled"));
}

}  // namespace palaestra
