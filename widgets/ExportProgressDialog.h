#pragma once
// A progress dialog around one VideoExporter: shows frames sent of the total,
// "Encoding..." while ffmpeg finishes the file, a Cancel button that stops the
// export (no partial file is left), and the error in a message box when the
// export cannot start or fails. Message boxes can be switched off for tests;
// the outcome is always available as exportFinished() and lastError().

#include <QProgressDialog>
#include <QString>

#include "widgets/FrameSource.h"
#include "widgets/VideoExporter.h"

namespace palaestra {

class ExportProgressDialog : public QProgressDialog {
  Q_OBJECT

 public:
  /// A hidden dialog, window-modal to `parent`.
  explicit ExportProgressDialog(QWidget* parent = nullptr);

  /// Starts exporting `source` to `outputPath` and shows the dialog. Returns false (after
  /// showing the error unless message boxes are off) when the export cannot start; then
  /// exportFinished() is emitted with the error too. `source` must outlive the export.
  bool exportVideo(FrameSource& source, const QString& outputPath);
  /// Whether failures are shown in a message box (default on; tests turn it off).
  void setMessageBoxesEnabled(bool enabled) { messageBoxes_ = enabled; }
  /// The exporter the dialog drives.
  VideoExporter& exporter() { return exporter_; }
  /// Why the last export failed or was cancelled; empty after a success.
  QString lastError() const { return lastError_; }

 signals:
  /// The export ended (also when it could not start): ok, or the error shown.
  void exportFinished(bool ok, const QString& error);

 private:
  void onProgress(int done, int total);
  void onFinished(bool ok, const QString& error);
  void showError(const QString& error);

  VideoExporter exporter_;
  QString outputPath_;
  QString lastError_;
  bool messageBoxes_ = true;
};

}  // namespace palaestra
