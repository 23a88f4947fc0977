#pragma once
// The run store's schema as an ordered list of migrations, and what opening a
// file does with it: refuse what is not a healthy Palaestra store of a schema
// this code knows, then migrate. Migration k brings a store from schema
// version k-1 to k (PRAGMA user_version); a store is opened by applying every
// missing step in order, in one transaction.

#include <cstdint>
#include <string>
#include <vector>

namespace palaestra {

/// PRAGMA application_id of a Palaestra run store ("PALA"): tells ours from other SQLite files.
inline constexpr int32_t kRunStoreApplicationId = 0x50414C41;

class SqliteConnection;

/// One schema step.
struct StoreMigration {
  int version;                                 // the schema version after this step
  const char* description;                     // what it changes, for humans
  const char* sql;                             // statements run inside the migration transaction
  void (*apply)(SqliteConnection&) = nullptr;  // then this, for what SQL alone cannot say
};

/// All migrations, in order; the last one's version is the current schema version.
const std::vector<StoreMigration>& storeMigrations();

/// The schema version this code writes (the last migration's).
int currentStoreSchemaVersion();

/// What checkStoreFile found.
struct StoreFileCheck {
  bool empty = false;   // a new database (no objects, no application id, version 0)
  int64_t version = 0;  // its PRAGMA user_version
};

/// Refuses, before writing a byte, a file that is not a healthy Palaestra store: another
/// program's database, a newer schema, a corrupt file, or (unless `mayBeEmpty`) an empty
/// database. Throws StoreError naming `path`; SqliteError for a file that is no database.
StoreFileCheck checkStoreFile(SqliteConnection& db, const std::string& path, bool mayBeEmpty);

/// Applies every missing migration in one transaction (foreign keys off around it) and stamps
/// the application id; throws StoreError (newer schema) or SqliteError.
void migrateStoreSchema(SqliteConnection& db, const std::string& path);

}  // namespace palaestra
