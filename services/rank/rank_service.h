// rank_service: reachrank.v1.RankingService over gRPC's callback API. The
// handlers only call RankCore and finish. ScoreDrafts answers each request
// message with one response, in order; a bad message ends the stream with
// its error (the responses before it were sent).
#ifndef REACHRANK_SERVICES_RANK_RANK_SERVICE_H_
#define REACHRANK_SERVICES_RANK_RANK_SERVICE_H_

#include <utility>

#include "ranking/scorer.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "services/common/in_flight_limit.h"
#include "services/rank/rank_core.h"
#include "services/rank/rank_metrics.h"

namespace reachrank::rank {

// Thread-safe (RankCore is). Borrows `scorer`, `metrics` and `limit`
// (nullptr: no cap on calls in flight), which must outlive the server this
// service is registered with. Beyond the limit every call but ReloadModel
// is RESOURCE_EXHAUSTED; a reload is never refused for load.
class RankingServiceImpl final : public v1::RankingService::CallbackService {
 public:
  RankingServiceImpl(ranking::Scorer& scorer, RankMetrics& metrics,
                     RankCoreOptions options = {},
                     services::InFlightLimit* limit = nullptr)
      : core_(scorer, metrics, std::move(options)), limit_(limit) {}

  // The core, for reloads outside gRPC (SIGHUP).
  RankCore& core() { return core_; }

  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const v1::ScoreRequest* request,
                                  v1::ScoreResponse* response) override;
  // A cancelled stream (or one past its deadline) stops before its next
  // message, and within a message before its next ranking::kDraftBatch
  // drafts: CANCELLED.
  grpc::ServerBidiReactor<v1::ScoreDraftsRequest, v1::ScoreDraftsResponse>*
  ScoreDrafts(grpc::CallbackServerContext* context) override;
  // A cancelled call (or one past its deadline) stops before its next
  // ranking::kRankBatch candidates: CANCELLED.
  grpc::ServerUnaryReactor* Rank(grpc::CallbackServerContext* context,
                                 const v1::RankRequest* request,
                                 v1::RankResponse* response) override;
  grpc::ServerUnaryReactor* ReloadModel(
      grpc::CallbackServerContext* context,
      const v1::RankingServiceReloadModelRequest* request,
      v1::RankingServiceReloadModelResponse* response) override;

 private:
  RankCore core_;
  services::InFlightLimit* const limit_;
};

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_RANK_SERVICE_H_
