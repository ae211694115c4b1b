#include "ranking/train/trained_metadata.h"

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace reachrank::ranking {
namespace {

using Json = nlohmann::ordered_json;

Json Window(const TrainingWindow& w) {
  return {
      {"start",
       absl::FormatTime(absl::RFC3339_sec, w.start, absl::UTCTimeZone())},
      {"end", absl::FormatTime(absl::RFC3339_sec, w.end, absl::UTCTimeZone())}};
}

Json Label(const ModelDescription& d) {
  Json label = {{"counter", d.label.counter},
                {"threshold", d.label.threshold},
                {"horizon_days", d.label.horizon_days}};
  if (!d.label_text.empty()) label["definition"] = d.label_text;
  return label;
}

Json Parameters(const TrainOptions& options, int rounds_kept) {
  const XGBoostParams& p = options.xgboost;
  return {{"objective", "binary:logistic"},
          {"tree_method", "hist"},
          {"max_depth", p.max_depth},
          {"eta", p.eta},
          {"rounds", p.rounds},
          {"rounds_kept", rounds_kept},
          {"early_stopping_rounds", p.early_stopping_rounds},
          {"min_child_weight", p.min_child_weight},
          {"subsample", p.subsample},
          {"colsample_bytree", p.colsample_bytree},
          {"colsample_bynode", p.colsample_bynode},
          {"num_parallel_tree", p.num_parallel_tree},
          {"seed", p.seed},
          {"nthread", p.nthread},
          {"recency_half_life", options.recency_half_life}};
}

Json CalibrationParameters(const TrainOptions& options,
                           const PlattScaling& scaling) {
  return {{"model", "prior-v1, Platt-scaled"},
          {"platt_scale", scaling.scale},
          {"platt_offset", scaling.offset},
          {"recency_half_life", options.recency_half_life}};
}

Json Rows(const TrainReport& r) {
  return {{"fit", r.fit.rows},
          {"validation", r.validation_rows},
          {"holdout", r.holdout.rows}};
}

}  // namespace

std::string TrainedMetadataJson(const TrainedModelInfo& info) {
  const TrainReport& r = info.report;
  Json doc;
  doc["model_version"] = info.description.model_version;
  doc["model_type"] = r.prior_calibration ? "logistic" : "xgboost";
  doc["feature_names"] = info.feature_names;
  doc["label"] = Label(info.description);
  if (r.training_window) doc["training_window"] = Window(*r.training_window);
  if (r.holdout_window) doc["holdout_window"] = Window(*r.holdout_window);
  doc["holdout_metrics"] = {
      {"auc", r.holdout.auc},
      {"auc_standard_error", r.holdout.auc_standard_error},
      {"log_loss", r.holdout.log_loss},
      {"expected_calibration_error", r.holdout.expected_calibration_error}};
  doc["rows"] = Rows(r);
  doc["positive_rate"] = {{"fit", r.fit.positive_rate},
                          {"holdout", r.holdout.positive_rate}};
  doc["split"] = {{"order", info.split_by_row_order ? "row order" : "time"},
                  {"holdout_fraction", info.options.holdout_fraction},
                  {"validation_fraction", info.options.validation_fraction}};
  doc["training_parameters"] =
      r.prior_calibration
          ? CalibrationParameters(info.options, *r.prior_calibration)
          : Parameters(info.options, r.rounds);
  return doc.dump(2) + "\n";
}

}  // namespace reachrank::ranking
