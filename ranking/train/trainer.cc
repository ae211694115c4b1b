#include "ranking/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/dir_publish.h"
#include "base/status_macros.h"
#include "ranking/label.h"
#include "ranking/model/model.h"
#include "ranking/train/prior_calibration.h"
#include "ranking/train/time_split.h"
#include "ranking/train/trained_metadata.h"

namespace reachrank::ranking {
namespace {

// The files of a model directory (all a publish may replace).
const std::vector<std::string>& ModelFiles() {
  static const auto* const kFiles =
      new std::vector<std::string>{"model.json", "metadata.json"};
  return *kFiles;
}

// The three parts of a set, each in time order: consecutive rows of the
// set itself when it is in time order (as `reachrank train --db` builds
// it), else of a time-ordered copy. Nothing is copied for a set in order.
struct Parts {
  RowRange fit;
  RowRange validation;  // empty without early stopping
  RowRange holdout;
  size_t purged = 0;  // rows between validation and holdout, unused
};

// When the label of a row of time `t` settles (TrainOptions::hourly_labels).
absl::Time SettlesAt(absl::Time t, const TrainOptions& options) {
  return options.hourly_labels ? LabelSettledAt(t, options.label_horizon)
                               : t + options.label_horizon;
}

// How many of the first `e` rows of `set` (in time order; row e is the
// holdout's first) have labels settled at or before the holdout's start.
size_t SettledBefore(const TrainingSet& set, size_t e,
                     const TrainOptions& options) {
  if (options.label_horizon <= absl::ZeroDuration() || set.times.empty() ||
      e >= set.num_rows()) {
    return e;
  }
  size_t kept = e;
  while (kept > 0 && SettlesAt(set.times[kept - 1], options) > set.times[e]) {
    --kept;
  }
  return kept;
}

// True when `split` takes the rows in their own order.
bool InRowOrder(const TimeSplit& split) {
  const size_t e = split.earlier.size();
  for (size_t i = 0; i < e; ++i) {
    if (split.earlier[i] != i) return false;
  }
  for (size_t j = 0; j < split.later.size(); ++j) {
    if (split.later[j] != e + j) return false;
  }
  return true;
}

// The parts of `set`; `sorted` receives the time-ordered copy when one is
// needed, and the parts point into it or into `set`.
absl::StatusOr<Parts> Split(const TrainingSet& set, const TrainOptions& options,
                            TrainingSet* sorted) {
  RR_ASSIGN_OR_RETURN(TimeSplit outer,
                      options.holdout_start.has_value()
                          ? SplitAtTime(set, *options.holdout_start)
                          : SplitByTime(set, options.holdout_fraction));
  const size_t e = outer.earlier.size();
  const size_t n = set.num_rows();
  const TrainingSet* ordered = &set;
  if (!InRowOrder(outer)) {
    std::vector<size_t> order = std::move(outer.earlier);
    order.insert(order.end(), outer.later.begin(), outer.later.end());
    *sorted = SubsetRows(set, order);
    ordered = sorted;
  }
  const size_t kept = SettledBefore(*ordered, e, options);
  Parts parts{RowRange(*ordered, 0, kept), RowRange(*ordered, kept, kept),
              RowRange(*ordered, e, n)};
  parts.purged = e - kept;
  // A calibrated prior has no rounds to stop: it fits all earlier rows.
  if (options.validation_fraction == 0.0 ||
      options.xgboost.early_stopping_rounds == 0 || options.calibrate_prior) {
    return parts;
  }
  // The fitted rows are in time order, so the inner split is a cut too.
  RR_ASSIGN_OR_RETURN(TimeSplit inner,
                      SplitByTime(parts.fit, options.validation_fraction));
  const size_t f = inner.earlier.size();
  parts.fit = RowRange(*ordered, 0, f);
  parts.validation = RowRange(*ordered, f, kept);
  return parts;
}

std::optional<TrainingWindow> Window(const RowRange& a, const RowRange& b) {
  if (a.times().empty()) return std::nullopt;
  TrainingWindow w{a.times().front(), a.times().back(), std::nullopt};
  for (const RowRange* r : {&a, &b}) {
    for (absl::Time t : r->times()) {
      w.start = std::min(w.start, t);
      w.end = std::max(w.end, t);
    }
  }
  return w;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// Loads `dir` as the server would and returns the largest difference
// between its holdout probabilities and `expected` (the fitted model's).
absl::StatusOr<double> ReloadDifference(const std::string& dir,
                                        const RowRange& holdout,
                                        const std::vector<float>& expected) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> model,
                      Model::Load(dir, holdout.feature_names()));
  std::vector<float> got(holdout.num_rows());
  RR_RETURN_IF_ERROR(
      model->PredictProbability(holdout.rows(), holdout.num_rows(),
                                holdout.num_features(), got.data()));
  double max_diff = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_diff = std::max(max_diff, std::fabs(double{got[i]} - expected[i]));
  }
  return max_diff;
}

// The templates below take what the trainer fits (`Fitted`): an
// XGBoostBooster or a CalibratedPrior, each with PredictFitted(),
// PredictProbability(const RowRange&), SaveJson(path) and rounds().

// The post of each row of `range` (TrainOptions::rows_per_post); empty,
// every row its own, for one row per post.
std::vector<size_t> PostClusters(const RowRange& range, size_t rows_per_post) {
  std::vector<size_t> clusters;
  if (rows_per_post <= 1) return clusters;
  clusters.reserve(range.num_rows());
  for (size_t i = 0; i < range.num_rows(); ++i) {
    clusters.push_back((range.begin() + i) / rows_per_post);
  }
  return clusters;
}

// Scores the fitted rows and the holdout into `report`; `holdout_p` gets
// the model's holdout probabilities.
template <typename Fitted>
absl::Status Evaluate(const Fitted& model, const Parts& parts,
                      size_t rows_per_post, TrainReport* report,
                      std::vector<float>* holdout_p) {
  RR_ASSIGN_OR_RETURN(std::vector<float> fit_p, model.PredictFitted());
  RR_ASSIGN_OR_RETURN(report->fit,
                      EvaluateBinary(fit_p, parts.fit.labels(),
                                     PostClusters(parts.fit, rows_per_post)));
  RR_ASSIGN_OR_RETURN(*holdout_p, model.PredictProbability(parts.holdout));
  RR_ASSIGN_OR_RETURN(
      report->holdout,
      EvaluateBinary(*holdout_p, parts.holdout.labels(),
                     PostClusters(parts.holdout, rows_per_post)));
  return absl::OkStatus();
}

absl::Status ValidateOptions(const TrainOptions& o) {
  if (!(o.recency_half_life >= 0.0 && o.recency_half_life <= 1.0)) {
    return absl::InvalidArgumentError("recency_half_life not in [0, 1]");
  }
  return absl::OkStatus();
}

absl::Status ValidateDescription(const ModelDescription& d) {
  if (d.model_version.empty()) {
    return absl::InvalidArgumentError("model version must not be empty");
  }
  if (d.label.counter.empty()) {
    return absl::InvalidArgumentError("label counter must not be empty");
  }
  if (!(d.label.threshold > 0) || d.label.horizon_days < 1) {
    return absl::InvalidArgumentError(
        "label threshold must be > 0 and horizon_days >= 1");
  }
  return absl::OkStatus();
}

template <typename Fitted>
absl::Status WriteDirectory(const std::string& dir, const Fitted& model,
                            const TrainedModelInfo& info) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  RR_RETURN_IF_ERROR(model.SaveJson(dir + "/model.json"));
  return WriteFile(dir + "/metadata.json", TrainedMetadataJson(info));
}

// Writes the model into `dir` and checks that it loads back with the
// model's predictions on the holdout (report.max_reload_difference).
template <typename Fitted>
absl::Status WriteChecked(const std::string& dir, const Fitted& model,
                          const TrainedModelInfo& info,
                          const RowRange& holdout,
                          const std::vector<float>& holdout_p,
                          TrainReport& report) {
  RR_RETURN_IF_ERROR(WriteDirectory(dir, model, info));
  RR_ASSIGN_OR_RETURN(report.max_reload_difference,
                      ReloadDifference(dir, holdout, holdout_p));
  if (report.max_reload_difference > 1e-5) {
    return absl::InternalError(absl::StrCat(
        dir, ": the loaded model differs from the trained one by up to ",
        report.max_reload_difference, " on the holdout"));
  }
  return absl::OkStatus();
}

// Steps 3-4 for a fitted model: scores it, writes it beside out_dir with
// its metadata and checks the written model.
template <typename Fitted>
absl::StatusOr<StagedModel> Stage(const Fitted& model, const Parts& parts,
                                  const TrainingSet& set,
                                  const TrainOptions& options,
                                  const ModelDescription& description,
                                  const std::string& out_dir,
                                  std::vector<CalibrationSegment> calibration) {
  TrainReport report;
  report.prior_calibration = std::move(calibration);
  std::vector<float> holdout_p;
  RR_RETURN_IF_ERROR(
      Evaluate(model, parts, options.rows_per_post, &report, &holdout_p));
  report.validation_rows = parts.validation.num_rows();
  report.purged_rows = parts.purged;
  report.rounds = model.rounds();
  report.training_window = Window(parts.fit, parts.validation);
  report.holdout_window = Window(parts.holdout, parts.holdout);
  const TrainedModelInfo info{description, set.feature_names, options,
                              report, set.times.empty()};
  // Written beside out_dir and published whole later (base/dir_publish.h):
  // a failed or killed training leaves the previous model at out_dir.
  RR_ASSIGN_OR_RETURN(std::string staging, MakeStagingDirectory(out_dir));
  StagedModel staged(report, staging, out_dir);
  RR_RETURN_IF_ERROR(
      WriteChecked(staging, model, info, parts.holdout, holdout_p, report));
  return staged;
}

}  // namespace

std::vector<float> RecencyWeights(size_t rows, double half_life) {
  std::vector<float> weights;
  if (half_life == 0.0) return weights;
  weights.reserve(rows);
  const double scale = half_life * static_cast<double>(rows);
  for (size_t i = 0; i < rows; ++i) {
    const double w = std::exp2(-static_cast<double>(rows - 1 - i) / scale);
    weights.push_back(
        std::max(static_cast<float>(w), std::numeric_limits<float>::min()));
  }
  return weights;
}

StagedModel::StagedModel(StagedModel&& other) noexcept
    : report_(std::move(other.report_)),
      staging_(std::exchange(other.staging_, "")),
      out_dir_(std::move(other.out_dir_)) {}

StagedModel::~StagedModel() {
  if (staging_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(staging_, ignored);
}

absl::Status StagedModel::CheckPublishable() const {
  return CheckReplaceable(out_dir_, ModelFiles());
}

absl::Status StagedModel::Publish() {
  RR_RETURN_IF_ERROR(PublishDirectory(staging_, out_dir_, ModelFiles()));
  staging_.clear();
  return absl::OkStatus();
}

absl::StatusOr<TrainReport> TrainModelDirectory(
    const TrainingSet& set, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir) {
  RR_ASSIGN_OR_RETURN(StagedModel staged,
                      TrainStagedModel(set, options, description, out_dir));
  RR_RETURN_IF_ERROR(staged.Publish());
  return staged.report();
}

absl::StatusOr<StagedModel> TrainStagedModel(
    const TrainingSet& set, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir) {
  RR_RETURN_IF_ERROR(ValidateDescription(description));
  RR_RETURN_IF_ERROR(ValidateOptions(options));
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  TrainingSet sorted;  // stays empty for a set in time order
  RR_ASSIGN_OR_RETURN(Parts parts, Split(set, options, &sorted));
  const std::vector<float> weights =
      RecencyWeights(parts.fit.num_rows(), options.recency_half_life);
  if (options.calibrate_prior) {
    RR_ASSIGN_OR_RETURN(
        CalibratedPrior prior,
        CalibratedPrior::Fit(parts.fit, weights,
                             options.calibration_age_bounds_hours));
    return Stage(prior, parts, set, options, description, out_dir,
                 prior.segments());
  }
  const bool early = parts.validation.num_rows() > 0;
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<XGBoostBooster> booster,
      XGBoostBooster::Train(parts.fit, early ? &parts.validation : nullptr,
                            options.xgboost, weights, options.on_round));
  return Stage(*booster, parts, set, options, description, out_dir, {});
}

}  // namespace reachrank::ranking
