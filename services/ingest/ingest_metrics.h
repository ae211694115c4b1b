// ingest_metrics: the ingest service's domain metrics. Labels carry enum
// names and rejection reasons only, never post or author ids:
//   reachrank_ingest_events_total{type,surface,relation}  events counted
//       (an aggregate record adds its `count`)
//   reachrank_ingest_duplicates_total   event records already counted
//   reachrank_ingest_rejected_total{reason}  rejected items, e.g.
//       reason="invalid_platform", "unknown_post", "batch_too_large",
//       "wrong_shard"
//   reachrank_ingest_deleted_total{kind}  authors and posts deleted
//       (DeleteAuthors), kind="authors" or "posts"
//   reachrank_unclassified_posts        posts waiting for classification
//   reachrank_ingest_reclassified_total{outcome}  posts read by
//       ReclassifyPosts: outcome="changed" (stored again), "unchanged",
//       "skipped" (deleted or edited while being classified)
#ifndef REACHRANK_SERVICES_INGEST_INGEST_METRICS_H_
#define REACHRANK_SERVICES_INGEST_INGEST_METRICS_H_

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "reachrank/v1/common.pb.h"
#include "storage/counters.h"

namespace reachrank::ingest {

// Registers the families in a registry that must outlive *this.
// Thread-safe.
class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);

  // `count` events of one kind were counted. Enums must be valid values.
  void EventsCounted(v1::EventType type, v1::Surface surface,
                     v1::Relation relation, uint64_t count);
  void Duplicates(uint64_t records);
  // `items` were rejected for `reason` (a short snake_case word).
  void Rejected(absl::string_view reason, uint64_t items = 1);
  void SetUnclassified(double posts);
  void Deleted(uint64_t authors, uint64_t posts);
  // Posts a reclassification read since its last report, by outcome.
  void Reclassified(uint64_t changed, uint64_t unchanged, uint64_t skipped);

 private:
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Counter& duplicates_;
  prometheus::Gauge& unclassified_;
  prometheus::Family<prometheus::Counter>& deleted_;
  prometheus::Counter& deleted_authors_;
  prometheus::Counter& deleted_posts_;
  prometheus::Family<prometheus::Counter>& reclassified_;
  prometheus::Counter& reclassified_changed_;
  prometheus::Counter& reclassified_unchanged_;
  prometheus::Counter& reclassified_skipped_;
  // Children of events_ by enum value, created up front so that counting
  // takes no lock.
  std::array<prometheus::Counter*,
             storage::kEventTypes * storage::kSurfaces * storage::kRelations>
      event_cells_{};
};

// The rejection reason of a failed item or request status:
// "invalid_<field>" for INVALID_ARGUMENT with an item-relative field
// ("hashtags[2]: ..." gives "invalid_hashtags"),
// "unknown_post" for FAILED_PRECONDITION, "batch_too_large" for
// RESOURCE_EXHAUSTED, "other" otherwise.
std::string RejectReason(const absl::Status& status);

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_INGEST_METRICS_H_
