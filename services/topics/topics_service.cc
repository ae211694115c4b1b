#include "services/topics/topics_service.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/topics/convert.h"

namespace reachrank::topics_service {
namespace {

using services::ToGrpcStatus;

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

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
// then reads the next: responses leave in request order. Deletes itself
// when the RPC is done.
class ClassifyStreamReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit ClassifyStreamReactor(TopicsCore& core) : core_(core) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or went away)
      Finish(grpc::Status::OK);
      return;
    }
    absl::StatusOr<grpc::ByteBuffer> response =
        Answer<v1::ClassifyStreamResponse>(core_, request_);
    if (!response.ok()) {
      Finish(ToGrpcStatus(absl::Status(
          response.status().code(),
          absl::StrCat("message ", messages_, ": ", response.status().message(),
                       " (the ", messages_,
                       " messages before it were answered)"))));
      return;
    }
    response_ = std::move(*response);
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
  TopicsCore& core_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  uint64_t messages_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* TopicServiceImpl::Classify(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  absl::StatusOr<grpc::ByteBuffer> answer =
      Answer<v1::ClassifyResponse>(core_, *request);
  if (answer.ok()) *response = std::move(*answer);
  return Done(context, answer.status());
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
TopicServiceImpl::ClassifyStream(grpc::CallbackServerContext* /*context*/) {
  return new ClassifyStreamReactor(core_);
}

grpc::ServerUnaryReactor* TopicServiceImpl::ListTopics(
    grpc::CallbackServerContext* context,
    const v1::ListTopicsRequest* /*request*/,
    v1::ListTopicsResponse* response) {
  absl::StatusOr<TopicList> list = core_.ListTopics();
  if (list.ok()) *response = ToListTopicsResponse(*list);
  return Done(context, list.status());
}

grpc::ServerUnaryReactor* TopicServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context,
    const v1::TopicServiceReloadModelRequest* request,
    v1::TopicServiceReloadModelResponse* response) {
  absl::StatusOr<ReloadOutcome> outcome = core_.Reload(request->model_dir());
  if (outcome.ok()) {
    response->set_model_version(outcome->model_version);
    response->set_previous_model_version(outcome->previous_model_version);
  }
  return Done(context, outcome.status());
}

}  // namespace reachrank::topics_service
