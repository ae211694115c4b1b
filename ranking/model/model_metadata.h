// metadata.json: what travels with every model file in a model directory.
//
//   {
//     "model_version": "trees-2024-06-01",        // non-empty; in responses
//     "model_type": "xgboost" | "logistic",        // format of model.json
//     "feature_names": ["f_a", "f_b", ...],        // column order, unique
//     "label": {"counter": "stranger_impressions", "threshold": 1000,
//               "horizon_days": 7},
//     "training_window": {"start": "2024-01-01T00:00:00Z",   // optional
//                         "end": "2024-05-31T00:00:00Z",     // (RFC 3339)
//                         "labels_settle_by": "2024-06-30T00:00:00Z"},
//                                                // optional, >= end
//     "holdout_metrics": {"auc": 0.74, "log_loss": 0.52,     // optional
//                         "expected_calibration_error": 0.02}
//   }
#ifndef REACHRANK_RANKING_MODEL_MODEL_METADATA_H_
#define REACHRANK_RANKING_MODEL_MODEL_METADATA_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace reachrank::ranking {

// What the model predicts: P(counter >= threshold within horizon_days).
struct LabelDefinition {
  std::string counter;
  double threshold = 0.0;
  int horizon_days = 0;
};

struct TrainingWindow {
  absl::Time start;
  absl::Time end;
  // When the labels of the fitted rows stopped counting events: `end` plus
  // the longest label horizon of any platform. Absent in older metadata
  // (then end + label.horizon_days, the default platform's horizon).
  std::optional<absl::Time> labels_settle_by;
};

enum class ModelType { kXGBoost, kLogistic };

// A plain value type.
struct ModelMetadata {
  std::string model_version;
  ModelType model_type = ModelType::kLogistic;
  std::vector<std::string> feature_names;
  LabelDefinition label;
  std::optional<TrainingWindow> training_window;  // absent for the prior
  std::map<std::string, double> holdout_metrics;  // empty for the prior
};

// Parses and checks metadata.json (format above). Fails with
// INVALID_ARGUMENT naming the field and the rule. Never throws.
absl::StatusOr<ModelMetadata> ParseModelMetadata(absl::string_view json);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_MODEL_METADATA_H_
