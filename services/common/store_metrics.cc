#include "services/common/store_metrics.h"

#include <string>
#include <utility>

namespace reachrank::services {
namespace {

prometheus::MetricFamily One(std::string name, std::string help,
                             prometheus::MetricType type, double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{
      std::move(name), std::move(help), type, {std::move(metric)}};
}

}  // namespace

std::vector<prometheus::MetricFamily> StoreStatsFamilies(
    const storage::StoreStats& s) {
  using prometheus::MetricType;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {
      One("reachrank_rocksdb_block_cache_hit_total",
          "Block cache hits since the database was opened.",
          MetricType::Counter, d(s.block_cache_hit)),
      One("reachrank_rocksdb_block_cache_miss_total",
          "Block cache misses since the database was opened.",
          MetricType::Counter, d(s.block_cache_miss)),
      One("reachrank_rocksdb_pending_compaction_bytes",
          "Estimated bytes compaction still has to rewrite.", MetricType::Gauge,
          d(s.pending_compaction_bytes)),
      One("reachrank_rocksdb_running_compactions", "Compactions running now.",
          MetricType::Gauge, d(s.running_compactions)),
      One("reachrank_rocksdb_write_stall_seconds_total",
          "Time writes were stalled since the database was opened, seconds.",
          MetricType::Counter, d(s.write_stall_micros) / 1e6),
      One("reachrank_rocksdb_live_sst_bytes", "Bytes of live SST files.",
          MetricType::Gauge, d(s.live_sst_bytes)),
      One("reachrank_rocksdb_memtable_bytes", "Bytes held by memtables.",
          MetricType::Gauge, d(s.memtable_bytes)),
      One("reachrank_rocksdb_estimated_keys",
          "Estimated number of keys, summed over column families.",
          MetricType::Gauge, d(s.estimated_keys)),
  };
}

std::vector<prometheus::MetricFamily> StoreStatsCollector::Collect() const {
  return StoreStatsFamilies(store_.Stats());
}

}  // namespace reachrank::services
