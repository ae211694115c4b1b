// Model comparison on one holdout: the trained draft and live models of a
// model set (model_set_trainer.h) next to the prior (prior-v1) of each
// feature set, or next to another model set. Every model is scored through the serving Model interface on
// the same rows TrainModelDirectory held out — the latest holdout_fraction
// of posts by time — so the figures are like for like. This is what
// `reachrank train --db ... --compare-prior` prints and docs/model-card.md
// records.
#ifndef REACHRANK_RANKING_TRAIN_MODEL_COMPARISON_H_
#define REACHRANK_RANKING_TRAIN_MODEL_COMPARISON_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ranking/model/model.h"
#include "ranking/train/metrics.h"
#include "ranking/train/training_set.h"
#include "ranking/training_rows.h"

namespace reachrank::ranking {

// One model's figures on a holdout. A plain value type.
struct HoldoutFigures {
  std::string name;           // "draft", "live", "prior draft", "prior live"
  std::string model_version;  // e.g. "prior-v1"
  BinaryMetrics metrics;
  std::vector<CalibrationBucket> calibration;  // 10 buckets of p
  // For a trained model: the name of the model it is compared with
  // ("prior draft", "baseline live 2h") and its AUC minus that model's on
  // the same rows, with the paired standard error (metrics.h
  // CompareAucs). Empty for the models compared with.
  std::string baseline;
  std::optional<AucDifference> versus_baseline;
};

// The rows TrainModelDirectory(set, {.holdout_start = start}, ...) scores
// as its holdout, in time order. Fails as SplitAtTime() does.
absl::StatusOr<TrainingSet> HoldoutRows(const TrainingSet& set,
                                        absl::Time start);

// Scores `rows` with `model`. INVALID_ARGUMENT if the model's features are
// not rows.feature_names (in order) or the rows lack a class.
absl::StatusOr<HoldoutFigures> EvaluateOnRows(const Model& model,
                                              const TrainingSet& rows,
                                              const std::string& name);

// Figures for, in this order: <model_dir>/draft on the draft rows'
// holdout, <model_dir>/live on the live rows' holdout, and the prior of
// each feature set on the same holdouts. Both holdouts start where the
// latest holdout_fraction of the draft rows (of posts) does, as in
// TrainModelSet, so they hold the same posts: one draft row each, a live
// row per age each. With more than one live age, there follow, per age in
// order, <model_dir>/live and the live prior on the holdout's rows of that
// age ("live 2h", "prior live 2h"). Each trained model's figures carry its
// paired AUC difference over the prior listed with it. Fails as
// HoldoutStart(), HoldoutRows(), Model::Load(), EvaluateOnRows() and
// CompareAucs() do.
absl::StatusOr<std::vector<HoldoutFigures>> CompareWithPrior(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir);

// As CompareWithPrior, with the model set in `baseline_dir` (its draft/
// and live/, e.g. the set in service) in the priors' place, its rows named
// "baseline draft", "baseline live", "baseline live 2h", ...: whether a
// newly trained set beats the one it would replace, on posts neither was
// trained on. FAILED_PRECONDITION when a baseline model's training window
// (metadata.json) reaches the holdout's start, since it would have been
// fitted on posts it is scored on. Fails as CompareWithPrior otherwise.
absl::StatusOr<std::vector<HoldoutFigures>> CompareWithModelSet(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir, const std::string& baseline_dir);

// What CompareWithModelSet checks of `baseline_dir` before it scores
// anything (it loads, has the rows' features, and was trained before the
// holdout), so that a caller can refuse a comparison before training.
absl::Status CheckBaselineModelSet(const TrainingRows& rows,
                                   double holdout_fraction,
                                   const std::string& baseline_dir);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_MODEL_COMPARISON_H_
