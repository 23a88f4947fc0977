// Tests of the curriculum core (issue 11, point 1): the task box maps the unit cube onto chosen
// task parameters and refuses bounds outside the env's ranges; the Gaussian mixture fitted by EM
// finds three separated clusters and AIC chooses k = 3; the random teacher is uniform and
// deterministic; ALP-GMM concentrates its tasks where a simulated student makes progress, and a
// teacher restored from its state() continues with exactly the same tasks; Covar-GMM does the same
// by time-competence covariance; ADR's box grows from the start task to the edge of what the
// student masters; a curriculum config section builds its teacher or names its bad field.
#include <QtTest>

#include <cmath>

#include "conformance/TinyTraining.h"
#include "curriculum/AdrTeacher.h"
#include "curriculum/AlpGmmTeacher.h"
#include "curriculum/CovarGmmTeacher.h"
#include "curriculum/Curriculum.h"
#include "curriculum/GaussianMixture.h"
#include "curriculum/LadderTeacher.h"
#include "curriculum/RandomTeacher.h"
#include "curriculum/RiacTeacher.h"
#include "curriculum/StagedTeacher.h"
#include "curriculum/TaskBox.h"
#include "util/Errors.h"
#include "util/Rng.h"

using namespace palaestra;

namespace {

std::string boxError(const nlohmann::json& json) {
  try {
    TaskBox::fromJson(testing::stumpTaskSpace(), json, "curriculum");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A student that learns only in the band 0.2 < x < 0.4 of the first task dimension: there its
// return climbs with practice (episodes spent in the band), elsewhere it stays where it was.
class BandStudent {
 public:
  double play(const std::vector<double>& unit, Rng& noise) {
    const bool inBand = unit[0] > 0.2 && unit[0] < 0.4;
    if (inBand) ++practice_;
    const double skill = inBand ? std::min(1.0, practice_ / 400.0) : 0.0;
    return -150.0 + 500.0 * skill + noise.normal(0.0, 5.0);
  }

 private:
  int practice_ = 0;
};

// Teaches a BandStudent for `episodes` episodes; returns the share of tasks from episode `from`
// on that fell in its learning band.
double shareInBand(Teacher& teacher, int episodes, int from, uint64_t noiseSeed = 5) {
  BandStudent student;
  Rng noise(noiseSeed);
  int inBand = 0;
  for (int episode = 0; episode < episodes; ++episode) {
    const std::vector<double> task = teacher.sample();
    teacher.observe(task, student.play(task, noise));
    if (episode >= from) inBand += task[0] > 0.2 && task[0] < 0.4;
  }
  return static_cast<double>(inBand) / (episodes - from);
}

}  // namespace

class TestCurriculum : public QObject {
  Q_OBJECT
 private slots:
  void taskBoxMapsTheUnitCube() {
    const TaskSpace space = testing::stumpTaskSpace();
    const TaskBox box = TaskBox::fromJson(
        space, {{"params", {"stump_height", "level"}}, {"bounds", {{"stump_height", {0.5, 2.5}}}}},
        "curriculum");
    QCOMPARE(box.size(), 2);
    const TaskValues task = box.toTask({0.25, 0.5}, space.defaults());
    QCOMPARE(task[0], 1.0);  // 0.5 + 0.25 * 2
    QCOMPARE(task[1], 6.0);  // untouched: the base task's
    QCOMPARE(task[2], 5.0);  // 1 + 0.5 * 7 = 4.5, rounded (an integer parameter)
    const std::vector<double> back = box.toUnit(task);
    QCOMPARE(back[0], 0.25);
    QCOMPARE(box.toTask({-1.0, 2.0}, space.defaults())[0], 0.5);  // clamped into the box
    QCOMPARE(box.toJson()["bounds"]["stump_height"], nlohmann::json({0.5, 2.5}));
    QCOMPARE(TaskBox::fromJson(space, nlohmann::json::object(), "curriculum").size(), 3);
  }

  void taskBoxRefusesBadBounds_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("outside the range")
        << R"({"params": ["stump_height"], "bounds": {"stump_height": [0, 4]}})"
        << "curriculum.bounds.stump_height [0.000000, 4.000000] is outside the parameter's range";
    QTest::newRow("low above high")
        << R"({"params": ["stump_height"], "bounds": {"stump_height": [2, 1]}})"
        << "curriculum.bounds.stump_height must be [low, high] with low <= high";
    QTest::newRow("unknown parameter")
        << R"({"params": ["stump_width"]})"
        << "curriculum.params: 'stump_width' is not a task parameter "
           "of this env (it has stump_height, obstacle_spacing, level)";
    QTest::newRow("twice") << R"({"params": ["level", "level"]})"
                           << "curriculum.params names 'level' twice";
    QTest::newRow("empty") << R"({"params": []})"
                           << "curriculum.params must be a non-empty list";
    QTest::newRow("no whole value") << R"({"params": ["level"], "bounds": {"level": [2.2, 2.8]}})"
                                    << "curriculum.bounds.level holds no whole value";
    QTest::newRow("bounds of a parameter not chosen")
        << R"({"params": ["level"], "bounds": {"stump_height": [0, 1]}})"
        << "curriculum.bounds.stump_height bounds a parameter not in curriculum.params";
  }
  void taskBoxRefusesBadBounds() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const std::string error = boxError(nlohmann::json::parse(json.toStdString()));
    QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
  }

  void mixtureFindsThreeClustersAndAicChoosesThree() {
    Rng rng(4);
    const double centres[3][2] = {{0.2, 0.2}, {0.8, 0.3}, {0.5, 0.85}};
    Eigen::MatrixXd points(600, 2);
    for (int i = 0; i < 600; ++i)
      for (int d = 0; d < 2; ++d) points(i, d) = centres[i % 3][d] + rng.normal(0.0, 0.04);
    Rng fitRng(9);
    const GaussianMixture best = GaussianMixture::fitBest(points, 1, 6, fitRng, {});
    QCOMPARE(best.size(), 3);
    for (const auto& centre : centres) {
      double nearest = 1e9;
      for (const auto& c : best.components())
        nearest = std::min(nearest, std::hypot(c.mean[0] - centre[0], c.mean[1] - centre[1]));
      QVERIFY2(nearest < 0.01, qPrintable(QString("centre missed by %1").arg(nearest)));
    }
    for (const auto& c : best.components()) {
      QVERIFY(std::fabs(c.weight - 1.0 / 3) < 0.02);
      QVERIFY(std::fabs(std::sqrt(c.covariance(0, 0)) - 0.04) < 0.008);
    }
    // Fewer components explain the data worse by AIC.
    Rng again(9);
    QVERIFY(GaussianMixture::fit(points, 2, again, {}).aic(points) > best.aic(points));
    // JSON round trip is exact.
    const GaussianMixture copy = GaussianMixture::fromJson(best.toJson());
    QCOMPARE(copy.logLikelihood(points), best.logLikelihood(points));
    QVERIFY_THROWS_EXCEPTION(ConfigError, GaussianMixture::fromJson(nlohmann::json{{"weight", 1}}));
  }

  void randomTeacherIsUniformAndDeterministic() {
    RandomTeacher a(2, 7), b(2, 7);
    double sum = 0;
    int low = 0;
    for (int i = 0; i < 4000; ++i) {
      const std::vector<double> u = a.sample();
      QCOMPARE(u, b.sample());
      QVERIFY(u[0] >= 0 && u[0] < 1 && u[1] >= 0 && u[1] < 1);
      sum += u[0];
      low += u[1] < 0.25;
    }
    QVERIFY(std::fabs(sum / 4000 - 0.5) < 0.02);
    QVERIFY(std::fabs(low / 4000.0 - 0.25) < 0.03);
    RandomTeacher c(2, 1);
    c.restore(a.state());
    QCOMPARE(c.sample(), a.sample());
  }

  void alpGmmFollowsTheLearningProgress() {
    GmmTeacherConfig config = GmmTeacherConfig::alpGmmDefaults();
    config.fitRate = 100;
    AlpGmmTeacher teacher(2, config, 3);
    const double share = shareInBand(teacher, 1500, 1000);
    QCOMPARE(teacher.fits(), 15);
    QVERIFY(teacher.mixture().size() >= config.kMin && teacher.mixture().size() <= config.kMax);
    // The band is a fifth of the box; a random teacher puts a fifth of its tasks there.
    qInfo("ALP-GMM: %.2f of tasks 1000-1500 in the learning band (uniform: 0.20), %d components",
          share, teacher.mixture().size());
    QVERIFY2(share > 0.4,
             qPrintable(QString("share of tasks in the learning band: %1").arg(share)));
  }

  void alpGmmContinuesExactlyFromItsState() {
    GmmTeacherConfig config = GmmTeacherConfig::alpGmmDefaults();
    config.fitRate = 50;
    AlpGmmTeacher a(2, config, 11);
    BandStudent student;
    Rng noise(2);
    for (int episode = 0; episode < 230; ++episode) {
      const std::vector<double> task = a.sample();
      a.observe(task, student.play(task, noise));
    }
    // Through text, as a store keeps it.
    AlpGmmTeacher b(2, config, 999);
    b.restore(nlohmann::json::parse(a.state().dump()));
    QCOMPARE(b.fits(), a.fits());
    Rng noiseA(8), noiseB(8);
    BandStudent studentA = student, studentB = student;
    for (int episode = 0; episode < 100; ++episode) {
      const std::vector<double> ta = a.sample(), tb = b.sample();
      QCOMPARE(ta, tb);
      a.observe(ta, studentA.play(ta, noiseA));
      b.observe(tb, studentB.play(tb, noiseB));
    }
    QCOMPARE(a.state().dump(), b.state().dump());
    // Another teacher's or box's state is refused, and the teacher keeps its own.
    AlpGmmTeacher other(3, config, 1);
    QVERIFY_THROWS_EXCEPTION(ConfigError, other.restore(a.state()));
    QCOMPARE(other.episodes(), 0);
    QVERIFY_THROWS_EXCEPTION(ConfigError, b.restore(RandomTeacher(2, 1).state()));
  }

  void covarGmmFollowsRisingCompetence() {
    GmmTeacherConfig config = GmmTeacherConfig::covarGmmDefaults();
    config.fitRate = 100;
    CovarGmmTeacher teacher(2, config, 6);
    const double share = shareInBand(teacher, 800, 300);
    QCOMPARE(teacher.fits(), 8);
    qInfo("Covar-GMM: %.2f of tasks 300-800 in the learning band (uniform: 0.20)", share);
    QVERIFY2(share > 0.3, qPrintable(QString("share in the band: %1").arg(share)));
    CovarGmmTeacher copy(2, config, 1);
    copy.restore(nlohmann::json::parse(teacher.state().dump()));
    for (int i = 0; i < 20; ++i) QCOMPARE(copy.sample(), teacher.sample());
  }

  void adrGrowsToTheEdgeOfWhatIsMastered() {
    // Mastered (return 250) while x < 0.55, failed (-100) beyond; y does not matter.
    AdrTeacher teacher({0.0, 0.5}, AdrConfig{}, 2);
    for (int episode = 0; episode < 4000; ++episode) {
      const std::vector<double> task = teacher.sample();
      QVERIFY(task[0] >= teacher.low()[0] && task[0] <= teacher.high()[0]);
      teacher.observe(task, task[0] < 0.55 ? 250.0 : -100.0);
    }
    QCOMPARE(teacher.low()[0], 0.0);  // never below the unit cube
    QVERIFY2(teacher.high()[0] > 0.45 && teacher.high()[0] < 0.65,
             qPrintable(QString("high edge %1").arg(teacher.high()[0])));
    QCOMPARE(teacher.low()[1], 0.0);  // y is always mastered: its box opens fully
    QCOMPARE(teacher.high()[1], 1.0);
    AdrTeacher copy({0.0, 0.5}, AdrConfig{}, 9);
    copy.restore(nlohmann::json::parse(teacher.state().dump()));
    for (int i = 0; i < 20; ++i) QCOMPARE(copy.sample(), teacher.sample());
    QVERIFY_THROWS_EXCEPTION(ConfigError,
                             AdrTeacher({0.2, 0.5}, AdrConfig{}, 1).restore(teacher.state()));
  }

  void riacSplitsTowardTheLearningProgress() {
    RiacConfig config;
    config.maxRegionSize = 60;
    RiacTeacher teacher(2, config, 8);
    const double share = shareInBand(teacher, 1500, 500);
    qInfo("RIAC: %.2f of tasks 500-1500 in the learning band (uniform: 0.20), %d regions", share,
          static_cast<int>(teacher.regions().size()));
    QVERIFY(teacher.regions().size() > 2);
    QVERIFY2(share > 0.3, qPrintable(QString("share in the band: %1").arg(share)));
    // The regions tile the cube: their volumes sum to 1.
    double volume = 0;
    for (const auto& r : teacher.regions())
      volume += (r.high[0] - r.low[0]) * (r.high[1] - r.low[1]);
    QVERIFY(std::fabs(volume - 1.0) < 1e-9);
    RiacTeacher copy(2, config, 1);
    copy.restore(nlohmann::json::parse(teacher.state().dump()));
    for (int i = 0; i < 20; ++i) QCOMPARE(copy.sample(), teacher.sample());
  }

  void stagedCurriculumAdvancesAtItsThreshold() {
    const TaskSpace space = testing::stumpTaskSpace();
    Curriculum curriculum(
        {{"teacher", "staged"},
         {"params", {"stump_height"}},
         {"staged",
          {{"window", 5},
           {"stages",
            {{{"bounds", {{"stump_height", {0.0, 1.0}}}}, {"advance_at", 100}},
             {{"bounds", {{"stump_height", {1.0, 3.0}}}}, {"advance_at", 1e9}}}}}}},
        space, space.defaults(), 3);
    const auto& staged = dynamic_cast<const StagedTeacher&>(curriculum.teacher());
    // Below the threshold the first stage stays; five episodes at it pass it.
    for (int i = 0; i < 20; ++i) {
      const TaskValues task = curriculum.nextTask();
      QVERIFY(task[0] <= 1.0);
      curriculum.observe(task, 50.0);
    }
    QCOMPARE(staged.stage(), 0);
    for (int i = 0; i < 5; ++i) curriculum.observe(curriculum.nextTask(), 150.0);
    QCOMPARE(staged.stage(), 1);
    for (int i = 0; i < 20; ++i) QVERIFY(curriculum.nextTask()[0] >= 1.0);
    QCOMPARE(curriculum.canonical()["staged"]["stages"][1]["bounds"]["stump_height"],
             nlohmann::json({1.0, 3.0}));
    const auto error = [&space](const nlohmann::json& staged) -> std::string {
      try {
        Curriculum({{"teacher", "staged"}, {"params", {"stump_height"}}, {"staged", staged}}, space,
                   space.defaults(), 1);
      } catch (const ConfigError& e) {
        return e.what();
      }
      return "(no error)";
    };
    QVERIFY(error({{"stages", nlohmann::json::array()}})
                .find("curriculum.staged.stages must be a non-empty list") != std::string::npos);
    QVERIFY(
        error({{"stages", {{{"bounds", {{"stump_height", {2, 5}}}}}}}})
            .find("curriculum.staged.stages[0].bounds.stump_height must be [low, high] within") !=
        std::string::npos);
    QVERIFY(error({{"stages", {{{"bounds", {{"level", {2, 3}}}}}}}})
                .find("curriculum.staged.stages[0].bounds.level is not a parameter the curriculum "
                      "chooses") != std::string::npos);
    QVERIFY(error({{"stages", {{{"advance", 3}}}}})
                .find("unknown config key 'curriculum.staged.stages[0].advance'") !=
            std::string::npos);
  }

  void curriculumSectionBuildsItsTeacher() {
    const TaskSpace space = testing::stumpTaskSpace();
    Curriculum curriculum({{"teacher", "alp_gmm"},
                           {"params", {"stump_height", "level"}},
                           {"bounds", {{"stump_height", {1.0, 2.0}}, {"level", {2, 4}}}},
                           {"alp_gmm", {{"fit_rate", 50}}}},
                          space, space.defaults(), 4);
    QCOMPARE(curriculum.teacher().kind(), std::string("alp_gmm"));
    QCOMPARE(curriculum.canonical()["alp_gmm"]["k_max"], 10);
    for (int i = 0; i < 200; ++i) {
      const TaskValues task = curriculum.nextTask();
      space.validate(task);
      QVERIFY(task[0] >= 1.0 && task[0] <= 2.0);
      QCOMPARE(task[1], 6.0);
      QVERIFY(task[2] == 2.0 || task[2] == 3.0 || task[2] == 4.0);
      curriculum.observe(task, 100.0 * task[0]);
    }
    const auto error = [&space](const nlohmann::json& json) -> std::string {
      try {
        Curriculum(json, space, space.defaults(), 1);
      } catch (const ConfigError& e) {
        return e.what();
      }
      return "(no error)";
    };
    QVERIFY(error({{"teacher", "goalgan"}}).find("curriculum.teacher must be one of") !=
            std::string::npos);
    QVERIFY(error({{"teacher", "alp_gmm"}, {"adr", {{"step", 0.2}}}})
                .find("curriculum.adr is for teacher \"adr\"; this curriculum's teacher is "
                      "\"alp_gmm\"") != std::string::npos);
    QVERIFY(error({{"teacher", "adr"}, {"adr", {{"stepp", 0.2}}}})
                .find("unknown config key 'curriculum.adr.stepp'") != std::string::npos);
    QVERIFY(error({{"teacher", "random"}, {"param", {"level"}}})
                .find("unknown config key 'curriculum.param'") != std::string::npos);
    QVERIFY(error({{"bounds", {{"stump_height", {0, 9}}}}}).find("outside the parameter's range") !=
            std::string::npos);
    // ADR starts from the base task.
    TaskValues base = space.defaults();
    base[0] = 1.5;
    Curriculum adr({{"teacher", "adr"}, {"params", {"stump_height"}}}, space, base, 1);
    QCOMPARE(adr.nextTask()[0], 1.5);
  }

  void ladderPractisesTheOpponentsNotYetBeaten() {
    // 12 characters x 8 levels; the student beats every level up to 4 and no level above.
    const TaskSpace space(
        {{"opponent", 0.0, 11.0, 0.0, true, ""}, {"cpu_level", 1.0, 8.0, 1.0, true, ""}});
    Curriculum ladder({{"teacher", "ladder"}}, space, space.defaults(), 7);
    QCOMPARE(ladder.canonical()["ladder"]["window"], 20);
    int fractional = 0;  // tasks off the whole values
    const auto play = [&ladder, &fractional](int episodes) {
      int hard = 0;
      for (int i = 0; i < episodes; ++i) {
        const TaskValues t = ladder.nextTask();
        fractional += t[0] != std::round(t[0]) || t[1] != std::round(t[1]);
        const bool won = t[1] <= 4.0;
        ladder.observe(t, won ? 1.0 : -1.0, won ? 1.0 : 0.0);
        hard += t[1] > 4.0;
      }
      return static_cast<double>(hard) / episodes;
    };
    play(2000);
    // Weights 1 for the 48 lost cells, 0.05 for the 48 won: 1 / 1.05 = 0.95 of tasks (uniform 0.5).
    const double late = play(2000);
    QVERIFY2(late > 0.9, qPrintable(QString::number(late)));
    QCOMPARE(fractional, 0);
    const nlohmann::json model = ladder.teacher().model();
    QCOMPARE(model["cells"].size(), size_t{96});
    QCOMPARE(model["cells"][0]["win_rate"], 1.0);   // opponent 0, level 1
    QCOMPARE(model["cells"][95]["win_rate"], 0.0);  // opponent 11, level 8
    // Restored from its state, it continues with the same opponents.
    Curriculum restored({{"teacher", "ladder"}}, space, space.defaults(), 7);
    restored.restore(nlohmann::json::parse(ladder.state().dump()));
    for (int i = 0; i < 100; ++i) {
      const TaskValues t = ladder.nextTask();
      QCOMPARE(restored.nextTask(), t);
      ladder.observe(t, 0.0, 0.0);
      restored.observe(t, 0.0, 0.0);
    }
    // A parameter without whole values is refused by name.
    try {
      Curriculum({{"teacher", "ladder"}}, testing::stumpTaskSpace(),
                 testing::stumpTaskSpace().defaults(), 1);
      QFAIL("a ladder over continuous parameters was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("'stump_height' is not an integer parameter") !=
                   std::string::npos,
               e.what());
    }
  }

  void alpGmmConfigRefusesBadFields() {
    const auto error = [](const nlohmann::json& json) -> std::string {
      try {
        GmmTeacherConfig::fromJson(json, "curriculum.alp_gmm", GmmTeacherConfig::alpGmmDefaults());
      } catch (const ConfigError& e) {
        return e.what();
      }
      return "(no error)";
    };
    QVERIFY(error({{"fit_rat", 100}}).find("unknown config key 'curriculum.alp_gmm.fit_rat'") !=
            std::string::npos);
    QVERIFY(error({{"k_min", 5}, {"k_max", 3}}).find("curriculum.alp_gmm.k_min 5 is larger") !=
            std::string::npos);
    QVERIFY(error({{"return_range", {1, 1}}}).find("curriculum.alp_gmm.return_range must be") !=
            std::string::npos);
    QVERIFY(error({{"random_fraction", 1.5}}).find("curriculum.alp_gmm.random_fraction") !=
            std::string::npos);
    const GmmTeacherConfig c = GmmTeacherConfig::fromJson(
        {{"return_range", {0, 300}}}, "curriculum.alp_gmm", GmmTeacherConfig::alpGmmDefaults());
    QCOMPARE(c.returnHigh, 300.0);
    QCOMPARE(
        GmmTeacherConfig::fromJson(c.toJson(), "x", GmmTeacherConfig::covarGmmDefaults()).toJson(),
        c.toJson());
  }
};

QTEST_GUILESS_MAIN(TestCurriculum)
#include "TestCurriculum.moc"
