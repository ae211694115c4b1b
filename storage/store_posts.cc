// Posts and authors: PutPosts, SetClassification, the pending set, the
// author index.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

template <typename Topics>
absl::Status CheckTopics(const Topics& topics, absl::string_view where) {
  size_t i = 0;
  for (const v1::TopicScore& topic : topics) {
    if (!keys::IsValidPart(topic.topic_id())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "topics[", i, "].topic_id is empty or too long"));
    }
    ++i;
  }
  return absl::OkStatus();
}

absl::Status CheckRecord(const PostRecord& r, size_t index) {
  const std::string where = absl::StrCat("records[", index, "].");
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{
                                        "post_id", &r.post().post_id()},
                                    {"platform", &r.post().platform()},
                                    {"author_id", &r.post().author_id()}}) {
    if (!keys::IsValidPart(*value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "post.", name, " is empty or too long"));
    }
  }
  if (!r.classified()) return absl::OkStatus();
  return CheckTopics(r.topics(), where);
}

// True when `a` and `b` classify alike: same text, language and hashtags
// (in order), the inputs of topic classification.
bool SameClassifiedContent(const v1::Post& a, const v1::Post& b) {
  return a.text() == b.text() && a.language() == b.language() &&
         std::equal(a.hashtags().begin(), a.hashtags().end(),
                    b.hashtags().begin(), b.hashtags().end());
}

// The record to store for `incoming`, given the stored one (if any). An
// unclassified upsert of an unchanged post keeps its classification; a
// changed text, language or hashtags make it pending again.
PostRecord Reconcile(const std::optional<PostRecord>& old,
                     const PostRecord& incoming, int64_t now_ms) {
  PostRecord out = incoming;
  out.set_updated_ms(now_ms);
  if (out.language().empty()) out.set_language(incoming.post().language());
  if (incoming.classified()) return out;
  out.clear_topics();
  const bool same_content =
      old.has_value() && SameClassifiedContent(old->post(), incoming.post());
  if (same_content && old->classified()) {
    *out.mutable_topics() = old->topics();
    out.set_classified(true);
    out.set_language(old->language());
  }
  return out;
}

void MergeRows(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
               const absl::flat_hash_map<std::string, Counters>& rows) {
  for (const auto& [key, counters] : rows) {
    if (counters.empty()) continue;  // e.g. an unchanged re-upsert
    batch->Merge(cf, key, counters.Encode()).PermitUncheckedError();
  }
}

}  // namespace

absl::StatusOr<std::optional<PostRecord>> RocksStore::ReadPost(
    absl::string_view id) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kCfPosts), ToSlice(id), &value);
  if (s.IsNotFound()) return std::optional<PostRecord>();
  RR_RETURN_IF_ERROR(FromRocks(s, "read post"));
  RR_ASSIGN_OR_RETURN(PostRecord record, ParsePostRecord(id, ToView(value)));
  return std::optional<PostRecord>(std::move(record));
}

absl::StatusOr<PostRecord> RocksStore::GetPost(absl::string_view post_id) {
  RR_ASSIGN_OR_RETURN(std::optional<PostRecord> record, ReadPost(post_id));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat("post '", post_id, "' not found"));
  }
  return *std::move(record);
}

absl::StatusOr<std::vector<std::optional<PostRecord>>>
RocksStore::MultiGetPosts(absl::Span<const std::string> post_ids) {
  RR_ASSIGN_OR_RETURN(auto values, MultiGetRaw(kCfPosts, post_ids));
  std::vector<std::optional<PostRecord>> out(post_ids.size());
  for (size_t i = 0; i < post_ids.size(); ++i) {
    if (!values[i].has_value()) continue;
    RR_ASSIGN_OR_RETURN(out[i], ParsePostRecord(post_ids[i], *values[i]));
  }
  return out;
}

absl::StatusOr<std::vector<PutPostResult>> RocksStore::PutPosts(
    absl::Span<const PostRecord> records) {
  RR_RETURN_IF_ERROR(CheckWritable());
  std::vector<std::string> ids;
  for (size_t i = 0; i < records.size(); ++i) {
    RR_RETURN_IF_ERROR(CheckRecord(records[i], i));
    ids.push_back(records[i].post().post_id());
  }
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  absl::MutexLock lock(&write_mu_);
  RR_ASSIGN_OR_RETURN(std::vector<std::optional<PostRecord>> stored,
                      MultiGetPosts(ids));
  // The latest version of each post, so that a post repeated in the batch
  // sees its earlier copy.
  absl::flat_hash_map<std::string, std::optional<PostRecord>> current;
  for (size_t i = 0; i < ids.size(); ++i) current.emplace(ids[i], stored[i]);

  std::vector<PutPostResult> results;
  PostDeltas deltas;
  rocksdb::WriteBatch batch;
  for (const PostRecord& incoming : records) {
    std::optional<PostRecord>& old = current[incoming.post().post_id()];
    PostRecord next = Reconcile(old, incoming, now_ms);
    results.push_back({!old.has_value(), !next.classified()});
    if (old.has_value()) {
      RR_RETURN_IF_ERROR(MoveEngagement(*old, next, &deltas));
      AddPostRows(*old, -1, &deltas);
      const std::string old_key = AuthorPostKeyOf(*old);
      if (old_key != AuthorPostKeyOf(next)) {
        batch.Delete(cf(kCfAuthorPosts), old_key).PermitUncheckedError();
      }
    }
    AddPostRows(next, +1, &deltas);
    StageRecord(next, old.has_value() && !old->classified(), &batch);
    old = std::move(next);
  }
  MergeRows(&batch, cf(kCfAuthorDayCounters), deltas.author_days);
  MergeRows(&batch, cf(kCfTopicDayCounters), deltas.topic_days);
  RR_RETURN_IF_ERROR(Write(&batch, "put posts"));
  return results;
}

absl::Status RocksStore::MoveEngagement(const PostRecord& old,
                                        const PostRecord& next,
                                        PostDeltas* deltas) {
  if (SameEngagementRows(old, next)) return absl::OkStatus();
  RR_ASSIGN_OR_RETURN(std::vector<HourCounters> hours,
                      PostHours(old.post().post_id()));
  AddPostEngagement(old, hours, -1, deltas);
  AddPostEngagement(next, hours, +1, deltas);
  return absl::OkStatus();
}

void RocksStore::StageRecord(const PostRecord& record, bool was_pending,
                             rocksdb::WriteBatch* batch) {
  const std::string& id = record.post().post_id();
  batch->Put(cf(kCfPosts), id, record.SerializeAsString())
      .PermitUncheckedError();
  batch
      ->Put(cf(kCfAuthorPosts), AuthorPostKeyOf(record),
            AuthorPostValueOf(record))
      .PermitUncheckedError();
  if (record.classified()) {
    if (was_pending) batch->Delete(cf(kCfPending), id).PermitUncheckedError();
  } else {
    batch->Put(cf(kCfPending), id, "").PermitUncheckedError();
  }
}

absl::Status RocksStore::SetClassification(
    const v1::Post& classified, absl::Span<const v1::TopicScore> topics,
    absl::string_view language) {
  RR_RETURN_IF_ERROR(CheckWritable());
  RR_RETURN_IF_ERROR(CheckTopics(topics, ""));
  absl::MutexLock lock(&write_mu_);
  RR_ASSIGN_OR_RETURN(PostRecord old, GetPost(classified.post_id()));
  if (!SameClassifiedContent(old.post(), classified)) {
    return absl::AbortedError(absl::StrCat(
        "post ", classified.post_id(),
        ": text, language or hashtags changed while it was classified"));
  }
  PostRecord next = old;
  next.mutable_topics()->Assign(topics.begin(), topics.end());
  next.set_classified(true);
  if (!language.empty()) next.set_language(std::string(language));
  next.set_updated_ms(absl::ToUnixMillis(absl::Now()));
  PostDeltas deltas;
  RR_RETURN_IF_ERROR(MoveEngagement(old, next, &deltas));
  AddPostRows(old, -1, &deltas);
  AddPostRows(next, +1, &deltas);
  rocksdb::WriteBatch batch;
  StageRecord(next, !old.classified(), &batch);
  MergeRows(&batch, cf(kCfAuthorDayCounters), deltas.author_days);
  MergeRows(&batch, cf(kCfTopicDayCounters), deltas.topic_days);
  return Write(&batch, "set classification");
}

absl::StatusOr<std::vector<std::string>> RocksStore::ListPending(size_t limit) {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfPending)));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    out.push_back(it->key().ToString());
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "list pending"));
  return out;
}

absl::StatusOr<std::vector<std::string>> RocksStore::ListPostIds(
    size_t limit, const std::optional<std::string>& start_after) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfPosts)));
  SeekPast(it.get(), start_after);
  std::vector<std::string> out;
  for (; it->Valid() && out.size() < limit; it->Next()) {
    out.emplace_back(it->key().data(), it->key().size());
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "list posts"));
  return out;
}

}  // namespace reachrank::storage
