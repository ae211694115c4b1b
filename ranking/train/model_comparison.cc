#include "ranking/train/model_comparison.h"

#include <memory>
#include <optional>
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

// `clusters`: metrics.h EstimateAuc's (empty: every row its own).
absl::StatusOr<HoldoutFigures> FiguresOf(
    const std::string& name, const Model& model, const std::vector<float>& p,
    const std::vector<float>& labels, absl::Span<const size_t> clusters = {}) {
  HoldoutFigures figures;
  figures.name = name;
  figures.model_version = model.version();
  RR_ASSIGN_OR_RETURN(figures.metrics, EvaluateBinary(p, labels, clusters));
  RR_ASSIGN_OR_RETURN(figures.calibration, CalibrationTable(p, labels));
  return figures;
}

// A trained model and the model it is compared with, on the same rows.
struct Pair {
  HoldoutFigures trained;  // with baseline and versus_baseline
  HoldoutFigures baseline;
};

absl::StatusOr<Pair> EvaluatePair(const Model& trained, const Model& baseline,
                                  const TrainingSet& rows,
                                  const std::string& name,
                                  const std::string& baseline_name,
                                  absl::Span<const size_t> clusters) {
  RR_ASSIGN_OR_RETURN(std::vector<float> pt,
                      Probabilities(trained, rows, name));
  RR_ASSIGN_OR_RETURN(std::vector<float> pb,
                      Probabilities(baseline, rows, baseline_name));
  Pair pair;
  RR_ASSIGN_OR_RETURN(pair.trained,
                      FiguresOf(name, trained, pt, rows.labels, clusters));
  RR_ASSIGN_OR_RETURN(
      pair.baseline,
      FiguresOf(baseline_name, baseline, pb, rows.labels, clusters));
  pair.trained.baseline = baseline_name;
  RR_ASSIGN_OR_RETURN(pair.trained.versus_baseline,
                      CompareAucs(pt, pb, rows.labels, clusters));
  return pair;
}

// What the trained models are compared with: prior-v1 of each feature
// set, or the model set in `dir`.
struct Baselines {
  std::string prefix;  // "prior" or "baseline"
  std::unique_ptr<Model> draft;
  std::unique_ptr<Model> live;
};

// <dir>/<part>, refused when it was fitted on rows whose labels had not
// settled by `start` (row time + its label horizon after it).
absl::StatusOr<std::unique_ptr<Model>> LoadBaseline(
    const std::string& dir, const std::string& part,
    const std::vector<std::string>& feature_names, absl::Time start) {
  const std::string path = absl::StrCat(dir, "/", part);
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> model,
                      Model::Load(path, feature_names));
  const std::optional<TrainingWindow>& window =
      model->metadata().training_window;
  if (!window.has_value()) return model;
  const absl::Time settled = window->labels_settle_by.value_or(
      window->end + absl::Hours(24 * model->metadata().label.horizon_days));
  if (settled > start) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " was trained on rows up to ", absl::FormatTime(window->end),
        " whose labels count events until ", absl::FormatTime(settled),
        ", after the holdout's start ", absl::FormatTime(start),
        ": compare with a model set trained with an earlier --cutoff"));
  }
  return model;
}

absl::StatusOr<Baselines> MakeBaselines(const std::string& dir,
                                        const TrainingSet& draft,
                                        const TrainingSet& live,
                                        absl::Time start) {
  Baselines b;
  if (dir.empty()) {
    b.prefix = "prior";
    RR_ASSIGN_OR_RETURN(b.draft, MakePriorModel(FeatureSet::kDraft));
    RR_ASSIGN_OR_RETURN(b.live, MakePriorModel(FeatureSet::kLive));
    return b;
  }
  b.prefix = "baseline";
  RR_ASSIGN_OR_RETURN(b.draft,
                      LoadBaseline(dir, "draft", draft.feature_names, start));
  RR_ASSIGN_OR_RETURN(b.live,
                      LoadBaseline(dir, "live", live.feature_names, start));
  return b;
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

namespace {

// CompareWithPrior with the priors, or CompareWithModelSet with the set in
// `baseline_dir` (non-empty).
absl::StatusOr<std::vector<HoldoutFigures>> Compare(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir, const std::string& baseline_dir) {
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
  RR_ASSIGN_OR_RETURN(Baselines base,
                      MakeBaselines(baseline_dir, draft, live, start));
  auto pair = [&](const Model& trained, const Model& baseline,
                  const TrainingSet& on, const std::string& name,
                  absl::Span<const size_t> clusters = {}) {
    return EvaluatePair(trained, baseline, on, name,
                        absl::StrCat(base.prefix, " ", name), clusters);
  };
  const size_t k = rows.live_ages.size();
  // All ages pooled: a post's k rows are one draw, not k.
  std::vector<size_t> posts(live.num_rows());
  for (size_t i = 0; i < posts.size(); ++i) {
    posts[i] = i / std::max<size_t>(k, 1);
  }
  RR_ASSIGN_OR_RETURN(Pair d, pair(*draft_model, *base.draft, draft, "draft"));
  RR_ASSIGN_OR_RETURN(Pair l,
                      pair(*live_model, *base.live, live, "live", posts));
  std::vector<HoldoutFigures> figures = {d.trained, l.trained, d.baseline,
                                         l.baseline};
  if (k < 2) return figures;
  for (size_t a = 0; a < k; ++a) {
    const std::string age = absl::FormatDuration(rows.live_ages[a]);
    RR_ASSIGN_OR_RETURN(Pair at_age, pair(*live_model, *base.live,
                                          EveryKthRow(live, a, k),
                                          "live " + age));
    figures.push_back(std::move(at_age.trained));
    figures.push_back(std::move(at_age.baseline));
  }
  return figures;
}

}  // namespace

absl::StatusOr<std::vector<HoldoutFigures>> CompareWithPrior(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir) {
  return Compare(rows, holdout_fraction, model_dir, "");
}

absl::Status CheckBaselineModelSet(const TrainingRows& rows,
                                   double holdout_fraction,
                                   const std::string& baseline_dir) {
  RR_ASSIGN_OR_RETURN(absl::Time start,
                      HoldoutStart(rows.draft, holdout_fraction));
  RR_RETURN_IF_ERROR(LoadBaseline(baseline_dir, "draft",
                                  rows.draft.feature_names, start)
                         .status());
  return LoadBaseline(baseline_dir, "live", rows.live.feature_names, start)
      .status();
}

absl::StatusOr<std::vector<HoldoutFigures>> CompareWithModelSet(
    const TrainingRows& rows, double holdout_fraction,
    const std::string& model_dir, const std::string& baseline_dir) {
  if (baseline_dir.empty()) {
    return absl::InvalidArgumentError("no baseline model set given");
  }
  return Compare(rows, holdout_fraction, model_dir, baseline_dir);
}

}  // namespace reachrank::ranking
