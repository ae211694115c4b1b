// post_classifier: gives stored posts their topics. New posts are
// classified right after they are written; a post the classifier could not
// handle (absent, unreachable, failing) stays pending in the store and a
// background pass retries the pending set periodically. Classification
// never drops a post and never fails an upsert.
#ifndef REACHRANK_SERVICES_INGEST_POST_CLASSIFIER_H_
#define REACHRANK_SERVICES_INGEST_POST_CLASSIFIER_H_

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/ingest/ingest_metrics.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

// The classifier's item for a stored post: its id, text, language and
// hashtags.
topics::TextItem PostItem(const storage::PostRecord& record);

// A classification's topics as stored in a PostRecord, leaving out a topic
// id storage cannot keep (empty, over 256 bytes, or holding a NUL).
std::vector<v1::TopicScore> TopicScores(const topics::Classification& c);

// The language to store for `record` classified as `c`: the detected or
// given one, else the post's own.
std::string StoredLanguage(const storage::PostRecord& record,
                           const topics::Classification& c);

struct PostClassifierOptions {
  int top_k = 3;
  // Posts per classifier call (at most topics::kMaxBatchItems).
  size_t batch = 256;
  // Pause between background passes.
  absl::Duration interval = absl::Seconds(5);
  // Batches per background pass, so that Stop() is never kept waiting long.
  int max_batches_per_pass = 64;
};

// Thread-safe. Borrows `store`, `classifier` (may be null: every post stays
// pending) and `metrics`; all must outlive *this.
class PostClassifier {
 public:
  PostClassifier(storage::Store& store, topics::TopicClassifier* classifier,
                 IngestMetrics& metrics, PostClassifierOptions options);
  ~PostClassifier();  // Stop()

  // Classifies the given pending posts now, unless the classifier is absent
  // or failed since the last successful background pass (then they wait
  // for it). Returns how many were classified; a classifier error leaves
  // the posts pending and is returned.
  absl::StatusOr<size_t> ClassifyNew(absl::Span<const std::string> post_ids);

  // One pass over the pending set (bounded by max_batches_per_pass).
  // Returns how many posts it classified.
  absl::StatusOr<size_t> DrainPending();

  // Starts / stops the background thread running DrainPending every
  // `interval`. Stop() waits for a pass in progress; both are idempotent.
  void Start();
  void Stop();

 private:
  // Claims the ids no other caller is classifying right now.
  std::vector<std::string> Claim(absl::Span<const std::string> ids);
  void Release(absl::Span<const std::string> ids);
  // What storing classifications came to: posts stored, and posts
  // edited while they were classified (their result not stored).
  struct Outcome {
    size_t stored = 0;
    std::vector<std::string> edited;
  };
  absl::StatusOr<size_t> ClassifyClaimed(absl::Span<const std::string> ids);
  absl::Status ClassifyBatches(absl::Span<const std::string> ids,
                               Outcome* outcome);
  absl::Status Save(const std::vector<storage::PostRecord>& records,
                    const std::vector<topics::Classification>& results,
                    Outcome* outcome);
  absl::Status StoreOne(const v1::Post& post,
                        const std::vector<v1::TopicScore>& topics,
                        const std::string& language, Outcome* outcome);
  absl::Status ClassifyOneByOne(const std::vector<storage::PostRecord>& records,
                                Outcome* outcome);
  void UpdatePendingGauge();
  void Loop();

  // Constant after construction.
  storage::Store& store_;
  topics::TopicClassifier* const classifier_;
  IngestMetrics& metrics_;
  const PostClassifierOptions options_;

  // Set when a call failed; cleared by a successful background pass.
  std::atomic<bool> unavailable_{false};

  absl::Mutex claims_mu_;
  absl::flat_hash_set<std::string> claimed_ ABSL_GUARDED_BY(claims_mu_);

  absl::Mutex loop_mu_;
  bool stopping_ ABSL_GUARDED_BY(loop_mu_) = false;
  std::thread thread_;  // touched by Start/Stop only, under start_mu_
  absl::Mutex start_mu_;
};

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_POST_CLASSIFIER_H_
