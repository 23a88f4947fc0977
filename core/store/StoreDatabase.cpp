#include "store/StoreDatabase.h"

#include <algorithm>
#include <filesystem>

#include "store/StoreSchema.h"
#include "util/Errors.h"

namespace palaestra {

namespace fs = std::filesystem;

StoreDatabase::StoreDatabase(const std::string& path, RunStore::OpenMode mode,
                             const RunStore::Options& options)
    : path_(path), options_(options) {
  open(mode);
}

std::string StoreDatabase::describe(const SqliteError& e, const std::string& doing) const {
  switch (e.primaryCode()) {
    case SQLITE_FULL: {
      std::string why = "disk full";
      if (options_.maxSizeBytes > 0) {
        why +=
            " (or its size limit of " + std::to_string(options_.maxSizeBytes) + " bytes reached)";
      }
      return "run store " + path_ + ": " + why + " while " + doing +
             "; everything written before is kept";
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "run store " + path_ + " is locked by another writer (gave up after " +
             std::to_string(options_.busyTimeoutMs) + " ms while " + doing + ")";
    case SQLITE_IOERR:
      return "run store " + path_ + ": I/O error while " + doing + " (" + e.what() +
             "); everything written before is kept";
    case SQLITE_CORRUPT:
      return "run store " + path_ + " is corrupt (" + e.what() + ") while " + doing;
    case SQLITE_NOTADB:
      return "cannot open run store " + path_ + ": file is not a database";
    case SQLITE_READONLY:
      return "run store " + path_ + " is read-only (" + e.what() + ") while " + doing;
    case SQLITE_CANTOPEN:
      return "cannot open run store " + path_ + " (" + e.what() + ")";
    case SQLITE_CONSTRAINT:
      return "run store " + path_ + ": constraint failed while " + doing + " (" + e.what() +
             "; was the run deleted?)";
    default:
      return "run store " + path_ + ": error while " + doing + " (" + e.what() + ")";
  }
}

void StoreDatabase::open(RunStore::OpenMode mode) {
  std::error_code ec;
  const fs::file_status status = fs::status(path_, ec);
  const bool exists = fs::exists(status);
  if (exists && fs::is_directory(status)) {
    throw StoreError("cannot open run store " + path_ + ": it is a directory");
  }
  if (!exists) {
    if (mode == RunStore::OpenMode::OpenExisting) throw StoreError("no run store at " + path_);
    const fs::path parent = fs::path(path_).parent_path();
    if (!parent.empty()) {
      fs::create_directories(parent, ec);
      if (ec) {
        throw StoreError("cannot create directory " + parent.string() + " for run store " + path_ +
                         ": " + ec.message());
      }
    }
  }
  const int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;  // mutex_ serialises all use
  try {
    db_ = std::make_unique<SqliteConnection>(path_, flags);
    sqlite3_busy_timeout(db_->handle(), options_.busyTimeoutMs);
    prepare(mode);
  } catch (const SqliteError& e) {
    db_.reset();
    throw StoreError(describe(e, "opening it"));
  } catch (...) {
    db_.reset();
    throw;
  }
}

// Refuses anything that is not a healthy Palaestra store before writing a
// single byte, then sets the connection up and migrates the schema.
void StoreDatabase::prepare(RunStore::OpenMode mode) {
  const StoreFileCheck file =
      checkStoreFile(*db_, path_, /*mayBeEmpty=*/mode == RunStore::OpenMode::CreateOrOpen);

  db_->exec("PRAGMA foreign_keys = ON");
  readOnly_ = sqlite3_db_readonly(db_->handle(), "main") == 1;
  if (!readOnly_) {
    SqliteStatement journal(*db_, "PRAGMA journal_mode = WAL");
    const std::string modeName = journal.step() ? journal.columnText(0) : "";
    if (modeName != "wal") {
      throw StoreError("cannot open run store " + path_ + ": cannot switch it to WAL mode (" +
                       modeName + ")");
    }
  }
  // In WAL mode NORMAL loses no committed data on an application crash and
  // never corrupts; only a power cut may drop the last commits.
  db_->exec("PRAGMA synchronous = NORMAL");
  // The WAL file keeps its high-water size; cap what stays on disk after a checkpoint.
  db_->queryInt("PRAGMA journal_size_limit = " + std::to_string(32 << 20));
  if (options_.maxSizeBytes > 0) {
    const int64_t pageSize = db_->queryInt("PRAGMA page_size");
    const int64_t pages = std::max<int64_t>(1, options_.maxSizeBytes / pageSize);
    db_->queryInt("PRAGMA max_page_count = " + std::to_string(pages));
  }
  // Writers take the write lock now, so "locked by another writer" shows at
  // open rather than at the first batch; readers only when a migration is due.
  if (mode == RunStore::OpenMode::CreateOrOpen || file.version < currentStoreSchemaVersion())
    migrateStoreSchema(*db_, path_);
}

}  // namespace palaestra
