// storage: reachrank's durable state in one RocksDB database (one shard).
//
// Column families by access pattern:
//   posts        post_id -> PostRecord (the post, its topics, state)
//   authors      platform\0author_id -> Author
//   author_posts platform\0author_id\0created_ms(be64)post_id -> topic id
//   pending      post_id -> "" (posts waiting for classification)
//   post_counters       post_id -> Counters (totals)
//   post_hour_counters  post_id\0hour(be32) -> Counters (as-of reads)
//   author_day_counters platform\0author_id\0day(be32) -> Counters
//   topic_day_counters  platform\0topic_id\0day(be32) -> Counters (the
//                       supply and, by event day, the engagement of the
//                       posts whose top topic it is now)
//   dedup        event_id -> first-seen time (be64 ms), expired by window
//   meta         "schema_version" -> decimal
// Counters are summed by a merge operator. This header and its siblings are
// the only places that know RocksDB exists; callers see absl::Status.
#ifndef REACHRANK_STORAGE_STORE_H_
#define REACHRANK_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "reachrank/v1/common.pb.h"
#include "storage/counters.h"
#include "storage/records.pb.h"

namespace reachrank::storage {

// Schema version written at creation and checked at open. Version 2: a
// topic's (an author's) day rows count the engagement of the posts whose
// top topic it is (whose author it is) now; version 1: of the posts whose
// top topic or author it was when the event came. A primary upgrades a
// version 1 database at open.
inline constexpr int kSchemaVersion = 2;

struct StoreOptions {
  // Database directory; created if missing (primary mode only).
  std::string path;
  // Primary mode: create the database when `path` holds none. False:
  // NOT_FOUND "no database at <path>" instead, for commands that work on
  // an existing database (a mistyped path must not make an empty one).
  bool create_if_missing = true;
  // fsync the WAL on every write. Off: an acknowledged write survives a
  // process crash (kill -9) but not a power loss.
  bool sync = false;
  // A replayed event_id within this window is a duplicate.
  absl::Duration dedup_window = absl::Hours(24 * 7);
  // How far an event's `at` may precede its post's created_at (clocks of
  // the systems that report them differ); an event earlier still is not
  // stored (kBeforePost). InfiniteDuration(): no such rule.
  absl::Duration event_clock_skew = absl::Hours(1);
  // Shared LRU block cache for all column families.
  size_t block_cache_bytes = 256ull << 20;
  // Memtables of all column families together: past it the largest one is
  // flushed. Without a total each of the 11 families may fill 64 MiB
  // memtables before its first flush, and RSS grows for a long time under
  // steady writes (bench/soak.sh saw ~6 MiB/min).
  size_t memtable_budget_bytes = 32ull << 20;
  // Merge operands stacked on one key before RocksDB folds them at write.
  int max_successive_merges = 32;
  // Called while a primary's open upgrades a version 1 database, after
  // each post read, with the posts read so far (an upgrade reads them
  // all); unset: nothing is called. Not kept past Store::Open.
  std::function<void(int64_t posts)> upgrade_progress;
};

// The outcome of one event of a RecordEvents call.
enum class EventOutcome { kAccepted, kDuplicate, kUnknownPost, kBeforePost };

// The outcome of a RecordEvents call, one entry per input event.
struct RecordResult {
  std::vector<EventOutcome> outcomes;
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t unknown_post = 0;
  uint64_t before_post = 0;
};

// The outcome of one post of a PutPosts call.
struct PutPostResult {
  bool created = false;         // false: replaced an existing post
  bool needs_classification = false;  // stored pending (new or content changed)
};

// One entry of an author's post history.
struct AuthorPostEntry {
  int64_t created_ms = 0;
  std::string post_id;
  std::string topic_id;  // empty while pending
};

// Names one author: a platform and an author id on it.
struct AuthorId {
  std::string platform;
  std::string author_id;
};

// A day-bucketed counter row: days since the Unix epoch (UTC).
struct DayCounters {
  int32_t day = 0;
  Counters counters;
};

// An hour-bucketed counter row of a post: hours since the Unix epoch.
struct HourCounters {
  int32_t hour = 0;
  Counters counters;
};

// Point-in-time figures for metrics (RocksDB statistics and properties).
struct StoreStats {
  uint64_t block_cache_hit = 0;
  uint64_t block_cache_miss = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t write_stall_micros = 0;
  uint64_t live_sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t estimated_keys = 0;  // summed over column families
  uint64_t pending_classification = 0;  // estimate
  // Malformed counter operands or values the merge operator skipped (and
  // logged) since open; anything but 0 means on-disk corruption.
  uint64_t corrupt_merge_operands = 0;
};

// What Store::CheckConsistency found: the rows read, and the rows that
// disagree with what they are derived from, by kind.
struct ConsistencyReport {
  int schema_version = 0;
  int64_t posts = 0;
  int64_t hour_rows = 0;   // hourly counter rows of those posts
  int64_t author_rows = 0;  // author day rows stored
  int64_t topic_rows = 0;   // topic day rows stored
  // A post's totals differ from the sum of its hourly counters.
  int64_t totals_differ = 0;
  // A post unclassified without a pending mark, classified with one, or a
  // pending mark of no post.
  int64_t pending_wrong = 0;
  // An author index entry without its post, or other than the post's
  // (author, time, top topic); a post without its index entry (its
  // author's rows are then compared without it).
  int64_t index_wrong = 0;
  // An author day row other than what the author's posts make.
  int64_t author_rows_differ = 0;
  // A topic day row with a cell below what its posts make (schema version
  // 2 only).
  int64_t topic_rows_short = 0;
  // A topic day row with cells above what its posts make and none below:
  // the share of authors deleted since (DeleteAuthor keeps it).
  int64_t topic_rows_over = 0;
  // The first few disagreeing rows, one line each.
  std::vector<std::string> examples;

  bool consistent() const {
    return totals_differ == 0 && pending_wrong == 0 && index_wrong == 0 &&
           author_rows_differ == 0 && topic_rows_short == 0;
  }
};

// A handle on one database. Thread-safe: all methods may be called
// concurrently. Writes that read first (events, posts) are serialised inside.
class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating it and missing parent directories if needed) the
  // database read-write, upgrading a version 1 database (open_note says
  // so). Fails with
  // FAILED_PRECONDITION when the stored schema version is newer or unknown,
  // and with the RocksDB error text otherwise.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const StoreOptions& options);

  // Opens a read-only secondary instance of the database at options.path,
  // keeping its own info log under `secondary_path`. Writes fail with
  // FAILED_PRECONDITION. Call TryCatchUpWithPrimary to see new writes.
  // NOT_FOUND when no database exists at options.path.
  static absl::StatusOr<std::unique_ptr<Store>> OpenSecondary(
      const StoreOptions& options, const std::string& secondary_path);

  // Secondary only: replays the primary's new WAL/MANIFEST entries. The
  // view stays as it was, and nothing of the primary's is read, when the
  // database it opened is no longer at options.path: UNAVAILABLE when
  // there is none (no CURRENT: removed, being restored),
  // FAILED_PRECONDITION when another database is there (another directory
  // at options.path, or another IDENTITY, or none where there was one),
  // which a secondary can never follow: its owner must open the new one. A
  // checkpoint has no IDENTITY until a primary opens it; the first one seen
  // is the database's. A file copy of the same database (its IDENTITY kept)
  // put back in the same directory is not told apart.
  virtual absl::Status TryCatchUpWithPrimary() = 0;
  virtual bool is_secondary() const = 0;
  // StoreOptions::event_clock_skew of the open.
  virtual absl::Duration event_clock_skew() const = 0;
  // A line for the log about what opening did besides opening (an upgrade:
  // "database at D upgraded from schema version 1 to 2: ..."); empty
  // otherwise.
  virtual const std::string& open_note() const = 0;

  // --- posts ---------------------------------------------------------------
  // Writes `records` in one WriteBatch. A new post (or one whose text,
  // language or hashtags changed) is stored with classified=false and added to
  // the pending set, unless its record already carries topics
  // (classified=true), in which case topic supply counters are updated. A
  // post whose top topic changes (or that becomes pending) takes its
  // engagement along (see topic_day_counters above).
  // Posts published counters of the author are bumped once per new post.
  virtual absl::StatusOr<std::vector<PutPostResult>> PutPosts(
      absl::Span<const PostRecord> records) = 0;
  // NOT_FOUND when the post is unknown.
  virtual absl::StatusOr<PostRecord> GetPost(absl::string_view post_id) = 0;
  // Up to `limit` post ids in key order, after `start_after` (exclusive)
  // when given: every stored post, a page at a time.
  virtual absl::StatusOr<std::vector<std::string>> ListPostIds(
      size_t limit, const std::optional<std::string>& start_after) = 0;
  // One entry per id (std::nullopt for unknown ids), via MultiGet.
  virtual absl::StatusOr<std::vector<std::optional<PostRecord>>> MultiGetPosts(
      absl::Span<const std::string> post_ids) = 0;
  // Stores the classification of `classified` (the post as it was read for
  // classification), removes it from the pending set, and moves it to the
  // topic supply counters of its topics, and its engagement to the day rows
  // of its top topic — all in one WriteBatch. NOT_FOUND
  // for an unknown post; ABORTED, storing nothing, when the stored post's
  // text, language or hashtags are no longer those of `classified` (it was
  // re-upserted meanwhile and is pending for its new content).
  virtual absl::Status SetClassification(
      const v1::Post& classified, absl::Span<const v1::TopicScore> topics,
      absl::string_view language) = 0;
  // Up to `limit` post ids waiting for classification, oldest key first.
  virtual absl::StatusOr<std::vector<std::string>> ListPending(
      size_t limit) = 0;

  // --- authors -------------------------------------------------------------
  virtual absl::Status PutAuthors(absl::Span<const v1::Author> authors) = 0;
  // NOT_FOUND when unknown.
  virtual absl::StatusOr<v1::Author> GetAuthor(absl::string_view platform,
                                               absl::string_view author_id) = 0;
  // Up to `limit` author records in (platform, author_id) byte order,
  // starting after `start_after` (nullopt: from the first); pass the last
  // one returned to read the next page. Fewer than `limit` means the end.
  // DATA_LOSS for a malformed record.
  virtual absl::StatusOr<std::vector<v1::Author>> ListAuthors(
      size_t limit, const std::optional<AuthorId>& start_after) = 0;
  // The author's posts created at or before `until` (InfiniteFuture: all),
  // newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<AuthorPostEntry>> AuthorPosts(
      absl::string_view platform, absl::string_view author_id,
      absl::Time until, size_t limit) = 0;
  // Up to `limit` authors the store holds anything of (a record or a post),
  // each once, in the order of ListAuthors, after `start_after` (exclusive)
  // when given. Fewer than `limit` means the end.
  virtual absl::StatusOr<std::vector<AuthorId>> ListAuthorIds(
      size_t limit, const std::optional<AuthorId>& start_after) = 0;
  // Deletes, in one atomic write, what the store holds of one author: the
  // record, the day rows, and every post with its pending mark, totals and
  // hourly counters; returns the number of posts deleted (0 for an unknown
  // author). Topic day rows keep the deleted posts' share (until a schema
  // upgrade rebuilds them from the posts that stay): they are the
  // market as this database saw it, and the features already computed
  // from them for the posts that stay must not change. The posts' event
  // ids stay in the dedup set until its window expires them. For authors
  // who moved to another shard (docs/operations.md "Routing").
  virtual absl::StatusOr<int64_t> DeleteAuthor(const AuthorId& author) = 0;

  // --- events --------------------------------------------------------------
  // Counts `events` (already validated) in one WriteBatch together with
  // their dedup markers: a crash leaves either all or none of the batch.
  // Events for unknown posts are not stored (kUnknownPost), nor those more
  // than StoreOptions::event_clock_skew before their post's created_at
  // (kBeforePost); an event_id seen within the dedup window (or earlier in
  // this batch) is kDuplicate.
  // `now` is the dedup clock.
  virtual absl::StatusOr<RecordResult> RecordEvents(
      absl::Span<const v1::EngagementEvent> events, absl::Time now) = 0;

  // --- counters ------------------------------------------------------------
  // Totals of one post (empty Counters for a post without events).
  virtual absl::StatusOr<Counters> PostCounters(absl::string_view post_id) = 0;
  // Totals of many posts through one MultiGet, in input order.
  virtual absl::StatusOr<std::vector<Counters>> MultiGetPostCounters(
      absl::Span<const std::string> post_ids) = 0;
  // Sum of a post's hourly buckets whose hour starts before `as_of`.
  virtual absl::StatusOr<Counters> PostCountersAsOf(absl::string_view post_id,
                                                    absl::Time as_of) = 0;
  // Every hourly bucket of a post, ascending (empty without events): what
  // PostCountersAsOf sums, for copying a post's history elsewhere.
  virtual absl::StatusOr<std::vector<HourCounters>> PostHours(
      absl::string_view post_id) = 0;
  // Day rows of an author in [first_day, last_day], ascending.
  virtual absl::StatusOr<std::vector<DayCounters>> AuthorDays(
      absl::string_view platform, absl::string_view author_id,
      int32_t first_day, int32_t last_day) = 0;
  // Day rows of a topic on a platform in [first_day, last_day], ascending.
  virtual absl::StatusOr<std::vector<DayCounters>> TopicDays(
      absl::string_view platform, absl::string_view topic_id,
      int32_t first_day, int32_t last_day) = 0;

  // --- operations ----------------------------------------------------------
  virtual StoreStats Stats() = 0;
  // Reads the whole database and checks the rows derived from others: post
  // totals against their hourly counters, the pending set against the
  // posts' state, the author index against the posts, every author day row
  // against the author's posts, and (version 2) every topic day row
  // against the supply and engagement of the posts whose top topic it is.
  // Reads author by author: memory holds one author's rows and the topic
  // rows, not the posts. For a database no one writes meanwhile: a stopped
  // one, or a secondary that does not catch up during the check.
  // `progress` gets the posts read so far.
  virtual absl::StatusOr<ConsistencyReport> CheckConsistency(
      absl::FunctionRef<void(int64_t posts)> progress) = 0;
  // Flushes memtables and the WAL; used before a clean shutdown.
  virtual absl::Status Flush() = 0;
  // Writes a consistent copy of the database into the new directory `dir`
  // (SST files are hard-linked when `dir` is on the same filesystem), which
  // Store::Open can open as it is. Works on a live database, primary or
  // secondary (a secondary first catches up with its primary).
  // ALREADY_EXISTS when `dir` exists; the RocksDB error text otherwise.
  virtual absl::Status Checkpoint(const std::string& dir) = 0;
};

// Days since the Unix epoch (UTC) of `t`.
int32_t DayOf(absl::Time t);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_STORE_H_
