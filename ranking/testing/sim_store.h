// Test and benchmark support: fills a Store with the simulator's authors,
// posts and events. Posts are stored classified, with the topic whose
// SIB-200 sentence the simulator wrote (an oracle, so tests need no trained
// classifier). Also a fake TopicClassifier for drafts.
#ifndef REACHRANK_RANKING_TESTING_SIM_STORE_H_
#define REACHRANK_RANKING_TESTING_SIM_STORE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "sim/corpus.h"
#include "sim/simulator.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ranking::testing {

// The bundled SIB-200 corpus (REACHRANK_SIB200_DIR), loaded once.
absl::StatusOr<const sim::Corpus*> TestCorpus();

// Maps a simulated post text to the topic of its SIB-200 sentence.
// Immutable after construction; thread-safe.
class SentenceTopics {
 public:
  explicit SentenceTopics(const sim::Corpus& corpus);
  // The topic of the sentence `text` ends with, or "" if none.
  std::string TopicOf(const std::string& text) const;

 private:
  absl::flat_hash_map<std::string, std::string> topic_of_sentence_;
};

struct SimStoreSummary {
  sim::SimSummary sim;
  std::vector<std::string> post_ids;  // in creation order
  std::vector<std::pair<std::string, std::string>> authors;  // platform, id
};

// Runs the simulator into `store`, keeping only events before
// `events_before`. Errors come from the simulator or store.
absl::StatusOr<SimStoreSummary> FillStoreFromSim(
    const sim::SimOptions& options, storage::Store& store,
    absl::Time events_before = absl::InfiniteFuture());

// A classifier that returns one fixed topic per text, looked up by exact
// text, else by "#" + each hashtag in order, else `fallback`, with
// probability 0.9. Thread-safe.
class FakeClassifier : public topics::TopicClassifier {
 public:
  explicit FakeClassifier(std::string fallback) : fallback_(std::move(fallback)) {}
  void Set(const std::string& text, const std::string& topic) {
    topics_[text] = topic;
  }
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override;
  std::string ModelVersion() const override { return "fake-v1"; }

 private:
  std::string fallback_;
  absl::flat_hash_map<std::string, std::string> topics_;  // set before use
};

}  // namespace reachrank::ranking::testing

#endif  // REACHRANK_RANKING_TESTING_SIM_STORE_H_
