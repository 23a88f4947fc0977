#pragma once
// Encodes the frames of a FrameSource to MP4 (H.264, yuv420p) or GIF (one
// palette per export) with the ffmpeg program, without blocking the UI: frames
// are rendered a few per event-loop turn and written as raw RGBA to ffmpeg's
// stdin through QProcess, never buffering more than a few frames.
//
// The output appears only complete: ffmpeg writes a hidden temporary file in
// the output's directory, renamed over the output on success and deleted on
// failure or cancel. The exporter replaces an existing output: asking the user
// first is the caller's job.
//
// Errors are one clear line: ffmpeg missing (with how to install it), an
// unsupported suffix, an unwritable place, frames of differing size, and
// ffmpeg's own last stderr lines when it fails.

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "widgets/FrameSource.h"

namespace palaestra {

class VideoExporter : public QObject {
  Q_OBJECT

 public:
  /// The container written, chosen by the output's suffix.
  enum class Format { Mp4, Gif };

  /// An idle exporter.
  explicit VideoExporter(QObject* parent = nullptr);
  /// Stops a running export (killing ffmpeg) and deletes its partial output.
  ~VideoExporter() override;

  /// The ffmpeg program to run: $PALAESTRA_FFMPEG when set (a path or a name on PATH),
  /// else "ffmpeg" found on PATH; empty when it cannot be found.
  static QString ffmpegProgram();
  /// The one-line error shown when ffmpeg is missing.
  static QString ffmpegMissingMessage();
  /// The format for `outputPath`'s suffix (.mp4 or .gif, any case); false for others.
  static bool formatForPath(const QString& outputPath, Format* format);

  /// Starts encoding `source` into `outputPath`. Returns false with errorString() set, and
  /// emits nothing, when the export cannot start (already running, bad suffix, ffmpeg
  /// missing, no frames, unwritable place, first frame not renderable). Otherwise returns
  /// true and emits progress() as frames go out and finished() exactly once. `source`
  /// must outlive the export (until finished() or cancel()).
  bool start(FrameSource& source, const QString& outputPath);
  /// Stops a running export: kills ffmpeg, deletes the partial file and emits
  /// finished(false, "export cancelled"). Does nothing when idle.
  void cancel();

  /// Whether an export is running.
  bool isRunning() const { return state_ != State::Idle; }
  /// Why the last start() or export failed; empty after a success.
  QString errorString() const { return error_; }
  /// The ffmpeg arguments of the running or last export (for diagnostics and tests).
  QStringList lastArguments() const { return arguments_; }

 signals:
  /// `done` of `total` frames have been rendered and handed to ffmpeg.
  void progress(int done, int total);
  /// The export ended: ok with the output in place, or failed/cancelled with `error`.
  void finished(bool ok, const QString& error);

 private:
  enum class State { Idle, Sending, Encoding };

  // Renders and writes frames for a short slice of time, then yields to the event loop.
  void pumpFrames();
  // Writes one frame's raw RGBA bytes; false (after fail()) when the frame is unusable.
  bool writeFrame(const QImage& frame, int index);
  void onProcessFinished(int exitCode, QProcess::ExitStatus status);
  void onProcessError(QProcess::ProcessError error);
  void collectStderr();
  // Ends the export: kills ffmpeg if needed, removes the temporary file, emits finished.
  void fail(const QString& error);
  void succeed();
  // ffmpeg's last few stderr lines, joined for a one-line message.
  QString lastStderrLines() const;

  State state_ = State::Idle;
  QString error_;
  QStringList arguments_;
  QProcess* process_ = nullptr;
  QTimer pumpTimer_;
  FrameSource* source_ = nullptr;
  QString outputPath_;
  QString temporaryPath_;
  QSize frameSize_;
  int total_ = 0;
  int nextFrame_ = 0;
  bool pumping_ = false;
  QByteArray stderr_;
};

}  // namespace palaestra
