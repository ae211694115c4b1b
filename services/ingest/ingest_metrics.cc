#include "services/ingest/ingest_metrics.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/ingest/validation.h"

namespace reachrank::ingest {
namespace {

// "EVENT_TYPE_IMPRESSION" -> "impression".
std::string LabelOf(const std::string& enum_name, absl::string_view prefix) {
  return absl::AsciiStrToLower(
      absl::string_view(enum_name).substr(prefix.size()));
}

size_t CellOf(int type, int surface, int relation) {
  return (static_cast<size_t>(type) * storage::kSurfaces + surface) *
             storage::kRelations +
         relation;
}

}  // namespace

IngestMetrics::IngestMetrics(prometheus::Registry& registry)
    : events_(prometheus::BuildCounter()
                  .Name("reachrank_ingest_events_total")
                  .Help("Engagement events counted (aggregates add their "
                        "count), by type, surface and relation.")
                  .Register(registry)),
      rejected_(prometheus::BuildCounter()
                    .Name("reachrank_ingest_rejected_total")
                    .Help("Items rejected (posts, authors, events), by reason.")
                    .Register(registry)),
      duplicates_(prometheus::BuildCounter()
                      .Name("reachrank_ingest_duplicates_total")
                      .Help("Event records already counted (replays).")
                      .Register(registry)
                      .Add({})),
      unclassified_(prometheus::BuildGauge()
                        .Name("reachrank_unclassified_posts")
                        .Help("Posts stored but waiting for classification.")
                        .Register(registry)
                        .Add({})),
      deleted_(prometheus::BuildCounter()
                   .Name("reachrank_ingest_deleted_total")
                   .Help("DeleteAuthors: authors deleted (each accepted "
                         "item, stored or not) and their posts, by kind.")
                   .Register(registry)),
      deleted_authors_(deleted_.Add({{"kind", "authors"}})),
      deleted_posts_(deleted_.Add({{"kind", "posts"}})),
      reclassified_(prometheus::BuildCounter()
                        .Name("reachrank_ingest_reclassified_total")
                        .Help("Posts read by ReclassifyPosts, by outcome.")
                        .Register(registry)),
      reclassified_changed_(reclassified_.Add({{"outcome", "changed"}})),
      reclassified_unchanged_(reclassified_.Add({{"outcome", "unchanged"}})),
      reclassified_skipped_(reclassified_.Add({{"outcome", "skipped"}})) {
  // Exported at 0 from the start, so that increase() sees the first
  // misrouted write (the ReachrankMisroutedWrites alert).
  rejected_.Add({{"reason", "wrong_shard"}});
  for (int t = 1; t < storage::kEventTypes; ++t) {
    for (int s = 1; s < storage::kSurfaces; ++s) {
      for (int r = 1; r < storage::kRelations; ++r) {
        event_cells_[CellOf(t, s, r)] = &events_.Add(
            {{"type", LabelOf(v1::EventType_Name(t), "EVENT_TYPE_")},
             {"surface", LabelOf(v1::Surface_Name(s), "SURFACE_")},
             {"relation", LabelOf(v1::Relation_Name(r), "RELATION_")}});
      }
    }
  }
}

void IngestMetrics::EventsCounted(v1::EventType type, v1::Surface surface,
                                  v1::Relation relation, uint64_t count) {
  size_t cell = CellOf(type, surface, relation);
  if (cell < event_cells_.size() && event_cells_[cell] != nullptr) {
    event_cells_[cell]->Increment(static_cast<double>(count));
  }
}

void IngestMetrics::Duplicates(uint64_t records) {
  duplicates_.Increment(static_cast<double>(records));
}

void IngestMetrics::Rejected(absl::string_view reason, uint64_t items) {
  rejected_.Add({{"reason", std::string(reason)}})
      .Increment(static_cast<double>(items));
}

void IngestMetrics::SetUnclassified(double posts) { unclassified_.Set(posts); }

void IngestMetrics::Reclassified(uint64_t changed, uint64_t unchanged,
                                 uint64_t skipped) {
  reclassified_changed_.Increment(static_cast<double>(changed));
  reclassified_unchanged_.Increment(static_cast<double>(unchanged));
  reclassified_skipped_.Increment(static_cast<double>(skipped));
}

void IngestMetrics::Deleted(uint64_t authors, uint64_t posts) {
  deleted_authors_.Increment(static_cast<double>(authors));
  deleted_posts_.Increment(static_cast<double>(posts));
}

std::string RejectReason(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: {
      std::string field = ToViolation(status).field;
      field = field.substr(0, field.find('['));
      return field.empty() ? "invalid" : absl::StrCat("invalid_", field);
    }
    case absl::StatusCode::kFailedPrecondition:
      return "unknown_post";
    case absl::StatusCode::kResourceExhausted:
      return "batch_too_large";
    default:
      return "other";
  }
}

}  // namespace reachrank::ingest
