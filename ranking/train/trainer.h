// Model training, from a TrainingSet to a model directory that
// Model::Load serves:
//
//   1. split by time: the latest holdout_fraction of rows is the holdout;
//      with early stopping, the latest validation_fraction of the rest is
//      the validation slice; the remainder is fitted;
//   2. train gradient-boosted trees with libxgboost (xgboost_booster.h),
//      or, with TrainOptions::calibrate_prior, fit prior-v1's Platt scaling
//      (prior_calibration.h) and write it as a logistic model;
//   3. score the holdout: AUC, log loss, expected calibration error;
//   4. write <out>/model.json (XGBoost JSON) and <out>/metadata.json
//      (model_metadata.h, plus row counts, positive rates, split and
//      parameters);
//   5. load the directory back with Model::Load and check that its holdout
//      probabilities equal the fitted model's (|difference| <= 1e-5).
#ifndef REACHRANK_RANKING_TRAIN_TRAINER_H_
#define REACHRANK_RANKING_TRAIN_TRAINER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ranking/model/model_metadata.h"
#include "ranking/train/metrics.h"
#include "ranking/train/prior_calibration.h"
#include "ranking/train/training_set.h"
#include "ranking/train/xgboost_booster.h"

namespace reachrank::ranking {

// How to split and train. A plain value type.
struct TrainOptions {
  XGBoostParams xgboost;
  double holdout_fraction = 0.2;  // latest rows, scored, never trained on
  // When set, the holdout is instead every row from this time on
  // (SplitAtTime): a model set trains its draft and live models with the
  // holdout start of its draft rows, so both hold out the same posts.
  std::optional<absl::Time> holdout_start;
  // The time a row's label takes to settle (the longest label horizon).
  // Rows whose time + label_horizon falls after the holdout's first row
  // are neither fitted nor validated (purged): their labels count events
  // of the holdout period, which a model in service never has for its
  // newest training rows. Zero: none purged (a CSV table's label has no
  // known horizon).
  absl::Duration label_horizon = absl::ZeroDuration();
  // The labels count the hour in progress at their horizon whole, as
  // ComputeLabel does (set for rows from a database): a row's label then
  // settles at LabelSettledAt(time, label_horizon). False: at time +
  // label_horizon exactly (a CSV table's outcome).
  bool hourly_labels = false;
  // Of the rest, used for early stopping only (when
  // xgboost.early_stopping_rounds > 0); 0: no validation slice.
  double validation_fraction = 0.2;
  // Recency weighting of the fitted rows, for data whose relation to the
  // label drifts: row i of n (oldest first) weighs
  // 0.5^((n - 1 - i) / (recency_half_life * n)), so the weight halves
  // every recency_half_life share of the rows back from the latest (which
  // weighs 1). Weights are not renormalised: min_child_weight then counts
  // weighted rows, so weighting also regularises. 0 (the default): every
  // row weighs 1.
  double recency_half_life = 0.0;
  // Instead of trees, calibrate prior-v1 to the labels (Platt scaling of
  // its margin, recency weights applied; xgboost and soft targets unused):
  // for histories too small for trees. The set's features must be the
  // draft or the live feature set.
  bool calibrate_prior = false;
  // With calibrate_prior on live rows: one scaling per range of
  // early_post_age_hours ending at each bound (increasing) and one above
  // the last (CalibratedPrior::Fit); empty: one for all rows. The model
  // set trainer sets the live ages but the largest.
  std::vector<double> calibration_age_bounds_hours;
  // Rows that are one post at several ages: each run of this many rows
  // from the set's start (in time order) is one post. The AUC's standard
  // error then counts posts, not rows (metrics.h EstimateAuc's clusters).
  // The model set trainer sets the live ages' count for the live model.
  size_t rows_per_post = 1;
  // Called after each boosting round with the rounds done and the most
  // rounds; may be empty.
  std::function<void(int round, int rounds)> on_round;
};

// The weights described at TrainOptions::recency_half_life for `rows`
// rows; empty when `half_life` is 0. `half_life` must be 0 or in (0, 1].
// A weight that would round to 0 in float is the smallest normal float:
// a row weighs little, never nothing (XGBoost refuses weights of 0).
std::vector<float> RecencyWeights(size_t rows, double half_life);

// What the model is; written to metadata.json. A plain value type.
struct ModelDescription {
  std::string model_version;  // non-empty
  LabelDefinition label;      // what is predicted (see model_metadata.h)
  std::string label_text;     // human-readable, e.g. "shares >= 1400"
};

// What training produced. A plain value type.
struct TrainReport {
  BinaryMetrics fit;  // rows, positive rate; metrics on fitted rows
  size_t validation_rows = 0;
  size_t purged_rows = 0;  // see TrainOptions::label_horizon
  BinaryMetrics holdout;
  int rounds = 0;                                 // boosting rounds kept
  std::optional<TrainingWindow> training_window;  // when the set has times
  std::optional<TrainingWindow> holdout_window;
  double max_reload_difference = 0.0;  // Model::Load vs trained, holdout
  // With TrainOptions::calibrate_prior: the fitted scalings, one per
  // range of ages (the model is then logistic, and rounds is 0); empty
  // for trees.
  std::vector<CalibrationSegment> prior_calibration;
};

// Trains on `set` and writes the model directory `out_dir` (created if
// absent), replacing it whole (base/dir_publish.h): after a failure or a
// kill the previous model is still there; FAILED_PRECONDITION when out_dir
// holds files other than model.json and metadata.json. INVALID_ARGUMENT
// for a bad set, options or description, or when a part of the split
// lacks a class; INTERNAL if XGBoost fails or the reloaded model disagrees
// with XGBoost; file errors as they come. Thread-compatible.
absl::StatusOr<TrainReport> TrainModelDirectory(
    const TrainingSet& set, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir);

// A model trained, written and checked in its staging directory beside
// its out_dir, not yet published there: so that several models (a model
// set) are all trained before any replaces its predecessor. Destroying it
// unpublished removes the staging directory. Move-only.
class StagedModel {
 public:
  StagedModel(TrainReport report, std::string staging, std::string out_dir)
      : report_(std::move(report)),
        staging_(std::move(staging)),
        out_dir_(std::move(out_dir)) {}
  StagedModel(StagedModel&& other) noexcept;
  StagedModel& operator=(StagedModel&&) = delete;
  ~StagedModel();

  const TrainReport& report() const { return report_; }
  // FAILED_PRECONDITION when Publish would refuse out_dir (it holds files
  // that are not the model's); checked for every model of a set before
  // any is published.
  absl::Status CheckPublishable() const;
  // Puts the directory at out_dir, replacing it whole (base/dir_publish.h).
  absl::Status Publish();

 private:
  TrainReport report_;
  std::string staging_;  // empty once published or moved from
  std::string out_dir_;
};

// TrainModelDirectory up to, not including, the publication.
absl::StatusOr<StagedModel> TrainStagedModel(
    const TrainingSet& set, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_TRAINER_H_
