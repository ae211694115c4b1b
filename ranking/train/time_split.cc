#include "ranking/train/time_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reachrank::ranking {

absl::StatusOr<TimeSplit> SplitByTime(const TrainingSet& set, double fraction) {
  if (!(fraction > 0.0 && fraction < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("holdout fraction is ", fraction,
                     "; must be strictly between 0 and 1"));
  }
  const size_t n = set.num_rows();
  const size_t later =
      static_cast<size_t>(std::llround(fraction * static_cast<double>(n)));
  if (later == 0 || later == n) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot split ", n, " rows with fraction ", fraction,
                     " so that both parts have rows"));
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (!set.times.empty()) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return set.times[a] < set.times[b];
    });
  }
  TimeSplit split;
  split.earlier.assign(order.begin(), order.end() - later);
  split.later.assign(order.end() - later, order.end());
  return split;
}

TrainingSet SubsetRows(const TrainingSet& set,
                       const std::vector<size_t>& indices) {
  TrainingSet out;
  out.feature_names = set.feature_names;
  const size_t k = set.num_features();
  out.rows.reserve(indices.size() * k);
  out.labels.reserve(indices.size());
  for (size_t i : indices) {
    out.rows.insert(out.rows.end(), set.row(i), set.row(i) + k);
    out.labels.push_back(set.labels[i]);
    if (!set.times.empty()) out.times.push_back(set.times[i]);
    if (!set.targets.empty()) out.targets.push_back(set.targets[i]);
  }
  return out;
}

}  // namespace reachrank::ranking
