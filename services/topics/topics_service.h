// topics_service: reachrank.v1.TopicService over gRPC's callback API. The
// handlers only decode, call TopicsCore and finish. ClassifyStream answers
// each request message with one response, in order; a bad message ends the
// stream with its error (the responses before it were sent).
#ifndef REACHRANK_SERVICES_TOPICS_TOPICS_SERVICE_H_
#define REACHRANK_SERVICES_TOPICS_TOPICS_SERVICE_H_

#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/in_flight_limit.h"
#include "services/topics/topics_core.h"

namespace reachrank::topics_service {

// Classify and ClassifyStream take raw bytes (decoded by
// DecodeClassifyCall), so that invalid UTF-8 is refused by item, not by a
// parse error; their messages are ClassifyRequest / ClassifyStreamRequest
// on the wire as the API says.
using TopicServiceBase = v1::TopicService::WithRawCallbackMethod_Classify<
    v1::TopicService::WithRawCallbackMethod_ClassifyStream<
        v1::TopicService::WithRawCallbackMethod_ListTopics<
            v1::TopicService::WithRawCallbackMethod_ReloadModel<
                v1::TopicService::Service>>>>;

// Thread-safe (TopicsCore is). Borrows `core` and `limit` (nullptr: no
// cap on calls in flight), which must outlive the server this service is
// registered with. Beyond the limit every call but ReloadModel is
// RESOURCE_EXHAUSTED; a reload is never refused for load.
class TopicServiceImpl final : public TopicServiceBase {
 public:
  explicit TopicServiceImpl(TopicsCore& core,
                            services::InFlightLimit* limit = nullptr)
      : core_(core), limit_(limit) {}

  // Request: ClassifyRequest; response: ClassifyResponse.
  grpc::ServerUnaryReactor* Classify(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  // Messages: ClassifyStreamRequest in, ClassifyStreamResponse out. A
  // cancelled stream stops before its next message.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ClassifyStream(
      grpc::CallbackServerContext* context) override;
  // Request: ListTopicsRequest; response: ListTopicsResponse.
  grpc::ServerUnaryReactor* ListTopics(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  // Request: TopicServiceReloadModelRequest; response:
  // TopicServiceReloadModelResponse.
  grpc::ServerUnaryReactor* ReloadModel(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;

 private:
  TopicsCore& core_;
  services::InFlightLimit* const limit_;
};

}  // namespace reachrank::topics_service

#endif  // REACHRANK_SERVICES_TOPICS_TOPICS_SERVICE_H_
