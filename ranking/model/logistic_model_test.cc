#include "ranking/model/logistic_model.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::ranking {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kOrder = {"niche_focus", "saturation",
                                         "followers_log"};

TEST(LogisticModelTest, MarginProbabilityAndExactContributions) {
  absl::StatusOr<LogisticModel> model = LogisticModel::ParseJson(
      R"({"intercept": -1.5, "weights": {"niche_focus": 2.0, "saturation": -0.5}})",
      kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->weights(), (std::vector<double>{2.0, -0.5, 0.0}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float rows[6] = {0.5f, 2.0f, 9.0f,   // -1.5 + 1 - 1 + 0 = -1.5
                         nan,  4.0f, 1.0f};  // -1.5 + 0 - 2 = -3.5
  float margin[2], prob[2], contribs[8];
  ASSERT_TRUE(model->PredictMargin(rows, 2, 3, margin).ok());
  EXPECT_FLOAT_EQ(margin[0], -1.5f);
  EXPECT_FLOAT_EQ(margin[1], -3.5f);
  ASSERT_TRUE(model->PredictProbability(rows, 2, 3, prob).ok());
  EXPECT_FLOAT_EQ(prob[0], 1.0f / (1.0f + std::exp(1.5f)));
  ASSERT_TRUE(model->PredictContributions(rows, 2, 3, contribs).ok());
  EXPECT_THAT(contribs, ::testing::ElementsAre(1.0f, -1.0f, 0.0f, -1.5f, 0.0f,
                                               -2.0f, 0.0f, -1.5f));
}

TEST(LogisticModelTest, MissingValuesReplaceNaN) {
  absl::StatusOr<LogisticModel> model = LogisticModel::ParseJson(
      R"({"intercept": 1, "weights": {"niche_focus": 2.0, "saturation": -0.5},
          "missing": {"niche_focus": 0.25}})",
      kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->missing_values(), (std::vector<double>{0.25, 0.0, 0.0}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float row[3] = {nan, nan, 3.0f};  // 1 + 2 * 0.25 - 0.5 * 0 = 1.5
  float margin = 0, contribs[4];
  ASSERT_TRUE(model->PredictMargin(row, 1, 3, &margin).ok());
  EXPECT_FLOAT_EQ(margin, 1.5f);
  // Terms are measured from the missing values: a missing feature adds 0,
  // and the bias holds 1 + 2 * 0.25.
  ASSERT_TRUE(model->PredictContributions(row, 1, 3, contribs).ok());
  EXPECT_THAT(contribs, ::testing::ElementsAre(0.0f, 0.0f, 0.0f, 1.5f));
  const float present[3] = {0.75f, nan, 3.0f};  // 1 + 2 * 0.75 = 2.5
  ASSERT_TRUE(model->PredictContributions(present, 1, 3, contribs).ok());
  EXPECT_THAT(contribs, ::testing::ElementsAre(1.0f, 0.0f, 0.0f, 1.5f));

  auto parse = [](const std::string& json) {
    return std::string(LogisticModel::ParseJson(json, kOrder).status().message());
  };
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": {}, "missing": {"x": 1}})"),
              HasSubstr("missing: 'x' is not a model feature"));
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": {}, "missing": [1]})"),
              HasSubstr("missing: must be an object"));
  EXPECT_THAT(
      parse(R"({"intercept": 0, "weights": {}, "missing": {"saturation": "a"}})"),
      HasSubstr("missing.saturation: must be a number"));
}

TEST(LogisticModelTest, UpperCapsAFeatureInMarginAndContributions) {
  absl::StatusOr<LogisticModel> model = LogisticModel::ParseJson(
      R"({"intercept": 0, "weights": {"niche_focus": 1.0, "saturation": -0.5},
          "missing": {"saturation": 2}, "upper": {"saturation": 6}})",
      kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(model->upper_bounds(), (std::vector<double>{inf, 6.0, inf}));
  const float rows[6] = {1.0f, 4.0f,    0.0f,   // 1 - 2 = -1
                         1.0f, 8000.0f, 0.0f};  // 1 - 0.5 * 6 = -2
  float margin[2], contribs[8];
  ASSERT_TRUE(model->PredictMargin(rows, 2, 3, margin).ok());
  EXPECT_FLOAT_EQ(margin[0], -1.0f);
  EXPECT_FLOAT_EQ(margin[1], -2.0f);
  // saturation's term from its missing value 2: -0.5 * (min(x, 6) - 2).
  ASSERT_TRUE(model->PredictContributions(rows, 2, 3, contribs).ok());
  EXPECT_THAT(contribs, ::testing::ElementsAre(1.0f, -1.0f, 0.0f, -1.0f, 1.0f,
                                               -2.0f, 0.0f, -1.0f));

  auto parse = [](const std::string& json) {
    return std::string(
        LogisticModel::ParseJson(json, kOrder).status().message());
  };
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": {}, "upper": {"x": 1}})"),
              HasSubstr("upper: 'x' is not a model feature"));
  EXPECT_THAT(
      parse(
          R"({"intercept": 0, "weights": {}, "upper": {"saturation": 1e308}})"),
      HasSubstr("upper.saturation: must be finite and at most"));
}

TEST(LogisticModelTest, RefusesBadInput) {
  auto parse = [](const std::string& json) {
    return LogisticModel::ParseJson(json, kOrder).status();
  };
  EXPECT_THAT(parse("{").message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(parse(R"({"weights": {}})").message(),
              HasSubstr("intercept: missing"));
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": []})").message(),
              HasSubstr("weights: must be an object"));
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": {"nope": 1}})").message(),
              HasSubstr("'nope' is not a model feature"));
  EXPECT_THAT(
      parse(R"({"intercept": 0, "weights": {"saturation": "x"}})").message(),
      HasSubstr("weights.saturation: must be a number"));
  EXPECT_THAT(parse(R"({"intercept": "nan", "weights": {}})").message(),
              HasSubstr("intercept must be finite"));
  EXPECT_EQ(
      LogisticModel::ParseJson(R"({"intercept": 0, "weights": {}})", {"a", "a"})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  // Weights this large made a margin of inf - inf = NaN; they are refused.
  EXPECT_THAT(parse(R"({"intercept": 1.7e308, "weights": {}})").message(),
              HasSubstr("intercept must be finite and at most 1e+06"));
  EXPECT_THAT(
      parse(R"({"intercept": 0, "weights": {"saturation": -1e308}})").message(),
      HasSubstr("weights.saturation: must be finite and at most 1e+06"));
  EXPECT_THAT(parse(R"({"intercept": 0, "weights": {}, "missing": )"
                    R"({"saturation": 1e308}})")
                  .message(),
              HasSubstr("missing.saturation: must be finite and at most"));
  absl::StatusOr<LogisticModel> ok = LogisticModel::Create(0.0, {}, kOrder);
  ASSERT_TRUE(ok.ok());
  float row[2] = {0, 0}, out = 0;
  EXPECT_EQ(ok->PredictMargin(row, 1, 2, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LogisticModelTest, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "logistic_model_test.json";
  std::ofstream(path)
      << R"({"intercept": 0.25, "weights": {"followers_log": 0.1}})";
  absl::StatusOr<LogisticModel> model = LogisticModel::LoadFile(path, kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->intercept(), 0.25);
  EXPECT_EQ(model->weights()[2], 0.1);
  EXPECT_EQ(LogisticModel::LoadFile(path + ".missing", kOrder).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reachrank::ranking
