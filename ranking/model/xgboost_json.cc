#include "ranking/model/xgboost_json.h"

#include <cmath>
#include <exception>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/decision_tree.h"
#include "ranking/model/file_util.h"
#include "ranking/model/json_util.h"

namespace reachrank::ranking {
namespace {

using json_util::Json;
using json_util::Path;

absl::Status Invalid(absl::string_view where, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", rule));
}

absl::Status Prefixed(absl::string_view where, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(where, ": ", s.message()));
}

struct LearnerParams {
  uint32_t num_features = 0;
  float base_margin = 0.0f;
};

absl::Status CheckObjective(const Json& learner) {
  RR_ASSIGN_OR_RETURN(const Json* obj,
                      json_util::Member(learner, "learner", "objective"));
  RR_ASSIGN_OR_RETURN(const Json* name,
                      json_util::Member(*obj, "learner.objective", "name"));
  RR_ASSIGN_OR_RETURN(std::string objective,
                      json_util::String(*name, "learner.objective.name"));
  if (objective != "binary:logistic") {
    return Invalid("learner.objective.name",
                   absl::StrCat("is '", objective,
                                "'; only binary:logistic is supported"));
  }
  return absl::OkStatus();
}

// An optional integer parameter of `obj` that must lie in [lo, hi].
absl::Status CheckOptionalInt(const Json& obj, absl::string_view where,
                              absl::string_view key, int64_t lo, int64_t hi) {
  if (!json_util::HasMember(obj, key)) return absl::OkStatus();
  const std::string path = Path(where, key);
  RR_ASSIGN_OR_RETURN(const Json* v, json_util::Member(obj, where, key));
  RR_ASSIGN_OR_RETURN(int64_t value, json_util::Integer(*v, path));
  if (value < lo || value > hi) {
    return Invalid(
        path, absl::StrCat("is ", value, "; must be in [", lo, ", ", hi, "]"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LearnerParams> ReadLearnerParams(const Json& learner) {
  constexpr absl::string_view kWhere = "learner.learner_model_param";
  RR_ASSIGN_OR_RETURN(const Json* p, json_util::Member(learner, "learner",
                                                       "learner_model_param"));
  RR_RETURN_IF_ERROR(CheckOptionalInt(*p, kWhere, "num_class", 0, 1));
  RR_RETURN_IF_ERROR(CheckOptionalInt(*p, kWhere, "num_target", 1, 1));
  LearnerParams out;
  RR_ASSIGN_OR_RETURN(const Json* nf,
                      json_util::Member(*p, kWhere, "num_feature"));
  RR_ASSIGN_OR_RETURN(int64_t num_features,
                      json_util::Integer(*nf, Path(kWhere, "num_feature")));
  if (num_features < 1 || num_features > kMaxFeatures) {
    return Invalid(Path(kWhere, "num_feature"),
                   absl::StrCat("is ", num_features, "; must be in [1, ",
                                kMaxFeatures, "]"));
  }
  out.num_features = static_cast<uint32_t>(num_features);
  RR_ASSIGN_OR_RETURN(const Json* bs,
                      json_util::Member(*p, kWhere, "base_score"));
  RR_ASSIGN_OR_RETURN(double base_score,
                      json_util::Number(*bs, Path(kWhere, "base_score")));
  const float p_base = json_util::ToFloat(base_score);
  if (!(p_base > 0.0f && p_base < 1.0f)) {
    return Invalid(Path(kWhere, "base_score"),
                   "must be a probability in (0, 1) for binary:logistic");
  }
  // XGBoost's ProbToMargin for the logistic loss, in float.
  out.base_margin = -std::log(1.0f / p_base - 1.0f);
  return out;
}

absl::StatusOr<std::vector<std::string>> ReadFeatureNames(
    const Json& learner, uint32_t num_features) {
  std::vector<std::string> names;
  if (json_util::HasMember(learner, "feature_names")) {
    RR_ASSIGN_OR_RETURN(names, json_util::StringArray(learner["feature_names"],
                                                      "learner.feature_names"));
  }
  if (!names.empty() && names.size() != num_features) {
    return Invalid("learner.feature_names",
                   absl::StrCat("has ", names.size(),
                                " names but num_feature is ", num_features));
  }
  if (json_util::HasMember(learner, "feature_types")) {
    RR_ASSIGN_OR_RETURN(std::vector<std::string> types,
                        json_util::StringArray(learner["feature_types"],
                                               "learner.feature_types"));
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] == "c") {
        return Invalid(Path("learner.feature_types", i),
                       "categorical features are not supported");
      }
    }
  }
  return names;
}

// Returns the trees array of a single-output gbtree booster.
absl::StatusOr<const Json*> ReadTreesArray(const Json& learner) {
  constexpr absl::string_view kWhere = "learner.gradient_booster";
  RR_ASSIGN_OR_RETURN(const Json* gb, json_util::Member(learner, "learner",
                                                        "gradient_booster"));
  RR_ASSIGN_OR_RETURN(const Json* name, json_util::Member(*gb, kWhere, "name"));
  RR_ASSIGN_OR_RETURN(std::string booster,
                      json_util::String(*name, Path(kWhere, "name")));
  if (booster != "gbtree") {
    return Invalid(
        Path(kWhere, "name"),
        absl::StrCat("is '", booster, "'; only gbtree is supported"));
  }
  const std::string model_path = Path(kWhere, "model");
  RR_ASSIGN_OR_RETURN(const Json* model,
                      json_util::Member(*gb, kWhere, "model"));
  RR_ASSIGN_OR_RETURN(const Json* trees,
                      json_util::Member(*model, model_path, "trees"));
  if (!trees->is_array())
    return Invalid(Path(model_path, "trees"), "must be an array");
  if (json_util::HasMember(*model, "tree_info")) {
    const std::string info_path = Path(model_path, "tree_info");
    RR_ASSIGN_OR_RETURN(
        std::vector<int64_t> info,
        json_util::IntegerArray((*model)["tree_info"], info_path));
    if (info.size() != trees->size()) {
      return Invalid(info_path, "must have one entry per tree");
    }
    for (size_t i = 0; i < info.size(); ++i) {
      if (info[i] != 0)
        return Invalid(Path(info_path, i), "must be 0 (one output)");
    }
  }
  return trees;
}

// Refuses categorical splits, which XGBoost marks per node and per tree.
absl::Status CheckNumericalOnly(const Json& tree, absl::string_view where) {
  if (json_util::HasMember(tree, "split_type")) {
    RR_ASSIGN_OR_RETURN(
        std::vector<int64_t> types,
        json_util::IntegerArray(tree["split_type"], Path(where, "split_type")));
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] != 0) {
        return Invalid(Path(Path(where, "split_type"), i),
                       "categorical splits are not supported");
      }
    }
  }
  if (json_util::HasMember(tree, "categories") &&
      !(tree["categories"].is_array() && tree["categories"].empty())) {
    return Invalid(Path(where, "categories"),
                   "categorical splits are not supported");
  }
  return absl::OkStatus();
}

// Reads the array `tree.key` with `read` (a json_util *Array function).
template <typename T, typename Reader>
absl::Status ReadArray(const Json& tree, const std::string& where,
                       absl::string_view key, Reader read, T* out) {
  RR_ASSIGN_OR_RETURN(const Json* v, json_util::Member(tree, where, key));
  RR_ASSIGN_OR_RETURN(*out, read(*v, Path(where, key)));
  return absl::OkStatus();
}

absl::StatusOr<RawTree> ReadRawTree(const Json& tree,
                                    const std::string& where) {
  RR_RETURN_IF_ERROR(CheckNumericalOnly(tree, where));
  RawTree raw;
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "left_children",
                               json_util::IntegerArray, &raw.left_children));
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "right_children",
                               json_util::IntegerArray, &raw.right_children));
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "split_indices",
                               json_util::IntegerArray, &raw.split_indices));
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "split_conditions",
                               json_util::FloatArray, &raw.split_conditions));
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "default_left",
                               json_util::BoolArray, &raw.default_left));
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "sum_hessian",
                               json_util::FloatArray, &raw.sum_hessian));
  // base_weights is not needed to predict, but XGBoost always writes it: a
  // model without it, or with the wrong length, was not written by XGBoost.
  std::vector<float> base_weights;
  RR_RETURN_IF_ERROR(ReadArray(tree, where, "base_weights",
                               json_util::FloatArray, &base_weights));
  if (base_weights.size() != raw.left_children.size()) {
    return Invalid(Path(where, "base_weights"), "must have one entry per node");
  }
  return raw;
}

absl::StatusOr<TreeEnsemble> ParseImpl(absl::string_view text,
                                       const TreeEnsembleOptions& options) {
  RR_ASSIGN_OR_RETURN(Json doc, json_util::Parse(text, "XGBoost model"));
  RR_ASSIGN_OR_RETURN(const Json* learner,
                      json_util::Member(doc, "", "learner"));
  RR_RETURN_IF_ERROR(CheckObjective(*learner));
  RR_ASSIGN_OR_RETURN(LearnerParams params, ReadLearnerParams(*learner));
  RR_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      ReadFeatureNames(*learner, params.num_features));
  RR_ASSIGN_OR_RETURN(const Json* trees_json, ReadTreesArray(*learner));
  std::vector<DecisionTree> trees;
  trees.reserve(trees_json->size());
  for (size_t i = 0; i < trees_json->size(); ++i) {
    const std::string where = Path("learner.gradient_booster.model.trees", i);
    RR_ASSIGN_OR_RETURN(RawTree raw, ReadRawTree((*trees_json)[i], where));
    absl::StatusOr<DecisionTree> tree =
        CanonicalizeTree(raw, params.num_features);
    if (!tree.ok()) return Prefixed(where, tree.status());
    trees.push_back(*std::move(tree));
  }
  return TreeEnsemble::Create(std::move(trees), params.base_margin,
                              params.num_features, std::move(names), options);
}

}  // namespace

absl::StatusOr<TreeEnsemble> ParseXGBoostJson(
    absl::string_view json, const TreeEnsembleOptions& options) {
  // nlohmann throws on misuse and std::bad_alloc may escape any allocation:
  // nothing crosses this boundary as an exception.
  try {
    return ParseImpl(json, options);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("XGBoost model: cannot be read: ", e.what()));
  }
}

absl::StatusOr<TreeEnsemble> LoadXGBoostJsonFile(
    const std::string& path, const TreeEnsembleOptions& options) {
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  absl::StatusOr<TreeEnsemble> model = ParseXGBoostJson(text, options);
  if (!model.ok()) return Prefixed(path, model.status());
  return model;
}

}  // namespace reachrank::ranking
