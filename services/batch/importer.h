// importer: brings historical posts with aggregated outcomes into a
// database, writing through storage::Store directly (the writer must be
// this process: no ingest service may hold the database).
//
// Input: JSONL, one post per line:
//   {"post": <v1.Post in the API's JSON mapping>,
//    "counts": [{"surface": "SURFACE_RECOMMENDED", "relation":
//      "RELATION_STRANGER", "type": "EVENT_TYPE_IMPRESSION", "count": 1200,
//      "watch_ms": 0, "at": "2026-01-02T10:00:00Z"}, ...]}
// Enum names may drop their prefix ("RECOMMENDED"); watch_ms (the sum over
// the count, VIEW only) and at (default: the post's created_at) are
// optional; "counts" may be empty or absent.
//
// Each cell (post × surface × relation × type × at) becomes events with
// deterministic ids derived from the post id and the cell (a cell over
// 1,000,000 is split into numbered parts), so a re-run is counted as
// duplicates for as long as the database keeps its dedup markers (the
// dedup window; import itself keeps them without expiry, the ingest
// service drops markers older than its window, 7 days by default).
#ifndef REACHRANK_SERVICES_BATCH_IMPORTER_H_
#define REACHRANK_SERVICES_BATCH_IMPORTER_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/shard.h"
#include "reachrank/v1/common.pb.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::batch {

// The dedup window to open the store with for an import: markers of
// imported events are kept for a century, so a late re-run is still
// recognised as a duplicate.
inline constexpr absl::Duration kImportDedupWindow = absl::Hours(24 * 365 * 100);

// One parsed import line.
struct ImportRecord {
  v1::Post post;
  std::vector<v1::EngagementEvent> events;  // with their derived ids
  int64_t line = 0;  // its line in the input (1-based; set by ImportPosts)
};

// Parses and validates one line (the post with ingest's rules, each event
// too). INVALID_ARGUMENT naming the field.
absl::StatusOr<ImportRecord> ParseImportLine(absl::string_view line,
                                             absl::Time now);

// The derived event id of a cell part: "imp-" and 32 hex digits (a 128-bit
// FNV-1a hash of the post id, the cell and the part number).
std::string ImportEventId(absl::string_view post_id, const v1::EngagementEvent& cell,
                          uint32_t part);

struct ImportOptions {
  size_t batch_posts = 500;  // lines per write
  absl::Time now = absl::InfinitePast();  // InfinitePast: the clock
  // Only posts whose author this shard owns are written (base/shard.h);
  // the default owns all.
  ShardSlice shard;
  // Called with the lines read so far after each batch is written.
  std::function<void(int64_t)> progress;
};

struct ImportSummary {
  int64_t lines = 0;       // records read
  int64_t posts_created = 0;  // (a database; the ingest services do not say)
  int64_t posts_updated = 0;
  int64_t posts_sent = 0;  // (the ingest services)
  int64_t events_accepted = 0;
  int64_t events_duplicate = 0;
  int64_t rejected_lines = 0;  // unreadable, or refused in part by the writer
  int64_t other_shards = 0;  // valid lines skipped: another shard's author
};

// Reports a rejected line: its number and reason.
using RejectFn = std::function<void(int64_t line, const absl::Status&)>;

// Where an import writes. Implementations: a database (StoreImportWriter),
// the ingest services (`reachrank import --server`).
class ImportWriter {
 public:
  virtual ~ImportWriter() = default;
  // Writes one batch's posts, then their events; counts what it learns in
  // `summary`. Events the destination refuses one by one (an ingest
  // service's rules) go to `reject` (may be empty) by their line and count
  // in `summary.rejected_lines`; the rest of the batch is written. An
  // error status: the batch (or the rest of it) was not written.
  virtual absl::Status WritePosts(const std::vector<ImportRecord>& batch,
                                  absl::Time now, ImportSummary& summary,
                                  const RejectFn& reject) = 0;
  virtual absl::Status WriteAuthors(absl::Span<const v1::Author> authors) = 0;
};

// One event a destination refused: its id and the rule it broke.
struct RefusedEvent {
  std::string event_id;
  absl::Status reason;
};

// For ImportWriters: reports each line of `batch` with refused events
// once, naming its post, how many of the line's events were refused and
// the first one's reason; `unlisted` further refusals that the destination
// did not name (an ingest service names the first 100 of a call) are one
// more report, at the batch's first line. Each report counts in
// `summary.rejected_lines`.
void ReportRefusedEvents(const std::vector<ImportRecord>& batch,
                         const std::vector<RefusedEvent>& refused,
                         int64_t unlisted, ImportSummary& summary,
                         const RejectFn& reject);

// Writes straight into `store` (borrowed, writable), posts classified with
// `classifier` (borrowed) when not null, else left pending.
class StoreImportWriter final : public ImportWriter {
 public:
  StoreImportWriter(storage::Store& store, topics::TopicClassifier* classifier)
      : store_(store), classifier_(classifier) {}
  // Events the store refuses (before their post by more than its
  // event_clock_skew; `import --db` opens it without that rule) are
  // reported by line.
  absl::Status WritePosts(const std::vector<ImportRecord>& batch,
                          absl::Time now, ImportSummary& summary,
                          const RejectFn& reject) override;
  absl::Status WriteAuthors(absl::Span<const v1::Author> authors) override;

 private:
  storage::Store& store_;
  topics::TopicClassifier* const classifier_;
};

// Reads `in` to the end and hands each batch of lines (the posts with
// their events) to `writer`. Bad lines go to `reject` and are skipped.
// Fails on the writer's error, after the batches before it were written.
// Not thread-safe.
absl::StatusOr<ImportSummary> ImportPosts(std::istream& in,
                                          ImportWriter& writer,
                                          const ImportOptions& options,
                                          const RejectFn& reject);
// The same into `store` through a StoreImportWriter.
absl::StatusOr<ImportSummary> ImportPosts(std::istream& in,
                                          storage::Store& store,
                                          topics::TopicClassifier* classifier,
                                          const ImportOptions& options,
                                          const RejectFn& reject);

// Reads `in` (one v1.Author per line, JSON mapping), validates and writes
// the authors that `shard` owns. Returns how many were written; bad lines
// go to `reject`.
absl::StatusOr<int64_t> ImportAuthors(std::istream& in, ImportWriter& writer,
                                      absl::Time now, const RejectFn& reject,
                                      const ShardSlice& shard = {});
absl::StatusOr<int64_t> ImportAuthors(std::istream& in, storage::Store& store,
                                      absl::Time now, const RejectFn& reject,
                                      const ShardSlice& shard = {});

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_IMPORTER_H_
