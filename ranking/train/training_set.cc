#include "ranking/train/training_set.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace reachrank::ranking {

void TrainingSet::AddRow(absl::Span<const float> features, float label,
                         absl::Time time) {
  AddRow(features, label);
  times.push_back(time);
}

void TrainingSet::AddRow(absl::Span<const float> features, float label) {
  rows.insert(rows.end(), features.begin(), features.end());
  labels.push_back(label);
}

absl::Status ValidateTrainingSet(const TrainingSet& set) {
  if (set.feature_names.empty()) {
    return absl::InvalidArgumentError("training set: no features");
  }
  std::set<std::string> seen;
  for (const std::string& name : set.feature_names) {
    if (name.empty()) {
      return absl::InvalidArgumentError(
          "training set: a feature name is empty");
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("training set: feature '", name, "' is listed twice"));
    }
  }
  if (set.rows.size() != set.num_rows() * set.num_features()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "training set: ", set.rows.size(), " values for ", set.num_rows(),
        " rows of ", set.num_features(), " features"));
  }
  for (size_t i = 0; i < set.labels.size(); ++i) {
    if (set.labels[i] != 0.0f && set.labels[i] != 1.0f) {
      return absl::InvalidArgumentError(
          absl::StrCat("training set: row ", i, " has label ", set.labels[i],
                       "; labels must be 0 or 1"));
    }
  }
  if (!set.times.empty() && set.times.size() != set.num_rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("training set: ", set.times.size(), " times for ",
                     set.num_rows(), " rows (give one per row, or none)"));
  }
  if (!set.targets.empty() && set.targets.size() != set.num_rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("training set: ", set.targets.size(), " targets for ",
                     set.num_rows(), " rows (give one per row, or none)"));
  }
  for (size_t i = 0; i < set.targets.size(); ++i) {
    if (!(set.targets[i] >= 0.0f && set.targets[i] <= 1.0f)) {
      return absl::InvalidArgumentError(
          absl::StrCat("training set: row ", i, " has target ", set.targets[i],
                       "; targets must be in [0, 1]"));
    }
  }
  for (size_t i = 0; i < set.times.size(); ++i) {
    if (set.times[i] == absl::InfinitePast() ||
        set.times[i] == absl::InfiniteFuture()) {
      return absl::InvalidArgumentError(
          absl::StrCat("training set: row ", i, " has an infinite time"));
    }
  }
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
