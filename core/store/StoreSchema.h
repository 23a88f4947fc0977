#pragma once
// The run store's schema as an ordered list of migrations. Migration k brings
// a store from schema version k-1 to k (PRAGMA user_version); a store is
// opened by applying every missing step in order, in one transaction.

#include <cstdint>
#include <vector>

namespace palaestra {

/// PRAGMA application_id of a Palaestra run store ("PALA"): tells ours from other SQLite files.
inline constexpr int32_t kRunStoreApplicationId = 0x50414C41;

/// One schema step.
struct StoreMigration {
  int version;              // the schema version after this step
  const char* description;  // what it changes, for humans
  const char* sql;          // statements run inside the migration transaction
};

/// All migrations, in order; the last one's version is the current schema version.
const std::vector<StoreMigration>& storeMigrations();

}  // namespace palaestra
