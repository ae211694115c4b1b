// Calibrating prior-v1 (ranking/prior.h) to an operator's labels: Platt
// scaling of its margin's two parts, p = 1 / (1 + e^-(a * D + b * E + c))
// with D the draft terms and E the early signals (PriorParts), a, b >= 0.
// On live rows one (a, b, c) is fitted per range of the post's age
// (early_post_age_hours), since how much the early signals say depends on
// how many hours they cover. A few numbers are fitted, so a few hundred
// labelled posts suffice where trees need thousands; the probabilities
// move to the observed rates, and the reasons keep their signs.
// `reachrank train --calibrate-prior` writes the result as a logistic
// model set (docs/model.md "Calibrating the prior").
#ifndef REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_
#define REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_

#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ranking/feature_names.h"
#include "ranking/prior.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// margin' = scale * margin + offset. A plain value type.
struct PlattScaling {
  double scale = 1.0;
  double offset = 0.0;
};

// p_i = sigmoid(sum_k scales[k] * columns[k][i] + offset). A plain value
// type.
struct PlattFit {
  std::vector<double> scales;
  double offset = 0.0;
  double loss = 0.0;  // the weighted negative log-likelihood at the fit
};

// Fits `columns` (one or more, each a value per row) by maximum
// likelihood (Newton's method) to 0/1 `labels`, row i weighing weights[i]
// (empty: every row 1), with Platt's (1999) smoothed targets
// (N+ + 1) / (N+ + 2) for positives and 1 / (N- + 2) for negatives (N: the
// classes' weight sums), which keep the fit finite when the columns
// separate the classes. INVALID_ARGUMENT when there is no column, the
// sizes differ, a value is not finite, a label is not 0/1, a weight is
// negative or not finite, or a class has no weight.
absl::StatusOr<PlattFit> FitPlatt(
    const std::vector<absl::Span<const float>>& columns,
    absl::Span<const float> labels, absl::Span<const float> weights = {});

// As FitPlatt, with every scale positive or 0: of the fits on each
// non-empty subset of the columns (the others' scales 0) whose scales are
// all positive, the one with the least loss. FAILED_PRECONDITION when no
// subset has one: the labels run against every column. At most 2 columns.
absl::StatusOr<PlattFit> FitPositivePlatt(
    const std::vector<absl::Span<const float>>& columns,
    absl::Span<const float> labels, absl::Span<const float> weights = {});

// FitPlatt on one column, `margins`.
absl::StatusOr<PlattScaling> FitPlattScaling(
    absl::Span<const float> margins, absl::Span<const float> labels,
    absl::Span<const float> weights = {});

// The scaling of one range of ages. A plain value type.
struct CalibrationSegment {
  // Rows whose early_post_age_hours is <= this (and above the previous
  // segment's bound); infinity for the last segment (and missing ages).
  double up_to_hours = std::numeric_limits<double>::infinity();
  PriorScaling scaling;
  size_t rows = 0;      // fitted rows in the range
  bool pooled = false;  // the range's own fit was not used (see Fit)
};

// A range needs this many fitted rows of each class for a fit of its own.
inline constexpr size_t kMinCalibrationRowsPerClass = 20;

// prior-v1 for one feature set, Platt-scaled. The trainer
// (ranking/train/trainer.h) fits, scores and writes it as it does an
// XGBoostBooster. Immutable after Fit; thread-compatible; movable.
class CalibratedPrior {
 public:
  // Fits on `fitted`'s rows (their 0/1 labels; soft targets are not used)
  // weighted by `weights` (one per row or empty). Draft rows get one
  // scaling of D (FitPositivePlatt). Live rows get one scaling of D and E
  // per range of early_post_age_hours ending at each of
  // `age_bounds_hours` (increasing) and one above the last; a range with
  // fewer than kMinCalibrationRowsPerClass rows of a class, or without a
  // positive fit, takes the scaling fitted on all rows (`pooled`).
  // INVALID_ARGUMENT when the rows' features are not a feature set of the
  // prior's, the bounds do not increase, or as FitPlatt;
  // FAILED_PRECONDITION when the fit on all rows has no positive scale
  // (the labels rank the posts against the prior's order, which
  // calibration must not reverse).
  static absl::StatusOr<CalibratedPrior> Fit(
      const RowRange& fitted, absl::Span<const float> weights,
      const std::vector<double>& age_bounds_hours = {});

  // Probabilities of `rows` (the same features as the fitted rows).
  absl::StatusOr<std::vector<float>> PredictProbability(
      const RowRange& rows) const;
  // Probabilities of the fitted rows.
  absl::StatusOr<std::vector<float>> PredictFitted() const;
  // Writes the logistic model.json (ranking/prior.h
  // SegmentedPriorModelJson: plain with one segment).
  absl::Status SaveJson(const std::string& path) const;
  // Boosting rounds: none.
  int rounds() const { return 0; }
  // In order of their bounds; one for draft rows.
  const std::vector<CalibrationSegment>& segments() const { return segments_; }

 private:
  CalibratedPrior(FeatureSet set, std::vector<CalibrationSegment> segments,
                  const RowRange& fitted)
      : set_(set), segments_(std::move(segments)), fitted_(fitted) {}

  FeatureSet set_;
  std::vector<CalibrationSegment> segments_;
  RowRange fitted_;  // borrowed: valid while the fitted set lives
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_
