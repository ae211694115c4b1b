// Turns a plain CSV feature table into a TrainingSet: one column is the
// outcome (label = outcome >= threshold), an optional column holds each
// row's time, and every other column not dropped is a feature.
#ifndef REACHRANK_RANKING_TRAIN_CSV_TRAINING_H_
#define REACHRANK_RANKING_TRAIN_CSV_TRAINING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ranking/train/csv_table.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// Which columns mean what. A plain value type.
struct CsvTrainingSpec {
  std::string label_column;       // the outcome; never a feature
  double threshold = 0.0;         // label = outcome >= threshold
  std::vector<std::string> drop;  // columns that are not features
  std::string time_column;        // unix seconds; empty: row order is time
  // Derived features, each "A/B" (ratio; missing when B is 0 or either cell
  // is missing) or "A*B" (product; missing when either cell is), A and B
  // column names (not the label or time). Named by the expression and
  // appended after the table's features, in this order. Trees split one
  // column at a time, so ratios and products are what they cannot build.
  std::vector<std::string> derive;
  // Soft labels: when > 0, training fits the target
  // 1 / (1 + exp(-ln(outcome / threshold) / soft_label_scale)) instead of
  // the 0/1 label (TrainingSet::targets): 0.5 at the threshold, nearer 0 or
  // 1 the further the outcome lies below or above it, on a log scale (an
  // outcome of 0 or less: 0). The label and every metric stay
  // outcome >= threshold. Needs threshold > 0. 0 (the default): fit the
  // labels.
  double soft_label_scale = 0.0;
};

// Features are the remaining columns in table order, then `derive`.
// INVALID_ARGUMENT if a named column does not exist, a derived expression is
// malformed, no feature is left, a row's outcome or time is missing (the
// error names the line), or soft_label_scale is negative, or positive with
// a threshold of 0 or less.
absl::StatusOr<TrainingSet> TrainingSetFromCsv(const CsvTable& table,
                                               const CsvTrainingSpec& spec);

// The checks of TrainingSetFromCsv that need only the column names: every
// named column exists, the derived expressions are well formed, a feature
// is left. For ParseCsvTable's `check_header`, so that a misspelt name is
// reported before the rows are read.
absl::Status CheckCsvColumns(const std::vector<std::string>& columns,
                             const CsvTrainingSpec& spec);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_CSV_TRAINING_H_
