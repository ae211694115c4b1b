// In-memory TopicClassifiers for tests. Test-only.
#ifndef REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_
#define REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ingest {

// "travel" for every text (or "science/technology" when it mentions
// "code"); UNAVAILABLE while down; INVALID_ARGUMENT for a batch holding a
// text equal to "reject-me". Thread-safe.
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
                          : absl::StrContains(item.text, "long-topic")
                              ? std::string(300, 't')  // storage keeps 256
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

// Stores the post of the first item of its first `times` batches again
// with the text `edited` (then `edited` 2, `edited` 3...), pending (as an
// upsert would), while that batch is being classified; then answers as
// `inner`. Not thread-safe.
class EditingClassifier final : public topics::TopicClassifier {
 public:
  EditingClassifier(storage::Store& store, topics::TopicClassifier& inner,
                    std::string edited, int times = 1)
      : store_(store),
        inner_(inner),
        edited_(std::move(edited)),
        times_(times) {}
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    if (edits_ < times_) {
      auto record = store_.GetPost(items[0].id);
      if (!record.ok()) return record.status();
      record->mutable_post()->set_text(
          edits_ == 0 ? edited_ : absl::StrCat(edited_, " ", edits_ + 1));
      record->set_classified(false);
      if (!store_.PutPosts({*record}).ok()) {
        return absl::InternalError("edit failed");
      }
      ++edits_;
    }
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return "editing"; }
  int edits() const { return edits_; }

 private:
  storage::Store& store_;
  topics::TopicClassifier& inner_;
  const std::string edited_;
  const int times_;
  int edits_ = 0;
};

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_FAKE_CLASSIFIER_H_
