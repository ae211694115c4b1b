// RocksStore: the RocksDB implementation of Store. Internal to storage/.
#ifndef REACHRANK_STORAGE_STORE_IMPL_H_
#define REACHRANK_STORAGE_STORE_IMPL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/post_rows.h"
#include "storage/rocks_options.h"
#include "storage/store.h"

namespace reachrank::storage {

inline rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// Positions `it` at the first key after `after` (exclusive), or at the
// first key when there is none: where a paged listing resumes.
inline void SeekPast(rocksdb::Iterator* it,
                     const std::optional<std::string>& after) {
  if (!after.has_value()) {
    it->SeekToFirst();
    return;
  }
  it->Seek(ToSlice(*after));
  if (it->Valid() && it->key() == ToSlice(*after)) it->Next();
}

// The authors-family key of an optional author (a listing's resume point).
inline std::optional<std::string> AuthorKeyOf(
    const std::optional<AuthorId>& author) {
  if (!author.has_value()) return std::nullopt;
  return keys::AuthorKey(author->platform, author->author_id);
}

// One value per key of family `cf` of `db` through one MultiGet (nullopt when
// absent), in key order.
absl::StatusOr<std::vector<std::optional<std::string>>> MultiGetRaw(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
    absl::Span<const std::string> keys);

// Every hourly bucket of `post_id` in `hours` (the post_hour_counters
// family of `db`), ascending: Store::PostHours.
absl::StatusOr<std::vector<HourCounters>> ReadPostHours(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* hours,
    absl::string_view post_id);

// What UpgradeToVersion2 rebuilt the day rows from.
struct UpgradeCounts {
  int64_t posts = 0;       // posts read; the author rows count them all
  int64_t classified = 0;  // of them classified: the topic rows count these
  int64_t index_mended = 0;  // author_posts entries written or deleted
};

// Brings a version 1 database to version 2 in one synced atomic write:
// every author and topic day row recomputed from the posts the database
// holds (supply, and the engagement of each post in its author's and top
// topic's rows), the author rows written only where they differ, and the
// schema version set to 2. `handles` holds one handle per Cf; `progress`
// gets the posts read so far. Memory grows with the topic rows, not with
// the posts or authors. A damaged author index is mended in the same write.
// A failure or crash before the write leaves
// version 1 as it was, and running it again recomputes the same rows.
absl::StatusOr<UpgradeCounts> UpgradeToVersion2(
    rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
    absl::FunctionRef<void(int64_t posts)> progress);

// The schema version of an open database, and what opening did besides
// opening (an upgrade) for the log.
struct OpenedSchema {
  int version = kSchemaVersion;
  std::string note;
};

// Thread-safe: RocksDB handles concurrent readers and writers; the methods
// that read before they write (RecordEvents, PutPosts, SetClassification)
// hold write_mu_ so that their check-then-write is atomic.
class RocksStore final : public Store {
 public:
  // Takes ownership of `db` and `handles` (one per Cf, in Cf order).
  RocksStore(StoreOptions options, RocksSetup setup, bool secondary,
             std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> handles,
             OpenedSchema schema);
  ~RocksStore() override;

  absl::Status TryCatchUpWithPrimary() override;
  // A secondary's check before catching up: the database it opened is
  // still the one at options_.path (Store::TryCatchUpWithPrimary).
  absl::Status CheckSameDatabase();
  bool is_secondary() const override { return secondary_; }
  absl::Duration event_clock_skew() const override {
    return options_.event_clock_skew;
  }
  const std::string& open_note() const override { return schema_.note; }

  absl::StatusOr<std::vector<PutPostResult>> PutPosts(
      absl::Span<const PostRecord> records) override;
  absl::StatusOr<PostRecord> GetPost(absl::string_view post_id) override;
  absl::StatusOr<std::vector<std::optional<PostRecord>>> MultiGetPosts(
      absl::Span<const std::string> post_ids) override;
  absl::Status SetClassification(const v1::Post& classified,
                                 absl::Span<const v1::TopicScore> topics,
                                 absl::string_view language) override;
  absl::StatusOr<std::vector<std::string>> ListPending(size_t limit) override;
  absl::StatusOr<std::vector<std::string>> ListPostIds(
      size_t limit, const std::optional<std::string>& start_after) override;

  absl::Status PutAuthors(absl::Span<const v1::Author> authors) override;
  absl::StatusOr<v1::Author> GetAuthor(absl::string_view platform,
                                       absl::string_view author_id) override;
  absl::StatusOr<std::vector<v1::Author>> ListAuthors(
      size_t limit, const std::optional<AuthorId>& start_after) override;
  absl::StatusOr<std::vector<AuthorPostEntry>> AuthorPosts(
      absl::string_view platform, absl::string_view author_id, absl::Time until,
      size_t limit) override;
  absl::StatusOr<std::vector<AuthorId>> ListAuthorIds(
      size_t limit, const std::optional<AuthorId>& start_after) override;
  absl::StatusOr<int64_t> DeleteAuthor(const AuthorId& author) override;

  absl::StatusOr<RecordResult> RecordEvents(
      absl::Span<const v1::EngagementEvent> events, absl::Time now) override;

  absl::StatusOr<Counters> PostCounters(absl::string_view post_id) override;
  absl::StatusOr<std::vector<Counters>> MultiGetPostCounters(
      absl::Span<const std::string> post_ids) override;
  absl::StatusOr<Counters> PostCountersAsOf(absl::string_view post_id,
                                            absl::Time as_of) override;
  absl::StatusOr<std::vector<HourCounters>> PostHours(
      absl::string_view post_id) override;
  absl::StatusOr<std::vector<DayCounters>> AuthorDays(
      absl::string_view platform, absl::string_view author_id,
      int32_t first_day, int32_t last_day) override;
  absl::StatusOr<std::vector<DayCounters>> TopicDays(absl::string_view platform,
                                                     absl::string_view topic_id,
                                                     int32_t first_day,
                                                     int32_t last_day) override;

  StoreStats Stats() override;
  absl::StatusOr<ConsistencyReport> CheckConsistency(
      absl::FunctionRef<void(int64_t posts)> progress) override;
  absl::Status Flush() override;
  absl::Status Checkpoint(const std::string& dir) override;

 private:
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return handles_[c]; }
  // FAILED_PRECONDITION on a secondary instance.
  absl::Status CheckWritable() const;
  absl::Status Write(rocksdb::WriteBatch* batch, absl::string_view what);
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGetRaw(
      Cf c, absl::Span<const std::string> keys) {
    return storage::MultiGetRaw(db_.get(), cf(c), keys);
  }
  // Adds the record, its author_posts entry and its pending-set change to
  // `batch`. `was_pending`: the stored version was unclassified (only then
  // is a classified record's pending key deleted, so that posts stored
  // classified leave no tombstones for the pending scans to skip).
  void StageRecord(const PostRecord& record, bool was_pending,
                   rocksdb::WriteBatch* batch);
  // Adds to `deltas` the move of the post's engagement (its hourly
  // counters, read here) from the author and topic rows of `old` to those
  // of `next` when they differ: a new top topic or author, or a post
  // becoming pending or classified. Call with write_mu_ held, so no event
  // slips between.
  absl::Status MoveEngagement(const PostRecord& old, const PostRecord& next,
                              PostDeltas* deltas);
  // Adds the deletion of a post's row, totals, hourly counters and (when
  // `pending`) pending mark to `batch`; the author index entry is the
  // caller's.
  void StageDeletePost(absl::string_view post_id, bool pending,
                       rocksdb::WriteBatch* batch);
  // Reads and decodes one PostRecord; nullopt when absent.
  absl::StatusOr<std::optional<PostRecord>> ReadPost(absl::string_view id);
  // Day rows of `c` between the two days (inclusive), ascending.
  absl::StatusOr<std::vector<DayCounters>> ReadDays(Cf c,
                                                    absl::string_view platform,
                                                    absl::string_view owner,
                                                    int32_t first_day,
                                                    int32_t last_day);

  // Constant after construction.
  const StoreOptions options_;
  const RocksSetup setup_;
  const bool secondary_;
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const OpenedSchema schema_;
  // The directory opened (st_dev, st_ino; zeros when it could not be
  // read): a secondary whose path now names another directory (a restore
  // moved in, a symlink re-pointed) follows another database.
  const std::pair<uint64_t, uint64_t> directory_;
  // The IDENTITY of the database opened (RocksDB's id; empty until a
  // primary has opened it), which a secondary checks before each catch-up.
  absl::Mutex identity_mu_;
  std::string identity_ ABSL_GUARDED_BY(identity_mu_);
  rocksdb::WriteOptions write_options_;

  // Serialises read-check-write sequences of writers.
  absl::Mutex write_mu_;
};

// Decodes a PostRecord value; DATA_LOSS naming `id` when malformed.
absl::StatusOr<PostRecord> ParsePostRecord(absl::string_view id,
                                           absl::string_view value);
// Decodes a Counters value; DATA_LOSS naming `what` when malformed.
absl::StatusOr<Counters> ParseCounters(absl::string_view what,
                                       absl::string_view value);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_STORE_IMPL_H_
