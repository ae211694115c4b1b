#include "ranking/model/tree_shap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ranking/model/tree_ensemble.h"
#include "ranking/model/xgboost_json.h"
#include "ranking/model/xgboost_testing.h"

namespace reachrank::ranking {
namespace {

using testing::Booster;
using testing::PredictKind;
using testing::TrainSpec;

// f0 < 0.5 ? -1 : (f1 < 2 ? 1 : 3), covers 6 | 4 = (1 | 3), in canonical
// breadth-first form.
DecisionTree HandTree() {
  DecisionTree tree;
  tree.depth = 2;
  tree.nodes = {
      {1, 0, 0.5f, 10.0f, false},   // root, missing f0 goes right
      {-1, 0, -1.0f, 6.0f, false},  // leaf
      {3, 1, 2.0f, 4.0f, true},     // missing f1 goes left
      {-1, 0, 1.0f, 1.0f, false},  {-1, 0, 3.0f, 3.0f, false},
  };
  return tree;
}

TEST(TreeShapTest, NodeMeansAreCoverWeighted) {
  const std::vector<double> means = NodeMeanValues(HandTree());
  ASSERT_EQ(means.size(), 5u);
  EXPECT_DOUBLE_EQ(means[2], (1.0 * 1 + 3.0 * 3) / 4);    // 2.5
  EXPECT_DOUBLE_EQ(means[0], (-1.0 * 6 + 2.5 * 4) / 10);  // 0.4
}

TEST(TreeShapTest, HandComputedValues) {
  // Row (0.7, 3): leaf 3. Exact Shapley values of the two-player game with
  // v({}) = 0.4, v({0}) = 2.5, v({1}) = 0.6*(-1) + 0.4*3 = 0.6, v({0,1}) = 3.
  const float row[2] = {0.7f, 3.0f};
  double phi[2] = {0, 0};
  AddTreeShap(HandTree(), row, phi);
  EXPECT_NEAR(phi[0], 0.5 * (2.5 - 0.4) + 0.5 * (3.0 - 0.6), 1e-12);  // 2.25
  EXPECT_NEAR(phi[1], 0.5 * (0.6 - 0.4) + 0.5 * (3.0 - 2.5), 1e-12);  // 0.35
}

TEST(TreeShapTest, MissingValueFollowsDefaultDirection) {
  // f1 missing goes left at node 2: leaf 1.
  const float row[2] = {0.7f, std::numeric_limits<float>::quiet_NaN()};
  double phi[2] = {0, 0};
  AddTreeShap(HandTree(), row, phi);
  EXPECT_NEAR(phi[0] + phi[1] + 0.4, 1.0, 1e-12);
}

TEST(TreeShapTest, EnsembleBiasIsBaseMarginPlusTreeMeans) {
  std::vector<DecisionTree> trees = {HandTree(), HandTree()};
  absl::StatusOr<TreeEnsemble> model =
      TreeEnsemble::Create(std::move(trees), 0.25f, 2, {});
  ASSERT_TRUE(model.ok()) << model.status();
  const float row[2] = {0.7f, 3.0f};
  float out[3];
  ASSERT_TRUE(model->PredictContributions(row, 1, 2, out).ok());
  EXPECT_NEAR(out[0], 4.5f, 1e-6);
  EXPECT_NEAR(out[1], 0.7f, 1e-6);
  EXPECT_NEAR(out[2], 0.25f + 0.8f, 1e-6);
  EXPECT_EQ(model->PredictContributions(row, 1, 3, out).code(),
            absl::StatusCode::kInvalidArgument);
}

struct ShapCase {
  int depth;
  int trees;
  size_t features;
};

void PrintTo(const ShapCase& c, std::ostream* os) {
  *os << "depth " << c.depth << ", " << c.trees << " trees";
}

class TreeShapMatchesXGBoost : public ::testing::TestWithParam<ShapCase> {};

TEST_P(TreeShapMatchesXGBoost, SumsToMarginAndAgreesWithPredContribs) {
  const ShapCase c = GetParam();
  TrainSpec spec;
  spec.num_rows = 800;
  spec.num_features = c.features;
  spec.max_depth = c.depth;
  spec.num_trees = c.trees;
  spec.base_score = 0.4f;
  spec.seed = static_cast<uint64_t>(c.depth * 31 + c.trees);
  const std::string path = absl::StrCat(::testing::TempDir(), "shap_", c.depth,
                                        "_", c.trees, ".json");
  absl::StatusOr<std::unique_ptr<Booster>> booster = Booster::Train(spec, path);
  ASSERT_TRUE(booster.ok()) << booster.status();
  absl::StatusOr<TreeEnsemble> ours = LoadXGBoostJsonFile(path);
  ASSERT_TRUE(ours.ok()) << ours.status();

  const std::vector<float> rows = testing::RandomRows(200, c.features, 0.2, 5);
  const size_t n = rows.size() / c.features;
  const size_t width = c.features + 1;
  std::vector<float> contribs(n * width), margin(n);
  ASSERT_TRUE(
      ours->PredictContributions(rows.data(), n, c.features, contribs.data())
          .ok());
  ASSERT_TRUE(
      ours->PredictMargin(rows.data(), n, c.features, margin.data()).ok());
  absl::StatusOr<std::vector<float>> want =
      (*booster)->Predict(rows, c.features, PredictKind::kContributions);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(want->size(), contribs.size());

  double worst_sum = 0.0, worst_xgb = 0.0;
  for (size_t r = 0; r < n; ++r) {
    double sum = 0.0;
    for (size_t f = 0; f < width; ++f) {
      sum += contribs[r * width + f];
      worst_xgb = std::max(
          worst_xgb, std::fabs(static_cast<double>(contribs[r * width + f] -
                                                   (*want)[r * width + f])));
    }
    worst_sum = std::max(worst_sum, std::fabs(sum - margin[r]));
  }
  EXPECT_LE(worst_sum, 1e-5);
  EXPECT_LE(worst_xgb, 1e-5);
  RecordProperty("max_abs_diff_sum_vs_margin", absl::StrCat(worst_sum));
  RecordProperty("max_abs_diff_vs_xgboost", absl::StrCat(worst_xgb));
}

INSTANTIATE_TEST_SUITE_P(RandomModels, TreeShapMatchesXGBoost,
                         ::testing::Values(ShapCase{1, 1, 3},
                                           ShapCase{3, 20, 6},
                                           ShapCase{6, 100, 12},
                                           ShapCase{8, 60, 10}),
                         [](const ::testing::TestParamInfo<ShapCase>& info) {
                           return absl::StrCat("depth", info.param.depth,
                                               "_trees", info.param.trees);
                         });

}  // namespace
}  // namespace reachrank::ranking
