// The swarm's classic rules against published physics, on SwarmEnv itself:
// - Kuramoto, all-to-all, Lorentzian natural frequencies of half width gamma: the incoherent
//   state (r ~ 1/sqrt(N)) is stable below K_c = 2 gamma, and above it r settles at
//   sqrt(1 - K_c / K) (Kuramoto 1975; Strogatz 2000, eq. 4.7). N = 10,000 with quantile-sampled
//   frequencies; tolerance 0.05 on r below K_c and 0.04 above.
// - Vicsek (Gregoire-Chate form, density 3, r 1, v0 0.5): the order phi falls from ~1 at low
//   noise to ~0 at eta = 1 (Vicsek et al. 1995, Fig. 2a), here at N = 1000.
#include <QtTest>

#include "swarm/SwarmPhaseCurves.h"

using namespace palaestra::swarm;

class TestSwarmPhysics : public QObject {
  Q_OBJECT
 private slots:
  void kuramotoAllToAllMatchesTheMeanFieldSolution() {
    KuramotoCurveSettings s;
    s.agents = 10000;
    s.frequencyWidth = 0.5;  // K_c = 1
    s.couplings = {0.5, 1.5, 3.0};
    s.transientTime = 40;
    s.measuredTime = 10;
    const auto curve = kuramotoPhaseCurve(s);
    for (const PhaseCurvePoint& p : curve) {
      const double tolerance = p.control < 1.0 ? 0.05 : 0.04;
      qInfo("K = %.2f: r = %.4f, theory %.4f", p.control, p.order, p.theory);
      QVERIFY2(std::fabs(p.order - p.theory) < tolerance,
               qPrintable(QString("K = %1: r = %2, mean-field theory %3 (tolerance %4)")
                              .arg(p.control)
                              .arg(p.order)
                              .arg(p.theory)
                              .arg(tolerance)));
    }
  }

  void vicsekOrderFallsAsNoiseGrows() {
    VicsekCurveSettings s;
    s.agents = 1000;
    s.noises = {0.05, 0.3, 0.6, 1.0};
    s.transientSteps = 300;
    s.measuredSteps = 200;
    s.seeds = 1;
    const auto curve = vicsekPhaseCurve(s);
    for (const PhaseCurvePoint& p : curve) qInfo("eta = %.2f: phi = %.4f", p.control, p.order);
    QVERIFY2(curve.front().order > 0.9, qPrintable(QString::number(curve.front().order)));
    QVERIFY2(curve.back().order < 0.1, qPrintable(QString::number(curve.back().order)));
    for (size_t i = 1; i < curve.size(); ++i)
      QVERIFY2(curve[i].order < curve[i - 1].order,
               qPrintable(QString("phi(%1) = %2 is not below phi(%3) = %4")
                              .arg(curve[i].control)
                              .arg(curve[i].order)
                              .arg(curve[i - 1].control)
                              .arg(curve[i - 1].order)));
  }
};

QTEST_GUILESS_MAIN(TestSwarmPhysics)
#include "TestSwarmPhysics.moc"
