// Metrics CSV: the format the CLI and the app share (header, 17-digit numbers that
// read back exactly, NaN as an empty field, quoted odd names), and its errors:
// unknown run, unwritable path, a directory, a full disk; a failed export leaves
// an existing file untouched and no temporary file behind.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "store/MetricsCsv.h"
#include "store/RunStore.h"
#include "util/Errors.h"

using namespace palaestra;

namespace {

template <typename E>
bool throwsWith(const std::function<void()>& f, const QStringList& parts, QString* message) {
  try {
    f();
  } catch (const E& e) {
    *message = QString::fromStdString(e.what());
    for (const QString& part : parts)
      if (!message->contains(part)) return false;
    return true;
  } catch (const std::exception& e) {
    *message = QStringLiteral("other exception: ") + e.what();
    return false;
  }
  *message = QStringLiteral("no exception");
  return false;
}

QStringList readLines(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestMetricsCsv : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<RunStore> store_;
  int64_t run_ = 0;

  std::string path(const QString& name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    store_ = std::make_unique<RunStore>(path("runs.sqlite"));
    NewRun run;
    run.name = "csv";
    run.env = "walker";
    run_ = store_->createRun(run);
    store_->logMetric(run_, MetricPoint{100, 1700000000.25, "train/return", 0.1});
    store_->logMetric(run_, MetricPoint{200, 1700000001.5, "train/return", -12.345678901234567});
    store_->logMetric(run_, MetricPoint{100, 1700000000.25, "loss/value", std::nan("")});
    store_->logMetric(run_, MetricPoint{300, 1700000002.0, "odd,\"name\"", 3.0});
    store_->flush();
  }

  void writesHeaderAndRowsInStoreOrder() {
    const std::string file = path("metrics.csv");
    QCOMPARE(exportMetricsCsv(*store_, run_, file), size_t{4});
    const QStringList lines = readLines(QString::fromStdString(file));
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0], QString("step,wall_time,name,value"));
    // Ordered by name, then step; NaN is an empty field; odd names quoted (RFC 4180).
    QCOMPARE(lines[1], QString("100,1700000000.25,loss/value,"));
    QCOMPARE(lines[2], QString("300,1700000002,\"odd,\"\"name\"\"\",3"));
    QCOMPARE(lines[3], QString("100,1700000000.25,train/return,0.10000000000000001"));
    QVERIFY(lines[4].startsWith("200,1700000001.5,train/return,"));
    // 17 significant digits read back bit-exact.
    QCOMPARE(lines[4].section(',', 3).toDouble(), -12.345678901234567);
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".partial")));
  }

  void emptyRunWritesOnlyTheHeader() {
    NewRun run;
    run.name = "empty";
    run.env = "walker";
    const int64_t empty = store_->createRun(run);
    const std::string file = path("empty.csv");
    QCOMPARE(exportMetricsCsv(*store_, empty, file), size_t{0});
    QCOMPARE(readLines(QString::fromStdString(file)), QStringList{"step,wall_time,name,value"});
  }

  void unknownRunIsNotFoundAndWritesNothing() {
    const std::string file = path("unknown.csv");
    QString message;
    QVERIFY2(throwsWith<NotFoundError>([&] { exportMetricsCsv(*store_, 999, file); }, {"999"}, &message),
             qPrintable(message));
    QVERIFY(!QFile::exists(QString::fromStdString(file)));
  }

  void unwritablePlacesNameThePath() {
    QString message;
    const std::string missingDir = path("no/such/dir/m.csv");
    QVERIFY2(throwsWith<ConfigError>([&] { exportMetricsCsv(*store_, run_, missingDir); },
                                     {"cannot write CSV file", QString::fromStdString(missingDir)}, &message),
             qPrintable(message));
    QVERIFY2(throwsWith<ConfigError>([&] { exportMetricsCsv(*store_, run_, dir_.path().toStdString()); },
                                     {"is a directory"}, &message),
             qPrintable(message));
    QVERIFY2(throwsWith<ConfigError>([&] { exportMetricsCsv(*store_, run_, ""); }, {"no CSV file name"},
                                     &message),
             qPrintable(message));
  }

  void fullDiskIsStoreErrorWithThePath() {
    std::ofstream full("/dev/full", std::ios::binary);
    if (!full) QSKIP("/dev/full is not available here");
    // More than any stream buffer, so the failure surfaces before the final flush too.
    std::vector<MetricPoint> many(20000, MetricPoint{1, 2.0, "train/return", 3.0});
    QString message;
    QVERIFY2(throwsWith<StoreError>([&] { writeMetricsCsv(full, many, "/dev/full"); },
                                    {"writing CSV file '/dev/full' failed", "disk full"}, &message),
             qPrintable(message));
  }

  void failedExportKeepsTheExistingFile() {
    // The temporary file cannot be created (a directory holds its name; this works as
    // root too, where permissions are not enforced): the old file stays as it was.
    const QString file = dir_.filePath("keep.csv");
    {
      QFile f(file);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("old contents\n");
    }
    QVERIFY(QDir(dir_.path()).mkdir("keep.csv.partial"));
    QString message;
    QVERIFY2(throwsWith<ConfigError>([&] { exportMetricsCsv(*store_, run_, file.toStdString()); },
                                     {"cannot write CSV file", file}, &message),
             qPrintable(message));
    QCOMPARE(readLines(file), QStringList{"old contents"});
  }

  void streamFormatMatchesFileFormat() {
    std::ostringstream out;
    writeMetricsCsv(out, {MetricPoint{5, 6.5, "a", 7.25}}, "memory");
    QCOMPARE(QString::fromStdString(out.str()), QString("step,wall_time,name,value\n5,6.5,a,7.25\n"));
  }
};

QTEST_GUILESS_MAIN(TestMetricsCsv)
#include "TestMetricsCsv.moc"
