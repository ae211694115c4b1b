// reclassify: gives every stored post its topics again, for a database
// whose posts were classified by an earlier topic model (or before
// hashtags counted toward topics). Each post whose topics or language come
// out different is stored with SetClassification, which moves it between
// topics' supply counters as the ingest service's own classification does.
#ifndef REACHRANK_SERVICES_INGEST_RECLASSIFY_H_
#define REACHRANK_SERVICES_INGEST_RECLASSIFY_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

struct ReclassifySummary {
  int64_t posts = 0;    // read
  int64_t changed = 0;  // stored with new topics or a new language
  int64_t moved = 0;    // of those, with a different top topic
  int64_t refused = 0;  // the classifier refused (stored with no topics)
  // Deleted, or re-upserted with new content, while their batch was being
  // classified: not stored (the ingest service classifies new content).
  int64_t skipped = 0;
};

struct ReclassifyOptions {
  int top_k = 3;
  // Posts per classifier call, 1 .. topics::kMaxBatchItems.
  size_t batch = 500;
  // Called after each batch with the posts read so far. Optional.
  std::function<void(int64_t posts)> progress;
};

// Classifies every post of `store` (in key order, a batch at a time) with
// `classifier` and stores the results that differ from the stored ones;
// pending posts are stored whatever the result. A post the classifier
// refuses (INVALID_ARGUMENT) is stored with no topics and language "und",
// as ingest does. The store must have no other writer classifying at the
// same time (a stopped database). Errors of the store or the classifier
// end the run; what was stored before stays.
absl::StatusOr<ReclassifySummary> ReclassifyAll(
    storage::Store& store, topics::TopicClassifier& classifier,
    const ReclassifyOptions& options);

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_RECLASSIFY_H_
