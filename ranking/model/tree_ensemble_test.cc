// Exactness of our evaluator against XGBoost's own predictor on real models
// trained here through libxgboost's C API.
#include "ranking/model/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ranking/model/xgboost_json.h"
#include "ranking/model/xgboost_testing.h"

namespace reachrank::ranking {
namespace {

using testing::Booster;
using testing::PredictKind;
using testing::TrainSpec;

float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  float worst = 0.0f;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    worst = std::max(worst, std::fabs(a[i] - b[i]));
  }
  return worst;
}

// Rows whose values sit exactly on the model's thresholds (or just below or
// above them), so every `x < threshold` comparison is exercised at its edge.
std::vector<float> RowsOnThresholds(const std::string& json_path,
                                    size_t num_rows, size_t num_features) {
  std::ifstream in(json_path);
  const nlohmann::json doc = nlohmann::json::parse(in);
  std::vector<std::vector<float>> thresholds(num_features);
  for (const auto& tree :
       doc["learner"]["gradient_booster"]["model"]["trees"]) {
    for (size_t i = 0; i < tree["left_children"].size(); ++i) {
      if (tree["left_children"][i] == -1) continue;
      thresholds[tree["split_indices"][i].get<size_t>()].push_back(
          tree["split_conditions"][i].get<float>());
    }
  }
  std::mt19937 rng(7);
  std::vector<float> rows =
      testing::RandomRows(num_rows, num_features, 0.1, 11);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<float>& t = thresholds[i % num_features];
    if (t.empty() || std::isnan(rows[i])) continue;
    const float v = t[rng() % t.size()];
    const int nudge = static_cast<int>(rng() % 3);  // below, on, above
    rows[i] =
        nudge == 1 ? v : std::nextafter(v, nudge == 0 ? -INFINITY : INFINITY);
  }
  return rows;
}

struct Case {
  int depth;
  int trees;
  const char* method;
  float base_score;
  size_t features;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "depth " << c.depth << ", " << c.trees << " trees, " << c.method;
}

class EvaluatorMatchesXGBoost : public ::testing::TestWithParam<Case> {};

TEST_P(EvaluatorMatchesXGBoost, MarginAndProbabilityWithin1e6) {
  const Case c = GetParam();
  TrainSpec spec;
  spec.num_rows = 1500;
  spec.num_features = c.features;
  spec.max_depth = c.depth;
  spec.num_trees = c.trees;
  spec.tree_method = c.method;
  spec.base_score = c.base_score;
  spec.missing_rate = 0.15;
  spec.seed = static_cast<uint64_t>(c.depth * 1000 + c.trees);
  const std::string path = absl::StrCat(::testing::TempDir(), "eval_", c.depth,
                                        "_", c.trees, "_", c.method, ".json");
  absl::StatusOr<std::unique_ptr<Booster>> booster = Booster::Train(spec, path);
  ASSERT_TRUE(booster.ok()) << booster.status();

  std::vector<float> rows = testing::RandomRows(1000, c.features, 0.2, 99);
  const std::vector<float> edge = RowsOnThresholds(path, 1000, c.features);
  rows.insert(rows.end(), edge.begin(), edge.end());
  const size_t n = rows.size() / c.features;
  absl::StatusOr<std::vector<float>> want_margin =
      (*booster)->Predict(rows, c.features, PredictKind::kMargin);
  absl::StatusOr<std::vector<float>> want_prob =
      (*booster)->Predict(rows, c.features, PredictKind::kProbability);
  ASSERT_TRUE(want_margin.ok() && want_prob.ok());

  for (int layout_depth : {10, 0}) {  // complete layout, then linked nodes
    TreeEnsembleOptions options;
    options.max_complete_depth = layout_depth;
    absl::StatusOr<TreeEnsemble> ours = LoadXGBoostJsonFile(path, options);
    ASSERT_TRUE(ours.ok()) << ours.status();
    EXPECT_EQ(ours->num_trees(), static_cast<size_t>(c.trees));
    std::vector<float> margin(n), prob(n);
    ASSERT_TRUE(
        ours->PredictMargin(rows.data(), n, c.features, margin.data()).ok());
    ASSERT_TRUE(
        ours->PredictProbability(rows.data(), n, c.features, prob.data()).ok());
    EXPECT_LE(MaxAbsDiff(margin, *want_margin), 1e-6f)
        << "layout " << layout_depth;
    EXPECT_LE(MaxAbsDiff(prob, *want_prob), 1e-6f) << "layout " << layout_depth;
    // One row at a time gives the same bits as the batch.
    float single = 0.0f;
    ASSERT_TRUE(ours->PredictMargin(rows.data() + 5 * c.features, 1, c.features,
                                    &single)
                    .ok());
    EXPECT_EQ(single, margin[5]);
  }
}

INSTANTIATE_TEST_SUITE_P(RandomModels, EvaluatorMatchesXGBoost,
                         ::testing::Values(Case{1, 1, "exact", 0.5f, 4},
                                           Case{2, 7, "exact", 0.5f, 6},
                                           Case{3, 40, "approx", 0.3f, 8},
                                           Case{4, 120, "hist", 0.7f, 12},
                                           Case{5, 200, "exact", 0.5f, 10},
                                           Case{6, 300, "hist", 0.5f, 40},
                                           Case{7, 60, "hist", 0.2f, 16},
                                           Case{8, 500, "hist", 0.5f, 20}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return absl::StrCat("depth", info.param.depth,
                                               "_trees", info.param.trees, "_",
                                               info.param.method);
                         });

TEST(TreeEnsembleTest, ConcurrentReadersGetIdenticalResults) {
  TrainSpec spec;
  spec.num_features = 8;
  spec.num_trees = 30;
  spec.max_depth = 5;
  const std::string path = ::testing::TempDir() + "eval_concurrent.json";
  absl::StatusOr<std::unique_ptr<Booster>> booster = Booster::Train(spec, path);
  ASSERT_TRUE(booster.ok()) << booster.status();
  absl::StatusOr<TreeEnsemble> model = LoadXGBoostJsonFile(path);
  ASSERT_TRUE(model.ok()) << model.status();
  const std::vector<float> rows = testing::RandomRows(300, 8, 0.1, 4);
  std::vector<float> want(300);
  ASSERT_TRUE(model->PredictMargin(rows.data(), 300, 8, want.data()).ok());
  std::vector<std::vector<float>> got(4, std::vector<float>(300));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) {
        // Mix batch sizes so both the batched and single-row paths run.
        const size_t n = t % 2 == 0 ? 300 : 1;
        for (size_t r0 = 0; r0 < 300; r0 += n) {
          (void)model->PredictMargin(rows.data() + r0 * 8, n, 8,
                                     got[t].data() + r0);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::vector<float>& g : got) EXPECT_EQ(g, want);
}

}  // namespace
}  // namespace reachrank::ranking
