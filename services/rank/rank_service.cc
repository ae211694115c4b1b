#include "services/rank/rank_service.h"

#include "services/common/grpc_status.h"
#include "services/common/lenient_call.h"
#include "services/common/limited_call.h"
#include "services/common/ordered_bidi.h"
#include "services/common/reload_model_call.h"

namespace reachrank::rank {

grpc::ServerUnaryReactor* RankingServiceImpl::Score(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::ScoreRequest, v1::ScoreResponse>(
      context, limit_, *request, response,
      [this](const v1::ScoreRequest& typed, v1::ScoreResponse* answer) {
        return core_.Score(typed, answer);
      });
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
RankingServiceImpl::ScoreDrafts(grpc::CallbackServerContext* context) {
  return services::StartOrderedBidi<grpc::ByteBuffer, grpc::ByteBuffer>(
      context, limit_,
      services::LenientAnswer<v1::ScoreDraftsRequest, v1::ScoreDraftsResponse>(
          [this, context](const v1::ScoreDraftsRequest& request,
                          v1::ScoreDraftsResponse* response) {
            return core_.ScoreDrafts(request, response, [context] {
              return context->IsCancelled();
            });
          }));
}

grpc::ServerUnaryReactor* RankingServiceImpl::Rank(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::RankRequest, v1::RankResponse>(
      context, limit_, *request, response,
      [this, context](const v1::RankRequest& typed, v1::RankResponse* answer) {
        return core_.Rank(typed, answer,
                          [context] { return context->IsCancelled(); });
      });
}

grpc::ServerUnaryReactor* RankingServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunReloadModel<v1::RankingServiceReloadModelRequest,
                                  v1::RankingServiceReloadModelResponse>(
      context, core_, *request, response);
}

}  // namespace reachrank::rank
