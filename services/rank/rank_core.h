// rank_core: the ranking service without gRPC. Validates v1 requests,
// calls the ranking engine (ranking::Scorer), converts its answers to v1
// messages and records the rank metrics. It also owns model reloads, so
// that ReloadModel, SIGHUP and `reachrank serve` report the same versions.
#ifndef REACHRANK_SERVICES_RANK_RANK_CORE_H_
#define REACHRANK_SERVICES_RANK_RANK_CORE_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/shard.h"
#include "base/should_stop.h"
#include "ranking/scorer.h"
#include "reachrank/v1/ranking.pb.h"
#include "services/rank/rank_metrics.h"
#include "services/rank/validation.h"

namespace reachrank::rank {

struct RankCoreOptions {
  // The model set directory that Reload("") loads; "" means the priors.
  std::string model_dir;
  // The shard this database is (base/shard.h): a draft of an author another
  // shard owns is refused (FAILED_PRECONDITION), as its history is there.
  // The default, 0/1, owns every author.
  ShardSlice shard;
};

struct ReloadOutcome {
  std::string model_version;           // now serving
  std::string previous_model_version;  // served before
};

// Thread-safe: every method may be called concurrently (reloads are
// serialised among themselves). Borrows `scorer` and `metrics`, which must
// outlive *this.
class RankCore {
 public:
  RankCore(ranking::Scorer& scorer, RankMetrics& metrics,
           RankCoreOptions options = {});

  // Scores a stored post or a draft. INVALID_ARGUMENT naming the field for
  // a bad request, NOT_FOUND for an unknown post_id, the classifier's
  // error (e.g. UNAVAILABLE) when a draft cannot be classified,
  // FAILED_PRECONDITION when drafts have no classifier or the draft's
  // author belongs to another shard.
  absl::Status Score(const v1::ScoreRequest& request,
                     v1::ScoreResponse* response);
  // Scores one message of drafts: a score per valid draft (in request
  // order) and an ItemStatus per refused one. Fails as a whole only for a
  // bad message (empty: INVALID_ARGUMENT, over 1,000 drafts:
  // RESOURCE_EXHAUSTED, bad language), when classification fails, or with
  // CANCELLED when `should_stop` (asked before each ranking::kDraftBatch
  // drafts) says so; nothing is answered then.
  absl::Status ScoreDrafts(
      const v1::ScoreDraftsRequest& request, v1::ScoreDraftsResponse* response,
      ShouldStop should_stop = NeverStop);
  // The top `limit` candidates (0: all) by p_reach, unknown ids listed.
  // RESOURCE_EXHAUSTED over the scorer's max_candidates ids; CANCELLED,
  // with nothing answered or counted, when `should_stop` (asked before each
  // ranking::kRankBatch candidates) says so.
  absl::Status Rank(const v1::RankRequest& request, v1::RankResponse* response,
                    ShouldStop should_stop = NeverStop);
  // Loads the model set in `dir` ("" : the configured one) beside the
  // serving one and swaps it in. FAILED_PRECONDITION naming the directory
  // and the problem when it is refused; the old set keeps serving.
  absl::StatusOr<ReloadOutcome> Reload(const std::string& dir = "");

  std::string model_version() const { return scorer_.model_version(); }

 private:
  absl::Status ScoreDraft(const v1::ScoreRequest& request, v1::ReachScore* out);

  // Constant after construction.
  ranking::Scorer& scorer_;
  RankMetrics& metrics_;
  const RankCoreOptions options_;

  absl::Mutex reload_mu_;  // held for a whole reload
};

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_RANK_CORE_H_
