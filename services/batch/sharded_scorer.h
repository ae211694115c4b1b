// sharded_scorer: batch scoring across shards. Each draft goes to the
// scorer of the shard that owns its author (base/shard.h ShardOf over the
// draft's platform and author_id), where the author's history and the
// shard's topic market are; the drafts of one batch are split by shard,
// scored on all shards at once, and put back in their order.
#ifndef REACHRANK_SERVICES_BATCH_SHARDED_SCORER_H_
#define REACHRANK_SERVICES_BATCH_SHARDED_SCORER_H_

#include <memory>
#include <string>
#include <vector>

#include "services/batch/draft_scorer.h"

namespace reachrank::batch {

struct Shard {
  std::string name;  // in error messages (e.g. the address)
  std::unique_ptr<DraftScorer> scorer;
};

// Thread-safe if the shards' scorers are.
class ShardedDraftScorer final : public DraftScorer {
 public:
  // `shards[i]` is shard i of shards.size(); at least one.
  explicit ShardedDraftScorer(std::vector<Shard> shards);

  // See DraftScorer. When a shard's call fails as a whole, the batch fails
  // with that shard's status, its message prefixed with the shard ("shard 1
  // (host:port): ..."); a failure other than INVALID_ARGUMENT wins over
  // INVALID_ARGUMENT, so that the caller's one-by-one retry of an
  // INVALID_ARGUMENT batch only runs when every shard could score.
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) override;

 private:
  const std::vector<Shard> shards_;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_SHARDED_SCORER_H_
