#include "ranking/train/xgboost_booster.h"

#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/train/metrics.h"
#include "xgboost/c_api.h"

namespace reachrank::ranking {
namespace {

absl::Status Check(int rc, const char* what) {
  if (rc == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", XGBGetLastError()));
}

// Owns a DMatrix for the duration of one call.
class DMatrix {
 public:
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  // Copies the set's rows (NaN = missing), labels (its targets instead
  // when it has them) and feature names.
  absl::Status Create(const TrainingSet& set) {
    const std::vector<float>& fitted =
        set.targets.empty() ? set.labels : set.targets;
    RR_RETURN_IF_ERROR(
        Check(XGDMatrixCreateFromMat(
                  set.rows.data(), set.num_rows(), set.num_features(),
                  std::numeric_limits<float>::quiet_NaN(), &handle_),
              "XGDMatrixCreateFromMat"));
    RR_RETURN_IF_ERROR(Check(
        XGDMatrixSetFloatInfo(handle_, "label", fitted.data(), fitted.size()),
        "XGDMatrixSetFloatInfo"));
    std::vector<const char*> names;
    for (const std::string& n : set.feature_names) names.push_back(n.c_str());
    return Check(XGDMatrixSetStrFeatureInfo(handle_, "feature_name",
                                            names.data(), names.size()),
                 "XGDMatrixSetStrFeatureInfo");
  }
  absl::Status SetWeights(absl::Span<const float> weights) {
    return Check(XGDMatrixSetFloatInfo(handle_, "weight", weights.data(),
                                       weights.size()),
                 "XGDMatrixSetFloatInfo");
  }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

absl::Status ValidateParams(const XGBoostParams& p) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("xgboost: ", what));
  };
  if (p.max_depth < 1 || p.max_depth > 20)
    return bad("max_depth not in [1, 20]");
  if (!(p.eta > 0.0 && p.eta <= 1.0)) return bad("eta not in (0, 1]");
  if (p.rounds < 1) return bad("rounds must be >= 1");
  if (!(p.min_child_weight >= 0.0)) return bad("min_child_weight must be >= 0");
  if (!(p.subsample > 0.0 && p.subsample <= 1.0)) {
    return bad("subsample not in (0, 1]");
  }
  if (!(p.colsample_bytree > 0.0 && p.colsample_bytree <= 1.0)) {
    return bad("colsample_bytree not in (0, 1]");
  }
  if (!(p.colsample_bynode > 0.0 && p.colsample_bynode <= 1.0)) {
    return bad("colsample_bynode not in (0, 1]");
  }
  if (p.num_parallel_tree < 1 || p.num_parallel_tree > 100) {
    return bad("num_parallel_tree not in [1, 100]");
  }
  if (p.nthread < 0) return bad("nthread must be >= 0");
  if (p.early_stopping_rounds < 0) return bad("early_stopping_rounds < 0");
  return absl::OkStatus();
}

absl::Status ValidateWeights(absl::Span<const float> weights, size_t rows) {
  if (weights.empty()) return absl::OkStatus();
  if (weights.size() != rows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "xgboost: ", weights.size(), " weights for ", rows, " rows"));
  }
  for (float w : weights) {
    if (!(w > 0.0f) || !std::isfinite(w)) {
      return absl::InvalidArgumentError(
          "xgboost: weights must be positive and finite");
    }
  }
  return absl::OkStatus();
}

absl::Status SetNames(BoosterHandle h, const std::vector<std::string>& names) {
  std::vector<const char*> ptrs;
  for (const std::string& n : names) ptrs.push_back(n.c_str());
  return Check(
      XGBoosterSetStrFeatureInfo(h, "feature_name", ptrs.data(), ptrs.size()),
      "XGBoosterSetStrFeatureInfo");
}

absl::Status SetParams(BoosterHandle h, const XGBoostParams& params) {
  for (const auto& [key, value] : params.ToXGBoost()) {
    RR_RETURN_IF_ERROR(Check(XGBoosterSetParam(h, key.c_str(), value.c_str()),
                             "XGBoosterSetParam"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> Predict(BoosterHandle h, DMatrixHandle m) {
  const char* config =
      "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
      "\"iteration_end\": 0, \"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RR_RETURN_IF_ERROR(
      Check(XGBoosterPredictFromDMatrix(h, m, config, &shape, &dim, &result),
            "XGBoosterPredictFromDMatrix"));
  size_t size = 1;
  for (bst_ulong d = 0; d < dim; ++d) size *= shape[d];
  return std::vector<float>(result, result + size);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> XGBoostParams::ToXGBoost()
    const {
  return {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(max_depth)},
      {"eta", absl::StrCat(eta)},
      {"min_child_weight", absl::StrCat(min_child_weight)},
      {"subsample", absl::StrCat(subsample)},
      {"colsample_bytree", absl::StrCat(colsample_bytree)},
      {"colsample_bynode", absl::StrCat(colsample_bynode)},
      {"num_parallel_tree", std::to_string(num_parallel_tree)},
      {"seed", std::to_string(seed)},
      {"nthread", std::to_string(nthread)},
  };
}

absl::StatusOr<std::unique_ptr<XGBoostBooster>> XGBoostBooster::Train(
    const TrainingSet& train, const TrainingSet* validation,
    const XGBoostParams& params, absl::Span<const float> weights,
    const std::function<void(int round, int rounds)>& on_round) {
  RR_RETURN_IF_ERROR(ValidateParams(params));
  RR_RETURN_IF_ERROR(ValidateTrainingSet(train));
  if (train.num_rows() == 0) {
    return absl::InvalidArgumentError("xgboost: no training rows");
  }
  RR_RETURN_IF_ERROR(ValidateWeights(weights, train.num_rows()));
  DMatrix dtrain, dvalid;
  RR_RETURN_IF_ERROR(dtrain.Create(train));
  if (!weights.empty()) RR_RETURN_IF_ERROR(dtrain.SetWeights(weights));
  std::vector<DMatrixHandle> cached = {dtrain.get()};
  const bool stop_early = validation != nullptr && validation->num_rows() > 0 &&
                          params.early_stopping_rounds > 0;
  if (stop_early) {
    RR_RETURN_IF_ERROR(dvalid.Create(*validation));
    cached.push_back(dvalid.get());
  }
  BoosterHandle handle = nullptr;
  RR_RETURN_IF_ERROR(
      Check(XGBoosterCreate(cached.data(), cached.size(), &handle),
            "XGBoosterCreate"));
  std::unique_ptr<XGBoostBooster> booster(
      new XGBoostBooster(handle, train.feature_names));
  RR_RETURN_IF_ERROR(SetParams(handle, params));
  RR_RETURN_IF_ERROR(SetNames(handle, train.feature_names));
  static const std::vector<float> kNoLabels;
  RR_RETURN_IF_ERROR(
      booster->Boost(dtrain.get(), stop_early ? dvalid.get() : nullptr,
                     stop_early ? validation->labels : kNoLabels, params,
                     on_round));
  return booster;
}

absl::Status XGBoostBooster::Boost(void* train, void* validation,
                                   const std::vector<float>& validation_labels,
                                   const XGBoostParams& params,
                                   const std::function<void(int, int)>& on_round) {
  double best_loss = std::numeric_limits<double>::infinity();
  int best_rounds = 0;
  int round = 0;
  for (; round < params.rounds; ++round) {
    RR_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(handle_, round, train),
                             "XGBoosterUpdateOneIter"));
    if (on_round) on_round(round + 1, params.rounds);
    if (validation == nullptr) continue;
    RR_ASSIGN_OR_RETURN(std::vector<float> p, Predict(handle_, validation));
    RR_ASSIGN_OR_RETURN(double loss, LogLoss(p, validation_labels));
    if (loss < best_loss) {
      best_loss = loss;
      best_rounds = round + 1;
    } else if (round + 1 - best_rounds >= params.early_stopping_rounds) {
      ++round;
      break;
    }
  }
  rounds_ = round;
  if (validation != nullptr && best_rounds < round) {
    return KeepRounds(best_rounds);
  }
  return absl::OkStatus();
}

// Replaces the booster by its first `rounds` rounds.
absl::Status XGBoostBooster::KeepRounds(int rounds) {
  BoosterHandle sliced = nullptr;
  RR_RETURN_IF_ERROR(
      Check(XGBoosterSlice(handle_, 0, rounds, 1, &sliced), "XGBoosterSlice"));
  XGBoosterFree(handle_);
  handle_ = sliced;
  rounds_ = rounds;
  return SetNames(handle_, feature_names_);
}

XGBoostBooster::~XGBoostBooster() { XGBoosterFree(handle_); }

absl::StatusOr<std::vector<float>> XGBoostBooster::PredictProbability(
    const TrainingSet& set) const {
  if (set.feature_names != feature_names_) {
    return absl::InvalidArgumentError(
        "xgboost: rows do not have the training features");
  }
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  DMatrix m;
  RR_RETURN_IF_ERROR(m.Create(set));
  return Predict(handle_, m.get());
}

absl::Status XGBoostBooster::SaveJson(const std::string& path) const {
  return Check(XGBoosterSaveModel(handle_, path.c_str()), "XGBoosterSaveModel");
}

}  // namespace reachrank::ranking
