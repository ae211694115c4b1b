// A TopicService for tests: classifies every text as topic "travel" with
// probability 0.9 (or "science/technology" when its text or a hashtag
// mentions "code"),
// answers model version "fake-v1", and sleeps before answering a text that
// starts with "sleep:<ms>". Thread-safe. Test-only.
#ifndef REACHRANK_SERVICES_COMMON_FAKE_TOPIC_SERVICE_H_
#define REACHRANK_SERVICES_COMMON_FAKE_TOPIC_SERVICE_H_

#include <atomic>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "reachrank/v1/topics.grpc.pb.h"

namespace reachrank::testing {

class FakeTopicService final : public v1::TopicService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Classify(grpc::CallbackServerContext* context,
                                     const v1::ClassifyRequest* request,
                                     v1::ClassifyResponse* response) override {
    calls_.fetch_add(1);
    for (const v1::ClassifyItem& item : request->items()) {
      MaybeSleep(item.text());
      v1::ClassifyResult* result = response->add_results();
      result->set_id(item.id());
      result->set_language(item.language().empty() ? "en" : item.language());
      v1::TopicScore* topic = result->add_topics();
      topic->set_topic_id(MentionsCode(item) ? "science/technology" : "travel");
      topic->set_probability(0.9f);
    }
    response->set_model_version("fake-v1");
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  int calls() const { return calls_.load(); }

 private:
  static bool MentionsCode(const v1::ClassifyItem& item) {
    if (absl::StrContains(item.text(), "code")) return true;
    for (const std::string& tag : item.hashtags()) {
      if (absl::StrContains(tag, "code")) return true;
    }
    return false;
  }

  static void MaybeSleep(const std::string& text) {
    int ms = 0;
    if (absl::StartsWith(text, "sleep:") &&
        absl::SimpleAtoi(text.substr(6), &ms)) {
      absl::SleepFor(absl::Milliseconds(ms));
    }
  }

  std::atomic<int> calls_{0};
};

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_COMMON_FAKE_TOPIC_SERVICE_H_
