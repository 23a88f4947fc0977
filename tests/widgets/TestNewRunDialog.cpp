// Tests of the new-run dialog and its config form, driving the real widgets
// with QTest on the offscreen platform: the walker's default preset gives a
// valid config; unparsable and out-of-range values are marked on exactly
// their field (through the core validator's message), disable OK and name the
// field; fixing them re-enables OK; task parameters from the env spec are
// range-checked; switching preset reloads the form; empty fields never crash;
// every problem is listed at once; each field's tooltip is its documented
// meaning; the budget is the one limit (no ppo.total_timesteps); the default
// name and seed are ones no run in the store has.
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>

#include "Simulations.h"
#include "train/ConfigDocs.h"
#include "train/TrainConfig.h"
#include "util/Errors.h"
#include "widgets/ConfigForm.h"
#include "widgets/NewRunDialog.h"

using namespace palaestra;

namespace {

/// Replaces a line edit's text the way a user does: select all, type.
void retype(QLineEdit* edit, const QString& text) {
  QVERIFY(edit);
  edit->setFocus();
  edit->selectAll();
  if (text.isEmpty())
    QTest::keyClick(edit, Qt::Key_Delete);
  else
    QTest::keyClicks(edit, text);
  QCOMPARE(edit->text(), text);
}

QLineEdit* formEdit(NewRunDialog& dialog, const QString& path) {
  return qobject_cast<QLineEdit*>(dialog.form()->editor(path));
}

/// Selects the walker on Stump Tracks (a terrain with task parameters); its stump_height editor.
QLineEdit* stumpHeightEditor(NewRunDialog& dialog) {
  if (!dialog.selectEnvironment("walker")) return nullptr;
  auto* terrain = qobject_cast<QComboBox*>(dialog.form()->editor("env_config.terrain"));
  if (!terrain) return nullptr;
  terrain->setCurrentText("stump_tracks");
  return dialog.taskEditor("stump_height");
}

}  // namespace

class TestNewRunDialog : public QObject {
  Q_OBJECT

 private slots:
  // The widgets find simulations in the registry; the app's main fills it, here the test does.
  void initTestCase() { registerBuiltinSimulations(); }

  void defaultWalkerPresetIsValid() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.form()->markedFields().isEmpty());
    const nlohmann::json config = dialog.config();
    QCOMPARE(config["env"].get<std::string>(), std::string("walker"));
    const TrainConfig parsed = TrainConfig::fromJson(config);
    QCOMPARE(parsed.ppo.learning_rate, 3e-4);
    QCOMPARE(parsed.ppo.hidden_sizes, (std::vector<int>{64, 64}));
    QCOMPARE(parsed.seed, uint64_t(1));
    QVERIFY(!dialog.runName().isEmpty());
    // Typed leaves: integers stay integers, lists are lists, booleans booleans.
    QVERIFY(config["ppo"]["num_envs"].is_number_integer());
    QVERIFY(config["ppo"]["learning_rate"].is_number());
    QVERIFY(config["ppo"]["hidden_sizes"].is_array());
    QVERIFY(config["ppo"]["anneal_lr"].is_boolean());
    // Enumerations read from the core's validators become combo boxes.
    auto* activation = qobject_cast<QComboBox*>(dialog.form()->editor("ppo.activation"));
    QVERIFY(activation);
    QVERIFY(activation->findText("relu") >= 0);
    auto* terrain = qobject_cast<QComboBox*>(dialog.form()->editor("env_config.terrain"));
    QVERIFY(terrain);
    QVERIFY(terrain->findText("stump_tracks") >= 0);
  }

  void unparsableTextMarksExactlyThatField() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    QSignalSpy validity(&dialog, &NewRunDialog::validityChanged);
    retype(formEdit(dialog, "ppo.learning_rate"), "abc");
    QCOMPARE(dialog.form()->markedFields(), QStringList{"ppo.learning_rate"});
    QVERIFY(!dialog.isValid());
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(dialog.firstError().contains("ppo.learning_rate"));
    QVERIFY(formEdit(dialog, "ppo.learning_rate")->toolTip().contains("ppo.learning_rate"));
    auto* message = dialog.findChild<QLabel*>("message");
    QVERIFY(message);
    QVERIFY(message->text().contains("ppo.learning_rate"));
    QVERIFY(validity.count() >= 1);
    QCOMPARE(validity.last().at(0).toBool(), false);
    // Pressing OK while invalid does not accept.
    dialog.okButton()->click();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
  }

  void outOfRangeValueIsMarkedByCoreValidatorAndFixingReenablesOk() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    retype(formEdit(dialog, "ppo.learning_rate"), "-1");
    QCOMPARE(dialog.form()->markedFields(), QStringList{"ppo.learning_rate"});
    QVERIFY(!dialog.okButton()->isEnabled());
    // The core's own message ("ppo.learning_rate must be a number > 0, got -1").
    QVERIFY2(dialog.firstError().startsWith("ppo.learning_rate must be a number > 0"),
             qPrintable(dialog.firstError()));
    retype(formEdit(dialog, "ppo.learning_rate"), "0.001");
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.form()->markedFields().isEmpty());
    QCOMPARE(TrainConfig::fromJson(dialog.config()).ppo.learning_rate, 0.001);

    retype(formEdit(dialog, "eval.episodes"), "0");
    QCOMPARE(dialog.form()->markedFields(), QStringList{"eval.episodes"});
    QVERIFY(dialog.firstError().startsWith("eval.episodes"));
    retype(formEdit(dialog, "eval.episodes"), "7");
    QVERIFY(dialog.isValid());
    QCOMPARE(TrainConfig::fromJson(dialog.config()).eval.episodes, 7);
  }

  void listFieldsParseAndMarkBadEntries() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    retype(formEdit(dialog, "ppo.hidden_sizes"), "128, 32");
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    QCOMPARE(TrainConfig::fromJson(dialog.config()).ppo.hidden_sizes, (std::vector<int>{128, 32}));
    retype(formEdit(dialog, "ppo.hidden_sizes"), "128, x");
    QCOMPARE(dialog.form()->markedFields(), QStringList{"ppo.hidden_sizes"});
    retype(formEdit(dialog, "ppo.hidden_sizes"), "0");
    QCOMPARE(dialog.form()->markedFields(), QStringList{"ppo.hidden_sizes"});
    QVERIFY(!dialog.okButton()->isEnabled());
  }

  void taskParameterOutOfRangeIsMarked() {
    NewRunDialog dialog;
    QLineEdit* height = stumpHeightEditor(dialog);
    QVERIFY(height);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    retype(height, "5");
    QVERIFY(!dialog.isValid());
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(height->property("invalid").toBool());
    QVERIFY2(dialog.firstError().startsWith("task.stump_height"), qPrintable(dialog.firstError()));
    QVERIFY(dialog.form()->markedFields().isEmpty());
    retype(height, "2.5");
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    QVERIFY(!height->property("invalid").toBool());
    const nlohmann::json config = dialog.config();
    QCOMPARE(config["task"]["stump_height"].get<double>(), 2.5);
    QCOMPARE(config["env_config"]["terrain"].get<std::string>(), std::string("stump_tracks"));
    QCOMPARE(TrainConfig::fromJson(config).task["stump_height"].get<double>(), 2.5);
  }

  // NaN, infinities and numbers beyond a double are refused in every numeric field (issue 9:
  // "reject NaN everywhere"); none reaches the config.
  void nanInfinityAndOverflowAreRefused() {
    NewRunDialog dialog;
    QLineEdit* height = stumpHeightEditor(dialog);
    QVERIFY(height);
    for (const char* text : {"nan", "NaN", "inf", "-inf", "1e400"}) {
      retype(formEdit(dialog, "ppo.learning_rate"), text);
      QCOMPARE(dialog.form()->markedFields(), QStringList{"ppo.learning_rate"});
      QVERIFY2(!dialog.okButton()->isEnabled(), qPrintable(text));
      retype(formEdit(dialog, "ppo.learning_rate"), "0.001");
      QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));

      retype(height, text);
      QVERIFY2(height->property("invalid").toBool(), qPrintable(text));
      QVERIFY2(dialog.firstError().startsWith("task.stump_height"),
               qPrintable(dialog.firstError()));
      QVERIFY(!dialog.okButton()->isEnabled());
      QVERIFY(!dialog.config()["task"].contains("stump_height"));
      retype(height, "1");
      QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    }
  }

  void switchingPresetReloadsValues() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    QVERIFY(dialog.selectPreset("default"));
    retype(formEdit(dialog, "ppo.learning_rate"), "abc");
    QCOMPARE(dialog.config()["budget"]["minutes"].get<double>(), 10.0);
    QVERIFY(dialog.selectPreset("quick"));
    QCOMPARE(dialog.config()["budget"]["minutes"].get<double>(), 3.0);
    QCOMPARE(formEdit(dialog, "eval.every_steps")->text(), QString("100000"));
    QCOMPARE(formEdit(dialog, "ppo.learning_rate")->text(), QString("0.0003"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    QVERIFY(dialog.selectPreset("stump_tracks"));
    auto* terrain = qobject_cast<QComboBox*>(dialog.form()->editor("env_config.terrain"));
    QVERIFY(terrain);
    QCOMPARE(terrain->currentText(), QString("stump_tracks"));
    QVERIFY(dialog.taskEditor("stump_height"));
    QVERIFY(!dialog.selectPreset("no_such_preset"));
    QVERIFY(!dialog.selectEnvironment("no_such_env"));
  }

  void emptyFieldsNeverCrash() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    for (const QString& path : dialog.form()->fieldPaths())
      if (QLineEdit* edit = formEdit(dialog, path)) retype(edit, "");
    retype(dialog.seedEditor(), "");
    retype(dialog.runNameEditor(), "");
    QVERIFY(!dialog.isValid());
    QVERIFY(!dialog.okButton()->isEnabled());
    QVERIFY(!dialog.firstError().isEmpty());
    QVERIFY(dialog.seedEditor()->property("invalid").toBool());
    QVERIFY(dialog.runNameEditor()->property("invalid").toBool());
    // A required field left empty is reported by the core with its path.
    QVERIFY(!dialog.form()->firstError().isEmpty());
    dialog.config();  // still well-formed JSON, just not a valid config
    retype(dialog.seedEditor(), "-3");
    QVERIFY(dialog.firstError().startsWith("run name") || dialog.firstError().startsWith("seed"));
  }

  void formAloneValidatesAndReportsNonObjects() {
    ConfigForm form;
    QSignalSpy validity(&form, &ConfigForm::validityChanged);
    form.setValue(nlohmann::json::array());
    QVERIFY(!form.isValid());
    QVERIFY(form.firstError().contains("JSON object"));
    form.setValue({{"env", "walker"}, {"budget", {{"minutes", 1}}}, {"seed", 4}});
    QVERIFY2(form.isValid(), qPrintable(form.firstError()));
    QCOMPARE(form.value()["seed"].get<int>(), 4);
    retype(qobject_cast<QLineEdit*>(form.editor("budget.minutes")), "");
    // "budget needs steps or minutes" belongs to no single field: the whole section is marked.
    QCOMPARE(form.markedFields(), QStringList{"budget.minutes"});
    QVERIFY(form.firstError().startsWith("budget"));
    QVERIFY(validity.count() >= 2);
  }

  void everyProblemIsListedAtOnce() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    retype(formEdit(dialog, "ppo.learning_rate"), "-1");
    retype(formEdit(dialog, "ppo.gamma"), "2");
    retype(formEdit(dialog, "eval.episodes"), "ten");
    retype(dialog.seedEditor(), "-3");
    QStringList marked = dialog.form()->markedFields();
    marked.sort();
    QCOMPARE(marked, (QStringList{"eval.episodes", "ppo.gamma", "ppo.learning_rate"}));
    const QStringList errors = dialog.errors();
    QCOMPARE(errors.size(), 4);
    for (const QString field : {"seed", "ppo.learning_rate", "ppo.gamma", "eval.episodes"}) {
      const bool named = std::any_of(errors.begin(), errors.end(),
                                     [&](const QString& e) { return e.startsWith(field); });
      QVERIFY2(named, qPrintable(field + QString(" missing from: ") + errors.join(" | ")));
      QVERIFY2(dialog.messageLabel()->text().contains(field),
               qPrintable(dialog.messageLabel()->text()));
    }
    QVERIFY(!dialog.okButton()->isEnabled());
    retype(formEdit(dialog, "ppo.gamma"), "0.99");
    QCOMPARE(dialog.errors().size(), 3);
    marked = dialog.form()->markedFields();
    marked.sort();
    QCOMPARE(marked, (QStringList{"eval.episodes", "ppo.learning_rate"}));
    retype(formEdit(dialog, "ppo.learning_rate"), "0.001");
    retype(formEdit(dialog, "eval.episodes"), "5");
    retype(dialog.seedEditor(), "3");
    QVERIFY2(dialog.isValid(), qPrintable(dialog.errors().join(" | ")));
    QVERIFY(dialog.messageLabel()->isHidden());
  }

  void tooltipsAreTheDocumentedMeanings() {
    registerBuiltinSimulations();
    for (const char* env : {"walker", "fight"}) {
      NewRunDialog dialog;
      QVERIFY(dialog.selectEnvironment(env));
      const QStringList paths = dialog.form()->fieldPaths();
      QVERIFY(!paths.isEmpty());
      for (const QString& path : paths) {
        const QString meaning = QString::fromStdString(configFieldMeaning(env, path.toStdString()));
        QVERIFY2(!meaning.isEmpty(),
                 qPrintable(QString(env) + ": " + path + " has no documented meaning"));
        auto* label = dialog.form()->findChild<QLabel*>(path + "_label");
        QVERIFY2(label, qPrintable(path));
        QCOMPARE(label->toolTip(), meaning);
        QCOMPARE(dialog.form()->editor(path)->toolTip(), meaning);
      }
    }
    // An invalid field says what is wrong, then what it means.
    NewRunDialog dialog;
    retype(formEdit(dialog, "ppo.gamma"), "2");
    const QString tip = formEdit(dialog, "ppo.gamma")->toolTip();
    QVERIFY2(tip.startsWith("ppo.gamma must be") && tip.contains("Discount factor"),
             qPrintable(tip));
    QVERIFY(!dialog.seedEditor()->toolTip().isEmpty());
  }

  void theBudgetIsTheOneLimit() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    const QStringList paths = dialog.form()->fieldPaths();
    QVERIFY(paths.contains("budget.steps") && paths.contains("budget.minutes"));
    for (const QString& path : paths) QVERIFY2(!path.contains("total_timesteps"), qPrintable(path));
    QVERIFY(!dialog.config()["ppo"].contains("total_timesteps"));
    // Both limits empty is refused with the section named; a step limit alone is fine.
    retype(formEdit(dialog, "budget.minutes"), "");
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.firstError().startsWith("budget"), qPrintable(dialog.firstError()));
    retype(formEdit(dialog, "budget.steps"), "200000");
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    const TrainConfig config = TrainConfig::fromJson(dialog.config());
    QCOMPARE(config.maxSteps.value_or(0), uint64_t{200000});
    QVERIFY(!config.maxMinutes);
  }

  void defaultsAvoidTheStoresNamesAndSeeds() {
    NewRunDialog dialog;
    QVERIFY(dialog.selectEnvironment("walker"));
    QVERIFY(dialog.selectPreset("default"));
    QCOMPARE(dialog.runName(), QString("walker-default"));
    QCOMPARE(dialog.seedEditor()->text(), QString("1"));
    std::vector<RunInfo> runs(3);
    runs[0].name = "walker-default";
    runs[0].env = "walker";
    runs[0].seed = 1;
    runs[1].name = "walker-default-2";
    runs[1].env = "walker";
    runs[1].seed = 2;
    runs[2].name = "fight-default";
    runs[2].env = "fight";
    runs[2].seed = 3;
    dialog.setExistingRuns(runs);
    QCOMPARE(dialog.runName(), QString("walker-default-3"));
    QCOMPARE(dialog.seedEditor()->text(), QString("3"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.firstError()));
    // Another env counts only its own runs' seeds.
    QVERIFY(dialog.selectEnvironment("fight"));
    QCOMPARE(dialog.runName(), QString("fight-default-2"));
    QCOMPARE(dialog.seedEditor()->text(), QString("1"));
    QVERIFY(dialog.selectEnvironment("walker"));
    QVERIFY(dialog.selectPreset("quick"));
    QCOMPARE(dialog.runName(), QString("walker-quick"));
    QCOMPARE(dialog.seedEditor()->text(), QString("3"));
    QCOMPARE(dialog.config()["seed"].get<int>(), 3);
  }
};

QTEST_MAIN(TestNewRunDialog)
#include "TestNewRunDialog.moc"
