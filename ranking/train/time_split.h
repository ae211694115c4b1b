// Time-based train/holdout splits: the model is judged on rows from after
// everything it was trained on, as it will be in production.
#ifndef REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_
#define REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// Row indices into a TrainingSet (or a RowRange: then counted from its
// first row); each part is in time order (ties keep row order), so rows
// already in time order split into [0, e) and [e, n). A plain value type.
struct TimeSplit {
  std::vector<size_t> earlier;  // the first (1 - fraction) of rows by time
  std::vector<size_t> later;    // the latest `fraction` of rows by time
};

// Orders rows by set.times (or by row order when times is empty) and puts
// the latest round(fraction * rows) into `later`, and with them every row
// of the same time as the earliest of those (rows of one moment, such as
// one post's live rows at several ages, never straddle the split).
// INVALID_ARGUMENT unless 0 < fraction < 1 and both parts get at least one
// row; the set must be valid (ValidateTrainingSet).
absl::StatusOr<TimeSplit> SplitByTime(const RowRange& set, double fraction);

// The time of the first row SplitByTime(set, fraction) puts into `later`:
// where a holdout of the latest `fraction` starts. INVALID_ARGUMENT as
// SplitByTime, or when the set has no times.
absl::StatusOr<absl::Time> HoldoutStart(const RowRange& set,
                                        double fraction);

// Puts every row whose time is at or after `start` into `later` and the
// rest into `earlier`, so rows of one moment (the live rows of one post at
// several ages) never straddle the split. INVALID_ARGUMENT when the set
// has no times or a part gets no row.
absl::StatusOr<TimeSplit> SplitAtTime(const RowRange& set,
                                      absl::Time start);

// The rows `indices` of `set`, in that order, with their labels, times and
// targets.
TrainingSet SubsetRows(const TrainingSet& set,
                       const std::vector<size_t>& indices);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_TIME_SPLIT_H_
