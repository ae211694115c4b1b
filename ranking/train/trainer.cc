#include "ranking/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/dir_publish.h"
#include "base/status_macros.h"
#include "ranking/model/model.h"
#include "ranking/train/time_split.h"
#include "ranking/train/trained_metadata.h"

namespace reachrank::ranking {
namespace {

// The three parts of a set, each in time order.
struct Parts {
  TrainingSet fit;
  TrainingSet validation;  // empty without early stopping
  TrainingSet holdout;
};

absl::StatusOr<Parts> Split(const TrainingSet& set,
                            const TrainOptions& options) {
  RR_ASSIGN_OR_RETURN(TimeSplit outer,
                      options.holdout_start.has_value()
                          ? SplitAtTime(set, *options.holdout_start)
                          : SplitByTime(set, options.holdout_fraction));
  Parts parts;
  parts.holdout = SubsetRows(set, outer.later);
  TrainingSet earlier = SubsetRows(set, outer.earlier);
  if (options.validation_fraction == 0.0 ||
      options.xgboost.early_stopping_rounds == 0) {
    parts.fit = std::move(earlier);
    return parts;
  }
  RR_ASSIGN_OR_RETURN(TimeSplit inner,
                      SplitByTime(earlier, options.validation_fraction));
  parts.fit = SubsetRows(earlier, inner.earlier);
  parts.validation = SubsetRows(earlier, inner.later);
  return parts;
}

std::optional<TrainingWindow> Window(const TrainingSet& a,
                                     const TrainingSet& b) {
  if (a.times.empty()) return std::nullopt;
  TrainingWindow w{a.times.front(), a.times.back()};
  for (const TrainingSet* s : {&a, &b}) {
    for (absl::Time t : s->times) {
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
// between its holdout probabilities and XGBoost's.
absl::StatusOr<double> ReloadDifference(const std::string& dir,
                                        const TrainingSet& holdout,
                                        const std::vector<float>& expected) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> model,
                      Model::Load(dir, holdout.feature_names));
  std::vector<float> got(holdout.num_rows());
  RR_RETURN_IF_ERROR(
      model->PredictProbability(holdout.rows.data(), holdout.num_rows(),
                                holdout.num_features(), got.data()));
  double max_diff = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_diff = std::max(max_diff, std::fabs(double{got[i]} - expected[i]));
  }
  return max_diff;
}

// Scores the fitted rows and the holdout into `report`; `holdout_p` gets
// XGBoost's holdout probabilities.
absl::Status Evaluate(const XGBoostBooster& booster, const Parts& parts,
                      TrainReport* report, std::vector<float>* holdout_p) {
  RR_ASSIGN_OR_RETURN(std::vector<float> fit_p, booster.PredictFitted());
  RR_ASSIGN_OR_RETURN(report->fit, EvaluateBinary(fit_p, parts.fit.labels));
  RR_ASSIGN_OR_RETURN(*holdout_p, booster.PredictProbability(parts.holdout));
  RR_ASSIGN_OR_RETURN(report->holdout,
                      EvaluateBinary(*holdout_p, parts.holdout.labels));
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

absl::Status WriteDirectory(const std::string& dir,
                            const XGBoostBooster& booster,
                            const TrainedModelInfo& info) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  RR_RETURN_IF_ERROR(booster.SaveJson(dir + "/model.json"));
  return WriteFile(dir + "/metadata.json", TrainedMetadataJson(info));
}

// Writes the model into `dir` and checks that it loads back with the
// booster's predictions on the holdout (report.max_reload_difference).
absl::Status WriteChecked(const std::string& dir,
                          const XGBoostBooster& booster,
                          const TrainedModelInfo& info,
                          const TrainingSet& holdout,
                          const std::vector<float>& holdout_p,
                          TrainReport& report) {
  RR_RETURN_IF_ERROR(WriteDirectory(dir, booster, info));
  RR_ASSIGN_OR_RETURN(report.max_reload_difference,
                      ReloadDifference(dir, holdout, holdout_p));
  if (report.max_reload_difference > 1e-5) {
    return absl::InternalError(absl::StrCat(
        dir, ": the loaded model differs from XGBoost by up to ",
        report.max_reload_difference, " on the holdout"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<float> RecencyWeights(size_t rows, double half_life) {
  std::vector<float> weights;
  if (half_life == 0.0) return weights;
  weights.reserve(rows);
  const double scale = half_life * static_cast<double>(rows);
  for (size_t i = 0; i < rows; ++i) {
    weights.push_back(static_cast<float>(
        std::exp2(-static_cast<double>(rows - 1 - i) / scale)));
  }
  return weights;
}

absl::StatusOr<TrainReport> TrainModelDirectory(
    const TrainingSet& set, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir) {
  RR_RETURN_IF_ERROR(ValidateDescription(description));
  RR_RETURN_IF_ERROR(ValidateOptions(options));
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  RR_ASSIGN_OR_RETURN(Parts parts, Split(set, options));
  const bool early = parts.validation.num_rows() > 0;
  const std::vector<float> weights =
      RecencyWeights(parts.fit.num_rows(), options.recency_half_life);
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<XGBoostBooster> booster,
      XGBoostBooster::Train(parts.fit, early ? &parts.validation : nullptr,
                            options.xgboost, weights, options.on_round));
  TrainReport report;
  std::vector<float> holdout_p;
  RR_RETURN_IF_ERROR(Evaluate(*booster, parts, &report, &holdout_p));
  report.validation_rows = parts.validation.num_rows();
  report.rounds = booster->rounds();
  report.training_window = Window(parts.fit, parts.validation);
  report.holdout_window = Window(parts.holdout, parts.holdout);
  const TrainedModelInfo info{description, set.feature_names, options, report,
                              set.times.empty()};
  // Written beside out_dir and published whole (base/dir_publish.h): a
  // failed or killed training leaves the previous model at out_dir.
  RR_ASSIGN_OR_RETURN(const std::string staging,
                      MakeStagingDirectory(out_dir));
  absl::Status status =
      WriteChecked(staging, *booster, info, parts.holdout, holdout_p, report);
  if (status.ok()) {
    status =
        PublishDirectory(staging, out_dir, {"model.json", "metadata.json"});
  }
  if (!status.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored);
    return status;
  }
  return report;
}

}  // namespace reachrank::ranking
