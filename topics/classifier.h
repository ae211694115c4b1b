// topics: what a text is about. The TopicClassifier interface is the seam
// between callers (ingest, ranking) and implementations: the in-process
// fastText classifier (topics/fasttext_classifier.h) and a gRPC client of
// the topic service (services/).
#ifndef REACHRANK_TOPICS_CLASSIFIER_H_
#define REACHRANK_TOPICS_CLASSIFIER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace reachrank::topics {

// One text to classify.
struct TextItem {
  std::string id;
  std::string text;      // UTF-8, at most kMaxTextBytes
  std::string language;  // "en", "de", "zh"...; detected when empty
};

struct TopicProbability {
  std::string topic_id;
  float probability = 0;
};

// The topics of one text, most probable first.
struct Classification {
  std::string id;
  std::vector<TopicProbability> topics;  // empty for blank text
  std::string language;  // given or detected; "und" for blank text
};

inline constexpr size_t kMaxTextBytes = 16 * 1024;
inline constexpr size_t kMaxBatchItems = 1000;

// Classifies texts. Implementations are thread-safe.
class TopicClassifier {
 public:
  virtual ~TopicClassifier() = default;
  // One result per item, in order. INVALID_ARGUMENT for invalid UTF-8 or
  // over-long text (naming the item), RESOURCE_EXHAUSTED for more than
  // kMaxBatchItems items, UNAVAILABLE when a remote classifier cannot be
  // reached.
  virtual absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int top_k) = 0;
  // Version of the model that answers, e.g. "sib200-ft-<hash>".
  virtual std::string ModelVersion() const = 0;
};

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_CLASSIFIER_H_
