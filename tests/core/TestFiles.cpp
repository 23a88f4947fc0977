// Reading and writing whole files safely (core/util/Files) and parsing outside JSON
// (core/util/JsonText), shared by config files, character files and exports: size limits that
// hold for devices and pipes, no hang on a FIFO without a writer, nesting limits, duplicate keys,
// numbers out of range named by their field; writes that replace a regular file only when
// complete and write devices in place.
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/Files.h"
#include "util/JsonText.h"

using namespace palaestra;

namespace {

std::string readBack(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

template <typename E, typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

bool isCharacterDevice(const char* path) {
  struct stat info {};
  return ::stat(path, &info) == 0 && S_ISCHR(info.st_mode);
}

}  // namespace

class TestFiles : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void readsWithinTheLimit() {
    write(path("a.txt"), "hello");
    QCOMPARE(readFileBounded(path("a.txt"), 5), std::string("hello"));
    QCOMPARE(readFileBounded(path("a.txt"), 100), std::string("hello"));
    QVERIFY(errorOf<FileReadError>([&] {
              readFileBounded(path("a.txt"), 4);
            }).find("is 5 bytes, larger than the limit of 4 bytes") != std::string::npos);
  }

  void endlessDevicesAreNeverReadToExhaustion() {
    if (!isCharacterDevice("/dev/zero")) QSKIP("no /dev/zero here");
    QElapsedTimer clock;
    clock.start();
    const std::string why = errorOf<FileReadError>([] { readFileBounded("/dev/zero", 1 << 20); });
    QVERIFY2(why == "is not a regular file and yields more than the limit of 1 MiB", why.c_str());
    QVERIFY(clock.elapsed() < 5000);
    // Within the limit a device reads fine (nothing from /dev/null).
    QCOMPARE(readFileBounded("/dev/null", 10), std::string());
  }

  void oddPathsAreNamedProblems() {
    QVERIFY(errorOf<FileReadError>([&] {
              readFileBounded(path("missing"), 10);
            }).find("cannot be opened for reading: No such file or directory") !=
            std::string::npos);
    QCOMPARE(errorOf<FileReadError>([&] { readFileBounded(dir_.path().toStdString(), 10); }),
             std::string("is a directory, not a file"));
    // A FIFO nobody writes to reads as empty at once instead of blocking in open().
    const std::string fifo = path("pipe");
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(readFileBounded(fifo, 10), std::string());
    QVERIFY(clock.elapsed() < 2000);
  }

  void jsonNestingIsLimited() {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    try {
      (void)parseJsonText(deep);
      QFAIL("100,000 levels were accepted");
    } catch (const JsonTextError& e) {
      QCOMPARE(e.field(), std::string());
      QCOMPARE(e.problem(), std::string("nests arrays and objects deeper than 64 levels"));
    }
    // Exactly at the limit it parses; one more level does not.
    QVERIFY(parseJsonText(std::string(64, '[') + std::string(64, ']')).is_array());
    QVERIFY(errorOf<JsonTextError>([] {
              (void)parseJsonText(std::string(65, '[') + std::string(65, ']'));
            }).find("deeper than 64") != std::string::npos);
    QVERIFY(parseJsonText("[[1]]", 2).is_array());
    QVERIFY(errorOf<JsonTextError>([] {
              (void)parseJsonText("[[[1]]]", 2);
            }).find("deeper than 2") != std::string::npos);
  }

  void jsonErrorsNameTheField() {
    auto problem = [](const std::string& text) {
      try {
        (void)parseJsonText(text);
      } catch (const JsonTextError& e) {
        return std::pair{e.field(), e.problem()};
      }
      return std::pair{std::string("-"), std::string("(no error)")};
    };
    auto [field, why] = problem(R"({"ppo": {"learning_rate": 1e400}})");
    QCOMPARE(field, std::string("ppo.learning_rate"));
    QVERIFY2(why.find("is 1e400, a number too large") == 0, why.c_str());
    std::tie(field, why) = problem(R"({"moves": [{"x": 1}, {"boxes": [[1, 2, -1e999]]}]})");
    QCOMPARE(field, std::string("moves[1].boxes[0][2]"));
    std::tie(field, why) = problem("1e400");
    QCOMPARE(field, std::string());
    std::tie(field, why) = problem(R"({"a": {"b": 1, "b": 2}})");
    QCOMPARE(field, std::string("a.b"));
    QCOMPARE(why, std::string("is given twice in the same object"));
    std::tie(field, why) = problem("{\n  \"a\": 1,\n  \"b\" 2\n}");
    QCOMPARE(field, std::string());
    QVERIFY2(why.find("is not valid JSON at line 3, column 7") == 0, why.c_str());
    // Tiny numbers become 0 (as JSON readers do); large integers become doubles.
    QCOMPARE(parseJsonText("1e-400").get<double>(), 0.0);
    QVERIFY(parseJsonText("99999999999999999999999").is_number_float());
  }

  void regularFilesAreReplacedWhole() {
    const std::string file = path("out.csv");
    writeFileReplacing(file, "first\n");
    QCOMPARE(readBack(file), std::string("first\n"));
    writeFileReplacing(file, "second\n");
    QCOMPARE(readBack(file), std::string("second\n"));
    QVERIFY(!std::filesystem::exists(file + ".partial"));
    // A symbolic link is followed: the file it points at gets the content, the link stays.
    const std::string link = path("link.csv");
    std::filesystem::create_symlink(file, link);
    writeFileReplacing(link, "third\n");
    QVERIFY(std::filesystem::is_symlink(link));
    QCOMPARE(readBack(file), std::string("third\n"));
    // Someone else's file at the temporary name is never overwritten.
    write(file + ".partial", "theirs");
    try {
      writeFileReplacing(file, "fourth\n");
      QFAIL("the temporary name's file was overwritten");
    } catch (const FileWriteError& e) {
      QVERIFY(e.stage() == FileWriteError::Stage::Open);
      QVERIFY2(std::string(e.what()).find("already exists") != std::string::npos, e.what());
    }
    QCOMPARE(readBack(file + ".partial"), std::string("theirs"));
    QCOMPARE(readBack(file), std::string("third\n"));
    QCOMPARE(errorOf<FileWriteError>([&] { writeFileReplacing(dir_.path().toStdString(), "x"); }),
             std::string("is a directory"));
    QVERIFY(errorOf<FileWriteError>([&] {
              writeFileReplacing(path("no/such/dir/f"), "x");
            }).find("cannot be created") != std::string::npos);
  }

  void devicesAreWrittenInPlace() {
    if (!isCharacterDevice("/dev/full") || !isCharacterDevice("/dev/null"))
      QSKIP("no /dev/full here");
    try {
      writeFileReplacing("/dev/full", std::string(100000, 'x'));
      QFAIL("writing /dev/full succeeded");
    } catch (const FileWriteError& e) {
      QVERIFY(e.stage() == FileWriteError::Stage::Write);
      QCOMPARE(std::string(e.what()), std::string("No space left on device (disk full?)"));
    }
    QVERIFY(isCharacterDevice("/dev/full"));
    QVERIFY(!std::filesystem::exists("/dev/full.partial"));
    writeFileReplacing("/dev/null", "gone");
    QVERIFY(isCharacterDevice("/dev/null"));
  }

  void bytesReadWell() {
    QCOMPARE(formatBytes(512), std::string("512 bytes"));
    QCOMPARE(formatBytes(1 << 20), std::string("1 MiB"));
    QCOMPARE(formatBytes(1.5 * (1 << 30)), std::string("1.5 GiB"));
    QCOMPARE(formatBytes(6.1e9), std::string("5.7 GiB"));
  }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "TestFiles.moc"
