#include "ranking/train/model_comparison.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/prior.h"
#include "ranking/train/time_split.h"

namespace reachrank::ranking {
namespace {

// `model`'s probabilities of `rows`, after checking that its features
// are the rows'.
absl::StatusOr<std::vector<float>> Probabilities(const Model& model,
                                                 const TrainingSet& rows,
                                                 const std::string& name) {
  RR_RETURN_IF_ERROR(CheckFeatureNames(model.metadata().feature_names,
                                       rows.feature_names,
                                       absl::StrCat("model ", name)));
  std::vector<float> p(rows.num_rows());
  RR_RETURN_IF_ERROR(model.PredictProbability(
      rows.rows.data(), rows.num_rows(), rows.num_features(), p.data()));
  return p;
}

absl::StatusOr<HoldoutFigures> FiguresOf(const std::string& name,
                                         const Model& model,
                                         const std::vector<float>& p,
                                         const std::vector<float>& labels) {
  HoldoutFigures figures;
  figures.name = name;
  figures.model_version = model.version();
  RR_ASSIGN_OR_RETURN(figures.metrics, EvaluateBinary(p, labels));
  RR_ASSIGN_OR_RETURN(figures.calibration, CalibrationTable(p, labels));
  return figures;
}

// A trained model and the prior of its feature set on the same rows.
struct Pair {
  HoldoutFigures trained;  // with versus_prior
  HoldoutFigures prior;
};

absl::StatusOr<Pair> EvaluatePair(const Model& trained, const Model& prior,
                                  const TrainingSet& rows,
                                  const std::string& name) {
  const std::string prior_name = "prior " + name;
  RR_ASSIGN_OR_RETURN(std::vector<float> pt,
                      Probabilities(trained, rows, name));
  RR_ASSIGN_OR_RETURN(std::vector<float> pp,
                      Probabilities(prior, rows, prior_name));
  Pair pair;
  RR_ASSIGN_OR_RETURN(pair.trained, FiguresOf(name, trained, pt, rows.labels));
  RR_ASSIGN_OR_RETURN(pair.prior,
                      FiguresOf(prior_name, prior, pp, rows.labels));
  RR_ASSIGN_OR_RETURN(pair.trained.versus_prior,
                      CompareAucs(pt, pp, rows.labels));
  return pair;
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
  RR_ASSIGN_OR_RETURN(std::vector<float> p, Probabilities(model, rows, name));
  return FiguresOf(name, model, p, rows.labels);
}

absl::StatusOr<std::vector<HoldoutFigures>> CompareWithPrior(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir) {
  RR_ASSIGN_OR_RETURN(absl::Time start,
                      HoldoutStart(rows.draft, holdout_fraction));
  RR_ASSIGN_OR_RETURN(TrainingSet draft, HoldoutRows(rows.draft, start));
  RR_ASSIGN_OR_RETURN(TrainingSet live, HoldoutRows(rows.live, start));
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<Model> draft_model,
      Model::Load(absl::StrCat(model_dir, "/draft"), draft.feature_names));
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<Model> live_model,
      Model::Load(absl::StrCat(model_dir, "/live"), live.feature_names));
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> draft_prior,
                      MakePriorModel(FeatureSet::kDraft));
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> live_prior,
                      MakePriorModel(FeatureSet::kLive));
  RR_ASSIGN_OR_RETURN(Pair d,
                      EvaluatePair(*draft_model, *draft_prior, draft, "draft"));
  RR_ASSIGN_OR_RETURN(Pair l,
                      EvaluatePair(*live_model, *live_prior, live, "live"));
  std::vector<HoldoutFigures> figures = {d.trained, l.trained, d.prior,
                                         l.prior};
  const size_t k = rows.live_ages.size();
  if (k < 2) return figures;
  for (size_t a = 0; a < k; ++a) {
    const std::string age = absl::FormatDuration(rows.live_ages[a]);
    RR_ASSIGN_OR_RETURN(Pair at_age,
                        EvaluatePair(*live_model, *live_prior,
                                     EveryKthRow(live, a, k), "live " + age));
    figures.push_back(std::move(at_age.trained));
    figures.push_back(std::move(at_age.prior));
  }
  return figures;
}

}  // namespace reachrank::ranking
