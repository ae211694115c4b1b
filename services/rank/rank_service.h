// rank_service: reachrank.v1.RankingService over gRPC's callback API. The
// handlers only decode, call RankCore and finish. ScoreDrafts answers each
// request message with one response, in order; a bad message ends the stream
// with its error (the responses before it were sent).
#ifndef REACHRANK_SERVICES_RANK_RANK_SERVICE_H_
#define REACHRANK_SERVICES_RANK_RANK_SERVICE_H_

#include <utility>

#include "ranking/scorer.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "services/common/in_flight_limit.h"
#include "services/rank/rank_core.h"
#include "services/rank/rank_metrics.h"

namespace reachrank::rank {

// Every method takes raw bytes, decoded leniently
// (services/common/lenient_decode.h), so that invalid UTF-8 is refused by
// RankCore's validation naming the field or item, not by a parse error,
// and bytes that are no request at all are INVALID_ARGUMENT; their
// messages are those of the API on the wire.
using RankingServiceBase = v1::RankingService::WithRawCallbackMethod_Score<
    v1::RankingService::WithRawCallbackMethod_ScoreDrafts<
        v1::RankingService::WithRawCallbackMethod_Rank<
            v1::RankingService::WithRawCallbackMethod_ReloadModel<
                v1::RankingService::Service>>>>;

// Thread-safe (RankCore is). Borrows `scorer`, `metrics` and `limit`
// (nullptr: no cap on calls in flight), which must outlive the server this
// service is registered with. Beyond the limit every call but ReloadModel
// is RESOURCE_EXHAUSTED; a reload is never refused for load.
class RankingServiceImpl final : public RankingServiceBase {
 public:
  RankingServiceImpl(ranking::Scorer& scorer, RankMetrics& metrics,
                     RankCoreOptions options = {},
                     services::InFlightLimit* limit = nullptr)
      : core_(scorer, metrics, std::move(options)), limit_(limit) {}

  // The core, for reloads outside gRPC (SIGHUP).
  RankCore& core() { return core_; }

  // Request: ScoreRequest; response: ScoreResponse.
  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  // Messages: ScoreDraftsRequest in, ScoreDraftsResponse out. A message
  // that is not a ScoreDraftsRequest even read leniently ends the stream
  // INVALID_ARGUMENT naming its index. A cancelled stream (or one past its
  // deadline) stops before its next message, and within a message before
  // its next ranking::kDraftBatch drafts: CANCELLED.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ScoreDrafts(
      grpc::CallbackServerContext* context) override;
  // Request: RankRequest; response: RankResponse. A cancelled call (or one
  // past its deadline) stops before its next ranking::kRankBatch
  // candidates: CANCELLED.
  grpc::ServerUnaryReactor* Rank(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response) override;
  // Request: RankingServiceReloadModelRequest; response:
  // RankingServiceReloadModelResponse.
  grpc::ServerUnaryReactor* ReloadModel(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;

 private:
  RankCore core_;
  services::InFlightLimit* const limit_;
};

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_RANK_SERVICE_H_
