#include "ranking/model/segmented_logistic_model.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/file_util.h"
#include "ranking/model/json_util.h"
#include "ranking/model/row_width.h"

namespace reachrank::ranking {
namespace {

using json_util::Json;

// Element `i` of "segments": its bound (unless it is the last) and its
// logistic model.
absl::StatusOr<SegmentedLogisticModel::Segment> ParseSegment(
    const Json& element, size_t i, bool last,
    const std::vector<std::string>& feature_order) {
  const std::string where = json_util::Path("segments", i);
  double up_to = std::numeric_limits<double>::infinity();
  const bool bounded = json_util::HasMember(element, "up_to");
  if (last && bounded) {
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        ".up_to: the last segment takes every larger value and has "
        "no bound"));
  }
  if (!last) {
    RR_ASSIGN_OR_RETURN(const Json* bound,
                        json_util::Member(element, where, "up_to"));
    RR_ASSIGN_OR_RETURN(
        up_to, json_util::Number(*bound, json_util::Path(where, "up_to")));
  }
  absl::StatusOr<LogisticModel> model =
      LogisticModel::ParseJson(element.dump(), feature_order);
  if (!model.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", model.status().message()));
  }
  return SegmentedLogisticModel::Segment{up_to, *std::move(model)};
}

absl::StatusOr<SegmentedLogisticModel> ParseImpl(
    absl::string_view text, const std::vector<std::string>& feature_order) {
  RR_ASSIGN_OR_RETURN(Json doc, json_util::Parse(text, "logistic model"));
  if (!json_util::HasMember(doc, "segments")) {
    RR_ASSIGN_OR_RETURN(LogisticModel plain,
                        LogisticModel::ParseJson(text, feature_order));
    std::vector<SegmentedLogisticModel::Segment> one;
    one.push_back({std::numeric_limits<double>::infinity(), std::move(plain)});
    return SegmentedLogisticModel::Create("", std::move(one));
  }
  RR_ASSIGN_OR_RETURN(const Json* feature_json,
                      json_util::Member(doc, "", "segment_feature"));
  RR_ASSIGN_OR_RETURN(std::string feature,
                      json_util::String(*feature_json, "segment_feature"));
  const Json& array = doc["segments"];
  if (!array.is_array() || array.empty()) {
    return absl::InvalidArgumentError(
        "segments: must be a non-empty array of logistic models");
  }
  std::vector<SegmentedLogisticModel::Segment> segments;
  for (size_t i = 0; i < array.size(); ++i) {
    RR_ASSIGN_OR_RETURN(
        SegmentedLogisticModel::Segment segment,
        ParseSegment(array[i], i, i + 1 == array.size(), feature_order));
    segments.push_back(std::move(segment));
  }
  return SegmentedLogisticModel::Create(std::move(feature),
                                        std::move(segments));
}

}  // namespace

absl::StatusOr<SegmentedLogisticModel> SegmentedLogisticModel::Create(
    std::string segment_feature, std::vector<Segment> segments) {
  if (segments.empty()) {
    return absl::InvalidArgumentError("segments: none given");
  }
  SegmentedLogisticModel model;
  const std::vector<std::string>& order = segments[0].model.feature_names();
  model.num_features_ = order.size();
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].model.feature_names() != order) {
      return absl::InvalidArgumentError(absl::StrCat(
          "segments[", i, "]: features differ from segments[0]'s"));
    }
    if (i + 1 == segments.size()) {
      segments[i].up_to = std::numeric_limits<double>::infinity();
    } else if (!std::isfinite(segments[i].up_to) ||
               (i > 0 && !(segments[i].up_to > segments[i - 1].up_to))) {
      return absl::InvalidArgumentError(
          absl::StrCat("segments[", i,
                       "].up_to: must be finite and greater than the "
                       "previous segment's"));
    }
  }
  if (segments.size() > 1) {
    auto it = std::find(order.begin(), order.end(), segment_feature);
    if (it == order.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "segment_feature: '", segment_feature, "' is not a model feature"));
    }
    model.segment_index_ = static_cast<size_t>(it - order.begin());
  }
  model.segments_ = std::move(segments);
  return model;
}

absl::StatusOr<SegmentedLogisticModel> SegmentedLogisticModel::ParseJson(
    absl::string_view json, const std::vector<std::string>& feature_order) {
  try {
    return ParseImpl(json, feature_order);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("logistic model: cannot be read: ", e.what()));
  }
}

absl::StatusOr<SegmentedLogisticModel> SegmentedLogisticModel::LoadFile(
    const std::string& path, const std::vector<std::string>& feature_order) {
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  absl::StatusOr<SegmentedLogisticModel> model = ParseJson(text, feature_order);
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        absl::StrCat(path, ": ", model.status().message()));
  }
  return model;
}

size_t SegmentedLogisticModel::SegmentOf(const float* row) const {
  if (segments_.size() == 1) return 0;
  const float x = row[segment_index_];
  if (std::isnan(x)) return segments_.size() - 1;
  size_t s = 0;
  while (s + 1 < segments_.size() && !(x <= segments_[s].up_to)) ++s;
  return s;
}

absl::Status SegmentedLogisticModel::CheckShape(size_t n_features) const {
  return CheckRowWidth(n_features, num_features_);
}

template <typename Method>
absl::Status SegmentedLogisticModel::EachRow(Method method, const float* rows,
                                             size_t n_rows, size_t n_features,
                                             float* out,
                                             size_t out_width) const {
  RR_RETURN_IF_ERROR(CheckShape(n_features));
  for (size_t r = 0; r < n_rows; ++r) {
    const float* row = rows + r * n_features;
    RR_RETURN_IF_ERROR((segments_[SegmentOf(row)].model.*method)(
        row, 1, n_features, out + r * out_width));
  }
  return absl::OkStatus();
}

absl::Status SegmentedLogisticModel::PredictMargin(const float* rows,
                                                   size_t n_rows,
                                                   size_t n_features,
                                                   float* out) const {
  return EachRow(&LogisticModel::PredictMargin, rows, n_rows, n_features, out,
                 1);
}

absl::Status SegmentedLogisticModel::PredictProbability(const float* rows,
                                                        size_t n_rows,
                                                        size_t n_features,
                                                        float* out) const {
  return EachRow(&LogisticModel::PredictProbability, rows, n_rows, n_features,
                 out, 1);
}

absl::Status SegmentedLogisticModel::PredictContributions(const float* rows,
                                                          size_t n_rows,
                                                          size_t n_features,
                                                          float* out) const {
  return EachRow(&LogisticModel::PredictContributions, rows, n_rows, n_features,
                 out, n_features + 1);
}

}  // namespace reachrank::ranking
