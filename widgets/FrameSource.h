#pragma once
// What a video export reads: a fixed number of frames at a fixed rate, each
// rendered on demand in the GUI thread. The replay player and the side-by-side
// comparison implement it by rendering through their own SimView, so the video
// holds exactly what the view shows: SimView::setScene(frame), then
// SimView::grabFramebuffer().
//
// Does grabFramebuffer() include the QPainter text overlay and labels? Yes:
// SimView::grabFramebuffer() makes the view's context current, draws the frame
// as the view shows it (GL scene, then labels and overlay with a QPainter) into
// a framebuffer object and reads that object back. TestGlViewExport checks it: a view
// with overlay lines grabs different pixels in the overlay box than one without,
// and the same pixels elsewhere. (Hide the FPS readout with
// SimView::setFrameTimesVisible(false) when frames must not depend on timing.)

#include <QImage>

namespace palaestra {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  /// How many frames the export holds (at least 1 for a valid source).
  virtual int frameCount() const = 0;
  /// Playback rate of the exported video, frames per second (> 0).
  virtual double framesPerSecond() const = 0;
  /// Renders frame `index` in [0, frameCount()); called in the GUI thread, in order.
  /// Every frame must have the same size; a null image means the frame could not be rendered.
  virtual QImage renderFrame(int index) = 0;
};

}  // namespace palaestra
