// Writes a TrainingSet as a CSV feature table that `reachrank train --csv`
// (csv_table.h) reads back:
//
//   time,label,<feature 1>,...     time: unix seconds (column absent when
//   1767225600,1,0.5,,3            the set has no times); NaN: empty cell
//
// Train on it with `--label label --threshold 1 --time-column time`.
#ifndef REACHRANK_RANKING_TRAIN_CSV_EXPORT_H_
#define REACHRANK_RANKING_TRAIN_CSV_EXPORT_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// The CSV text. The set must be valid (ValidateTrainingSet); floats are
// written with enough digits to read back exactly.
std::string TrainingSetCsv(const TrainingSet& set);

// Writes TrainingSetCsv(set) to `path` whole or not at all (OutputFile;
// "-" is standard output). INVALID_ARGUMENT for an invalid set or a
// feature named "time" or "label"; OutputFile's errors, with the system's
// reason, when the file cannot be written.
absl::Status WriteTrainingSetCsv(const TrainingSet& set,
                                 const std::string& path);
// The same into `out`, which the caller opened (and checks): for a
// caller that opens its output before the long work that fills the set.
absl::Status WriteTrainingSetCsv(const TrainingSet& set, std::ostream& out);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_CSV_EXPORT_H_
