// Test and benchmark support: trains real models with libxgboost's C API and
// predicts with XGBoost's own predictor, the reference our evaluator must
// match. Not part of the serving library.
#ifndef REACHRANK_RANKING_MODEL_XGBOOST_TESTING_H_
#define REACHRANK_RANKING_MODEL_XGBOOST_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reachrank::ranking::testing {

// What to train on: random rows with a learnable signal and missing values.
struct TrainSpec {
  size_t num_rows = 1000;
  size_t num_features = 10;
  int max_depth = 6;
  int num_trees = 10;
  double missing_rate = 0.1;  // share of NaN cells
  uint64_t seed = 1;
  std::string tree_method = "hist";  // "hist", "exact" or "approx"
  float base_score = 0.5f;
  bool with_feature_names = false;  // names are "f0", "f1", ...
};

// Row-major float rows, NaN with probability `missing_rate`, values drawn
// from a mix of scales so that thresholds vary.
std::vector<float> RandomRows(size_t num_rows, size_t num_features,
                              double missing_rate, uint64_t seed);

// XGBoost's prediction kinds, as in XGBoosterPredictFromDMatrix's "type".
enum class PredictKind { kProbability = 0, kMargin = 1, kContributions = 2 };

// Owns one XGBoost booster; the destructor frees it. Keep instances in
// function scope: freeing a booster from a static destructor crashes at
// exit. Not thread-safe.
class Booster {
 public:
  // Trains per `spec` and saves the model as JSON to `json_path`.
  static absl::StatusOr<std::unique_ptr<Booster>> Train(
      const TrainSpec& spec, const std::string& json_path);
  ~Booster();
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // Predicts `rows` (row-major, NaN = missing) through a DMatrix. Returns
  // one value per row, or num_features + 1 per row for contributions.
  absl::StatusOr<std::vector<float>> Predict(const std::vector<float>& rows,
                                             size_t num_features,
                                             PredictKind kind) const;
  // In-place prediction from a dense array (XGBoosterPredictFromDense);
  // `out` borrows XGBoost's buffer, valid until the next call.
  absl::Status PredictDense(const float* rows, size_t num_rows,
                            size_t num_features, PredictKind kind,
                            const float** out) const;

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  void* handle_;  // BoosterHandle
};

}  // namespace reachrank::ranking::testing

#endif  // REACHRANK_RANKING_MODEL_XGBOOST_TESTING_H_
