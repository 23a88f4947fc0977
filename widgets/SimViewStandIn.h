#pragma once
// A plain widget shown where a SimView cannot be created (no OpenGL 3.3 on this
// display): it paints SimView's "no OpenGL" message with the reason, plus the
// caller's overlay lines so the frame counter and return stay readable.

#include <QString>
#include <QStringList>
#include <QWidget>

namespace palaestra {

class SimViewStandIn : public QWidget {
  Q_OBJECT

 public:
  /// A stand-in explaining `reason` (typically SimView::openGlProblem()).
  explicit SimViewStandIn(const QString& reason, QWidget* parent = nullptr);

  /// Why there is no simulation view.
  QString reason() const { return reason_; }
  /// Text lines painted below the message (frame, return, ...).
  void setOverlayLines(const QStringList& lines);
  /// The caller's overlay lines.
  QStringList overlayLines() const { return overlayLines_; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString reason_;
  QStringList overlayLines_;
};

}  // namespace palaestra
