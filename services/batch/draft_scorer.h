// draft_scorer: the seam between the batch pipeline and what scores a batch
// of drafts — the in-process ranking engine (local_scorer.h) or a
// RankingService over gRPC (remote_scorer.h). Both answer with the API's
// ReachScore, so that their outputs can be compared byte for byte.
#ifndef REACHRANK_SERVICES_BATCH_DRAFT_SCORER_H_
#define REACHRANK_SERVICES_BATCH_DRAFT_SCORER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::batch {

// Drafts per call at most (the API's limit per ScoreDrafts message).
inline constexpr size_t kMaxDraftsPerCall = 1000;

// Scores batches of drafts. Implementations are thread-safe.
class DraftScorer {
 public:
  virtual ~DraftScorer() = default;
  // One result per draft, in order; an item the engine rejects carries its
  // own status. The call fails as a whole when the engine cannot score the
  // batch at all (INVALID_ARGUMENT when the batch holds an item that must be
  // scored alone to learn which one; UNAVAILABLE, DEADLINE_EXCEEDED...).
  virtual absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) = 0;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_DRAFT_SCORER_H_
