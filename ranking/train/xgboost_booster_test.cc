// The booster trains on binned rows (a QuantileDMatrix) and answers for
// its own rows from the matrix it trained on: both must give exactly what
// XGBoost gives on a plain copy of the rows.
#include "ranking/train/xgboost_booster.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "xgboost/c_api.h"

namespace reachrank::ranking {
namespace {

// 3,000 rows; the label follows x0 - x1 plus noise, a fifth of x1 is
// missing and x2 is noise.
TrainingSet Noisy(uint64_t seed, int rows = 3000) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  TrainingSet set;
  set.feature_names = {"x0", "x1", "x2"};
  for (int i = 0; i < rows; ++i) {
    const float x0 = normal(rng), x1 = normal(rng), x2 = normal(rng);
    const float y = x0 - x1 + normal(rng) > 0 ? 1.0f : 0.0f;
    const float x1_seen =
        i % 5 == 2 ? std::numeric_limits<float>::quiet_NaN() : x1;
    set.AddRow({x0, x1_seen, x2}, y);
  }
  return set;
}

std::vector<float> Weights(size_t n) {
  std::vector<float> w;
  for (size_t i = 0; i < n; ++i) w.push_back(0.5f + (i % 7) * 0.25f);
  return w;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The same training through XGBoost's C API on XGDMatrixCreateFromMat (the
// plain CSR copy), saved as JSON to `path`.
void TrainOnPlainMatrix(const TrainingSet& set, const XGBoostParams& params,
                        const std::vector<float>& weights,
                        const std::string& path) {
  DMatrixHandle m = nullptr;
  ASSERT_EQ(XGDMatrixCreateFromMat(set.rows.data(), set.num_rows(),
                                   set.num_features(),
                                   std::numeric_limits<float>::quiet_NaN(), &m),
            0);
  ASSERT_EQ(XGDMatrixSetFloatInfo(m, "label", set.labels.data(),
                                  set.labels.size()),
            0);
  ASSERT_EQ(XGDMatrixSetFloatInfo(m, "weight", weights.data(), weights.size()),
            0);
  BoosterHandle b = nullptr;
  ASSERT_EQ(XGBoosterCreate(&m, 1, &b), 0);
  for (const auto& [key, value] : params.ToXGBoost()) {
    ASSERT_EQ(XGBoosterSetParam(b, key.c_str(), value.c_str()), 0);
  }
  std::vector<const char*> names;
  for (const std::string& n : set.feature_names) names.push_back(n.c_str());
  ASSERT_EQ(XGBoosterSetStrFeatureInfo(b, "feature_name", names.data(),
                                       names.size()),
            0);
  for (int round = 0; round < params.rounds; ++round) {
    ASSERT_EQ(XGBoosterUpdateOneIter(b, round, m), 0);
  }
  ASSERT_EQ(XGBoosterSaveModel(b, path.c_str()), 0);
  XGBoosterFree(b);
  XGDMatrixFree(m);
}

TEST(XGBoostBoosterTest, BinnedTrainingGivesThePlainMatrixModel) {
  const TrainingSet set = Noisy(1);
  const std::vector<float> weights = Weights(set.num_rows());
  XGBoostParams params;
  params.rounds = 40;
  params.nthread = 1;
  auto ours = XGBoostBooster::Train(set, nullptr, params, weights);
  ASSERT_TRUE(ours.ok()) << ours.status();
  const std::string dir = ::testing::TempDir();
  ASSERT_TRUE((*ours)->SaveJson(dir + "/binned.json").ok());
  TrainOnPlainMatrix(set, params, weights, dir + "/plain.json");
  const std::string binned = ReadAll(dir + "/binned.json");
  EXPECT_GT(binned.size(), 1000u);
  EXPECT_EQ(binned, ReadAll(dir + "/plain.json"));
}

TEST(XGBoostBoosterTest, FittedPredictionsAreThoseOfTheSameRows) {
  const TrainingSet set = Noisy(2);
  XGBoostParams params;
  params.rounds = 30;
  auto booster = XGBoostBooster::Train(set, nullptr, params);
  ASSERT_TRUE(booster.ok()) << booster.status();
  auto fitted = (*booster)->PredictFitted();
  auto again = (*booster)->PredictProbability(set);
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(fitted->size(), set.num_rows());
  EXPECT_EQ(*fitted, *again);
}

// Early stopping replaces the booster by its first rounds; its fitted
// predictions are then computed afresh from the binned rows.
TEST(XGBoostBoosterTest, FittedPredictionsAfterEarlyStopping) {
  const TrainingSet fit = Noisy(3, 400);
  const TrainingSet validation = Noisy(4, 400);
  XGBoostParams params;
  params.rounds = 300;
  params.eta = 0.5;
  params.max_depth = 8;
  params.min_child_weight = 0;
  params.early_stopping_rounds = 5;
  const RowRange validation_rows(validation);
  auto booster = XGBoostBooster::Train(fit, &validation_rows, params);
  ASSERT_TRUE(booster.ok()) << booster.status();
  ASSERT_LT((*booster)->rounds(), 300);  // it overfits quickly: stopped
  auto fitted = (*booster)->PredictFitted();
  auto again = (*booster)->PredictProbability(fit);
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*fitted, *again);
}

}  // namespace
}  // namespace reachrank::ranking
