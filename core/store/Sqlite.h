#pragma once
// Minimal RAII wrappers over the SQLite C API: a connection and a prepared
// statement. Every failure throws SqliteError carrying the result code, so
// the run store can turn it into a message naming its file.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/Errors.h"

namespace palaestra {

/// A failed SQLite call: the (extended) result code and SQLite's own message.
class SqliteError : public StoreError {
 public:
  /// Error with the given extended result code and message.
  SqliteError(int code, const std::string& message) : StoreError(message), code_(code) {}
  /// Extended result code (e.g. SQLITE_FULL, SQLITE_BUSY_SNAPSHOT).
  int code() const { return code_; }
  /// Primary result code (the low byte of the extended one).
  int primaryCode() const { return code_ & 0xff; }

 private:
  int code_;
};

/// An open sqlite3 connection, closed on destruction.
class SqliteConnection {
 public:
  /// Opens `path` with sqlite3_open_v2 `flags`; throws SqliteError.
  SqliteConnection(const std::string& path, int flags);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  /// The raw handle, for the statement wrapper.
  sqlite3* handle() const { return db_; }
  /// Runs one or more statements without results (schema, pragmas, BEGIN/COMMIT).
  void exec(const std::string& sql);
  /// Runs a query returning one integer (e.g. PRAGMA user_version).
  int64_t queryInt(const std::string& sql);
  /// Throws SqliteError for result `rc` with the connection's message, prefixed by `what`.
  [[noreturn]] void fail(int rc, const std::string& what) const;
  /// Rowid of the last insert on this connection.
  int64_t lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  /// Rows changed by the last statement.
  int changes() const { return sqlite3_changes(db_); }

 private:
  sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized on destruction. Bind indexes start at 1, columns at 0.
class SqliteStatement {
 public:
  /// Prepares `sql` on `db`; throws SqliteError.
  SqliteStatement(SqliteConnection& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Binds an integer.
  void bind(int index, int64_t value);
  /// Binds a double; NaN becomes NULL (SQLite's own rule, made explicit).
  void bind(int index, double value);
  /// Binds text (copied).
  void bind(int index, const std::string& value);
  /// Binds a blob (copied).
  void bind(int index, std::span<const uint8_t> value);
  /// Binds NULL.
  void bindNull(int index);
  /// Binds an optional integer (NULL when unset).
  void bind(int index, const std::optional<int64_t>& value);
  /// Binds an optional double (NULL when unset).
  void bind(int index, const std::optional<double>& value);

  /// Advances; true if a row is available, false when done. Throws SqliteError.
  bool step();
  /// Runs a statement without results to completion.
  void run();
  /// Resets for another execution with new bindings.
  void reset();

  /// True if the column is NULL.
  bool isNull(int column) const;
  /// Integer column.
  int64_t columnInt(int column) const;
  /// Double column; NULL reads as NaN.
  double columnDouble(int column) const;
  /// Double column, unset when NULL.
  std::optional<double> columnOptionalDouble(int column) const;
  /// Integer column, unset when NULL.
  std::optional<int64_t> columnOptionalInt(int column) const;
  /// Text column (empty when NULL).
  std::string columnText(int column) const;
  /// Blob column (empty when NULL).
  std::vector<uint8_t> columnBlob(int column) const;
  /// Size of a blob or text column in bytes.
  int64_t columnBytes(int column) const;

 private:
  SqliteConnection& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// A transaction rolled back on destruction unless committed.
class SqliteTransaction {
 public:
  /// Begins with `begin` (e.g. "BEGIN IMMEDIATE"); throws SqliteError.
  SqliteTransaction(SqliteConnection& db, const char* begin = "BEGIN IMMEDIATE");
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  /// Commits; throws SqliteError (the destructor then rolls back).
  void commit();

 private:
  SqliteConnection& db_;
  bool open_ = true;
};

}  // namespace palaestra
