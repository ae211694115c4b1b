// A database opened with RocksDB itself, bypassing the store: for storage
// tests that write what an older, newer or damaged database holds.
#ifndef REACHRANK_STORAGE_RAW_DB_TESTING_H_
#define REACHRANK_STORAGE_RAW_DB_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/rocks_options.h"
#include "storage/test_util.h"

namespace reachrank::storage::testing {

// Opens every column family of the database at `path` (which a store has
// created) for the lifetime of the object; a failure to open fails the
// test. Not thread-safe.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path)
      : setup_(MakeRocksSetup(OptionsFor(path))) {
    rocksdb::DB* db = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(
        setup_.db_options, path, setup_.families, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }
  ~RawDatabase() {
    for (auto* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  bool ok() const { return db_ != nullptr; }
  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* cf(Cf c) { return handles_[c]; }

 private:
  const RocksSetup setup_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace reachrank::storage::testing

#endif  // REACHRANK_STORAGE_RAW_DB_TESTING_H_
