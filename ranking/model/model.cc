#include "ranking/model/model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/model/file_util.h"
#include "ranking/model/logistic_model.h"
#include "ranking/model/segmented_logistic_model.h"
#include "ranking/model/tree_ensemble.h"
#include "ranking/model/xgboost_json.h"

namespace reachrank::ranking {
namespace {

// Adapts a model type with the Predict* trio to the Model interface.
template <typename Impl>
class ModelAdapter final : public Model {
 public:
  ModelAdapter(ModelMetadata metadata, Impl impl)
      : Model(std::move(metadata)), impl_(std::move(impl)) {}

  absl::Status PredictMargin(const float* rows, size_t n_rows,
                             size_t n_features, float* out) const override {
    return impl_.PredictMargin(rows, n_rows, n_features, out);
  }
  absl::Status PredictProbability(const float* rows, size_t n_rows,
                                  size_t n_features,
                                  float* out) const override {
    return impl_.PredictProbability(rows, n_rows, n_features, out);
  }
  absl::Status PredictContributions(const float* rows, size_t n_rows,
                                    size_t n_features,
                                    float* out) const override {
    return impl_.PredictContributions(rows, n_rows, n_features, out);
  }

 private:
  const Impl impl_;
};

absl::StatusOr<std::unique_ptr<Model>> LoadTrees(const std::string& path,
                                                 ModelMetadata meta) {
  RR_ASSIGN_OR_RETURN(TreeEnsemble trees, LoadXGBoostJsonFile(path));
  if (trees.num_features() != meta.feature_names.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " has ", trees.num_features(), " features; metadata.json lists ",
        meta.feature_names.size()));
  }
  if (!trees.feature_names().empty()) {
    RR_RETURN_IF_ERROR(
        CheckFeatureNames(trees.feature_names(), meta.feature_names, path));
  }
  return std::make_unique<ModelAdapter<TreeEnsemble>>(std::move(meta),
                                                      std::move(trees));
}

absl::StatusOr<std::unique_ptr<Model>> LoadLogistic(const std::string& path,
                                                    ModelMetadata meta) {
  // Plain or segmented (segmented_logistic_model.h).
  RR_ASSIGN_OR_RETURN(
      SegmentedLogisticModel logistic,
      SegmentedLogisticModel::LoadFile(path, meta.feature_names));
  return std::make_unique<ModelAdapter<SegmentedLogisticModel>>(
      std::move(meta), std::move(logistic));
}

absl::StatusOr<ModelMetadata> LoadMetadata(const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/metadata.json");
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  absl::StatusOr<ModelMetadata> meta = ParseModelMetadata(text);
  if (!meta.ok()) {
    return absl::Status(meta.status().code(),
                        absl::StrCat(path, ": ", meta.status().message()));
  }
  return meta;
}

absl::StatusOr<std::unique_ptr<Model>> LoadWithMetadata(const std::string& dir,
                                                        ModelMetadata meta) {
  const std::string model_path = absl::StrCat(dir, "/model.json");
  if (meta.model_type == ModelType::kXGBoost) {
    return LoadTrees(model_path, std::move(meta));
  }
  return LoadLogistic(model_path, std::move(meta));
}

}  // namespace

std::unique_ptr<Model> MakeLogisticModel(ModelMetadata metadata,
                                         LogisticModel logistic) {
  return std::make_unique<ModelAdapter<LogisticModel>>(std::move(metadata),
                                                       std::move(logistic));
}

absl::Status CheckFeatureNames(const std::vector<std::string>& actual,
                               const std::vector<std::string>& expected,
                               absl::string_view what) {
  const size_t common = std::min(actual.size(), expected.size());
  for (size_t i = 0; i < common; ++i) {
    if (actual[i] != expected[i]) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": feature ", i, " is '", actual[i], "' but '",
                       expected[i], "' is expected"));
    }
  }
  if (actual.size() < expected.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": has ", actual.size(), " features; ", expected.size(),
        " expected, first missing: '", expected[common], "'"));
  }
  if (actual.size() > expected.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": has ", actual.size(), " features; ", expected.size(),
        " expected, first extra: '", actual[common], "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Model>> Model::LoadAnyFeatures(
    const std::string& dir) {
  RR_ASSIGN_OR_RETURN(ModelMetadata meta, LoadMetadata(dir));
  return LoadWithMetadata(dir, std::move(meta));
}

absl::StatusOr<std::unique_ptr<Model>> Model::Load(
    const std::string& dir, const std::vector<std::string>& expected_features) {
  RR_ASSIGN_OR_RETURN(ModelMetadata meta, LoadMetadata(dir));
  RR_RETURN_IF_ERROR(CheckFeatureNames(
      meta.feature_names, expected_features,
      absl::StrCat(dir, "/metadata.json (model ", meta.model_version, ")")));
  return LoadWithMetadata(dir, std::move(meta));
}

}  // namespace reachrank::ranking
