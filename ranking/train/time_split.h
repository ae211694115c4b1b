// Time-based train/holdout splits: the model is judged on rows from after
// everything it was trained on, as it will be in production.
#ifndef REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_
#define REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// Row indices into a TrainingSet; each part is in time order (ties keep
// row order). A plain value type.
struct TimeSplit {
  std::vector<size_t> earlier;  // the first (1 - fraction) of rows by time
  std::vector<size_t> later;    // the latest `fraction` of rows by time
};

// Orders rows by set.times (or by row order when times is empty) and puts
// the latest round(fraction * rows) into `later`. INVALID_ARGUMENT unless
// 0 < fraction < 1 and both parts get at least one row; the set must be
// valid (ValidateTrainingSet).
absl::StatusOr<TimeSplit> SplitByTime(const TrainingSet& set, double fraction);

// The rows `indices` of `set`, in that order, with their labels, times and
// targets.
TrainingSet SubsetRows(const TrainingSet& set,
                       const std::vector<size_t>& indices);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_
