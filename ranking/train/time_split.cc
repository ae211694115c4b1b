#include "ranking/train/time_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace reachrank::ranking {

namespace {

// Row indices by time (stable: ties keep row order); row order without
// times.
std::vector<size_t> TimeOrder(const RowRange& rows) {
  std::vector<size_t> order(rows.num_rows());
  std::iota(order.begin(), order.end(), 0);
  const absl::Span<const absl::Time> times = rows.times();
  if (!times.empty() && !std::is_sorted(times.begin(), times.end())) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return times[a] < times[b];
    });
  }
  return order;
}

// Where the rows at or after `start` begin in `order` (a TimeOrder).
size_t FirstAtOrAfter(const RowRange& rows, const std::vector<size_t>& order,
                      absl::Time start) {
  const absl::Span<const absl::Time> times = rows.times();
  return std::partition_point(order.begin(), order.end(),
                              [&](size_t i) { return times[i] < start; }) -
         order.begin();
}

TimeSplit SplitOrder(const std::vector<size_t>& order, size_t first_later) {
  TimeSplit split;
  split.earlier.assign(order.begin(), order.begin() + first_later);
  split.later.assign(order.begin() + first_later, order.end());
  return split;
}

}  // namespace

absl::StatusOr<TimeSplit> SplitByTime(const RowRange& set, double fraction) {
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
  const std::vector<size_t> order = TimeOrder(set);
  size_t first_later = n - later;
  // Rows of the cut's moment all go to the later part.
  if (!set.times().empty()) {
    first_later = FirstAtOrAfter(set, order, set.times()[order[first_later]]);
    if (first_later == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot split ", n, " rows with fraction ", fraction,
          ": the latest rows share the earliest time"));
    }
  }
  return SplitOrder(order, first_later);
}

absl::StatusOr<absl::Time> HoldoutStart(const RowRange& set,
                                        double fraction) {
  if (set.times().empty()) {
    return absl::InvalidArgumentError(
        "a holdout start needs a time per row; the set has none");
  }
  RR_ASSIGN_OR_RETURN(TimeSplit split, SplitByTime(set, fraction));
  return set.times()[split.later.front()];
}

absl::StatusOr<TimeSplit> SplitAtTime(const RowRange& set,
                                      absl::Time start) {
  if (set.times().empty()) {
    return absl::InvalidArgumentError(
        "a split at a time needs a time per row; the set has none");
  }
  const std::vector<size_t> order = TimeOrder(set);
  const size_t first_later = FirstAtOrAfter(set, order, start);
  if (first_later == 0 || first_later == order.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot split ", set.num_rows(), " rows at ",
        absl::FormatTime(start), " so that both parts have rows"));
  }
  return SplitOrder(order, first_later);
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
