#include "services/topics/convert.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include "services/common/lenient_decode.h"

namespace reachrank::topics_service {

namespace {

// The items of a request read leniently, moved out.
template <typename Request>
ClassifyCall ToCall(Request& request) {
  ClassifyCall call;
  call.top_k = ToTopK(request.top_k());
  call.items.reserve(request.items_size());
  for (v1::ClassifyItem& item : *request.mutable_items()) {
    call.items.push_back(
        {std::move(*item.mutable_id()),
         std::move(*item.mutable_text()),
         std::move(*item.mutable_language()),
         {std::make_move_iterator(item.mutable_hashtags()->begin()),
          std::make_move_iterator(item.mutable_hashtags()->end())}});
  }
  return call;
}

template <typename Request>
absl::StatusOr<ClassifyCall> Decode(const grpc::ByteBuffer& bytes) {
  absl::StatusOr<Request> request = services::DecodeLeniently<Request>(bytes);
  if (!request.ok()) return request.status();
  return ToCall(*request);
}

}  // namespace

absl::StatusOr<ClassifyCall> DecodeClassifyCall(const grpc::ByteBuffer& bytes) {
  return Decode<v1::ClassifyRequest>(bytes);
}

absl::StatusOr<ClassifyCall> DecodeClassifyStreamCall(
    const grpc::ByteBuffer& bytes) {
  return Decode<v1::ClassifyStreamRequest>(bytes);
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
