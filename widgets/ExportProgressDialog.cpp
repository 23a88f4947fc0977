#include "widgets/ExportProgressDialog.h"

#include <QFileInfo>
#include <QMessageBox>

namespace palaestra {

ExportProgressDialog::ExportProgressDialog(QWidget* parent) : QProgressDialog(parent) {
  setWindowTitle(tr("Export video"));
  setWindowModality(Qt::WindowModal);
  // The dialog closes when ffmpeg has finished the file, not when the last frame is sent.
  setAutoReset(false);
  setAutoClose(false);
  setMinimumDuration(0);
  setCancelButtonText(tr("Cancel"));
  connect(this, &QProgressDialog::canceled, &exporter_, &VideoExporter::cancel);
  connect(&exporter_, &VideoExporter::progress, this, &ExportProgressDialog::onProgress);
  connect(&exporter_, &VideoExporter::finished, this, &ExportProgressDialog::onFinished);
  // QProgressDialog shows itself minimumDuration after construction even with no work;
  // reset() stops that timer, so the dialog stays hidden until an export starts.
  reset();
  hide();
}

bool ExportProgressDialog::exportVideo(FrameSource& source, const QString& outputPath) {
  outputPath_ = outputPath;
  lastError_.clear();
  setLabelText(tr("Rendering frames for %1...").arg(QFileInfo(outputPath).fileName()));
  setRange(0, std::max(1, source.frameCount()));
  setValue(0);
  show();
  if (!exporter_.start(source, outputPath)) {
    reset();  // also stops the pending automatic show
    hide();
    lastError_ = exporter_.errorString();
    showError(lastError_);
    emit exportFinished(false, lastError_);
    return false;
  }
  return true;
}

void ExportProgressDialog::onProgress(int done, int total) {
  if (maximum() != total) setMaximum(total);
  setValue(done);
  if (done == total) setLabelText(tr("Encoding %1...").arg(QFileInfo(outputPath_).fileName()));
}

void ExportProgressDialog::onFinished(bool ok, const QString& error) {
  lastError_ = ok ? QString() : error;
  const bool cancelled = !ok && wasCanceled();
  reset();  // stops a pending automatic show, so the dialog stays hidden
  hide();
  if (!ok && !cancelled) showError(error);
  emit exportFinished(ok, lastError_);
}

void ExportProgressDialog::showError(const QString& error) {
  if (messageBoxes_) QMessageBox::critical(parentWidget(), tr("Export failed"), error);
}

}  // namespace palaestra
