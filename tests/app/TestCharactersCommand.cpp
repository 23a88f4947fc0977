// palaestra-cli characters end to end, running the real binary: the roster
// listing (with a user's folder from $PALAESTRA_CHARACTERS_DIR), checking good
// and bad character files, and one clear error line with exit code 2.
#include <QtTest>

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include "conformance/CliRunner.h"
#include "fight/CharacterLoader.h"

namespace {

using palaestra::testing::CliResult;
using palaestra::testing::readAll;
using palaestra::testing::writeFile;

// Runs the CLI with $PALAESTRA_CHARACTERS_DIR set to `userFolder` (unset when empty).
CliResult runCli(const QStringList& args, const QString& userFolder = {}) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("PALAESTRA_CHARACTERS_DIR");
  if (!userFolder.isEmpty()) env.insert("PALAESTRA_CHARACTERS_DIR", userFolder);
  return palaestra::testing::runCli(args, 60000, env);
}

QString builtinFile(const char* id) {
  return QString::fromStdString(
      (palaestra::fight::Roster::defaultFolders().front() / (std::string(id) + ".json")).string());
}

}  // namespace

class TestCharactersCommand : public QObject {
  Q_OBJECT

 private slots:
  void listsTheBuiltinRoster() {
    const CliResult r = runCli({"characters", "--json"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json list = r.json().at("characters");
    QCOMPARE(list.size(), size_t{12});
    for (size_t i = 0; i < list.size(); ++i) QCOMPARE(list[i].at("ladder").get<int>(), int(i) + 1);
    QCOMPARE(list[0].at("id").get<std::string>(), std::string("kestrel"));
    QVERIFY(r.out.contains("Kestrel"));
  }

  void aUsersFolderJoinsTheRoster() {
    QTemporaryDir dir;
    nlohmann::json j = nlohmann::json::parse(readAll(builtinFile("kestrel")).toStdString());
    j["name"] = "Ferro";
    j["ladder"] = 0;
    writeFile(dir.filePath("ferro.json"), QByteArray::fromStdString(j.dump(2)));
    CliResult r = runCli({"characters", "--json"}, dir.path());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json().at("characters").size(), size_t{13});
    QCOMPARE(r.json().at("characters")[12].at("id").get<std::string>(), std::string("ferro"));

    // A broken file in the user's folder stops the listing with one line naming it.
    writeFile(dir.filePath("broken.json"), "{\"name\": \"Broken\",}");
    r = runCli({"characters"}, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("broken.json") && r.lastErrorLine().contains("line 1"),
             qPrintable(r.err));
  }

  void checksFiles() {
    QTemporaryDir dir;
    nlohmann::json j = nlohmann::json::parse(readAll(builtinFile("vale")).toStdString());
    j["moves"][2]["recovery"] = -3;
    const QString bad = dir.filePath("vale.json");
    writeFile(bad, QByteArray::fromStdString(j.dump(2)));
    CliResult r = runCli({"characters", builtinFile("kiri"), bad, "--json"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.contains(builtinFile("kiri") + ": ok, kiri"), qPrintable(r.out));
    const QString error = r.lastErrorLine();
    QVERIFY2(error.contains("1 of 2 character files is invalid"), qPrintable(error));
    QVERIFY2(
        error.contains(bad) && error.contains("moves[2].recovery") && error.contains("[1, 180]"),
        qPrintable(error));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    const nlohmann::json files = r.json().at("files");
    QCOMPARE(files.size(), size_t{2});
    QVERIFY(files[0].at("error").is_null());
    QVERIFY(files[1].at("error").get<std::string>().find("moves[2].recovery") != std::string::npos);

    r = runCli({"characters", builtinFile("kestrel")});
    QCOMPARE(r.exitCode, 0);
    r = runCli({"characters", dir.filePath("missing.json")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.lastErrorLine().contains("cannot be opened"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestCharactersCommand)
#include "TestCharactersCommand.moc"
