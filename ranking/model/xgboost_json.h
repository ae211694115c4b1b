// Reader for XGBoost's JSON model format (as written by XGBoosterSaveModel
// to a ".json" file, XGBoost 1.x), restricted to what the ranking engine
// serves: a `gbtree` booster with the `binary:logistic` objective, one
// output, numerical splits only.
#ifndef REACHRANK_RANKING_MODEL_XGBOOST_JSON_H_
#define REACHRANK_RANKING_MODEL_XGBOOST_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ranking/model/tree_ensemble.h"

namespace reachrank::ranking {

// Parses a model from JSON text. The base margin is logit(base_score),
// computed in float as XGBoost does. Any other objective or booster (dart,
// gblinear), more than one class or target, categorical splits, malformed
// or inconsistent arrays, child indices out of range and cycles fail with
// INVALID_ARGUMENT naming the JSON path and the rule. Never throws or
// crashes, whatever the input. Thread-safe (no shared state).
absl::StatusOr<TreeEnsemble> ParseXGBoostJson(
    absl::string_view json, const TreeEnsembleOptions& options = {});

// Reads `path` and parses it as above; NOT_FOUND if it cannot be opened.
absl::StatusOr<TreeEnsemble> LoadXGBoostJsonFile(
    const std::string& path, const TreeEnsembleOptions& options = {});

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_XGBOOST_JSON_H_
