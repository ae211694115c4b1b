// A logistic model: margin = intercept + sum_i weight_i * x_i. Used as the
// prior before a tree model is trained; its explanation is exact (each
// feature's term is its contribution).
#ifndef REACHRANK_RANKING_MODEL_LOGISTIC_MODEL_H_
#define REACHRANK_RANKING_MODEL_LOGISTIC_MODEL_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank::ranking {

// Immutable after creation; safe for any number of concurrent readers.
class LogisticModel {
 public:
  // `feature_order` is the column order of the rows to score (non-empty,
  // unique names). `missing` is the value a feature takes when a row has
  // NaN for it (default 0, so a missing feature contributes nothing). A
  // weight or missing value naming a feature not in `feature_order`, or a
  // weight or intercept that is not finite or beyond ±1e6, or a missing
  // value beyond float's range, fails with INVALID_ARGUMENT (the bounds keep
  // every margin finite). A feature without a weight has weight 0.
  // `upper` caps a feature: a value above it counts as the cap (a linear
  // term kept to the range it was meant for); finite, within float's
  // range, a model feature, else INVALID_ARGUMENT.
  static absl::StatusOr<LogisticModel> Create(
      double intercept, const std::map<std::string, double>& weights,
      std::vector<std::string> feature_order,
      const std::map<std::string, double>& missing = {},
      const std::map<std::string, double>& upper = {});
  // Parses `{"intercept": -1.5, "weights": {"feature": 0.3, ...},
  // "missing": {"feature": 0.5, ...}, "upper": {"feature": 168, ...}}`
  // ("missing" and "upper" optional) and calls Create(). Never throws;
  // malformed JSON is INVALID_ARGUMENT.
  static absl::StatusOr<LogisticModel> ParseJson(
      absl::string_view json, std::vector<std::string> feature_order);
  // Reads `path` and parses it as above; NOT_FOUND if it cannot be opened.
  static absl::StatusOr<LogisticModel> LoadFile(
      const std::string& path, std::vector<std::string> feature_order);

  // Row-major rows of num_features() values; a missing value (NaN) is
  // replaced by the feature's missing value, one above its cap by the cap. Fail
  // with INVALID_ARGUMENT if n_features differs.
  absl::Status PredictMargin(const float* rows, size_t n_rows,
                             size_t n_features, float* out) const;
  absl::Status PredictProbability(const float* rows, size_t n_rows,
                                  size_t n_features, float* out) const;
  // Per row: each feature's term measured from its missing value,
  // weight_i * (min(x_i, cap_i) - missing_i) (exactly 0 where x_i is NaN),
  // then the
  // bias, intercept + sum_i weight_i * missing_i; they sum to the margin.
  // The missing value is the neutral point: with the default 0 these are
  // the plain terms weight_i * x_i and the intercept; the prior, whose
  // missing values are its centers, explains a row against a typical one.
  absl::Status PredictContributions(const float* rows, size_t n_rows,
                                    size_t n_features, float* out) const;

  size_t num_features() const { return feature_order_.size(); }
  const std::vector<std::string>& feature_names() const {
    return feature_order_;
  }
  double intercept() const { return intercept_; }
  // Weight of each feature, in feature_names() order.
  const std::vector<double>& weights() const { return weights_; }
  // Value used for NaN, per feature, in feature_names() order.
  const std::vector<double>& missing_values() const { return missing_; }
  // Cap per feature, in feature_names() order (+infinity: none).
  const std::vector<double>& upper_bounds() const { return upper_; }

 private:
  LogisticModel() = default;
  absl::Status CheckShape(size_t n_features) const;
  // weights_[f] * the row value capped at upper_[f], or * missing_[f]
  // where the value is NaN.
  double Term(size_t f, float x) const {
    return weights_[f] * (std::isnan(x)
                              ? missing_[f]
                              : std::min(static_cast<double>(x), upper_[f]));
  }

  // Constant after construction.
  double intercept_ = 0.0;
  std::vector<std::string> feature_order_;
  std::vector<double> weights_;
  std::vector<double> missing_;
  std::vector<double> upper_;
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_LOGISTIC_MODEL_H_
