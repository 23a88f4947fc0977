#pragma once
// The run store's SQLite connection: opening and preparing the file, the one
// mutex that serialises every use of the connection, and the translation of
// SQLite errors into StoreErrors that name the file and what was being done.

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "store/RunStore.h"
#include "store/Sqlite.h"

namespace palaestra {

class StoreDatabase {
 public:
  /// Opens `path` (creating it and its directory for CreateOrOpen), refuses anything that is not
  /// a healthy Palaestra store before writing a byte, sets WAL mode and the size quota, and
  /// migrates the schema (writers always, readers when it is due); throws StoreError.
  StoreDatabase(const std::string& path, RunStore::OpenMode mode, const RunStore::Options& options);
  StoreDatabase(const StoreDatabase&) = delete;
  StoreDatabase& operator=(const StoreDatabase&) = delete;

  /// The file this store was opened from.
  const std::string& path() const { return path_; }
  /// The options it was opened with.
  const RunStore::Options& options() const { return options_; }
  /// True if SQLite opened the file read-only (no write permission).
  bool readOnly() const { return readOnly_; }

  /// Runs `fn(connection)` under the connection's lock; a SqliteError becomes a StoreError
  /// naming the file, `doing` (e.g. "reading run 3") and the reason. Other errors pass through.
  template <typename Fn>
  auto run(const std::string& doing, Fn&& fn) const
      -> std::invoke_result_t<Fn&, SqliteConnection&> {
    std::lock_guard lock(mutex_);
    try {
      return fn(*db_);
    } catch (const SqliteError& e) {
      throw StoreError(describe(e, doing));
    }
  }

  /// As run(), inside one BEGIN IMMEDIATE transaction that commits when `fn` returns and rolls
  /// back when it throws.
  template <typename Fn>
  auto transact(const std::string& doing, Fn&& fn) const
      -> std::invoke_result_t<Fn&, SqliteConnection&> {
    return run(doing, [&fn](SqliteConnection& db) {
      SqliteTransaction transaction(db, "BEGIN IMMEDIATE");
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, SqliteConnection&>>) {
        fn(db);
        transaction.commit();
      } else {
        auto result = fn(db);
        transaction.commit();
        return result;
      }
    });
  }

  /// The one-line message for a failed SQLite call while `doing`.
  std::string describe(const SqliteError& error, const std::string& doing) const;

 private:
  void open(RunStore::OpenMode mode);
  void prepare(RunStore::OpenMode mode);

  std::string path_;
  RunStore::Options options_;
  bool readOnly_ = false;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<SqliteConnection> db_;
};

}  // namespace palaestra
