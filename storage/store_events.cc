// RecordEvents: dedup markers and counter deltas of a batch of events in one
// WriteBatch.
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/dedup_filter.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// What an event needs to know about its post.
struct PostInfo {
  std::string platform;
  std::string author_id;
  std::string top_topic;  // empty while unclassified
  absl::Time created_at;
};

// Counter deltas of a batch, aggregated per key and column family, so that
// a key gets one merge operand per batch however many events touch it.
struct BatchDeltas {
  absl::flat_hash_map<std::string, Counters> post_totals;
  absl::flat_hash_map<std::string, Counters> post_hours;
  absl::flat_hash_map<std::string, Counters> author_days;
  absl::flat_hash_map<std::string, Counters> topic_days;
};

absl::Status CheckEvent(const v1::EngagementEvent& e, size_t index) {
  auto bad = [index](absl::string_view field) {
    return absl::InvalidArgumentError(absl::StrCat(
        "events[", index, "].", field, " is out of range or empty"));
  };
  if (!keys::IsValidPart(e.event_id())) return bad("event_id");
  if (!keys::IsValidPart(e.post_id())) return bad("post_id");
  if (e.surface() < 0 || e.surface() >= kSurfaces) return bad("surface");
  if (e.relation() < 0 || e.relation() >= kRelations) return bad("relation");
  if (e.type() < 0 || e.type() >= kEventTypes) return bad("type");
  return absl::OkStatus();
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Adds one accepted event to the four counter rows it touches.
void AddEvent(const v1::EngagementEvent& e, const PostInfo& post,
              BatchDeltas* deltas) {
  const int64_t count = e.count() == 0 ? 1 : e.count();
  const uint32_t cell = EventCell(e.surface(), e.relation(), e.type());
  const int64_t seconds = e.at().seconds();
  const auto hour = static_cast<int32_t>(FloorDiv(seconds, 3600));
  const auto day = static_cast<int32_t>(FloorDiv(seconds, 86400));
  const bool watch = e.type() == v1::EVENT_TYPE_VIEW && e.watch_ms() != 0;
  auto add = [&](Counters& row) {
    row.Add(cell, count);
    if (watch) row.Add(WatchCell(e.surface(), e.relation()), e.watch_ms());
  };
  add(deltas->post_totals[e.post_id()]);
  add(deltas->post_hours[keys::PostHourKey(e.post_id(), hour)]);
  add(deltas->author_days[keys::DayKey(post.platform, post.author_id, day)]);
  if (!post.top_topic.empty()) {
    add(deltas->topic_days[keys::DayKey(post.platform, post.top_topic, day)]);
  }
}

void MergeAll(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
              const absl::flat_hash_map<std::string, Counters>& rows,
              std::string* scratch) {
  for (const auto& [key, counters] : rows) {
    if (counters.empty()) continue;
    scratch->clear();
    counters.EncodeTo(scratch);
    batch->Merge(cf, key, *scratch).PermitUncheckedError();
  }
}

// Distinct values of `field` over `events`, in first-seen order.
template <typename Field>
std::vector<std::string> Distinct(absl::Span<const v1::EngagementEvent> events,
                                  Field field) {
  absl::flat_hash_set<absl::string_view> seen;
  std::vector<std::string> out;
  for (const v1::EngagementEvent& e : events) {
    if (seen.insert(field(e)).second) out.emplace_back(field(e));
  }
  return out;
}

using PostInfos = absl::flat_hash_map<absl::string_view, PostInfo>;

// What the events of a batch need of their posts, keyed by post id (views
// into `post_ids`); unknown posts are absent.
absl::StatusOr<PostInfos> LoadPostInfos(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* posts_cf,
    const std::vector<std::string>& post_ids) {
  RR_ASSIGN_OR_RETURN(auto values, MultiGetRaw(db, posts_cf, post_ids));
  PostInfos posts;
  for (size_t i = 0; i < post_ids.size(); ++i) {
    if (!values[i].has_value()) continue;
    RR_ASSIGN_OR_RETURN(PostRecord record,
                        ParsePostRecord(post_ids[i], *values[i]));
    PostInfo& info = posts[post_ids[i]];
    info.platform = record.post().platform();
    info.author_id = record.post().author_id();
    info.top_topic = std::string(TopTopicOf(record));
    info.created_at = TimeOf(record.post().created_at());
  }
  return posts;
}

// Event ids (views into `event_ids`) whose marker is live at `now`. A
// malformed marker counts as expired, as in DedupCompactionFilter.
absl::StatusOr<absl::flat_hash_set<absl::string_view>> LoadLiveMarkers(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* dedup_cf,
    const std::vector<std::string>& event_ids, absl::Time now,
    absl::Duration window) {
  RR_ASSIGN_OR_RETURN(auto values, MultiGetRaw(db, dedup_cf, event_ids));
  absl::flat_hash_set<absl::string_view> live;
  for (size_t i = 0; i < event_ids.size(); ++i) {
    int64_t first_seen_ms = 0;
    if (values[i].has_value() &&
        keys::DecodeDedupValue(*values[i], &first_seen_ms) &&
        DedupMarkerLive(first_seen_ms, now, window)) {
      live.insert(event_ids[i]);
    }
  }
  return live;
}

// Decides each event's outcome; accepted events get a dedup marker in
// `batch` and their deltas in `deltas`. `counted` grows with the batch's
// accepted ids, which makes later copies in the batch duplicates.
RecordResult DecideOutcomes(absl::Span<const v1::EngagementEvent> events,
                            const PostInfos& posts, absl::Duration skew,
                            absl::flat_hash_set<absl::string_view>* counted,
                            const std::string& marker,
                            rocksdb::ColumnFamilyHandle* dedup_cf,
                            rocksdb::WriteBatch* batch, BatchDeltas* deltas) {
  RecordResult result;
  result.outcomes.reserve(events.size());
  for (const v1::EngagementEvent& e : events) {
    auto post = posts.find(e.post_id());
    if (post == posts.end()) {
      result.outcomes.push_back(EventOutcome::kUnknownPost);
      ++result.unknown_post;
    } else if (TimeOf(e.at()) < post->second.created_at - skew) {
      result.outcomes.push_back(EventOutcome::kBeforePost);
      ++result.before_post;
    } else if (!counted->insert(e.event_id()).second) {
      result.outcomes.push_back(EventOutcome::kDuplicate);
      ++result.duplicates;
    } else {
      result.outcomes.push_back(EventOutcome::kAccepted);
      ++result.accepted;
      batch->Put(dedup_cf, e.event_id(), marker).PermitUncheckedError();
      AddEvent(e, post->second, deltas);
    }
  }
  return result;
}

std::vector<std::string> DistinctPostIds(
    absl::Span<const v1::EngagementEvent> events) {
  return Distinct(events,
                  [](const v1::EngagementEvent& e) -> absl::string_view {
                    return e.post_id();
                  });
}

std::vector<std::string> DistinctEventIds(
    absl::Span<const v1::EngagementEvent> events) {
  return Distinct(events,
                  [](const v1::EngagementEvent& e) -> absl::string_view {
                    return e.event_id();
                  });
}

}  // namespace

absl::StatusOr<RecordResult> RocksStore::RecordEvents(
    absl::Span<const v1::EngagementEvent> events, absl::Time now) {
  RR_RETURN_IF_ERROR(CheckWritable());
  for (size_t i = 0; i < events.size(); ++i) {
    RR_RETURN_IF_ERROR(CheckEvent(events[i], i));
  }
  const std::vector<std::string> post_ids = DistinctPostIds(events);
  const std::vector<std::string> event_ids = DistinctEventIds(events);

  absl::MutexLock lock(&write_mu_);
  RR_ASSIGN_OR_RETURN(const PostInfos posts,
                      LoadPostInfos(db_.get(), cf(kCfPosts), post_ids));
  RR_ASSIGN_OR_RETURN(auto counted,
                      LoadLiveMarkers(db_.get(), cf(kCfDedup), event_ids, now,
                                      options_.dedup_window));
  BatchDeltas deltas;
  rocksdb::WriteBatch batch;
  RecordResult result = DecideOutcomes(
      events, posts, options_.event_clock_skew, &counted,
      keys::DedupValue(absl::ToUnixMillis(now)), cf(kCfDedup), &batch, &deltas);
  if (result.accepted == 0) return result;
  std::string scratch;
  MergeAll(&batch, cf(kCfPostCounters), deltas.post_totals, &scratch);
  MergeAll(&batch, cf(kCfPostHourCounters), deltas.post_hours, &scratch);
  MergeAll(&batch, cf(kCfAuthorDayCounters), deltas.author_days, &scratch);
  MergeAll(&batch, cf(kCfTopicDayCounters), deltas.topic_days, &scratch);
  RR_RETURN_IF_ERROR(Write(&batch, "record events"));
  return result;
}

}  // namespace reachrank::storage
