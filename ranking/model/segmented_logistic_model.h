// A logistic model per range of one feature: a row is scored by the first
// segment whose upper bound its value does not exceed. The calibrated
// prior uses it with the post's age, since how much the early signals say
// depends on how many hours they cover (docs/model.md "Calibrating the
// prior"). A plain logistic model.json is one segment.
//
// JSON, beside the plain form of logistic_model.h:
//   {"segment_feature": "early_post_age_hours",
//    "segments": [{"up_to": 1, "intercept": ..., "weights": {...},
//                  "missing": {...}},
//                 ...,
//                 {"intercept": ..., "weights": {...}, "missing": {...}}]}
// Every segment but the last has a finite "up_to", strictly increasing;
// the last has none and takes every larger value, and the rows whose
// segment feature is missing (NaN).
#ifndef REACHRANK_RANKING_MODEL_SEGMENTED_LOGISTIC_MODEL_H_
#define REACHRANK_RANKING_MODEL_SEGMENTED_LOGISTIC_MODEL_H_

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ranking/model/logistic_model.h"

namespace reachrank::ranking {

// Immutable after creation; safe for any number of concurrent readers.
class SegmentedLogisticModel {
 public:
  struct Segment {
    double up_to = std::numeric_limits<double>::infinity();
    LogisticModel model;
  };

  // `segments` as described above (the last one's up_to is ignored), all
  // with the same feature order; `segment_feature` one of those features
  // (ignored with one segment). INVALID_ARGUMENT naming the segment and
  // the rule otherwise.
  static absl::StatusOr<SegmentedLogisticModel> Create(
      std::string segment_feature, std::vector<Segment> segments);
  // Parses either JSON form; never throws; INVALID_ARGUMENT naming the
  // field for malformed input.
  static absl::StatusOr<SegmentedLogisticModel> ParseJson(
      absl::string_view json, const std::vector<std::string>& feature_order);
  // Reads `path` and parses it; NOT_FOUND if it cannot be opened.
  static absl::StatusOr<SegmentedLogisticModel> LoadFile(
      const std::string& path, const std::vector<std::string>& feature_order);

  // As LogisticModel's, each row by its segment's model.
  absl::Status PredictMargin(const float* rows, size_t n_rows,
                             size_t n_features, float* out) const;
  absl::Status PredictProbability(const float* rows, size_t n_rows,
                                  size_t n_features, float* out) const;
  absl::Status PredictContributions(const float* rows, size_t n_rows,
                                    size_t n_features, float* out) const;

  size_t num_segments() const { return segments_.size(); }
  // The segment that scores `row` (num_features() values).
  size_t SegmentOf(const float* row) const;

 private:
  SegmentedLogisticModel() = default;
  absl::Status CheckShape(size_t n_features) const;
  // Calls (model.*method)(row, 1, n_features, out + r * out_width) with
  // each row's segment's model.
  template <typename Method>
  absl::Status EachRow(Method method, const float* rows, size_t n_rows,
                       size_t n_features, float* out, size_t out_width) const;

  // Constant after construction.
  std::vector<Segment> segments_;
  size_t segment_index_ = 0;  // column of the segment feature
  size_t num_features_ = 0;
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_SEGMENTED_LOGISTIC_MODEL_H_
