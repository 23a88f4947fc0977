#include "widgets/EvalText.h"

#include <QLocale>

#include <cmath>

namespace palaestra {

QString evalFiguresText(const EvalFigures& eval) {
  if (std::isnan(eval.meanReturn)) return QStringLiteral("no evaluation");
  QString text = QString::number(eval.meanReturn, 'f', 1);
  if (!std::isnan(eval.stdReturn)) text += QStringLiteral(" ± %1").arg(eval.stdReturn, 0, 'f', 1);
  if (!std::isnan(eval.medianReturn))
    text += QStringLiteral(", median %1").arg(eval.medianReturn, 0, 'f', 1);
  if (!std::isnan(eval.fallRate))
    text += QStringLiteral(", fell %1%").arg(100.0 * eval.fallRate, 0, 'f', 1);
  if (eval.episodes > 0) text += QStringLiteral(" of %1 episodes").arg(eval.episodes);
  return text;
}

QString runResultText(const RunCheckpointSummary& summary) {
  if (!summary.best) return QStringLiteral("no evaluation yet");
  const QString where = QStringLiteral("checkpoint %1 (step %2)")
                            .arg(summary.best->id)
                            .arg(QLocale::c().toString(static_cast<qlonglong>(summary.best->step)));
  return (summary.bestIsMarked ? QStringLiteral("best ") : QStringLiteral("best so far: ")) +
         where + QStringLiteral(": ") + evalFiguresText(summary.bestEval);
}

}  // namespace palaestra
