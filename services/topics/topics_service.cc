#include "services/topics/topics_service.h"

#include <type_traits>
#include <utility>

#include "base/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/common/lenient_call.h"
#include "services/common/lenient_decode.h"
#include "services/common/limited_call.h"
#include "services/common/ordered_bidi.h"
#include "services/common/reload_model_call.h"
#include "services/topics/convert.h"

namespace reachrank::topics_service {
namespace {

// Decodes, classifies and encodes one request message as `Response`
// (ClassifyResponse or ClassifyStreamResponse: the same fields); stops
// with CANCELLED between chunks once the call is cancelled or expired.
template <typename Response>
absl::StatusOr<grpc::ByteBuffer> Answer(TopicsCore& core,
                                        grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer& request) {
  RR_ASSIGN_OR_RETURN(ClassifyCall call,
                      (std::is_same_v<Response, v1::ClassifyResponse>
                           ? DecodeClassifyCall(request)
                           : DecodeClassifyStreamCall(request)));
  RR_ASSIGN_OR_RETURN(
      ClassifyOutcome outcome,
      core.ClassifyBatch(call.items, call.top_k,
                         [context] { return context->IsCancelled(); }));
  Response response;
  AppendResults(outcome, response.mutable_results());
  response.set_model_version(std::move(outcome.model_version));
  return services::EncodeMessage(response);
}

}  // namespace

grpc::ServerUnaryReactor* TopicServiceImpl::Classify(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunUnary(context, limit_, [&] {
    absl::StatusOr<grpc::ByteBuffer> answer =
        Answer<v1::ClassifyResponse>(core_, context, *request);
    if (answer.ok()) *response = std::move(*answer);
    return answer.status();
  });
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
TopicServiceImpl::ClassifyStream(grpc::CallbackServerContext* context) {
  return services::StartOrderedBidi<grpc::ByteBuffer, grpc::ByteBuffer>(
      context, limit_,
      [this, context](const grpc::ByteBuffer& request,
                      grpc::ByteBuffer* response) {
        absl::StatusOr<grpc::ByteBuffer> answer =
            Answer<v1::ClassifyStreamResponse>(core_, context, request);
        if (answer.ok()) *response = std::move(*answer);
        return answer.status();
      });
}

grpc::ServerUnaryReactor* TopicServiceImpl::ListTopics(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::ListTopicsRequest,
                                   v1::ListTopicsResponse>(
      context, limit_, *request, response,
      [this](const v1::ListTopicsRequest&, v1::ListTopicsResponse* out) {
        absl::StatusOr<TopicList> list = core_.ListTopics();
        if (list.ok()) *out = ToListTopicsResponse(*list);
        return list.status();
      });
}

grpc::ServerUnaryReactor* TopicServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunReloadModel<v1::TopicServiceReloadModelRequest,
                                  v1::TopicServiceReloadModelResponse>(
      context, core_, *request, response);
}

}  // namespace reachrank::topics_service
