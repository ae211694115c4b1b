// An in-memory TopicClassifier for tests: "travel" for every text (or
// "science/technology" when it mentions "code"); UNAVAILABLE while down;
// INVALID_ARGUMENT for a batch holding a text equal to "reject-me".
// Thread-safe. Test-only.
#ifndef REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_
#define REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_

#include <atomic>

#include "absl/strings/match.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

class FakeClassifier final : public topics::TopicClassifier {
 public:
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    calls_.fetch_add(1);
    if (!up_.load()) return absl::UnavailableError("fake classifier down");
    std::vector<topics::Classification> out;
    for (const topics::TextItem& item : items) {
      if (item.text == "reject-me") {
        return absl::InvalidArgumentError("items[0].text: rejected");
      }
      topics::Classification c;
      c.id = item.id;
      c.language = item.language.empty() ? "en" : item.language;
      c.topics.push_back({absl::StrContains(item.text, "code")
                              ? "science/technology"
                              : "travel",
                          0.75f});
      if (top_k > 1) c.topics.push_back({"entertainment", 0.25f});
      out.push_back(std::move(c));
    }
    return out;
  }
  std::string ModelVersion() const override { return "fake"; }

  void set_up(bool up) { up_.store(up); }
  int calls() const { return calls_.load(); }

 private:
  std::atomic<bool> up_{true};
  std::atomic<int> calls_{0};
};

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_
