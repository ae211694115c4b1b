#include "topics/fasttext_classifier.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/dir_publish.h"
#include "base/status_macros.h"
#include "topics/item_words.h"

namespace reachrank::topics {
namespace {

// True when `text` has a letter of any script outside links.
bool HasLetters(const Segmentation& text) {
  return text.latin_letters + text.han_letters + text.other_letters > 0;
}

std::string ItemName(size_t index, const TextItem& item) {
  return absl::StrCat("items[", index, "] (id \"", item.id, "\")");
}

absl::Status ValidateHashtags(size_t index, const TextItem& item) {
  if (item.hashtags.size() > kMaxHashtags) {
    return absl::InvalidArgumentError(
        absl::StrCat(ItemName(index, item), ".hashtags: ", item.hashtags.size(),
                     " hashtags, at most ", kMaxHashtags));
  }
  for (size_t j = 0; j < item.hashtags.size(); ++j) {
    const std::string& tag = item.hashtags[j];
    if (tag.empty() || tag.size() > kMaxHashtagBytes || !IsValidUtf8(tag)) {
      return absl::InvalidArgumentError(
          absl::StrCat(ItemName(index, item), ".hashtags[", j, "]: must be 1-",
                       kMaxHashtagBytes, " bytes of valid UTF-8"));
    }
  }
  return absl::OkStatus();
}

// The words of `text`; none for blank text.
// Loads topic model `file` of `checked` (of directory `dir`), whose labels
// must all be in `taxonomy`.
absl::StatusOr<std::unique_ptr<FastTextModel>> LoadTopics(
    const std::string& dir, const CheckedModelDir& checked,
    const std::string& file, const Taxonomy& taxonomy) {
  const std::string path = absl::StrCat(dir, "/", file);
  RR_ASSIGN_OR_RETURN(std::unique_ptr<FastTextModel> model,
                      FastTextModel::FromBytes(checked.files.at(file), path));
  for (const std::string& label : model->Labels()) {
    if (!taxonomy.Contains(label)) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": label \"", label, "\" is not in ", kTaxonomyFile));
    }
  }
  return model;
}

}  // namespace

std::vector<LabelProbability> AverageTopK(absl::Span<const LabelProbability> a,
                                          absl::Span<const LabelProbability> b,
                                          int k) {
  const WeightedLabels parts[] = {{0.5, a}, {0.5, b}};
  return MixTopK(parts, k);
}

std::vector<LabelProbability> MixTopK(absl::Span<const WeightedLabels> parts,
                                      int k) {
  std::map<std::string, double> sum;
  for (const WeightedLabels& part : parts) {
    for (const LabelProbability& l : part.labels) {
      sum[l.label] += part.weight * l.probability;
    }
  }
  std::vector<LabelProbability> out;
  out.reserve(sum.size());
  for (const auto& [label, total] : sum) {
    out.push_back({label, static_cast<float>(total)});
  }
  // Most probable first; ties by label, so the order is deterministic.
  std::stable_sort(out.begin(), out.end(),
                   [](const LabelProbability& x, const LabelProbability& y) {
                     return x.probability > y.probability;
                   });
  if (k >= 0 && out.size() > static_cast<size_t>(k)) out.resize(k);
  return out;
}

absl::Status ValidateBatch(absl::Span<const TextItem> items) {
  if (items.size() > kMaxBatchItems) {
    return absl::ResourceExhaustedError(
        absl::StrCat("items: ", items.size(), " items, at most ",
                     kMaxBatchItems, " per call"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const TextItem& item = items[i];
    if (item.text.size() > kMaxTextBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(ItemName(i, item), ".text: ", item.text.size(),
                       " bytes, at most ", kMaxTextBytes));
    }
    if (!IsValidUtf8(item.text)) {
      return absl::InvalidArgumentError(
          absl::StrCat(ItemName(i, item), ".text: not valid UTF-8"));
    }
    RR_RETURN_IF_ERROR(ValidateHashtags(i, item));
  }
  return absl::OkStatus();
}

FastTextClassifier::FastTextClassifier(
    ModelMetadata metadata, Taxonomy taxonomy,
    std::unique_ptr<Segmenter> segmenter,
    std::unique_ptr<LanguageDetector> languages,
    std::unique_ptr<FastTextModel> topics,
    std::vector<std::unique_ptr<FastTextModel>> han_topics)
    : metadata_(std::move(metadata)),
      taxonomy_(std::move(taxonomy)),
      segmenter_(std::move(segmenter)),
      languages_(std::move(languages)),
      topics_(std::move(topics)),
      han_topics_(std::move(han_topics)) {}

absl::StatusOr<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Load(
    const std::string& dir) {
  absl::StatusOr<PinnedDirectory> pinned = PinnedDirectory::Open(dir);
  if (!pinned.ok()) return LoadFiles(dir);  // its usual errors name the file
  absl::StatusOr<std::unique_ptr<FastTextClassifier>> loaded =
      LoadFiles(pinned->path());
  if (!loaded.ok()) return pinned->Named(loaded.status());
  return loaded;
}

absl::StatusOr<std::unique_ptr<FastTextClassifier>>
FastTextClassifier::LoadFiles(const std::string& dir) {
  // Every part from the bytes whose fingerprints were checked.
  RR_ASSIGN_OR_RETURN(CheckedModelDir checked, ReadModelDir(dir));
  ModelMetadata& metadata = checked.metadata;
  const std::string taxonomy_path = absl::StrCat(dir, "/", kTaxonomyFile);
  absl::StatusOr<Taxonomy> taxonomy =
      Taxonomy::Parse(checked.files.at(kTaxonomyFile));
  if (!taxonomy.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(taxonomy_path, ": ", taxonomy.status().message()));
  }
  RR_ASSIGN_OR_RETURN(std::unique_ptr<FastTextModel> topics,
                      LoadTopics(dir, checked, kTopicModelFile, *taxonomy));
  std::vector<std::unique_ptr<FastTextModel>> han_topics;
  if (metadata.han_fasttext.has_value()) {
    for (int i = 0; i < metadata.han_seeds; ++i) {
      RR_ASSIGN_OR_RETURN(
          std::unique_ptr<FastTextModel> han,
          LoadTopics(dir, checked, HanTopicModelFile(i), *taxonomy));
      han_topics.push_back(std::move(han));
    }
  }
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<LanguageDetector> languages,
      LanguageDetector::FromBytes(checked.files.at(kLanguageModelFile),
                                  absl::StrCat(dir, "/", kLanguageModelFile)));
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Segmenter> segmenter,
                      Segmenter::Create(metadata.segmenter));
  return std::unique_ptr<FastTextClassifier>(new FastTextClassifier(
      std::move(metadata), std::move(*taxonomy), std::move(segmenter),
      std::move(languages), std::move(topics), std::move(han_topics)));
}

absl::StatusOr<std::vector<Classification>> FastTextClassifier::Classify(
    absl::Span<const TextItem> items, int top_k) {
  return Classify(items, top_k, NeverStop);
}

absl::StatusOr<std::vector<Classification>> FastTextClassifier::Classify(
    absl::Span<const TextItem> items, int top_k, ShouldStop should_stop) {
  RR_RETURN_IF_ERROR(ValidateBatch(items));
  std::vector<Classification> results;
  results.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (i % kClassifyChunk == 0 && should_stop()) {
      return StoppedError(i, items.size(), "items");
    }
    RR_ASSIGN_OR_RETURN(Classification result, ClassifyOne(items[i], top_k));
    results.push_back(std::move(result));
  }
  return results;
}

absl::StatusOr<Classification> FastTextClassifier::ClassifyOne(
    const TextItem& item, int top_k) const {
  Classification result;
  result.id = item.id;
  result.language = kLanguageUndetermined;
  RR_ASSIGN_OR_RETURN(ItemWords parts,
                      SegmentItemWords(*segmenter_, item.text, item.hashtags));
  Segmentation& words = parts.caption;
  Segmentation& tags = parts.tags;
  // Emoji, numbers and links alone are tokens the model has not learnt
  // from: it would answer its default topic with near certainty.
  if (!HasLetters(words) && !HasLetters(tags)) return result;
  if (!item.language.empty()) {
    result.language = item.language;
  } else {
    // English hashtags under a German caption leave it German; a caption
    // of emoji or numbers leaves the hashtags' language.
    RR_ASSIGN_OR_RETURN(result.language,
                        languages_->Detect(HasLetters(words) ? words : tags));
  }
  // Letters mostly of scripts the model was not trained on, in what the
  // language is read from (the caption, else the hashtags): its topics
  // would be noise, whatever language the caller named.
  if (MostlyOtherScripts(HasLetters(words) ? words : tags)) return result;
  AppendWords(std::move(tags), words);
  const int k = top_k <= 0 ? kDefaultTopK
                           : std::min<int>(top_k, taxonomy_.topics().size());
  RR_ASSIGN_OR_RETURN(std::vector<LabelProbability> labels,
                      PredictTopics(words, k));
  for (LabelProbability& label : labels) {
    result.topics.push_back({std::move(label.label), label.probability});
  }
  return result;
}

absl::StatusOr<std::vector<LabelProbability>> FastTextClassifier::PredictTopics(
    const Segmentation& segmentation, int k) const {
  if (han_topics_.empty() || !MostlyHan(segmentation)) {
    return topics_->PredictTokens(segmentation.tokens, k);
  }
  const bool average = metadata_.han_routing == kHanRoutingAverage;
  if (!average && han_topics_.size() == 1) {
    return han_topics_[0]->PredictTokens(segmentation.tokens, k);
  }
  // Every label of every model, then w / K per han model and 1 - w for
  // model.bin (w = 1 for han_routing "han-model").
  const int all = static_cast<int>(taxonomy_.topics().size());
  const double han_weight = average ? metadata_.han_weight : 1.0;
  std::vector<std::vector<LabelProbability>> predictions;
  predictions.reserve(han_topics_.size() + 1);
  for (const std::unique_ptr<FastTextModel>& han : han_topics_) {
    RR_ASSIGN_OR_RETURN(predictions.emplace_back(),
                        han->PredictTokens(segmentation.tokens, all));
  }
  if (average) {
    RR_ASSIGN_OR_RETURN(predictions.emplace_back(),
                        topics_->PredictTokens(segmentation.tokens, all));
  }
  std::vector<WeightedLabels> parts;
  parts.reserve(predictions.size());
  for (size_t i = 0; i < predictions.size(); ++i) {
    const double weight = i < han_topics_.size()
                              ? han_weight / han_topics_.size()
                              : 1.0 - han_weight;
    parts.push_back({weight, predictions[i]});
  }
  return MixTopK(parts, k);
}

std::string FastTextClassifier::ModelVersion() const {
  return metadata_.model_version;
}

}  // namespace reachrank::topics
