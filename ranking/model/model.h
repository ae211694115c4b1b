// The model the ranking engine serves: a tree ensemble (XGBoost JSON) or
// the logistic prior, loaded from a model directory:
//
//   <dir>/model.json     the XGBoost model or the logistic weights
//   <dir>/metadata.json  feature order, label, training window, holdout
//                        metrics, version (see model_metadata.h)
//
// Rows passed to a Model are in metadata().feature_names order.
#ifndef REACHRANK_RANKING_MODEL_MODEL_H_
#define REACHRANK_RANKING_MODEL_MODEL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ranking/model/logistic_model.h"
#include "ranking/model/model_metadata.h"

namespace reachrank::ranking {

// Implementations are immutable after Load(); every method is safe for any
// number of concurrent callers.
class Model {
 public:
  virtual ~Model() = default;

  // Loads `dir` and refuses it (INVALID_ARGUMENT, naming the first
  // difference) unless its feature names are exactly `expected_features`,
  // in order. Also INVALID_ARGUMENT if model.json and metadata.json
  // disagree (feature count, or the XGBoost model's own feature names);
  // NOT_FOUND if a file is missing.
  static absl::StatusOr<std::unique_ptr<Model>> Load(
      const std::string& dir,
      const std::vector<std::string>& expected_features);
  // As Load(), accepting whatever features the directory declares (tools
  // and benchmarks; serving uses Load()).
  static absl::StatusOr<std::unique_ptr<Model>> LoadAnyFeatures(
      const std::string& dir);

  const ModelMetadata& metadata() const { return metadata_; }
  const std::string& version() const { return metadata_.model_version; }
  size_t num_features() const { return metadata_.feature_names.size(); }

  // Row-major rows of num_features() floats, NaN = missing; one output per
  // row. INVALID_ARGUMENT (nothing written) if n_features differs.
  virtual absl::Status PredictMargin(const float* rows, size_t n_rows,
                                     size_t n_features, float* out) const = 0;
  virtual absl::Status PredictProbability(const float* rows, size_t n_rows,
                                          size_t n_features,
                                          float* out) const = 0;
  // num_features() + 1 values per row: each feature's contribution to the
  // margin (TreeSHAP or exact logistic terms), then the bias; they sum to
  // the margin.
  virtual absl::Status PredictContributions(const float* rows, size_t n_rows,
                                            size_t n_features,
                                            float* out) const = 0;

 protected:
  explicit Model(ModelMetadata metadata) : metadata_(std::move(metadata)) {}

 private:
  const ModelMetadata metadata_;
};

// Serves `logistic` as a Model described by `metadata` (whose feature
// names must be the logistic model's).
std::unique_ptr<Model> MakeLogisticModel(ModelMetadata metadata,
                                         LogisticModel logistic);

// OK if `actual` equals `expected` element by element; otherwise
// INVALID_ARGUMENT naming the first difference. `what` names `actual`'s
// source in the message ("metadata.json").
absl::Status CheckFeatureNames(const std::vector<std::string>& actual,
                               const std::vector<std::string>& expected,
                               absl::string_view what);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_MODEL_H_
