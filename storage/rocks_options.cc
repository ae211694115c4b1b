#include "storage/rocks_options.h"

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "storage/dedup_filter.h"

namespace reachrank::storage {

const std::array<const char*, kCfCount> kCfNames = {
    "default",  // rocksdb::kDefaultColumnFamilyName
    "posts",
    "authors",
    "author_posts",
    "pending",
    "post_counters",
    "post_hour_counters",
    "author_day_counters",
    "topic_day_counters",
    "dedup",
    "meta",
};

namespace {

bool IsCounterFamily(size_t cf) {
  return cf == kCfPostCounters || cf == kCfPostHourCounters ||
         cf == kCfAuthorDayCounters || cf == kCfTopicDayCounters;
}

rocksdb::ColumnFamilyOptions BaseFamilyOptions(
    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Most lookups (dedup markers of new events, counters of fresh keys) miss:
  // a memtable bloom filter answers them without a skiplist search.
  cf.memtable_prefix_bloom_size_ratio = 0.05;
  cf.memtable_whole_key_filtering = true;
  cf.level_compaction_dynamic_level_bytes = true;
  return cf;
}

}  // namespace

RocksSetup MakeRocksSetup(const StoreOptions& options) {
  RocksSetup setup;
  setup.statistics = rocksdb::CreateDBStatistics();
  setup.merge_operator = std::make_shared<CountersMergeOperator>();
  rocksdb::DBOptions& db = setup.db_options;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.statistics = setup.statistics;
  db.max_background_jobs = 2;
  db.bytes_per_sync = 1 << 20;
  db.keep_log_file_num = 5;
  db.db_write_buffer_size = options.memtable_budget_bytes;
  const std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(options.block_cache_bytes);
  auto dedup_expiry =
      std::make_shared<DedupCompactionFilterFactory>(options.dedup_window);
  for (size_t i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyOptions cf = BaseFamilyOptions(cache);
    if (IsCounterFamily(i)) {
      cf.merge_operator = setup.merge_operator;
      cf.max_successive_merges =
          static_cast<size_t>(std::max(0, options.max_successive_merges));
    }
    if (i == kCfDedup) cf.compaction_filter_factory = dedup_expiry;
    setup.families.emplace_back(kCfNames[i], cf);
  }
  return setup;
}

}  // namespace reachrank::storage
