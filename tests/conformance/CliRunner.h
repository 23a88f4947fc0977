#pragma once
// Runs the real palaestra-cli binary (path from $PALAESTRA_CLI, set by CTest)
// for the app suites, and small file helpers they share.

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <nlohmann/json.hpp>

namespace palaestra::testing {

/// What one run of the CLI gave.
struct CliResult {
  int exitCode = -1;  // -1 when the process crashed or timed out
  QString out, err;
  /// The last line of stdout parsed as JSON (the --json contract).
  nlohmann::json json() const {
    const QStringList lines = out.trimmed().split('\n');
    return nlohmann::json::parse(lines.last().toStdString());
  }
  /// The last line of stderr (the one-line error of a failed command).
  QString lastErrorLine() const { return err.trimmed().split('\n').last(); }
};

/// The CLI binary's path.
inline QString cliPath() {
  return qEnvironmentVariable("PALAESTRA_CLI");
}

/// Runs the CLI with `args` in `environment` (the test's own when empty) and waits up to
/// `timeoutMs`.
inline CliResult runCli(const QStringList& args, int timeoutMs = 120000,
                        const QProcessEnvironment& environment = {}) {
  QProcess p;
  if (!environment.isEmpty()) p.setProcessEnvironment(environment);
  p.start(cliPath(), args);
  const bool finished = p.waitForFinished(timeoutMs);
  if (!finished) {  // a process still running reads as exit 0 otherwise
    p.kill();
    p.waitForFinished();
  }
  CliResult r;
  r.exitCode = finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  if (!finished) r.err += QString("\n(timed out after %1 ms)").arg(timeoutMs);
  return r;
}

/// A file's bytes (empty when it cannot be read).
inline QByteArray readAll(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return f.readAll();
}

/// Writes `data` over a file (a test failure if it cannot be opened).
inline void writeFile(const QString& path, const QByteArray& data) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(data);
}

}  // namespace palaestra::testing
