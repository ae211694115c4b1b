#include "services/topics/topics_service.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/common/limited_call.h"
#include "services/topics/convert.h"

namespace reachrank::topics_service {
namespace {

using services::InFlightLimit;
using services::ToGrpcStatus;

using ByteStreamReactor =
    grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

// Decodes, classifies and encodes one request message as `Response`
// (ClassifyResponse or ClassifyStreamResponse: the same fields).
template <typename Response>
absl::StatusOr<grpc::ByteBuffer> Answer(TopicsCore& core,
                                        const grpc::ByteBuffer& request) {
  RR_ASSIGN_OR_RETURN(ClassifyCall call, DecodeClassifyCall(request));
  RR_ASSIGN_OR_RETURN(ClassifyOutcome outcome,
                      core.ClassifyBatch(call.items, call.top_k));
  Response response;
  AppendResults(outcome, response.mutable_results());
  response.set_model_version(std::move(outcome.model_version));
  return Encode(response);
}

// Reads one request message, classifies it, writes its response, and only
// then reads the next: responses leave in request order. Holds `ticket`
// (its place under the in-flight limit) until it finishes. Deletes itself
// when the RPC is done.
class ClassifyStreamReactor final : public ByteStreamReactor {
 public:
  ClassifyStreamReactor(TopicsCore& core, grpc::CallbackServerContext* context,
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
    absl::StatusOr<grpc::ByteBuffer> response =
        Answer<v1::ClassifyStreamResponse>(core_, request_);
    if (!response.ok()) {
      End(absl::Status(
          response.status().code(),
          absl::StrCat("message ", messages_, ": ", response.status().message(),
                       " (the ", messages_,
                       " messages before it were answered)")));
      return;
    }
    response_ = std::move(*response);
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

  TopicsCore& core_;
  grpc::CallbackServerContext* const context_;
  InFlightLimit::Ticket ticket_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  uint64_t messages_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* TopicServiceImpl::Classify(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunUnary(context, limit_, [&] {
    absl::StatusOr<grpc::ByteBuffer> answer =
        Answer<v1::ClassifyResponse>(core_, *request);
    if (answer.ok()) *response = std::move(*answer);
    return answer.status();
  });
}

ByteStreamReactor* TopicServiceImpl::ClassifyStream(
    grpc::CallbackServerContext* context) {
  absl::StatusOr<InFlightLimit::Ticket> ticket =
      services::AcquireInFlight(limit_);
  if (!ticket.ok()) {
    return services::RejectStream<ByteStreamReactor>(ticket.status());
  }
  return new ClassifyStreamReactor(core_, context, *std::move(ticket));
}

grpc::ServerUnaryReactor* TopicServiceImpl::ListTopics(
    grpc::CallbackServerContext* context,
    const v1::ListTopicsRequest* /*request*/,
    v1::ListTopicsResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    absl::StatusOr<TopicList> list = core_.ListTopics();
    if (list.ok()) *response = ToListTopicsResponse(*list);
    return list.status();
  });
}

grpc::ServerUnaryReactor* TopicServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context,
    const v1::TopicServiceReloadModelRequest* request,
    v1::TopicServiceReloadModelResponse* response) {
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

}  // namespace reachrank::topics_service
