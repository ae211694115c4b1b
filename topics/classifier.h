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

// One text to classify: a caption and the post's hashtags. The hashtags
// count toward the topics (as the words they join, hashtags.h) and toward
// the detected language only when the text has no words.
struct TextItem {
  std::string id;
  std::string text;      // UTF-8, at most kMaxTextBytes
  std::string language;  // "en", "de", "zh"...; detected when empty
  // Without '#'; at most kMaxHashtags of 1..kMaxHashtagBytes bytes of UTF-8.
  std::vector<std::string> hashtags = {};
};

struct TopicProbability {
  std::string topic_id;
  float probability = 0;
};

// The topics of one text, most probable first.
struct Classification {
  std::string id;
  std::vector<TopicProbability> topics;  // empty when there are no words
  std::string language;  // given or detected; "und" when there are no words
};

inline constexpr size_t kMaxTextBytes = 16 * 1024;
inline constexpr size_t kMaxBatchItems = 1000;
inline constexpr size_t kMaxHashtags = 64;
inline constexpr size_t kMaxHashtagBytes = 128;

// Classifies texts. Implementations are thread-safe.
class TopicClassifier {
 public:
  virtual ~TopicClassifier() = default;
  // One result per item, in order. INVALID_ARGUMENT for invalid UTF-8,
  // over-long text or hashtags outside their limits (naming the item),
  // RESOURCE_EXHAUSTED for more than kMaxBatchItems items, UNAVAILABLE when a
  // remote classifier cannot be reached.
  virtual absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int top_k) = 0;
  // Version of the model that answers, e.g. "sib200-ft-<hash>".
  virtual std::string ModelVersion() const = 0;
};

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_CLASSIFIER_H_
