// reclassify: gives every stored post its topics again, for a database
// whose posts were classified by an earlier topic model (or before
// hashtags counted toward topics). Each post whose topics or language come
// out different is stored with SetClassification, which moves it, with its
// engagement, between topics' counters as the ingest service's own
// classification does.
#ifndef REACHRANK_SERVICES_INGEST_RECLASSIFY_H_
#define REACHRANK_SERVICES_INGEST_RECLASSIFY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

// A change of a post's top topic ("" for none).
struct TopicMove {
  std::string from;
  std::string to;
  friend bool operator<(const TopicMove& a, const TopicMove& b) {
    return std::tie(a.from, a.to) < std::tie(b.from, b.to);
  }
  friend bool operator==(const TopicMove& a, const TopicMove& b) {
    return a.from == b.from && a.to == b.to;
  }
};

struct ReclassifySummary {
  int64_t posts = 0;    // read
  int64_t changed = 0;  // stored (in a dry run: would be) with new topics
                        // or a new language
  int64_t moved = 0;    // of those, with a different top topic
  int64_t refused = 0;  // the classifier refused (stored with no topics)
  // Deleted, or re-upserted with new content, while their batch was being
  // classified: not stored (the ingest service classifies new content).
  int64_t skipped = 0;
  // The `moved` posts by old and new top topic.
  std::map<TopicMove, int64_t> moves;
};

// The largest `limit` entries of `moves`, largest first (ties in key
// order).
std::vector<std::pair<TopicMove, int64_t>> LargestMoves(
    const std::map<TopicMove, int64_t>& moves, size_t limit);

// The most topics a reclassified post may be given.
inline constexpr int kMaxReclassifyTopK = 32;

struct ReclassifyOptions {
  // Topics stored per post, 1 .. kMaxReclassifyTopK.
  int top_k = 3;
  // Posts per classifier call, 1 .. topics::kMaxBatchItems.
  size_t batch = 500;
  // Called after each batch with the totals so far. Optional.
  std::function<void(const ReclassifySummary& so_far)> progress;
  // Asked before each batch; true ends the run with CANCELLED. Optional.
  std::function<bool()> stop;
  // Classify and count what would change, store nothing.
  bool dry_run = false;
};

// Classifies every post of `store` (in key order, a batch at a time) with
// `classifier` and stores the results that differ from the stored ones
// (unless `dry_run`); pending posts are stored whatever the result. A post the
// classifier refuses (INVALID_ARGUMENT) is stored with no topics and language
// "und", as ingest does. Another writer may go on meanwhile: a post it deletes
// or re-upserts with new content while its batch is being classified is skipped
// (SetClassification's ABORTED). Errors of the store or the classifier, and
// `stop`, end the run; what was stored before stays.
absl::StatusOr<ReclassifySummary> ReclassifyAll(
    storage::Store& store, topics::TopicClassifier& classifier,
    const ReclassifyOptions& options);

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_RECLASSIFY_H_
