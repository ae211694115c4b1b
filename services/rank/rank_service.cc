#include "services/rank/rank_service.h"

#include "services/common/grpc_status.h"
#include "services/common/limited_call.h"
#include "services/common/ordered_bidi.h"
#include "services/common/reload_model_call.h"

namespace reachrank::rank {

grpc::ServerUnaryReactor* RankingServiceImpl::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  return services::RunUnary(context, limit_,
                            [&] { return core_.Score(*request, response); });
}

grpc::ServerBidiReactor<v1::ScoreDraftsRequest, v1::ScoreDraftsResponse>*
RankingServiceImpl::ScoreDrafts(grpc::CallbackServerContext* context) {
  return services::StartOrderedBidi<v1::ScoreDraftsRequest,
                                    v1::ScoreDraftsResponse>(
      context, limit_,
      [this, context](const v1::ScoreDraftsRequest& request,
                      v1::ScoreDraftsResponse* response) {
        return core_.ScoreDrafts(request, response,
                                 [context] { return context->IsCancelled(); });
      });
}

grpc::ServerUnaryReactor* RankingServiceImpl::Rank(
    grpc::CallbackServerContext* context, const v1::RankRequest* request,
    v1::RankResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    return core_.Rank(*request, response,
                      [context] { return context->IsCancelled(); });
  });
}

grpc::ServerUnaryReactor* RankingServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context,
    const v1::RankingServiceReloadModelRequest* request,
    v1::RankingServiceReloadModelResponse* response) {
  return services::RunReloadModel(context, core_, *request, response);
}

}  // namespace reachrank::rank
