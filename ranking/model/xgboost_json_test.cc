#include "ranking/model/xgboost_json.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace reachrank::ranking {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

// A two-split tree: f0 < 0.5 ? (f1 < 2 ? -1 : 1) : 3, missing f0 goes right,
// missing f1 goes left.
Json SmallModel() {
  Json tree = {
      {"left_children", {1, 3, -1, -1, -1}},
      {"right_children", {2, 4, -1, -1, -1}},
      {"split_indices", {0, 1, 0, 0, 0}},
      {"split_conditions", {0.5, 2.0, 3.0, -1.0, 1.0}},
      {"default_left", {0, 1, 0, 0, 0}},
      {"base_weights", {0.0, 0.0, 3.0, -1.0, 1.0}},
      {"sum_hessian", {10.0, 6.0, 4.0, 2.0, 4.0}},
      {"split_type", {0, 0, 0, 0, 0}},
      {"categories", Json::array()},
      {"id", 0},
      {"tree_param", {{"num_nodes", "5"}, {"num_feature", "2"}}},
  };
  return {
      {"learner",
       {{"feature_names", {"a", "b"}},
        {"feature_types", Json::array()},
        {"gradient_booster",
         {{"name", "gbtree"},
          {"model",
           {{"gbtree_model_param", {{"num_trees", "1"}}},
            {"tree_info", {0}},
            {"trees", {tree}}}}}},
        {"learner_model_param",
         {{"base_score", "5E-1"},
          {"num_class", "0"},
          {"num_feature", "2"},
          {"num_target", "1"}}},
        {"objective", {{"name", "binary:logistic"}}}}},
      {"version", {1, 7, 4}},
  };
}

Json& Tree0(Json& model) {
  return model["learner"]["gradient_booster"]["model"]["trees"][0];
}

void ExpectTextRefused(const std::string& text, const std::string& message) {
  absl::StatusOr<TreeEnsemble> model = ParseXGBoostJson(text);
  ASSERT_FALSE(model.ok()) << "accepted: " << text.substr(0, 200);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr(message));
}

void ExpectRefused(const Json& model, const std::string& message) {
  ExpectTextRefused(model.dump(), message);
}

TEST(XGBoostJsonTest, LoadsSmallModelAndEvaluatesIt) {
  absl::StatusOr<TreeEnsemble> model = ParseXGBoostJson(SmallModel().dump());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->num_features(), 2u);
  EXPECT_EQ(model->num_trees(), 1u);
  EXPECT_EQ(model->base_margin(), 0.0f);
  EXPECT_EQ(model->feature_names(), (std::vector<std::string>{"a", "b"}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> rows = {0.0f, 1.0f, 0.0f, 2.0f, 0.5f,
                                   0.0f, nan,  0.0f, 0.0f, nan};
  std::vector<float> out(5);
  ASSERT_TRUE(model->PredictMargin(rows.data(), 5, 2, out.data()).ok());
  EXPECT_EQ(out, (std::vector<float>{-1.0f, 1.0f, 3.0f, 3.0f, -1.0f}));
}

TEST(XGBoostJsonTest, RejectsWrongFeatureCountAtPredict) {
  absl::StatusOr<TreeEnsemble> model = ParseXGBoostJson(SmallModel().dump());
  ASSERT_TRUE(model.ok());
  float row[3] = {0, 0, 0};
  float out = 0;
  EXPECT_EQ(model->PredictMargin(row, 1, 3, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(XGBoostJsonTest, RefusesNonJsonAndWrongShapes) {
  ExpectTextRefused("", "not valid JSON");
  ExpectTextRefused("{\"learner\": ", "not valid JSON");
  ExpectTextRefused("[1, 2]", "must be an object");
  ExpectTextRefused("{}", "learner: missing");
  ExpectTextRefused("{\"learner\": 7}", "learner: must be an object");
}

TEST(XGBoostJsonTest, RefusesOtherObjectivesAndBoosters) {
  Json m = SmallModel();
  m["learner"]["objective"]["name"] = "reg:squarederror";
  ExpectRefused(m, "only binary:logistic");
  m = SmallModel();
  m["learner"]["gradient_booster"]["name"] = "gblinear";
  ExpectRefused(m, "only gbtree");
  m = SmallModel();
  m["learner"]["gradient_booster"]["name"] = "dart";
  ExpectRefused(m, "only gbtree");
  m = SmallModel();
  m["learner"]["learner_model_param"]["num_class"] = "3";
  ExpectRefused(m, "num_class: is 3");
  m = SmallModel();
  m["learner"]["gradient_booster"]["model"]["tree_info"] = {1};
  ExpectRefused(m, "tree_info[0]: must be 0");
}

TEST(XGBoostJsonTest, RefusesBadLearnerParams) {
  Json m = SmallModel();
  m["learner"]["learner_model_param"]["base_score"] = "1.5";
  ExpectRefused(m, "base_score: must be a probability");
  m["learner"]["learner_model_param"]["base_score"] = "abc";
  ExpectRefused(m, "base_score: must be a number");
  m = SmallModel();
  m["learner"]["learner_model_param"]["num_feature"] = "0";
  ExpectRefused(m, "num_feature: is 0");
  m = SmallModel();
  m["learner"]["feature_names"] = {"a"};
  ExpectRefused(m, "feature_names: has 1 names but num_feature is 2");
  m = SmallModel();
  m["learner"]["feature_types"] = {"float", "c"};
  ExpectRefused(m, "categorical");
}

TEST(XGBoostJsonTest, RefusesMalformedArrays) {
  Json m = SmallModel();
  Tree0(m)["right_children"] = {2, 4, -1, -1};
  ExpectRefused(m, "right_children has 4 entries but left_children has 5");
  m = SmallModel();
  Tree0(m)["split_conditions"][1] = "x";
  ExpectRefused(m, "split_conditions[1]: must be a number");
  m = SmallModel();
  Tree0(m)["left_children"][0] = 1.5;
  ExpectRefused(m, "left_children[0]: must be an integer");
  m = SmallModel();
  Tree0(m)["default_left"][0] = 2;
  ExpectRefused(m, "default_left[0]: must be a boolean or 0/1");
  m = SmallModel();
  Tree0(m).erase("sum_hessian");
  ExpectRefused(m, "sum_hessian: missing");
  m = SmallModel();
  Tree0(m)["base_weights"] = {0.0};
  ExpectRefused(m, "base_weights: must have one entry per node");
  m = SmallModel();
  Tree0(m)["split_type"][0] = 1;
  ExpectRefused(m, "categorical splits");
}

TEST(XGBoostJsonTest, RefusesBadTreeStructure) {
  Json m = SmallModel();
  Tree0(m)["left_children"][1] = 7;
  ExpectRefused(m, "trees[0]: node 1: children (7, 4)");
  m = SmallModel();
  Tree0(m)["left_children"][1] = -1;
  ExpectRefused(m, "node 1: children (-1, 4)");
  m = SmallModel();
  Tree0(m)["split_indices"][0] = 2;
  ExpectRefused(m, "node 0: split index 2 is outside [0, 2)");
  m = SmallModel();
  // Node 1 points back at node 1's sibling's parent chain: 1 -> (2, 4), and
  // 0 -> (2, 1): node 2 is reached twice.
  Tree0(m)["left_children"][1] = 2;
  ExpectRefused(m, "reached twice");
  m = SmallModel();
  // A cycle: node 3 becomes internal with node 1 as a child.
  Tree0(m)["left_children"][3] = 1;
  Tree0(m)["right_children"][3] = 4;
  ExpectRefused(m, "reached twice");
  m = SmallModel();
  for (const char* key :
       {"left_children", "right_children", "split_indices", "split_conditions",
        "default_left", "base_weights", "sum_hessian", "split_type"}) {
    Tree0(m)[key] = Json::array();
  }
  ExpectRefused(m, "tree has no nodes");
  m = SmallModel();
  Tree0(m)["split_conditions"][2] = 1e300;
  ExpectRefused(m, "node 2: leaf value must be finite");
  m = SmallModel();
  Tree0(m)["sum_hessian"][0] = -1.0;
  ExpectRefused(m, "node 0: sum_hessian must be finite and >= 0");
}

TEST(XGBoostJsonTest, RefusesTreesDeeperThanTheLimit) {
  // A chain 0 -> 1 -> 2 ... deeper than kMaxTreeDepth.
  const int n_internal = kMaxTreeDepth + 1;
  Json m = SmallModel();
  Json& t = Tree0(m);
  const int n = 2 * n_internal + 1;
  std::vector<int> left(n, -1), right(n, -1), idx(n, 0), dl(n, 0);
  std::vector<double> cond(n, 0.5), hess(n, 1.0);
  for (int i = 0; i < n_internal; ++i) {
    left[i] = i + 1;
    right[i] = n_internal + 1 + i;
  }
  t["left_children"] = left;
  t["right_children"] = right;
  t["split_indices"] = idx;
  t["default_left"] = dl;
  t["split_conditions"] = cond;
  t["base_weights"] = cond;
  t["sum_hessian"] = hess;
  ExpectRefused(m, "deeper than");
}

TEST(XGBoostJsonTest, NeverCrashesOnTruncatedOrCorruptedInput) {
  const std::string good = SmallModel().dump();
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    EXPECT_FALSE(ParseXGBoostJson(good.substr(0, cut)).ok());
  }
  // Flip characters one at a time; each result must be a clean status.
  const std::string alphabet = "{}[]\",:-019eE.x";
  for (size_t i = 0; i < good.size(); i += 3) {
    std::string bad = good;
    bad[i] = alphabet[i % alphabet.size()];
    absl::StatusOr<TreeEnsemble> model = ParseXGBoostJson(bad);
    if (!model.ok()) {
      EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(XGBoostJsonTest, SurvivesDeeplyNestedInput) {
  const size_t depth = 200000;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_EQ(ParseXGBoostJson(nested).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Splice the nesting into a valid model as text (nlohmann's own dump
  // recurses, so the document is never built in the test).
  std::string text = SmallModel().dump();
  text.replace(text.find("\"binary:logistic\""), 17, nested);
  ExpectTextRefused(text, "XGBoost model: nested deeper than 64 levels");
}

TEST(XGBoostJsonTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadXGBoostJsonFile("no/such/model.json").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reachrank::ranking
