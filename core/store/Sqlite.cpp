#include "store/Sqlite.h"

#include <cmath>
#include <limits>

namespace palaestra {

SqliteConnection::SqliteConnection(const std::string& path, int flags) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 may hand back a handle even on failure; it must still be closed.
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    const int code = db_ ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(code, message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
  // All statements are finalized by their owners first; close_v2 copes if not.
  sqlite3_close_v2(db_);
}

void SqliteConnection::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(sqlite3_extended_errcode(db_), message);
  }
}

int64_t SqliteConnection::queryInt(const std::string& sql) {
  SqliteStatement statement(*this, sql);
  if (!statement.step()) throw SqliteError(SQLITE_ERROR, "no result from: " + sql);
  return statement.columnInt(0);
}

void SqliteConnection::fail(int rc, const std::string& what) const {
  // The extended code of the connection is more specific than `rc` when set.
  const int extended = sqlite3_extended_errcode(db_);
  const int code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
  throw SqliteError(code, what + ": " + sqlite3_errmsg(db_));
}

SqliteStatement::SqliteStatement(SqliteConnection& db, const std::string& sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()),
                                    &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "preparing SQL");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "binding parameter");
}

void SqliteStatement::bind(int index, double value) {
  if (std::isnan(value)) {
    bindNull(index);
    return;
  }
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "binding parameter");
}

void SqliteStatement::bind(int index, const std::string& value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK) db_.fail(rc, "binding parameter");
}

void SqliteStatement::bind(int index, std::span<const uint8_t> value) {
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  static const uint8_t empty = 0;
  const void* data = value.empty() ? &empty : value.data();
  const int rc = sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, "binding parameter");
}

void SqliteStatement::bindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.fail(rc, "binding parameter");
}

void SqliteStatement::bind(int index, const std::optional<int64_t>& value) {
  if (value) bind(index, *value);
  else bindNull(index);
}

void SqliteStatement::bind(int index, const std::optional<double>& value) {
  if (value) bind(index, *value);
  else bindNull(index);
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, "executing SQL");
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool SqliteStatement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::columnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double SqliteStatement::columnDouble(int column) const {
  if (isNull(column)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, column);
}

std::optional<double> SqliteStatement::columnOptionalDouble(int column) const {
  if (isNull(column)) return std::nullopt;
  return sqlite3_column_double(stmt_, column);
}

std::optional<int64_t> SqliteStatement::columnOptionalInt(int column) const {
  if (isNull(column)) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::columnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::vector<uint8_t> SqliteStatement::columnBlob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (!data) return {};
  return std::vector<uint8_t>(data, data + size);
}

int64_t SqliteStatement::columnBytes(int column) const {
  return sqlite3_column_bytes(stmt_, column);
}

SqliteTransaction::SqliteTransaction(SqliteConnection& db, const char* begin) : db_(db) {
  db_.exec(begin);
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  // Rollback after a failed statement; errors here cannot be reported (and the
  // transaction may already have been rolled back by SQLite, e.g. on SQLITE_FULL).
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace palaestra
