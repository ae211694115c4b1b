// `reachrank train --db` as a function, for the commands that train from a
// database in-process (train_command.cc, demo_command.cc).
#ifndef REACHRANK_SERVICES_CLI_TRAIN_DB_H_
#define REACHRANK_SERVICES_CLI_TRAIN_DB_H_

#include <string>

#include "absl/status/status.h"
#include "ranking/train/trainer.h"
#include "services/cli/store_rows.h"

namespace reachrank::cli {

// Trains <out>/draft and <out>/live from the rows of the database `store`
// names and prints each model's holdout metrics (stdout) and progress
// (stderr). An empty `model_version` means trees-<UTC time of training>.
// With `compare_prior`, then prints both models and prior-v1 scored on the
// same holdout (comparison_report.h); with a `compare_with` model set
// directory, both models and that set's (ranking/train/model_comparison.h
// CompareWithModelSet).
absl::Status TrainModelSetFromDb(const StoreRowsFlags& store,
                                 const ranking::TrainOptions& options,
                                 const std::string& model_version,
                                 const std::string& out,
                                 bool compare_prior = false,
                                 const std::string& compare_with = "");

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_TRAIN_DB_H_
