// Calibrating prior-v1 (ranking/prior.h) to an operator's labels: Platt
// scaling of its margin, p = 1 / (1 + e^-(scale * margin + offset)). Two
// numbers are fitted, so a few hundred labelled posts suffice where trees
// need thousands; the prior's order of posts (its AUC) is kept, its
// probabilities move to the observed rates. `reachrank train
// --calibrate-prior` writes the result as a logistic model set.
#ifndef REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_
#define REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ranking/feature_names.h"
#include "ranking/model/model.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// margin' = scale * margin + offset. A plain value type.
struct PlattScaling {
  double scale = 1.0;
  double offset = 0.0;
};

// Fits Platt scaling by maximum likelihood (Newton's method) on `margins`
// and 0/1 `labels`, row i weighing weights[i] (empty: every row 1), with
// Platt's (1999) smoothed targets (N+ + 1) / (N+ + 2) for positives and
// 1 / (N- + 2) for negatives (N: the classes' weight sums), which keep the
// fit finite when the margins separate the classes. INVALID_ARGUMENT when
// the sizes differ, a margin is not finite, a label is not 0/1, a weight
// is negative or not finite, or a class has no weight.
absl::StatusOr<PlattScaling> FitPlattScaling(
    absl::Span<const float> margins, absl::Span<const float> labels,
    absl::Span<const float> weights = {});

// prior-v1 for one feature set, Platt-scaled. The trainer
// (ranking/train/trainer.h) fits, scores and writes it as it does an
// XGBoostBooster. Immutable after Fit; thread-compatible; movable.
class CalibratedPrior {
 public:
  // Fits the scaling on `fitted`'s rows (their fitted() targets' 0/1
  // labels; soft targets are not used) weighted by `weights` (one per row
  // or empty). INVALID_ARGUMENT when the rows' features are not a feature
  // set of the prior's, or as FitPlattScaling; FAILED_PRECONDITION when
  // the fitted scale is not positive (the labels rank the posts against
  // the prior's order, which calibration must not reverse).
  static absl::StatusOr<CalibratedPrior> Fit(const RowRange& fitted,
                                             absl::Span<const float> weights);

  // Probabilities of `rows` (the same features as the fitted rows).
  absl::StatusOr<std::vector<float>> PredictProbability(
      const RowRange& rows) const;
  // Probabilities of the fitted rows.
  absl::StatusOr<std::vector<float>> PredictFitted() const;
  // Writes the logistic model.json (ranking/prior.h PriorModelJson).
  absl::Status SaveJson(const std::string& path) const;
  // Boosting rounds: none.
  int rounds() const { return 0; }
  const PlattScaling& scaling() const { return scaling_; }

 private:
  CalibratedPrior(FeatureSet set, std::unique_ptr<Model> prior,
                  PlattScaling scaling, const RowRange& fitted)
      : set_(set),
        prior_(std::move(prior)),
        scaling_(scaling),
        fitted_(fitted) {}

  FeatureSet set_;
  std::unique_ptr<Model> prior_;  // MakePriorModel(set_)
  PlattScaling scaling_;
  RowRange fitted_;  // borrowed: valid while the fitted set lives
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_PRIOR_CALIBRATION_H_
