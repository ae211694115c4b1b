// topics_core: the topic service without gRPC. Serves the topic model held
// in a ModelHolder (services/common/model_holder.h): classifies batches on
// whichever model is current when the call starts, lists the taxonomy, and
// reloads a model beside the serving one. It is also a
// topics::TopicClassifier, so in-process callers (ingest inside
// `reachrank serve`) get reloads and metrics without a network hop.
#ifndef REACHRANK_SERVICES_TOPICS_TOPICS_CORE_H_
#define REACHRANK_SERVICES_TOPICS_TOPICS_CORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/should_stop.h"
#include "services/common/model_holder.h"
#include "services/topics/topics_metrics.h"
#include "topics/classifier.h"
#include "topics/fasttext_classifier.h"
#include "topics/taxonomy.h"

namespace reachrank::topics_service {

using TopicModelHolder = services::ModelHolder<topics::FastTextClassifier>;

// At most this many bytes of a caller's item id and language tag.
inline constexpr size_t kMaxItemIdBytes = 128;
inline constexpr size_t kMaxLanguageBytes = 35;

struct ClassifyOutcome {
  std::vector<topics::Classification> results;  // one per item, in order
  std::string model_version;                    // the model that answered
};

struct TopicList {
  std::vector<topics::Topic> topics;
  std::string model_version;
};

struct ReloadOutcome {
  std::string model_version;           // now serving
  std::string previous_model_version;  // "" when none served before
};

// Thread-safe. Borrows `metrics`, which must outlive *this.
class TopicsCore final : public topics::TopicClassifier {
 public:
  // Holds no model until Reload() succeeds; `model_dir` is the directory
  // Reload("") loads.
  TopicsCore(std::string model_dir, TopicsMetrics& metrics);

  // Classifies 1..topics::kMaxBatchItems items on the current model.
  // INVALID_ARGUMENT (naming the item) for an empty batch, an id over
  // kMaxItemIdBytes, a language over kMaxLanguageBytes or not of
  // [A-Za-z0-9-], text over
  // topics::kMaxTextBytes, or invalid UTF-8 in any of them;
  // RESOURCE_EXHAUSTED for too many items; UNAVAILABLE before a model is
  // loaded; CANCELLED, with nothing answered or counted, when
  // `should_stop` (asked before each topics::kClassifyChunk items) says so.
  // top_k <= 0 means 3; above the taxonomy size, all topics.
  absl::StatusOr<ClassifyOutcome> ClassifyBatch(
      absl::Span<const topics::TextItem> items, int top_k,
      ShouldStop should_stop = NeverStop);
  // The serving taxonomy and model version; UNAVAILABLE before a model.
  absl::StatusOr<TopicList> ListTopics() const;
  // Loads `dir` (empty: the configured directory) and swaps it in; calls
  // in flight finish on the old model. FAILED_PRECONDITION naming the
  // directory and the problem when the model is refused; the old model
  // keeps serving.
  absl::StatusOr<ReloadOutcome> Reload(const std::string& dir = "");
  // Whether a model is serving.
  bool loaded() const { return models_.Current() != nullptr; }

  // topics::TopicClassifier: ClassifyBatch without the version.
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override;
  // "" before a model is loaded.
  std::string ModelVersion() const override;

 private:
  absl::StatusOr<std::shared_ptr<topics::FastTextClassifier>> Serving() const;

  TopicsMetrics& metrics_;
  TopicModelHolder models_;
};

}  // namespace reachrank::topics_service

#endif  // REACHRANK_SERVICES_TOPICS_TOPICS_CORE_H_
