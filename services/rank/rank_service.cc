#include "services/rank/rank_service.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/limited_call.h"

namespace reachrank::rank {
namespace {

using services::InFlightLimit;
using services::ToGrpcStatus;

using DraftsReactor =
    grpc::ServerBidiReactor<v1::ScoreDraftsRequest, v1::ScoreDraftsResponse>;

// Reads one request message, scores it, writes its response, and only then
// reads the next: responses leave in request order. Holds `ticket` (its
// place under the in-flight limit) until it finishes. Deletes itself when
// the RPC is done.
class ScoreDraftsReactor final : public DraftsReactor {
 public:
  ScoreDraftsReactor(RankCore& core, grpc::CallbackServerContext* context,
                     InFlightLimit::Ticket ticket)
      : core_(core), context_(context), ticket_(std::move(ticket)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or went away)
      End(absl::OkStatus());
      return;
    }
    if (absl::Status live = services::CheckNotCancelled(context_); !live.ok()) {
      End(live);
      return;
    }
    response_.Clear();
    absl::Status status = core_.ScoreDrafts(request_, &response_);
    if (!status.ok()) {
      End(absl::Status(
          status.code(),
          absl::StrCat("message ", messages_, ": ", status.message(), " (the ",
                       messages_, " messages before it were answered)")));
      return;
    }
    ++messages_;
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("write failed"));
      return;
    }
    request_.Clear();
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  // The place is given back first: a client that saw the answer may call
  // again at once.
  void End(const absl::Status& status) {
    ticket_.Release();
    Finish(ToGrpcStatus(status));
  }

  RankCore& core_;
  grpc::CallbackServerContext* const context_;
  InFlightLimit::Ticket ticket_;
  v1::ScoreDraftsRequest request_;
  v1::ScoreDraftsResponse response_;
  uint64_t messages_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* RankingServiceImpl::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  return services::RunUnary(context, limit_,
                            [&] { return core_.Score(*request, response); });
}

DraftsReactor* RankingServiceImpl::ScoreDrafts(
    grpc::CallbackServerContext* context) {
  absl::StatusOr<InFlightLimit::Ticket> ticket =
      services::AcquireInFlight(limit_);
  if (!ticket.ok()) {
    return services::RejectStream<DraftsReactor>(ticket.status());
  }
  return new ScoreDraftsReactor(core_, context, *std::move(ticket));
}

grpc::ServerUnaryReactor* RankingServiceImpl::Rank(
    grpc::CallbackServerContext* context, const v1::RankRequest* request,
    v1::RankResponse* response) {
  return services::RunUnary(context, limit_,
                            [&] { return core_.Rank(*request, response); });
}

grpc::ServerUnaryReactor* RankingServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context,
    const v1::RankingServiceReloadModelRequest* request,
    v1::RankingServiceReloadModelResponse* response) {
  // Not counted: an operator must be able to reload a saturated server.
  return services::RunUnary(context, /*limit=*/nullptr, [&] {
    absl::StatusOr<ReloadOutcome> outcome = core_.Reload(request->model_dir());
    if (outcome.ok()) {
      response->set_model_version(outcome->model_version);
      response->set_previous_model_version(outcome->previous_model_version);
    }
    return outcome.status();
  });
}

}  // namespace reachrank::rank
