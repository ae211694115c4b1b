// Fuzz target: the model loaders (XGBoost JSON, logistic JSON plain or
// segmented, model metadata). A model that loads is also evaluated and
// explained on a row of missing values and a row of zeros, which must give
// finite margins.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include "absl/strings/string_view.h"
#include "ranking/model/segmented_logistic_model.h"
#include "ranking/model/model_metadata.h"
#include "ranking/model/xgboost_json.h"

namespace {

using namespace reachrank::ranking;

void EvaluateTrees(const TreeEnsemble& model) {
  const size_t k = model.num_features();
  std::vector<float> rows(2 * k, 0.0f);
  for (size_t i = 0; i < k; ++i) {
    rows[i] = std::numeric_limits<float>::quiet_NaN();
  }
  std::vector<float> out(2);
  if (!model.PredictMargin(rows.data(), 2, k, out.data()).ok()) return;
  for (float m : out) {
    if (std::isnan(m)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<TreeEnsemble> trees = ParseXGBoostJson(json);
  if (trees.ok()) EvaluateTrees(*trees);
  absl::StatusOr<SegmentedLogisticModel> logistic =
      SegmentedLogisticModel::ParseJson(json, {"a", "b", "c"});
  if (logistic.ok()) {
    const float row[3] = {1, std::numeric_limits<float>::quiet_NaN(), -1};
    float out = 0;
    if (logistic->PredictMargin(row, 1, 3, &out).ok() && std::isnan(out)) {
      std::abort();
    }
  }
  (void)ParseModelMetadata(json);
  return 0;
}
