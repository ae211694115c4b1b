#include "ranking/train/model_set_trainer.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/train/time_split.h"

namespace reachrank::ranking {
namespace {

// One model of the set, trained and staged, not yet published.
absl::StatusOr<StagedModel> TrainOne(const char* name, const TrainingSet& set,
                                     const TrainOptions& options,
                                     const ModelDescription& description,
                                     const std::string& out_dir,
                                     const ModelSetProgress& progress) {
  TrainOptions one = options;
  if (progress) {
    one.on_round = [&progress, name](int round, int rounds) {
      progress(name, round, rounds);
    };
  }
  absl::StatusOr<StagedModel> staged =
      TrainStagedModel(set, one, description, absl::StrCat(out_dir, "/", name));
  if (!staged.ok()) {
    return absl::Status(staged.status().code(),
                        absl::StrCat(name, ": ", staged.status().message()));
  }
  return staged;
}

}  // namespace

LabelDefinition ToLabelDefinition(const LabelConfig& config) {
  LabelDefinition label;
  label.counter = std::string(ReachCounterName(config.counter));
  label.threshold = static_cast<double>(config.threshold);
  label.horizon_days =
      static_cast<int>(absl::ToInt64Hours(config.horizon) / 24);
  return label;
}

absl::StatusOr<ModelSetReport> TrainModelSet(
    const TrainingRows& rows, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir,
    const ModelSetProgress& progress) {
  // One holdout of posts for both models (the live rows hold several
  // rows per post).
  TrainOptions both = options;
  RR_ASSIGN_OR_RETURN(both.holdout_start,
                      HoldoutStart(rows.draft, options.holdout_fraction));
  both.label_horizon = rows.label_horizon;
  both.hourly_labels = true;  // ComputeLabel's labels
  RR_ASSIGN_OR_RETURN(
      StagedModel draft,
      TrainOne("draft", rows.draft, both, description, out_dir, progress));
  // The live rows are one post at each live age: the holdout AUC's error
  // counts posts; a calibrated live prior gets one scaling per range of
  // ages, each ending at a live age, the last open.
  TrainOptions live = both;
  live.rows_per_post = std::max<size_t>(1, rows.live_ages.size());
  for (absl::Duration age : rows.live_ages) {
    live.calibration_age_bounds_hours.push_back(absl::ToDoubleHours(age));
  }
  std::vector<double>& bounds = live.calibration_age_bounds_hours;
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  if (!bounds.empty()) bounds.pop_back();
  RR_ASSIGN_OR_RETURN(
      StagedModel live_model,
      TrainOne("live", rows.live, live, description, out_dir, progress));
  // Both trained, and both places free to take them: only now does either
  // replace its predecessor, so a failed training leaves the previous set
  // whole.
  RR_RETURN_IF_ERROR(draft.CheckPublishable());
  RR_RETURN_IF_ERROR(live_model.CheckPublishable());
  RR_RETURN_IF_ERROR(draft.Publish());
  RR_RETURN_IF_ERROR(live_model.Publish());
  ModelSetReport report;
  report.draft = draft.report();
  report.live = live_model.report();
  return report;
}

}  // namespace reachrank::ranking
