// RocksDB options and column families of a reachrank database. Internal to
// storage/ (and to benchmarks that compare the store against raw RocksDB
// with the very same options).
#ifndef REACHRANK_STORAGE_ROCKS_OPTIONS_H_
#define REACHRANK_STORAGE_ROCKS_OPTIONS_H_

#include <array>
#include <memory>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/statistics.h"
#include "storage/merge_operator.h"
#include "storage/store.h"

namespace reachrank::storage {

// Column families in handle order; RocksDB's "default" comes first and is
// unused.
enum Cf : size_t {
  kCfDefault = 0,
  kCfPosts,
  kCfAuthors,
  kCfAuthorPosts,
  kCfPending,
  kCfPostCounters,
  kCfPostHourCounters,
  kCfAuthorDayCounters,
  kCfTopicDayCounters,
  kCfDedup,
  kCfMeta,
  kCfCount,
};

// Column family names, indexed by Cf.
extern const std::array<const char*, kCfCount> kCfNames;

// Everything needed to open the database; the shared objects must outlive
// the DB (the options hold shared_ptrs, so keeping this struct is enough).
// A value type: not thread-safe to modify, safe to share once built.
struct RocksSetup {
  rocksdb::DBOptions db_options;
  // One descriptor per Cf, in Cf order.
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  std::shared_ptr<rocksdb::Statistics> statistics;
  std::shared_ptr<CountersMergeOperator> merge_operator;
};

// Options for a primary instance: point-lookup tuned block-based tables with
// bloom filters and one shared LRU block cache of
// options.block_cache_bytes, the Counters merge operator with
// options.max_successive_merges on counter families, dedup expiry at
// compaction, statistics on, all memtables within
// options.memtable_budget_bytes.
RocksSetup MakeRocksSetup(const StoreOptions& options);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_ROCKS_OPTIONS_H_
