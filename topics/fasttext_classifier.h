// The in-process TopicClassifier: a model directory (model_dir.h) loaded
// into memory. Each text is validated, segmented (segmenter.h), its
// language detected when not given (language_detector.h), and classified
// by the fastText topic model.
#ifndef REACHRANK_TOPICS_FASTTEXT_CLASSIFIER_H_
#define REACHRANK_TOPICS_FASTTEXT_CLASSIFIER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/should_stop.h"
#include "topics/classifier.h"
#include "topics/fasttext_model.h"
#include "topics/language_detector.h"
#include "topics/model_dir.h"
#include "topics/segmenter.h"
#include "topics/taxonomy.h"

namespace reachrank::topics {

// Topics per item when the caller passes top_k <= 0.
inline constexpr int kDefaultTopK = 3;
// A batch is classified this many items between two should_stop checks (a
// few milliseconds of work).
inline constexpr size_t kClassifyChunk = 100;

// Thread-safe: immutable after Load; segmentation and prediction keep their
// per-call state on the caller's stack (or borrow from a guarded pool), so
// any number of threads may call Classify at once.
class FastTextClassifier final : public TopicClassifier {
 public:
  // Loads a model directory. FAILED_PRECONDITION naming the file when a file
  // is missing, damaged (fingerprint mismatch) or inconsistent (a model
  // label absent from the taxonomy). Every file comes from the directory
  // as it was opened: one exchanged into `dir` meanwhile (topics train
  // publishes so) is not mixed in (base/dir_publish.h PinnedDirectory).
  static absl::StatusOr<std::unique_ptr<FastTextClassifier>> Load(
      const std::string& dir);

  // See TopicClassifier. top_k <= 0 means kDefaultTopK; larger than the
  // taxonomy means all topics. The topics are predicted from the words of
  // the text and of the hashtags together (routed by the script most of
  // their letters are in); the language is detected from the text, or
  // from the hashtags when the text has no words. Inline hashtags of the
  // text ("... #FootballMatch", SplitInlineHashtags) count as hashtags. An item
  // without letters, digits or emoji in either gets no topics and language
  // "und". Items are validated before any is classified; the first bad one
  // fails the call.
  absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int top_k) override;
  // The same, asking `should_stop` before each kClassifyChunk items:
  // CANCELLED (and no results) when it says so.
  absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int top_k, ShouldStop should_stop);
  std::string ModelVersion() const override;

  const Taxonomy& taxonomy() const { return taxonomy_; }
  const ModelMetadata& metadata() const { return metadata_; }

  // Classifies one text that has passed validation.
  absl::StatusOr<Classification> ClassifyOne(const TextItem& item,
                                             int top_k) const;

 private:
  // Load's work on the files under `dir`.
  static absl::StatusOr<std::unique_ptr<FastTextClassifier>> LoadFiles(
      const std::string& dir);

  FastTextClassifier(ModelMetadata metadata, Taxonomy taxonomy,
                     std::unique_ptr<Segmenter> segmenter,
                     std::unique_ptr<LanguageDetector> languages,
                     std::unique_ptr<FastTextModel> topics,
                     std::vector<std::unique_ptr<FastTextModel>> han_topics);

  // The k most probable topics of a segmented text, routed by script and
  // metadata_.han_routing (model_dir.h).
  absl::StatusOr<std::vector<LabelProbability>> PredictTopics(
      const Segmentation& segmentation, int k) const;

  // Constant after construction.
  const ModelMetadata metadata_;
  const Taxonomy taxonomy_;
  const std::unique_ptr<Segmenter> segmenter_;
  const std::unique_ptr<LanguageDetector> languages_;
  const std::unique_ptr<FastTextModel> topics_;
  // model.han.bin and its other seeds (metadata_.han_seeds); empty
  // without model.han.bin.
  const std::vector<std::unique_ptr<FastTextModel>> han_topics_;
};

// One model's probabilities and the weight they get in MixTopK.
struct WeightedLabels {
  double weight = 0;
  absl::Span<const LabelProbability> labels;
};

// The labels of every part with the weighted sum of their probabilities (a
// label missing from a part counts 0 there), most probable first (ties in
// label order), at most `k` of them (all when k < 0).
std::vector<LabelProbability> MixTopK(absl::Span<const WeightedLabels> parts,
                                      int k);

// The labels of `a` and `b` with the mean of their two probabilities (a
// label missing from one counts 0 there), most probable first (ties in
// label order), at most `k` of them (all when k < 0).
std::vector<LabelProbability> AverageTopK(absl::Span<const LabelProbability> a,
                                          absl::Span<const LabelProbability> b,
                                          int k);

// INVALID_ARGUMENT naming item `index` (and its id) for invalid UTF-8,
// text over kMaxTextBytes, more than kMaxHashtags hashtags or a hashtag
// that is empty or over kMaxHashtagBytes; RESOURCE_EXHAUSTED for more than
// kMaxBatchItems.
absl::Status ValidateBatch(absl::Span<const TextItem> items);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_FASTTEXT_CLASSIFIER_H_
