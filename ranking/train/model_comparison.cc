#include "ranking/train/model_comparison.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/prior.h"
#include "ranking/train/time_split.h"

namespace reachrank::ranking {
namespace {

// Loads <model_dir>/<name> and scores its holdout of `set`.
absl::StatusOr<HoldoutFigures> EvaluateTrained(const TrainingSet& holdout,
                                               const std::string& model_dir,
                                               const std::string& name) {
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<Model> model,
      Model::Load(absl::StrCat(model_dir, "/", name), holdout.feature_names));
  return EvaluateOnRows(*model, holdout, name);
}

absl::StatusOr<HoldoutFigures> EvaluatePrior(const TrainingSet& holdout,
                                             FeatureSet set,
                                             const std::string& name) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> prior, MakePriorModel(set));
  return EvaluateOnRows(*prior, holdout, name);
}

// Rows first, first + k, first + 2k, ... of `set`.
TrainingSet EveryKthRow(const TrainingSet& set, size_t first, size_t k) {
  std::vector<size_t> indices;
  for (size_t i = first; i < set.num_rows(); i += k) indices.push_back(i);
  return SubsetRows(set, indices);
}

}  // namespace

absl::StatusOr<TrainingSet> HoldoutRows(const TrainingSet& set,
                                        absl::Time start) {
  RR_ASSIGN_OR_RETURN(TimeSplit split, SplitAtTime(set, start));
  return SubsetRows(set, split.later);
}

absl::StatusOr<HoldoutFigures> EvaluateOnRows(const Model& model,
                                              const TrainingSet& rows,
                                              const std::string& name) {
  RR_RETURN_IF_ERROR(CheckFeatureNames(model.metadata().feature_names,
                                       rows.feature_names,
                                       absl::StrCat("model ", name)));
  std::vector<float> p(rows.num_rows());
  RR_RETURN_IF_ERROR(model.PredictProbability(
      rows.rows.data(), rows.num_rows(), rows.num_features(), p.data()));
  HoldoutFigures figures;
  figures.name = name;
  figures.model_version = model.version();
  RR_ASSIGN_OR_RETURN(figures.metrics, EvaluateBinary(p, rows.labels));
  RR_ASSIGN_OR_RETURN(figures.calibration, CalibrationTable(p, rows.labels));
  return figures;
}

absl::StatusOr<std::vector<HoldoutFigures>> CompareWithPrior(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir) {
  RR_ASSIGN_OR_RETURN(absl::Time start,
                      HoldoutStart(rows.draft, holdout_fraction));
  RR_ASSIGN_OR_RETURN(TrainingSet draft, HoldoutRows(rows.draft, start));
  RR_ASSIGN_OR_RETURN(TrainingSet live, HoldoutRows(rows.live, start));
  std::vector<HoldoutFigures> figures(4);
  RR_ASSIGN_OR_RETURN(figures[0], EvaluateTrained(draft, model_dir, "draft"));
  RR_ASSIGN_OR_RETURN(figures[1], EvaluateTrained(live, model_dir, "live"));
  RR_ASSIGN_OR_RETURN(figures[2],
                      EvaluatePrior(draft, FeatureSet::kDraft, "prior draft"));
  RR_ASSIGN_OR_RETURN(figures[3],
                      EvaluatePrior(live, FeatureSet::kLive, "prior live"));
  const size_t k = rows.live_ages.size();
  if (k < 2) return figures;
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<Model> trained,
      Model::Load(absl::StrCat(model_dir, "/live"), live.feature_names));
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> prior,
                      MakePriorModel(FeatureSet::kLive));
  for (size_t a = 0; a < k; ++a) {
    const TrainingSet at_age = EveryKthRow(live, a, k);
    const std::string age = absl::FormatDuration(rows.live_ages[a]);
    RR_ASSIGN_OR_RETURN(figures.emplace_back(),
                        EvaluateOnRows(*trained, at_age, "live " + age));
    RR_ASSIGN_OR_RETURN(figures.emplace_back(),
                        EvaluateOnRows(*prior, at_age, "prior live " + age));
  }
  return figures;
}

}  // namespace reachrank::ranking
