// store_metrics: RocksDB health of a storage::Store, read at scrape time
// (no background thread) and exposed as reachrank_rocksdb_* metrics.
#ifndef REACHRANK_SERVICES_COMMON_STORE_METRICS_H_
#define REACHRANK_SERVICES_COMMON_STORE_METRICS_H_

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "storage/store.h"

namespace reachrank::services {

// A prometheus Collectable over Store::Stats(). Thread-safe (Store is).
// Borrows `store`: remove it from the Metrics endpoint and stop the endpoint
// before the store is closed.
class StoreStatsCollector final : public prometheus::Collectable {
 public:
  explicit StoreStatsCollector(storage::Store& store) : store_(store) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  storage::Store& store_;
};

// The metric families for one StoreStats snapshot (pure; used by Collect).
std::vector<prometheus::MetricFamily> StoreStatsFamilies(
    const storage::StoreStats& stats);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_STORE_METRICS_H_
