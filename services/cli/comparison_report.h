// The table `reachrank train --db ... --compare-prior` prints: trained
// models and prior-v1 on one holdout (ranking/train/model_comparison.h).
// docs/model-card.md quotes it.
#ifndef REACHRANK_SERVICES_CLI_COMPARISON_REPORT_H_
#define REACHRANK_SERVICES_CLI_COMPARISON_REPORT_H_

#include <optional>
#include <ostream>
#include <vector>

#include "ranking/model/model_metadata.h"
#include "ranking/train/model_comparison.h"

namespace reachrank::cli {

// Writes, for `figures` scored on one holdout (its time span `window`, if
// known): a line on the holdout, one row per model "name version AUC
// log-loss ECE", a line per trained model with its AUC over the prior's
// on the same rows ("live - prior live: +0.1315 (95% CI ... to ...)"), then
// a calibration table (mean p / observed rate (rows) per bucket of p, one
// column for each of the first four models). The model rows start with
// the model's name padded to 17 and two spaces, so scripts can pick them
// out.
void PrintComparison(const std::vector<ranking::HoldoutFigures>& figures,
                     const std::optional<ranking::TrainingWindow>& window,
                     std::ostream& out);

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_COMPARISON_REPORT_H_
