// Gradient-boosted trees trained with libxgboost's C API (objective
// binary:logistic, tree_method hist), with optional early stopping on a
// validation set. The trained model is saved as XGBoost JSON, which
// ranking/model's TreeEnsemble evaluates.
#ifndef REACHRANK_RANKING_TRAIN_XGBOOST_BOOSTER_H_
#define REACHRANK_RANKING_TRAIN_XGBOOST_BOOSTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ranking/train/training_set.h"

namespace reachrank::ranking {

// XGBoost training parameters (names as in XGBoost's documentation). The
// defaults come from a small search on Online News Popularity
// (docs/model.md, "Training").
struct XGBoostParams {
  int max_depth = 5;
  double eta = 0.03;
  int rounds = 300;  // the most boosting rounds
  double min_child_weight = 20.0;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  // Share of the tree's columns each split may choose from.
  double colsample_bynode = 1.0;
  // Trees grown per round, each on its own row and column sample, and
  // summed (a boosted random forest); 1: plain boosting.
  int num_parallel_tree = 1;
  uint64_t seed = 1;
  int nthread = 0;  // 0: all cores
  // Stop when validation log loss has not improved for this many rounds
  // and keep the best round's trees; 0 (the default) disables early
  // stopping, so the latest rows before the holdout are fitted too.
  int early_stopping_rounds = 0;

  // The parameters as XGBoost key/value strings (objective included).
  std::vector<std::pair<std::string, std::string>> ToXGBoost() const;
};

// Owns one libxgboost booster; the destructor frees it, so keep instances
// out of static storage (freeing a booster during static destruction
// crashes). Not thread-safe.
class XGBoostBooster {
 public:
  // Trains on the rows `train` (of a valid set; both labels among them;
  // read in place, not copied), each row weighted by `weights` (one
  // positive finite weight per row; empty: all 1). With `validation` rows
  // and params.early_stopping_rounds > 0, rounds stop
  // early and the model keeps the rounds up to the lowest validation log
  // loss. `on_round` (may be empty) is called after each round with the
  // rounds done and params.rounds. INVALID_ARGUMENT for bad parameters or
  // sets, INTERNAL for an XGBoost failure (with its message).
  static absl::StatusOr<std::unique_ptr<XGBoostBooster>> Train(
      const RowRange& train, const RowRange* validation,
      const XGBoostParams& params, absl::Span<const float> weights = {},
      const std::function<void(int round, int rounds)>& on_round = {});
  ~XGBoostBooster();
  XGBoostBooster(const XGBoostBooster&) = delete;
  XGBoostBooster& operator=(const XGBoostBooster&) = delete;

  // P(label = 1) for every row of `set` (whose features must be the
  // training features, in order), by XGBoost's own predictor.
  absl::StatusOr<std::vector<float>> PredictProbability(
      const RowRange& set) const;
  // The same for the rows the booster was trained on, from the matrix it
  // trained on (no copy of the rows; XGBoost answers from its prediction
  // cache unless early stopping cut rounds off).
  absl::StatusOr<std::vector<float>> PredictFitted() const;
  // Writes the model as XGBoost JSON (feature names included) to `path`.
  absl::Status SaveJson(const std::string& path) const;

  // Boosting rounds in the kept model.
  int rounds() const { return rounds_; }

 private:
  XGBoostBooster(void* handle, void* fitted,
                 std::vector<std::string> feature_names)
      : handle_(handle),
        fitted_(fitted),
        feature_names_(std::move(feature_names)) {}
  absl::Status Boost(void* train, void* validation,
                     absl::Span<const float> validation_labels,
                     const XGBoostParams& params,
                     const std::function<void(int, int)>& on_round);
  absl::Status KeepRounds(int rounds);

  void* handle_;  // BoosterHandle
  void* const fitted_;  // DMatrixHandle: the training rows, binned
  const std::vector<std::string> feature_names_;
  int rounds_ = 0;
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_XGBOOST_BOOSTER_H_
