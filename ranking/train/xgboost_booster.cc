#include "ranking/train/xgboost_booster.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

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

// Owns a DMatrix handle (freed by the destructor unless Release()d).
class DMatrix {
 public:
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  // A plain (CSR) copy of the set's rows (NaN = missing), its labels (its
  // targets instead when it has them) and feature names: for prediction.
  absl::Status Create(const RowRange& set) {
    RR_RETURN_IF_ERROR(
        Check(XGDMatrixCreateFromMat(
                  set.rows(), set.num_rows(), set.num_features(),
                  std::numeric_limits<float>::quiet_NaN(), &handle_),
              "XGDMatrixCreateFromMat"));
    RR_RETURN_IF_ERROR(SetFloats(handle_, "label", set.fitted()));
    return SetFeatureNames(set);
  }
  // The same rows as a QuantileDMatrix: sketched and binned straight from
  // `set`, without the CSR copy. The hist tree method trains on nothing
  // else, so the model is the one Create() would give (XGBoost's default
  // 256 bins on both sides), in a fraction of the memory. `weights`: one
  // per row, or empty.
  absl::Status CreateQuantile(const RowRange& set,
                              absl::Span<const float> weights, int nthread);
  // Hands the handle over to the caller, who frees it.
  DMatrixHandle Release() { return std::exchange(handle_, nullptr); }
  DMatrixHandle get() const { return handle_; }

  static absl::Status SetFloats(DMatrixHandle h, const char* field,
                                absl::Span<const float> values) {
    return Check(XGDMatrixSetFloatInfo(h, field, values.data(), values.size()),
                 "XGDMatrixSetFloatInfo");
  }

 private:
  absl::Status SetFeatureNames(const RowRange& set) {
    std::vector<const char*> names;
    for (const std::string& n : set.feature_names()) names.push_back(n.c_str());
    return Check(XGDMatrixSetStrFeatureInfo(handle_, "feature_name",
                                            names.data(), names.size()),
                 "XGDMatrixSetStrFeatureInfo");
  }

  DMatrixHandle handle_ = nullptr;
};

// XGBoost's data iterator over one in-memory batch: Next() hands the set's
// dense rows, labels and weights to the proxy once, then reports the end.
class OneBatch {
 public:
  OneBatch(const RowRange& set, absl::Span<const float> weights,
           DMatrixHandle proxy)
      : set_(set), weights_(weights), proxy_(proxy) {}

  static void Reset(DataIterHandle self) {
    static_cast<OneBatch*>(self)->given_ = false;
  }
  // 1: a batch was set on the proxy; 0: no more (or a failure, kept in
  // status()).
  static int Next(DataIterHandle self) {
    auto* batch = static_cast<OneBatch*>(self);
    if (batch->given_) return 0;
    batch->status_ = batch->SetOnProxy();
    batch->given_ = true;
    return batch->status_.ok() ? 1 : 0;
  }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status SetOnProxy() const {
    // NumPy's array interface (version 3) of the row-major float32 rows.
    const std::string array = absl::StrCat(
        "{\"data\": [", reinterpret_cast<uintptr_t>(set_.rows()),
        ", true], \"shape\": [", set_.num_rows(), ", ", set_.num_features(),
        "], \"typestr\": \"<f4\", \"version\": 3}");
    RR_RETURN_IF_ERROR(Check(XGProxyDMatrixSetDataDense(proxy_, array.c_str()),
                             "XGProxyDMatrixSetDataDense"));
    RR_RETURN_IF_ERROR(DMatrix::SetFloats(proxy_, "label", set_.fitted()));
    if (weights_.empty()) return absl::OkStatus();
    return DMatrix::SetFloats(proxy_, "weight", weights_);
  }

  const RowRange set_;
  const absl::Span<const float> weights_;
  const DMatrixHandle proxy_;
  bool given_ = false;
  absl::Status status_;
};

absl::Status DMatrix::CreateQuantile(const RowRange& set,
                                     absl::Span<const float> weights,
                                     int nthread) {
  DMatrix proxy;
  RR_RETURN_IF_ERROR(
      Check(XGProxyDMatrixCreate(&proxy.handle_), "XGProxyDMatrixCreate"));
  OneBatch batch(set, weights, proxy.get());
  const std::string config =
      absl::StrCat("{\"missing\": NaN, \"nthread\": ", nthread, "}");
  const int rc = XGQuantileDMatrixCreateFromCallback(
      &batch, proxy.get(), /*ref=*/nullptr, &OneBatch::Reset, &OneBatch::Next,
      config.c_str(), &handle_);
  RR_RETURN_IF_ERROR(batch.status());
  RR_RETURN_IF_ERROR(Check(rc, "XGQuantileDMatrixCreateFromCallback"));
  return SetFeatureNames(set);
}

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
    const RowRange& train, const RowRange* validation,
    const XGBoostParams& params, absl::Span<const float> weights,
    const std::function<void(int round, int rounds)>& on_round) {
  RR_RETURN_IF_ERROR(ValidateParams(params));
  RR_RETURN_IF_ERROR(ValidateTrainingSet(train.set()));
  if (train.num_rows() == 0) {
    return absl::InvalidArgumentError("xgboost: no training rows");
  }
  RR_RETURN_IF_ERROR(ValidateWeights(weights, train.num_rows()));
  DMatrix dtrain, dvalid;
  RR_RETURN_IF_ERROR(dtrain.CreateQuantile(train, weights, params.nthread));
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
      new XGBoostBooster(handle, dtrain.Release(), train.feature_names()));
  RR_RETURN_IF_ERROR(SetParams(handle, params));
  RR_RETURN_IF_ERROR(SetNames(handle, train.feature_names()));
  RR_RETURN_IF_ERROR(booster->Boost(
      booster->fitted_, stop_early ? dvalid.get() : nullptr,
      stop_early ? validation->labels() : absl::Span<const float>(), params,
      on_round));
  return booster;
}

absl::Status XGBoostBooster::Boost(void* train, void* validation,
                                   absl::Span<const float> validation_labels,
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

XGBoostBooster::~XGBoostBooster() {
  XGBoosterFree(handle_);
  XGDMatrixFree(fitted_);
}

absl::StatusOr<std::vector<float>> XGBoostBooster::PredictFitted() const {
  return Predict(handle_, fitted_);
}

absl::StatusOr<std::vector<float>> XGBoostBooster::PredictProbability(
    const RowRange& set) const {
  if (set.feature_names() != feature_names_) {
    return absl::InvalidArgumentError(
        "xgboost: rows do not have the training features");
  }
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set.set()));
  DMatrix m;
  RR_RETURN_IF_ERROR(m.Create(set));
  return Predict(handle_, m.get());
}

absl::Status XGBoostBooster::SaveJson(const std::string& path) const {
  return Check(XGBoosterSaveModel(handle_, path.c_str()), "XGBoosterSaveModel");
}

}  // namespace reachrank::ranking
