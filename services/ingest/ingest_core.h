// ingest_core: the ingest service without gRPC. Validates posts, authors
// and events, writes them through storage::Store, and has new posts
// classified (PostClassifier). Each batch item gets its own outcome; valid
// items are written even when others in the batch are rejected.
#ifndef REACHRANK_SERVICES_INGEST_INGEST_CORE_H_
#define REACHRANK_SERVICES_INGEST_INGEST_CORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "base/shard.h"
#include "reachrank/v1/ingest.pb.h"
#include "services/ingest/ingest_metrics.h"
#include "services/ingest/post_classifier.h"
#include "services/ingest/reclassify.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

// The outcome of one batch item.
struct ItemOutcome {
  uint32_t index = 0;  // in its batch
  std::string id;      // post_id, author_id or event_id as given
  // OK, or an error whose message is "<item field>: <rule>".
  absl::Status status;
};

struct UpsertOutcome {
  std::vector<ItemOutcome> items;  // one per input item, in order
  uint32_t upserted = 0;
  uint32_t rejected = 0;
};

struct DeleteOutcome {
  std::vector<ItemOutcome> items;  // one per input item, in order
  uint32_t deleted = 0;
  uint32_t rejected = 0;
  uint64_t posts_deleted = 0;
};

struct EventsOutcome {
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  std::vector<ItemOutcome> rejections;  // every rejected event, in order
};

struct IngestCoreOptions {
  PostClassifierOptions classification;
  // The shard this database is (base/shard.h): posts and authors of an
  // author another shard owns are refused, FAILED_PRECONDITION items, so a
  // misrouted client cannot split an author's history over two shards.
  // The default, 0/1, owns every author.
  ShardSlice shard;
  // The clock for timestamp limits and event dedup.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// Thread-safe. Borrows `store`, `classifier` (may be null: posts stay
// pending) and `metrics`; all must outlive *this.
class IngestCore {
 public:
  IngestCore(storage::Store& store, topics::TopicClassifier* classifier,
             IngestMetrics& metrics, IngestCoreOptions options);

  // A batch of 1..10,000 posts (else INVALID_ARGUMENT / RESOURCE_EXHAUSTED
  // for the whole request). New posts and posts whose text changed are
  // classified; a classifier failure leaves them pending. Errors: storage
  // failures.
  absl::StatusOr<UpsertOutcome> UpsertPosts(absl::Span<const v1::Post> posts);
  // A batch of 1..10,000 authors; same error model. Posts and authors of
  // another shard's author are FAILED_PRECONDITION items (metrics reason
  // "wrong_shard").
  absl::StatusOr<UpsertOutcome> UpsertAuthors(
      absl::Span<const v1::Author> authors);
  // Counts a batch of 1..10,000 events atomically (all valid events of the
  // batch or none). Invalid events are INVALID_ARGUMENT items, events of
  // unknown posts FAILED_PRECONDITION items; replays count as duplicates.
  absl::StatusOr<EventsOutcome> RecordEvents(
      absl::Span<const v1::EngagementEvent> events);
  // The post's counters, topics and state. INVALID_ARGUMENT for a bad id,
  // NOT_FOUND for an unknown post.
  absl::StatusOr<v1::GetPostStatsResponse> GetPostStats(
      absl::string_view post_id);

  // A batch of 1..10,000 authors (same batch errors as the upserts):
  // deletes what is stored of each (storage::Store::DeleteAuthor), whether
  // this shard owns the author or not — that is how a shard sheds the
  // authors that moved away. Invalid ids are INVALID_ARGUMENT items; an
  // unknown author is OK. Errors: storage failures, after the items before
  // the failing one were deleted.
  absl::StatusOr<DeleteOutcome> DeleteAuthors(
      absl::Span<const v1::AuthorRef> authors);

  // Classifies every stored post again through this service's classifier
  // (ReclassifyAll with `options`, its top_k replaced by `top_k`, 0 meaning
  // the top_k of new posts) while ingest goes on; a real run (not a dry
  // one) counts in reachrank_ingest_reclassified_total. INVALID_ARGUMENT
  // for a top_k above kMaxReclassifyTopK; FAILED_PRECONDITION without a
  // classifier or while another run is in progress.
  absl::StatusOr<ReclassifySummary> Reclassify(uint32_t top_k,
                                               ReclassifyOptions options);
  // The model version of this service's classifier ("" without one).
  std::string ClassifierVersion() const;

  // The background classification of pending posts.
  PostClassifier& classifier() { return classifier_; }

 private:
  absl::Status CountEvents(absl::Span<const v1::EngagementEvent> valid,
                           absl::Span<const uint32_t> indices, absl::Time now,
                           EventsOutcome& out);
  // ValidateBatchSize, counting the items of a refused batch as rejected.
  absl::Status CheckBatch(size_t size, absl::string_view field);
  void Reject(uint32_t index, const std::string& id, absl::Status status,
              std::vector<ItemOutcome>& out);
  // `valid` (an item's validation status), or when it is OK and another
  // shard owns the author, FAILED_PRECONDITION; counts a rejection.
  absl::Status Admit(absl::Status valid, absl::string_view platform,
                     absl::string_view author_id);

  storage::Store& store_;
  topics::TopicClassifier* const topics_;
  IngestMetrics& metrics_;
  const IngestCoreOptions options_;
  PostClassifier classifier_;
  std::atomic<bool> reclassifying_{false};
};

// The GetPostStats view of a stored post and its counters (pure).
v1::GetPostStatsResponse BuildPostStats(const storage::PostRecord& record,
                                        const storage::Counters& counters);

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_INGEST_CORE_H_
