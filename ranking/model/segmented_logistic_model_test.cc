#include "ranking/model/segmented_logistic_model.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/model/model.h"

namespace reachrank::ranking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kOrder = {"a", "b", "age"};
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Three segments of "age": (.., 1], (1, 6], (6, ..) and NaN.
constexpr char kThree[] = R"({"segment_feature": "age", "segments": [
  {"up_to": 1, "intercept": -1, "weights": {"a": 2}},
  {"up_to": 6, "intercept": -2, "weights": {"b": 3}, "missing": {"b": 1}},
  {"intercept": 0.5, "weights": {"a": 1, "b": 1}}]})";

TEST(SegmentedLogisticModelTest, EachRowIsScoredByItsSegment) {
  absl::StatusOr<SegmentedLogisticModel> model =
      SegmentedLogisticModel::ParseJson(kThree, kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->num_segments(), 3u);
  const float rows[] = {1.0f, 2.0f, 0.5f,   // first: -1 + 2
                        1.0f, 2.0f, 1.0f,   // bound inclusive: first
                        1.0f, 2.0f, 1.01f,  // second: -2 + 6
                        1.0f, kNaN, 6.0f,   // second, b missing = 1: 1
                        1.0f, 2.0f, 6.5f,   // third: 0.5 + 3
                        1.0f, 2.0f, kNaN};  // NaN age: third
  float margin[6];
  ASSERT_TRUE(model->PredictMargin(rows, 6, 3, margin).ok());
  EXPECT_THAT(margin, ElementsAre(1.0f, 1.0f, 4.0f, 1.0f, 3.5f, 3.5f));
  float p[6];
  ASSERT_TRUE(model->PredictProbability(rows, 6, 3, p).ok());
  EXPECT_FLOAT_EQ(p[2], 1.0f / (1.0f + std::exp(-4.0f)));
}

TEST(SegmentedLogisticModelTest, ContributionsAreTheSegmentsAndSumToTheMargin) {
  absl::StatusOr<SegmentedLogisticModel> model =
      SegmentedLogisticModel::ParseJson(kThree, kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  const float rows[] = {1.0f, 2.0f, 0.5f, 1.0f, 3.0f, 2.0f};
  float contributions[8];
  ASSERT_TRUE(model->PredictContributions(rows, 2, 3, contributions).ok());
  // Row 1: a's term 2, bias -1. Row 2: b measured from its missing value
  // 1, 3 * (3 - 1) = 6; the bias -2 + 3 * 1 absorbs the rest.
  EXPECT_THAT(contributions,
              ElementsAre(2.0f, 0.0f, 0.0f, -1.0f, 0.0f, 6.0f, 0.0f, 1.0f));
}

TEST(SegmentedLogisticModelTest, APlainLogisticModelIsOneSegment) {
  absl::StatusOr<SegmentedLogisticModel> model =
      SegmentedLogisticModel::ParseJson(
          R"({"intercept": 0.25, "weights": {"age": -1}})", kOrder);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->num_segments(), 1u);
  const float row[] = {0, 0, 2};
  float margin = 0;
  ASSERT_TRUE(model->PredictMargin(row, 1, 3, &margin).ok());
  EXPECT_FLOAT_EQ(margin, -1.75f);
}

TEST(SegmentedLogisticModelTest, RefusesMalformedSegmentsNamingTheField) {
  auto error = [](const std::string& json) {
    return std::string(
        SegmentedLogisticModel::ParseJson(json, kOrder).status().message());
  };
  const std::string model = R"("intercept": 0, "weights": {})";
  EXPECT_THAT(error(R"({"segments": [{)" + model + "}]}"),
              HasSubstr("segment_feature"));
  EXPECT_THAT(error(R"({"segment_feature": "age", "segments": []})"),
              HasSubstr("segments: must be a non-empty array"));
  EXPECT_THAT(error(R"({"segment_feature": "zz", "segments": [{"up_to": 1, )" +
                    model + "}, {" + model + "}]}"),
              HasSubstr("'zz' is not a model feature"));
  EXPECT_THAT(error(R"({"segment_feature": "age", "segments": [{)" + model +
                    "}, {" + model + "}]}"),
              HasSubstr("segments[0]"));
  EXPECT_THAT(error(R"({"segment_feature": "age", "segments": [{"up_to": 1, )" +
                    model + R"(}, {"up_to": 2, )" + model + "}]}"),
              HasSubstr("segments[1].up_to: the last segment"));
  EXPECT_THAT(
      error(R"({"segment_feature": "age", "segments": [{"up_to": 6, )" + model +
            R"(}, {"up_to": 2, )" + model + "}, {" + model + "}]}"),
      HasSubstr("segments[1].up_to: must be finite and greater"));
  EXPECT_THAT(error(R"({"segment_feature": "age", "segments": [{"up_to": 1,
                    "intercept": 0, "weights": {"q": 1}}, {)" +
                    model + "}]}"),
              HasSubstr("segments[0]: weights: 'q' is not a model feature"));
  EXPECT_THAT(error("[1, 2"), HasSubstr("logistic model"));
}

// A segment nesting 50,000 arrays overflowed the stack when the segment was
// re-serialized; such a document is refused when it is parsed.
TEST(SegmentedLogisticModelTest, RefusesDocumentsNestedTooDeep) {
  const int depth = 50000;
  const std::string json =
      R"({"segment_feature": "age", "segments": [{"up_to": 1, "intercept": 0, )"
      R"("weights": {}, "pad": )" +
      std::string(depth, '[') + std::string(depth, ']') +
      R"(}, {"intercept": 0, "weights": {}}]})";
  EXPECT_EQ(SegmentedLogisticModel::ParseJson(json, kOrder).status(),
            absl::InvalidArgumentError(
                "logistic model: nested deeper than 64 levels"));
}

TEST(SegmentedLogisticModelTest, ModelLoadServesASegmentedDirectory) {
  const std::string dir = ::testing::TempDir() + "/segmented_model_dir";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/model.json") << kThree;
  std::ofstream(dir + "/metadata.json")
      << R"({"model_version": "seg-v1", "model_type": "logistic",
             "feature_names": ["a", "b", "age"],
             "label": {"counter": "stranger_impressions", "threshold": 1000,
                       "horizon_days": 7}})";
  absl::StatusOr<std::unique_ptr<Model>> loaded = Model::Load(dir, kOrder);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const float row[] = {1.0f, 2.0f, 3.0f};
  float margin = 0;
  ASSERT_TRUE((*loaded)->PredictMargin(row, 1, 3, &margin).ok());
  EXPECT_FLOAT_EQ(margin, 4.0f);
}

}  // namespace
}  // namespace reachrank::ranking
