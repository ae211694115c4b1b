#include "ranking/model/logistic_model.h"

#include <cmath>
#include <exception>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/file_util.h"
#include "ranking/model/json_util.h"
#include "ranking/model/row_width.h"

namespace reachrank::ranking {
namespace {

// Reads the object `key` of `doc`, feature -> number.
absl::StatusOr<std::map<std::string, double>> NumberMap(
    const json_util::Json& doc, const std::string& key) {
  std::map<std::string, double> values;
  RR_ASSIGN_OR_RETURN(const json_util::Json* object,
                      json_util::Member(doc, "", key));
  if (!object->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": must be an object"));
  }
  for (auto it = object->begin(); it != object->end(); ++it) {
    RR_ASSIGN_OR_RETURN(
        values[it.key()],
        json_util::Number(it.value(), json_util::Path(key, it.key())));
  }
  return values;
}

// Index of every name of `order`; INVALID_ARGUMENT naming a repeated one.
absl::StatusOr<std::map<std::string, size_t>> IndexOf(
    const std::vector<std::string>& order) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < order.size(); ++i) {
    if (!index.emplace(order[i], i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature '", order[i], "' is listed twice"));
    }
  }
  return index;
}

// Bounds that keep every margin finite: |weight| <= kMaxWeight times a
// float feature (or a missing value, itself a float) summed over any
// number of features stays far below double's range, so no sum of
// infinities of both signs can make NaN.
constexpr double kMaxWeight = 1e6;
constexpr double kMaxMissing = std::numeric_limits<float>::max();

// `values` laid out in feature order (`absent` where absent);
// INVALID_ARGUMENT for an unknown feature or a value that is not finite or
// beyond ±`limit`, naming `what`.
absl::StatusOr<std::vector<double>> InOrder(
    const std::map<std::string, double>& values,
    const std::map<std::string, size_t>& index, const std::string& what,
    double limit, double absent = 0.0) {
  std::vector<double> out(index.size(), absent);
  for (const auto& [name, value] : values) {
    auto it = index.find(name);
    if (it == index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": '", name, "' is not a model feature"));
    }
    if (!std::isfinite(value) || std::abs(value) > limit) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ".", name, ": must be finite and at most ", limit,
                       " in magnitude"));
    }
    out[it->second] = value;
  }
  return out;
}

absl::StatusOr<LogisticModel> ParseImpl(absl::string_view text,
                                        std::vector<std::string> order) {
  using json_util::Json;
  RR_ASSIGN_OR_RETURN(Json doc, json_util::Parse(text, "logistic model"));
  RR_ASSIGN_OR_RETURN(const Json* intercept_json,
                      json_util::Member(doc, "", "intercept"));
  RR_ASSIGN_OR_RETURN(double intercept,
                      json_util::Number(*intercept_json, "intercept"));
  RR_ASSIGN_OR_RETURN(auto weights, NumberMap(doc, "weights"));
  std::map<std::string, double> missing, upper;  // optional
  if (json_util::HasMember(doc, "missing")) {
    RR_ASSIGN_OR_RETURN(missing, NumberMap(doc, "missing"));
  }
  if (json_util::HasMember(doc, "upper")) {
    RR_ASSIGN_OR_RETURN(upper, NumberMap(doc, "upper"));
  }
  return LogisticModel::Create(intercept, weights, std::move(order), missing,
                               upper);
}

}  // namespace

absl::StatusOr<LogisticModel> LogisticModel::Create(
    double intercept, const std::map<std::string, double>& weights,
    std::vector<std::string> feature_order,
    const std::map<std::string, double>& missing,
    const std::map<std::string, double>& upper) {
  if (feature_order.empty()) {
    return absl::InvalidArgumentError("feature order is empty");
  }
  if (!std::isfinite(intercept) || std::abs(intercept) > kMaxWeight) {
    return absl::InvalidArgumentError(absl::StrCat(
        "intercept must be finite and at most ", kMaxWeight, " in magnitude"));
  }
  RR_ASSIGN_OR_RETURN(auto index, IndexOf(feature_order));
  LogisticModel model;
  model.intercept_ = intercept;
  RR_ASSIGN_OR_RETURN(model.weights_,
                      InOrder(weights, index, "weights", kMaxWeight));
  RR_ASSIGN_OR_RETURN(model.missing_,
                      InOrder(missing, index, "missing", kMaxMissing));
  RR_ASSIGN_OR_RETURN(model.upper_,
                      InOrder(upper, index, "upper", kMaxMissing,
                              std::numeric_limits<double>::infinity()));
  model.feature_order_ = std::move(feature_order);
  return model;
}

absl::StatusOr<LogisticModel> LogisticModel::ParseJson(
    absl::string_view json, std::vector<std::string> feature_order) {
  try {
    return ParseImpl(json, std::move(feature_order));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("logistic model: cannot be read: ", e.what()));
  }
}

absl::StatusOr<LogisticModel> LogisticModel::LoadFile(
    const std::string& path, std::vector<std::string> feature_order) {
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  absl::StatusOr<LogisticModel> model =
      ParseJson(text, std::move(feature_order));
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        absl::StrCat(path, ": ", model.status().message()));
  }
  return model;
}

absl::Status LogisticModel::CheckShape(size_t n_features) const {
  return CheckRowWidth(n_features, feature_order_.size());
}

absl::Status LogisticModel::PredictMargin(const float* rows, size_t n_rows,
                                          size_t n_features, float* out) const {
  RR_RETURN_IF_ERROR(CheckShape(n_features));
  for (size_t r = 0; r < n_rows; ++r) {
    const float* row = rows + r * n_features;
    double margin = intercept_;
    for (size_t f = 0; f < n_features; ++f) margin += Term(f, row[f]);
    out[r] = static_cast<float>(margin);
  }
  return absl::OkStatus();
}

absl::Status LogisticModel::PredictProbability(const float* rows, size_t n_rows,
                                               size_t n_features,
                                               float* out) const {
  RR_RETURN_IF_ERROR(PredictMargin(rows, n_rows, n_features, out));
  for (size_t r = 0; r < n_rows; ++r)
    out[r] = 1.0f / (1.0f + std::exp(-out[r]));
  return absl::OkStatus();
}

absl::Status LogisticModel::PredictContributions(const float* rows,
                                                 size_t n_rows,
                                                 size_t n_features,
                                                 float* out) const {
  RR_RETURN_IF_ERROR(CheckShape(n_features));
  for (size_t r = 0; r < n_rows; ++r) {
    const float* row = rows + r * n_features;
    float* dst = out + r * (n_features + 1);
    double bias = intercept_;
    for (size_t f = 0; f < n_features; ++f) {
      const double neutral = weights_[f] * missing_[f];
      dst[f] = static_cast<float>(Term(f, row[f]) - neutral);
      bias += neutral;
    }
    dst[n_features] = static_cast<float>(bias);
  }
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
