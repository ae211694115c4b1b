#include "services/topics/convert.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <algorithm>
#include <iterator>
#include <limits>

#include "services/topics/lenient_request.pb.h"

namespace reachrank::topics_service {

absl::StatusOr<ClassifyCall> DecodeClassifyCall(const grpc::ByteBuffer& bytes) {
  grpc::ByteBuffer copy = bytes;  // shares the slices; Deserialize consumes
  LenientClassifyRequest request;
  grpc::Status status =
      grpc::SerializationTraits<LenientClassifyRequest>::Deserialize(&copy,
                                                                     &request);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        "request: not a valid ClassifyRequest message");
  }
  ClassifyCall call;
  call.top_k = ToTopK(request.top_k());
  call.items.reserve(request.items_size());
  for (LenientClassifyItem& item : *request.mutable_items()) {
    call.items.push_back(
        {std::move(*item.mutable_id()),
         std::move(*item.mutable_text()),
         std::move(*item.mutable_language()),
         {std::make_move_iterator(item.mutable_hashtags()->begin()),
          std::make_move_iterator(item.mutable_hashtags()->end())}});
  }
  return call;
}

absl::StatusOr<grpc::ByteBuffer> Encode(
    const google::protobuf::Message& message) {
  grpc::ByteBuffer bytes;
  bool own = false;
  grpc::Status status =
      grpc::SerializationTraits<google::protobuf::Message>::Serialize(
          message, &bytes, &own);
  if (!status.ok()) return absl::InternalError(status.error_message());
  return bytes;
}

int ToTopK(uint32_t top_k) {
  return static_cast<int>(
      std::min<uint32_t>(top_k, std::numeric_limits<int16_t>::max()));
}

void AppendResults(
    const ClassifyOutcome& outcome,
    google::protobuf::RepeatedPtrField<v1::ClassifyResult>* results) {
  results->Reserve(results->size() + outcome.results.size());
  for (const topics::Classification& c : outcome.results) {
    v1::ClassifyResult* r = results->Add();
    r->set_id(c.id);
    r->set_language(c.language);
    for (const topics::TopicProbability& t : c.topics) {
      v1::TopicScore* score = r->add_topics();
      score->set_topic_id(t.topic_id);
      score->set_probability(t.probability);
    }
  }
}

v1::ListTopicsResponse ToListTopicsResponse(const TopicList& list) {
  v1::ListTopicsResponse response;
  for (const topics::Topic& topic : list.topics) {
    v1::Topic* t = response.add_topics();
    t->set_topic_id(topic.id);
    for (const auto& [language, name] : topic.display_names) {
      (*t->mutable_display_names())[language] = name;
    }
  }
  response.set_model_version(list.model_version);
  return response;
}

}  // namespace reachrank::topics_service
