#include "services/topics/topics_core.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "topics/segmenter.h"

namespace reachrank::topics_service {
namespace {

absl::StatusOr<std::shared_ptr<topics::FastTextClassifier>> LoadModel(
    const std::string& dir) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<topics::FastTextClassifier> model,
                      topics::FastTextClassifier::Load(dir));
  return std::shared_ptr<topics::FastTextClassifier>(std::move(model));
}

// The checks the classifier leaves to the service.
absl::Status ValidateRequest(absl::Span<const topics::TextItem> items) {
  if (items.empty()) {
    return absl::InvalidArgumentError("items: at least 1 item per call");
  }
  // A batch over the cap is refused whole (RESOURCE_EXHAUSTED), whatever
  // its items hold.
  if (items.size() > topics::kMaxBatchItems) {
    return topics::ValidateBatch(items);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const topics::TextItem& item = items[i];
    if (item.id.size() > kMaxItemIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("items[", i, "].id: ", item.id.size(),
                       " bytes, at most ", kMaxItemIdBytes));
    }
    // Both are echoed in the result, which must be valid UTF-8.
    if (!topics::IsValidUtf8(item.id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("items[", i, "].id: not valid UTF-8"));
    }
    // The rule ingest and rank apply to a language tag.
    if (item.language.size() > kMaxLanguageBytes ||
        !std::all_of(item.language.begin(), item.language.end(), [](char c) {
          return absl::ascii_isalnum(c) || c == '-';
        })) {
      return absl::InvalidArgumentError(
          absl::StrCat("items[", i, "].language: must be at most ",
                       kMaxLanguageBytes, " bytes of [A-Za-z0-9-]"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

TopicsCore::TopicsCore(std::string model_dir, TopicsMetrics& metrics)
    : metrics_(metrics),
      models_(std::move(model_dir), LoadModel,
              [&metrics](const topics::FastTextClassifier* previous,
                         const topics::FastTextClassifier& current) {
                metrics.ModelServing(
                    previous == nullptr ? "" : previous->ModelVersion(),
                    current.ModelVersion());
              }) {}

absl::StatusOr<std::shared_ptr<topics::FastTextClassifier>>
TopicsCore::Serving() const {
  std::shared_ptr<topics::FastTextClassifier> model = models_.Current();
  if (model == nullptr) {
    return absl::UnavailableError("no topic model loaded yet");
  }
  return model;
}

absl::StatusOr<ClassifyOutcome> TopicsCore::ClassifyBatch(
    absl::Span<const topics::TextItem> items, int top_k,
    ShouldStop should_stop) {
  RR_RETURN_IF_ERROR(ValidateRequest(items));
  // Held for the whole call: a reload cannot free it under us.
  RR_ASSIGN_OR_RETURN(std::shared_ptr<topics::FastTextClassifier> model,
                      Serving());
  ClassifyOutcome outcome;
  RR_ASSIGN_OR_RETURN(outcome.results,
                      model->Classify(items, top_k, should_stop));
  outcome.model_version = model->ModelVersion();
  metrics_.Classified(outcome.results);
  return outcome;
}

absl::StatusOr<TopicList> TopicsCore::ListTopics() const {
  RR_ASSIGN_OR_RETURN(std::shared_ptr<topics::FastTextClassifier> model,
                      Serving());
  return TopicList{model->taxonomy().topics(), model->ModelVersion()};
}

absl::StatusOr<ReloadOutcome> TopicsCore::Reload(const std::string& dir) {
  const std::string path = dir.empty() ? models_.configured_dir() : dir;
  absl::StatusOr<TopicModelHolder::Swap> swap = models_.Reload(path);
  metrics_.Reloaded(swap.ok());
  if (!swap.ok()) {
    const std::string version = ModelVersion();
    return absl::FailedPreconditionError(absl::StrCat(
        "model_dir: ", path, " refused: ", swap.status().message(),
        version.empty() ? "" : absl::StrCat("; still serving ", version)));
  }
  ReloadOutcome outcome;
  outcome.model_version = swap->current->ModelVersion();
  if (swap->previous != nullptr) {
    outcome.previous_model_version = swap->previous->ModelVersion();
  }
  return outcome;
}

absl::StatusOr<std::vector<topics::Classification>> TopicsCore::Classify(
    absl::Span<const topics::TextItem> items, int top_k) {
  RR_ASSIGN_OR_RETURN(ClassifyOutcome outcome, ClassifyBatch(items, top_k));
  return std::move(outcome.results);
}

std::string TopicsCore::ModelVersion() const {
  std::shared_ptr<topics::FastTextClassifier> model = models_.Current();
  return model == nullptr ? "" : model->ModelVersion();
}

}  // namespace reachrank::topics_service
