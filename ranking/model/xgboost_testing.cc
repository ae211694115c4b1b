#include "ranking/model/xgboost_testing.h"

#include <cmath>
#include <limits>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "xgboost/c_api.h"

namespace reachrank::ranking::testing {
namespace {

absl::Status Check(int rc, const char* what) {
  if (rc == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", XGBGetLastError()));
}

// Owns a DMatrix for the duration of one call.
class DMatrix {
 public:
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  absl::Status Create(const float* rows, size_t num_rows, size_t num_features) {
    return Check(XGDMatrixCreateFromMat(rows, num_rows, num_features,
                                        std::numeric_limits<float>::quiet_NaN(),
                                        &handle_),
                 "XGDMatrixCreateFromMat");
  }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// A label with signal in the first features (missing counts as 0).
std::vector<float> Labels(const std::vector<float>& rows, size_t num_features,
                          uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  auto at = [&](size_t r, size_t f) {
    const float v = rows[r * num_features + f % num_features];
    return std::isnan(v) ? 0.0f : v;
  };
  std::vector<float> labels(rows.size() / num_features);
  for (size_t r = 0; r < labels.size(); ++r) {
    const float score =
        at(r, 0) - 0.5f * at(r, 1) + at(r, 2) * at(r, 3) + 0.3f * noise(rng);
    labels[r] = score > 0.0f ? 1.0f : 0.0f;
  }
  return labels;
}

absl::Status SetParams(BoosterHandle h, const TrainSpec& spec) {
  const std::pair<std::string, std::string> params[] = {
      {"objective", "binary:logistic"},
      {"max_depth", std::to_string(spec.max_depth)},
      {"eta", "0.3"},
      {"min_child_weight", "0.1"},
      {"tree_method", spec.tree_method},
      {"nthread", "1"},
      {"seed", std::to_string(spec.seed)},
      {"base_score", std::to_string(spec.base_score)},
      {"subsample", "0.9"},
      {"colsample_bytree", "0.9"},
  };
  for (const auto& [key, value] : params) {
    RR_RETURN_IF_ERROR(Check(XGBoosterSetParam(h, key.c_str(), value.c_str()),
                             "XGBoosterSetParam"));
  }
  return absl::OkStatus();
}

// Names the training matrix's and the booster's features "f0", "f1", ...;
// the booster's names are what XGBoosterSaveModel writes.
absl::Status SetFeatureNames(DMatrixHandle m, BoosterHandle b,
                             size_t num_features) {
  std::vector<std::string> names;
  for (size_t f = 0; f < num_features; ++f)
    names.push_back(absl::StrCat("f", f));
  std::vector<const char*> ptrs;
  for (const std::string& n : names) ptrs.push_back(n.c_str());
  RR_RETURN_IF_ERROR(Check(
      XGDMatrixSetStrFeatureInfo(m, "feature_name", ptrs.data(), ptrs.size()),
      "XGDMatrixSetStrFeatureInfo"));
  return Check(
      XGBoosterSetStrFeatureInfo(b, "feature_name", ptrs.data(), ptrs.size()),
      "XGBoosterSetStrFeatureInfo");
}

std::string PredictConfig(PredictKind kind, bool inplace) {
  return absl::StrCat("{\"type\": ", static_cast<int>(kind),
                      ", \"training\": false, \"iteration_begin\": 0, "
                      "\"iteration_end\": 0, \"strict_shape\": false",
                      inplace ? ", \"missing\": NaN, \"cache_id\": 0" : "",
                      "}");
}

}  // namespace

std::vector<float> RandomRows(size_t num_rows, size_t num_features,
                              double missing_rate, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> rows(num_rows * num_features);
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t f = i % num_features;
    float v = normal(rng) * (f % 3 == 2 ? 100.0f : 1.0f);
    if (f % 5 == 4) v = std::floor(unit(rng) * 5.0f);  // few distinct values
    rows[i] =
        unit(rng) < missing_rate ? std::numeric_limits<float>::quiet_NaN() : v;
  }
  return rows;
}

absl::StatusOr<std::unique_ptr<Booster>> Booster::Train(
    const TrainSpec& spec, const std::string& json_path) {
  const std::vector<float> rows = RandomRows(spec.num_rows, spec.num_features,
                                             spec.missing_rate, spec.seed);
  const std::vector<float> labels = Labels(rows, spec.num_features, spec.seed);
  DMatrix train;
  RR_RETURN_IF_ERROR(
      train.Create(rows.data(), spec.num_rows, spec.num_features));
  RR_RETURN_IF_ERROR(Check(
      XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()),
      "XGDMatrixSetFloatInfo"));
  DMatrixHandle dmats[] = {train.get()};
  BoosterHandle handle = nullptr;
  RR_RETURN_IF_ERROR(
      Check(XGBoosterCreate(dmats, 1, &handle), "XGBoosterCreate"));
  std::unique_ptr<Booster> booster(new Booster(handle));
  RR_RETURN_IF_ERROR(SetParams(handle, spec));
  if (spec.with_feature_names) {
    RR_RETURN_IF_ERROR(SetFeatureNames(train.get(), handle, spec.num_features));
  }
  for (int i = 0; i < spec.num_trees; ++i) {
    RR_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(handle, i, train.get()),
                             "XGBoosterUpdateOneIter"));
  }
  RR_RETURN_IF_ERROR(Check(XGBoosterSaveModel(handle, json_path.c_str()),
                           "XGBoosterSaveModel"));
  return booster;
}

Booster::~Booster() { XGBoosterFree(handle_); }

absl::StatusOr<std::vector<float>> Booster::Predict(
    const std::vector<float>& rows, size_t num_features,
    PredictKind kind) const {
  const size_t num_rows = rows.size() / num_features;
  DMatrix m;
  RR_RETURN_IF_ERROR(m.Create(rows.data(), num_rows, num_features));
  const std::string config = PredictConfig(kind, /*inplace=*/false);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RR_RETURN_IF_ERROR(
      Check(XGBoosterPredictFromDMatrix(handle_, m.get(), config.c_str(),
                                        &shape, &dim, &result),
            "XGBoosterPredictFromDMatrix"));
  size_t size = 1;
  for (bst_ulong d = 0; d < dim; ++d) size *= shape[d];
  return std::vector<float>(result, result + size);
}

absl::Status Booster::PredictDense(const float* rows, size_t num_rows,
                                   size_t num_features, PredictKind kind,
                                   const float** out) const {
  const std::string array =
      absl::StrCat("{\"data\": [", reinterpret_cast<uintptr_t>(rows),
                   ", true], \"shape\": [", num_rows, ", ", num_features,
                   "], \"typestr\": \"<f4\", \"version\": 3}");
  const std::string config = PredictConfig(kind, /*inplace=*/true);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  return Check(XGBoosterPredictFromDense(handle_, array.c_str(), config.c_str(),
                                         nullptr, &shape, &dim, out),
               "XGBoosterPredictFromDense");
}

}  // namespace reachrank::ranking::testing
