#include "services/rank/rank_service.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"

namespace reachrank::rank {
namespace {

using services::ToGrpcStatus;

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Reads one request message, scores it, writes its response, and only then
// reads the next: responses leave in request order. Deletes itself when the
// RPC is done.
class ScoreDraftsReactor final
    : public grpc::ServerBidiReactor<v1::ScoreDraftsRequest,
                                     v1::ScoreDraftsResponse> {
 public:
  explicit ScoreDraftsReactor(RankCore& core) : core_(core) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or went away)
      Finish(grpc::Status::OK);
      return;
    }
    response_.Clear();
    absl::Status status = core_.ScoreDrafts(request_, &response_);
    if (!status.ok()) {
      Finish(ToGrpcStatus(absl::Status(
          status.code(),
          absl::StrCat("message ", messages_, ": ", status.message(), " (the ",
                       messages_, " messages before it were answered)"))));
      return;
    }
    ++messages_;
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    request_.Clear();
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  RankCore& core_;
  v1::ScoreDraftsRequest request_;
  v1::ScoreDraftsResponse response_;
  uint64_t messages_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* RankingServiceImpl::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  return Done(context, core_.Score(*request, response));
}

grpc::ServerBidiReactor<v1::ScoreDraftsRequest, v1::ScoreDraftsResponse>*
RankingServiceImpl::ScoreDrafts(grpc::CallbackServerContext* /*context*/) {
  return new ScoreDraftsReactor(core_);
}

grpc::ServerUnaryReactor* RankingServiceImpl::Rank(
    grpc::CallbackServerContext* context, const v1::RankRequest* request,
    v1::RankResponse* response) {
  return Done(context, core_.Rank(*request, response));
}

grpc::ServerUnaryReactor* RankingServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context,
    const v1::RankingServiceReloadModelRequest* request,
    v1::RankingServiceReloadModelResponse* response) {
  absl::StatusOr<ReloadOutcome> outcome = core_.Reload(request->model_dir());
  if (outcome.ok()) {
    response->set_model_version(outcome->model_version);
    response->set_previous_model_version(outcome->previous_model_version);
  }
  return Done(context, outcome.status());
}

}  // namespace reachrank::rank
