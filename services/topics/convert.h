// convert: reachrank.v1 topic messages <-> the plain types of topics/ and
// TopicsCore. Pure functions; the service handlers use nothing else to
// translate.
#ifndef REACHRANK_SERVICES_TOPICS_CONVERT_H_
#define REACHRANK_SERVICES_TOPICS_CONVERT_H_

#include <grpcpp/support/byte_buffer.h>

#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "reachrank/v1/topics.pb.h"
#include "services/topics/topics_core.h"
#include "topics/classifier.h"

namespace reachrank::topics_service {

// A Classify or ClassifyStream request message as TopicsCore takes it.
struct ClassifyCall {
  std::vector<topics::TextItem> items;
  int top_k = 0;
};

// Decodes a serialized ClassifyRequest (ClassifyStreamRequest) leniently
// (services/common/lenient_decode.h): a string holding invalid UTF-8 comes
// through, so that TopicsCore can name the bad item. INVALID_ARGUMENT
// "request: not a valid ClassifyRequest message" when the bytes are not
// such a message.
absl::StatusOr<ClassifyCall> DecodeClassifyCall(const grpc::ByteBuffer& bytes);
absl::StatusOr<ClassifyCall> DecodeClassifyStreamCall(
    const grpc::ByteBuffer& bytes);

// A request's top_k as TopicsCore takes it (0 stays 0: the default; huge
// values are capped, the core caps them at the taxonomy size).
int ToTopK(uint32_t top_k);

// Appends `outcome`'s results to `results`.
void AppendResults(
    const ClassifyOutcome& outcome,
    google::protobuf::RepeatedPtrField<v1::ClassifyResult>* results);

// The ListTopics answer for `list`.
v1::ListTopicsResponse ToListTopicsResponse(const TopicList& list);

}  // namespace reachrank::topics_service

#endif  // REACHRANK_SERVICES_TOPICS_CONVERT_H_
