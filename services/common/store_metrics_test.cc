#include "services/common/store_metrics.h"

#include <gtest/gtest.h>

#include <map>

namespace reachrank::services {
namespace {

TEST(StoreMetricsTest, EveryStatBecomesOneFamily) {
  storage::StoreStats stats;
  stats.block_cache_hit = 7;
  stats.block_cache_miss = 3;
  stats.write_stall_micros = 2'500'000;
  stats.live_sst_bytes = 4096;
  stats.estimated_keys = 12;
  std::map<std::string, double> values;
  std::map<std::string, prometheus::MetricType> types;
  for (const auto& f : StoreStatsFamilies(stats)) {
    ASSERT_EQ(f.metric.size(), 1u) << f.name;
    types[f.name] = f.type;
    values[f.name] = f.type == prometheus::MetricType::Counter
                         ? f.metric[0].counter.value
                         : f.metric[0].gauge.value;
  }
  EXPECT_EQ(values.size(), 8u);
  EXPECT_EQ(values["reachrank_rocksdb_block_cache_hit_total"], 7);
  EXPECT_EQ(values["reachrank_rocksdb_block_cache_miss_total"], 3);
  EXPECT_DOUBLE_EQ(values["reachrank_rocksdb_write_stall_seconds_total"], 2.5);
  EXPECT_EQ(values["reachrank_rocksdb_live_sst_bytes"], 4096);
  EXPECT_EQ(values["reachrank_rocksdb_estimated_keys"], 12);
  EXPECT_EQ(types["reachrank_rocksdb_block_cache_hit_total"],
            prometheus::MetricType::Counter);
  EXPECT_EQ(types["reachrank_rocksdb_pending_compaction_bytes"],
            prometheus::MetricType::Gauge);
}

}  // namespace
}  // namespace reachrank::services
