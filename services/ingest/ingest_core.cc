#include "services/ingest/ingest_core.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/ingest/validation.h"

namespace reachrank::ingest {
namespace {

constexpr char kUnknownPost[] = "post_id: must name an upserted post";

uint64_t EventCount(const v1::EngagementEvent& e) {
  return e.count() == 0 ? 1 : e.count();
}

}  // namespace

IngestCore::IngestCore(storage::Store& store,
                       topics::TopicClassifier* classifier,
                       IngestMetrics& metrics, IngestCoreOptions options)
    : store_(store),
      topics_(classifier),
      metrics_(metrics),
      options_(std::move(options)),
      classifier_(store, classifier, metrics, options_.classification) {}

absl::StatusOr<ReclassifySummary> IngestCore::Reclassify(
    uint32_t top_k, ReclassifyOptions options) {
  if (top_k > static_cast<uint32_t>(kMaxReclassifyTopK)) {
    return absl::InvalidArgumentError(
        absl::StrCat("top_k: ", top_k, ", must be 0-", kMaxReclassifyTopK,
                     " (0: as many as new posts get)"));
  }
  if (topics_ == nullptr) {
    return absl::FailedPreconditionError(
        "no topic service to classify with: the ingest service runs without "
        "--topics");
  }
  if (reclassifying_.exchange(true)) {
    return absl::FailedPreconditionError(
        "a reclassification is already running on this database");
  }
  options.top_k =
      top_k == 0 ? options_.classification.top_k : static_cast<int>(top_k);
  // A real run counts each batch's posts by outcome, then reports on.
  if (!options.dry_run) {
    options.progress =
        [this, report = std::move(options.progress), posts = int64_t{0},
         changed = int64_t{0},
         skipped = int64_t{0}](const ReclassifySummary& so_far) mutable {
          metrics_.Reclassified(so_far.changed - changed,
                                (so_far.posts - posts) -
                                    (so_far.changed - changed) -
                                    (so_far.skipped - skipped),
                                so_far.skipped - skipped);
          posts = so_far.posts;
          changed = so_far.changed;
          skipped = so_far.skipped;
          if (report) report(so_far);
        };
  }
  absl::StatusOr<ReclassifySummary> summary =
      ReclassifyAll(store_, *topics_, options);
  reclassifying_.store(false);
  return summary;
}

std::string IngestCore::ClassifierVersion() const {
  return topics_ == nullptr ? "" : topics_->ModelVersion();
}

absl::StatusOr<UpsertOutcome> IngestCore::UpsertPosts(
    absl::Span<const v1::Post> posts) {
  RR_RETURN_IF_ERROR(CheckBatch(posts.size(), "posts"));
  absl::Time now = options_.now();
  UpsertOutcome out;
  std::vector<storage::PostRecord> records;
  for (uint32_t i = 0; i < posts.size(); ++i) {
    absl::Status status = Admit(ValidatePost(posts[i], now),
                                posts[i].platform(), posts[i].author_id());
    out.items.push_back({i, posts[i].post_id(), status});
    if (!status.ok()) continue;
    storage::PostRecord& record = records.emplace_back();
    *record.mutable_post() = posts[i];
    record.set_language(posts[i].language());
    record.set_updated_ms(absl::ToUnixMillis(now));
  }
  out.upserted = records.size();
  out.rejected = posts.size() - records.size();
  if (records.empty()) return out;
  RR_ASSIGN_OR_RETURN(std::vector<storage::PutPostResult> results,
                      store_.PutPosts(records));
  std::vector<std::string> to_classify;
  for (size_t i = 0; i < results.size() && i < records.size(); ++i) {
    if (results[i].needs_classification) {
      to_classify.push_back(records[i].post().post_id());
    }
  }
  // A classifier failure is not the caller's problem: the posts are stored
  // and stay pending for the background pass.
  classifier_.ClassifyNew(to_classify).IgnoreError();
  return out;
}

absl::StatusOr<UpsertOutcome> IngestCore::UpsertAuthors(
    absl::Span<const v1::Author> authors) {
  RR_RETURN_IF_ERROR(CheckBatch(authors.size(), "authors"));
  absl::Time now = options_.now();
  UpsertOutcome out;
  std::vector<v1::Author> valid;
  for (uint32_t i = 0; i < authors.size(); ++i) {
    absl::Status status = Admit(ValidateAuthor(authors[i], now),
                                authors[i].platform(), authors[i].author_id());
    out.items.push_back({i, authors[i].author_id(), status});
    if (status.ok()) valid.push_back(authors[i]);
  }
  out.upserted = valid.size();
  out.rejected = authors.size() - valid.size();
  if (!valid.empty()) RR_RETURN_IF_ERROR(store_.PutAuthors(valid));
  return out;
}

absl::StatusOr<DeleteOutcome> IngestCore::DeleteAuthors(
    absl::Span<const v1::AuthorRef> authors) {
  RR_RETURN_IF_ERROR(CheckBatch(authors.size(), "authors"));
  DeleteOutcome out;
  for (uint32_t i = 0; i < authors.size(); ++i) {
    const v1::AuthorRef& ref = authors[i];
    absl::Status status = ValidateAuthorRef(ref);
    if (!status.ok()) {
      metrics_.Rejected(RejectReason(status));
      out.items.push_back({i, ref.author_id(), std::move(status)});
      ++out.rejected;
      continue;
    }
    RR_ASSIGN_OR_RETURN(int64_t posts,
                        store_.DeleteAuthor({ref.platform(), ref.author_id()}));
    metrics_.Deleted(1, static_cast<uint64_t>(posts));
    out.items.push_back({i, ref.author_id(), absl::OkStatus()});
    ++out.deleted;
    out.posts_deleted += static_cast<uint64_t>(posts);
  }
  return out;
}

absl::StatusOr<EventsOutcome> IngestCore::RecordEvents(
    absl::Span<const v1::EngagementEvent> events) {
  RR_RETURN_IF_ERROR(CheckBatch(events.size(), "events"));
  absl::Time now = options_.now();
  EventsOutcome out;
  std::vector<v1::EngagementEvent> valid;
  std::vector<uint32_t> indices;
  for (uint32_t i = 0; i < events.size(); ++i) {
    absl::Status status = ValidateEvent(events[i], now);
    if (status.ok()) {
      indices.push_back(i);
    } else {
      Reject(i, events[i].event_id(), std::move(status), out.rejections);
    }
  }
  if (indices.size() == events.size()) {
    RR_RETURN_IF_ERROR(CountEvents(events, indices, now, out));
  } else if (!indices.empty()) {
    for (uint32_t i : indices) valid.push_back(events[i]);
    RR_RETURN_IF_ERROR(CountEvents(valid, indices, now, out));
  }
  out.rejected = out.rejections.size();
  return out;
}

absl::Status IngestCore::Admit(absl::Status valid, absl::string_view platform,
                               absl::string_view author_id) {
  if (!valid.ok()) {
    metrics_.Rejected(RejectReason(valid));
    return valid;
  }
  absl::Status owned = CheckShard(options_.shard, platform, author_id);
  if (!owned.ok()) metrics_.Rejected("wrong_shard");
  return owned;
}

// Writes the valid events (one WriteBatch) and sorts their outcomes;
// `indices` maps them back to the request.
absl::Status IngestCore::CountEvents(
    absl::Span<const v1::EngagementEvent> valid,
    absl::Span<const uint32_t> indices, absl::Time now, EventsOutcome& out) {
  RR_ASSIGN_OR_RETURN(storage::RecordResult result,
                      store_.RecordEvents(valid, now));
  for (size_t j = 0; j < valid.size() && j < result.outcomes.size(); ++j) {
    const v1::EngagementEvent& e = valid[j];
    switch (result.outcomes[j]) {
      case storage::EventOutcome::kAccepted:
        ++out.accepted;
        metrics_.EventsCounted(e.type(), e.surface(), e.relation(),
                               EventCount(e));
        break;
      case storage::EventOutcome::kDuplicate:
        ++out.duplicates;
        break;
      case storage::EventOutcome::kUnknownPost:
        Reject(indices[j], e.event_id(),
               absl::FailedPreconditionError(kUnknownPost), out.rejections);
        break;
      case storage::EventOutcome::kBeforePost:
        Reject(indices[j], e.event_id(),
               absl::InvalidArgumentError(
                   absl::StrCat("at: must not be more than ",
                                absl::FormatDuration(store_.event_clock_skew()),
                                " before its post's created_at "
                                "(--event-clock-skew-s)")),
               out.rejections);
        break;
    }
  }
  if (out.duplicates > 0) metrics_.Duplicates(out.duplicates);
  // Rejections were appended out of order (invalid first); restore it.
  std::stable_sort(out.rejections.begin(), out.rejections.end(),
                   [](const ItemOutcome& a, const ItemOutcome& b) {
                     return a.index < b.index;
                   });
  return absl::OkStatus();
}

absl::Status IngestCore::CheckBatch(size_t size, absl::string_view field) {
  absl::Status status = ValidateBatchSize(size, field);
  if (!status.ok()) metrics_.Rejected(RejectReason(status), size);
  return status;
}

void IngestCore::Reject(uint32_t index, const std::string& id,
                        absl::Status status, std::vector<ItemOutcome>& out) {
  metrics_.Rejected(RejectReason(status));
  out.push_back({index, id, std::move(status)});
}

absl::StatusOr<v1::GetPostStatsResponse> IngestCore::GetPostStats(
    absl::string_view post_id) {
  RR_RETURN_IF_ERROR(ValidateId(post_id, "post_id"));
  RR_ASSIGN_OR_RETURN(storage::PostRecord record, store_.GetPost(post_id));
  RR_ASSIGN_OR_RETURN(storage::Counters counters, store_.PostCounters(post_id));
  return BuildPostStats(record, counters);
}

v1::GetPostStatsResponse BuildPostStats(const storage::PostRecord& record,
                                        const storage::Counters& counters) {
  constexpr uint32_t kPerSurface = storage::kRelations * storage::kEventTypes;
  // Keyed by event cell, so the output is ordered by surface, relation,
  // type; watch-time cells attach to the VIEW cell of their pair.
  std::map<uint32_t, v1::Counter> cells;
  v1::GetPostStatsResponse out;
  for (const auto& [cell, value] : counters.cells()) {
    uint32_t event_cell = cell;
    if (cell >= storage::kWatchBase &&
        cell < storage::kWatchBase + storage::kSurfaces * storage::kRelations) {
      uint32_t pair = cell - storage::kWatchBase;
      event_cell = pair * storage::kEventTypes + v1::EVENT_TYPE_VIEW;
    } else if (cell >= storage::kWatchBase) {
      continue;  // not a per-post cell
    }
    v1::Counter& c = cells[event_cell];
    c.set_surface(static_cast<v1::Surface>(event_cell / kPerSurface));
    c.set_relation(static_cast<v1::Relation>(event_cell % kPerSurface /
                                             storage::kEventTypes));
    c.set_type(static_cast<v1::EventType>(event_cell % storage::kEventTypes));
    if (cell == event_cell) {
      c.set_count(value);
      out.set_total_events(out.total_events() + value);
    } else {
      c.set_watch_ms(value);
    }
  }
  for (auto& [cell, counter] : cells) *out.add_counters() = std::move(counter);
  *out.mutable_post() = record.post();
  *out.mutable_topics() = record.topics();
  out.set_classification_state(record.classified()
                                   ? v1::CLASSIFICATION_STATE_CLASSIFIED
                                   : v1::CLASSIFICATION_STATE_PENDING);
  out.set_language(record.language());
  *out.mutable_updated_at() =
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
          record.updated_ms());
  return out;
}

}  // namespace reachrank::ingest
