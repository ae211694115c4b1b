#include "ranking/model/model_metadata.h"

#include <cmath>
#include <exception>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/json_util.h"

namespace reachrank::ranking {
namespace {

using json_util::Json;

absl::Status Invalid(absl::string_view where, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", rule));
}

absl::StatusOr<std::string> StringField(const Json& obj,
                                        absl::string_view where,
                                        absl::string_view key) {
  RR_ASSIGN_OR_RETURN(const Json* v, json_util::Member(obj, where, key));
  return json_util::String(*v, json_util::Path(where, key));
}

absl::StatusOr<double> NumberField(const Json& obj, absl::string_view where,
                                   absl::string_view key) {
  RR_ASSIGN_OR_RETURN(const Json* v, json_util::Member(obj, where, key));
  return json_util::Number(*v, json_util::Path(where, key));
}

absl::StatusOr<std::vector<std::string>> FeatureNames(const Json& doc) {
  RR_ASSIGN_OR_RETURN(const Json* v,
                      json_util::Member(doc, "", "feature_names"));
  RR_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      json_util::StringArray(*v, "feature_names"));
  if (names.empty()) return Invalid("feature_names", "must not be empty");
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (name.empty()) return Invalid("feature_names", "a name is empty");
    if (!seen.insert(name).second) {
      return Invalid("feature_names",
                     absl::StrCat("'", name, "' is listed twice"));
    }
  }
  return names;
}

absl::StatusOr<LabelDefinition> Label(const Json& doc) {
  RR_ASSIGN_OR_RETURN(const Json* v, json_util::Member(doc, "", "label"));
  LabelDefinition label;
  RR_ASSIGN_OR_RETURN(label.counter, StringField(*v, "label", "counter"));
  RR_ASSIGN_OR_RETURN(label.threshold, NumberField(*v, "label", "threshold"));
  RR_ASSIGN_OR_RETURN(double days, NumberField(*v, "label", "horizon_days"));
  if (label.counter.empty())
    return Invalid("label.counter", "must not be empty");
  if (!(label.threshold > 0) || !std::isfinite(label.threshold)) {
    return Invalid("label.threshold", "must be a positive number");
  }
  if (!(days >= 1 && days <= 3650) || days != std::floor(days)) {
    return Invalid("label.horizon_days", "must be a whole number in [1, 3650]");
  }
  label.horizon_days = static_cast<int>(days);
  return label;
}

absl::StatusOr<absl::Time> TimeField(const Json& obj, absl::string_view key) {
  RR_ASSIGN_OR_RETURN(std::string text,
                      StringField(obj, "training_window", key));
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return Invalid(json_util::Path("training_window", key),
                   absl::StrCat("not an RFC 3339 time: ", error));
  }
  return t;
}

absl::Status ReadOptional(const Json& doc, ModelMetadata* out) {
  if (json_util::HasMember(doc, "training_window")) {
    const Json& w = doc["training_window"];
    TrainingWindow window;
    RR_ASSIGN_OR_RETURN(window.start, TimeField(w, "start"));
    RR_ASSIGN_OR_RETURN(window.end, TimeField(w, "end"));
    if (window.end < window.start) {
      return Invalid("training_window", "end is before start");
    }
    if (json_util::HasMember(w, "labels_settle_by")) {
      RR_ASSIGN_OR_RETURN(window.labels_settle_by,
                          TimeField(w, "labels_settle_by"));
      if (*window.labels_settle_by < window.end) {
        return Invalid("training_window.labels_settle_by", "is before end");
      }
    }
    out->training_window = window;
  }
  if (json_util::HasMember(doc, "holdout_metrics")) {
    const Json& m = doc["holdout_metrics"];
    if (!m.is_object()) return Invalid("holdout_metrics", "must be an object");
    for (auto it = m.begin(); it != m.end(); ++it) {
      RR_ASSIGN_OR_RETURN(
          out->holdout_metrics[it.key()],
          json_util::Number(it.value(),
                            json_util::Path("holdout_metrics", it.key())));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelMetadata> ParseImpl(absl::string_view text) {
  RR_ASSIGN_OR_RETURN(Json doc, json_util::Parse(text, "metadata.json"));
  ModelMetadata meta;
  RR_ASSIGN_OR_RETURN(meta.model_version,
                      StringField(doc, "", "model_version"));
  if (meta.model_version.empty())
    return Invalid("model_version", "must not be empty");
  RR_ASSIGN_OR_RETURN(std::string type, StringField(doc, "", "model_type"));
  if (type == "xgboost") {
    meta.model_type = ModelType::kXGBoost;
  } else if (type == "logistic") {
    meta.model_type = ModelType::kLogistic;
  } else {
    return Invalid(
        "model_type",
        absl::StrCat("is '", type, "'; must be 'xgboost' or 'logistic'"));
  }
  RR_ASSIGN_OR_RETURN(meta.feature_names, FeatureNames(doc));
  RR_ASSIGN_OR_RETURN(meta.label, Label(doc));
  RR_RETURN_IF_ERROR(ReadOptional(doc, &meta));
  return meta;
}

}  // namespace

absl::StatusOr<ModelMetadata> ParseModelMetadata(absl::string_view json) {
  try {
    return ParseImpl(json);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata.json: cannot be read: ", e.what()));
  }
}

}  // namespace reachrank::ranking
