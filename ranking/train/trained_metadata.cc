#include "ranking/train/trained_metadata.h"

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "ranking/label.h"

namespace reachrank::ranking {
namespace {

using Json = nlohmann::ordered_json;

Json Window(const TrainingWindow& w) {
  return {{"start",
           absl::FormatTime(absl::RFC3339_full, w.start, absl::UTCTimeZone())},
          {"end",
           absl::FormatTime(absl::RFC3339_full, w.end, absl::UTCTimeZone())}};
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

// One object per range of ages: its bound (none for the last), the
// scales of the prior's draft and early-signal parts, the offset, the
// fitted rows and whether it took the scaling fitted on all rows.
Json CalibrationParameters(const TrainOptions& options,
                           const std::vector<CalibrationSegment>& segments) {
  Json array = Json::array();
  for (size_t i = 0; i < segments.size(); ++i) {
    const CalibrationSegment& s = segments[i];
    Json one = {{"draft_scale", s.scaling.draft_scale},
                {"early_scale", s.scaling.early_scale},
                {"offset", s.scaling.offset},
                {"rows", s.rows},
                {"pooled", s.pooled}};
    if (i + 1 < segments.size()) one["up_to_hours"] = s.up_to_hours;
    array.push_back(std::move(one));
  }
  return {{"model", "prior-v1, Platt-scaled per part"},
          {"segment_feature", kPriorSegmentFeature},
          {"segments", array},
          {"recency_half_life", options.recency_half_life}};
}

Json Rows(const TrainReport& r) {
  return {{"fit", r.fit.rows},
          {"validation", r.validation_rows},
          {"purged", r.purged_rows},
          {"holdout", r.holdout.rows}};
}

}  // namespace

std::string TrainedMetadataJson(const TrainedModelInfo& info) {
  const TrainReport& r = info.report;
  Json doc;
  doc["model_version"] = info.description.model_version;
  const bool calibrated = !r.prior_calibration.empty();
  doc["model_type"] = calibrated ? "logistic" : "xgboost";
  doc["feature_names"] = info.feature_names;
  doc["label"] = Label(info.description);
  if (r.training_window) {
    doc["training_window"] = Window(*r.training_window);
    if (info.options.label_horizon > absl::ZeroDuration()) {
      doc["training_window"]["labels_settle_by"] = absl::FormatTime(
          absl::RFC3339_full,
          info.options.hourly_labels
              ? LabelSettledAt(r.training_window->end,
                               info.options.label_horizon)
              : r.training_window->end + info.options.label_horizon,
          absl::UTCTimeZone());
    }
  }
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
      calibrated
          ? CalibrationParameters(info.options, r.prior_calibration)
          : Parameters(info.options, r.rounds);
  // Inputs were checked to be UTF-8; should one slip through, a
  // replacement character, never an exception.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace reachrank::ranking
