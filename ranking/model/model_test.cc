#include "ranking/model/model.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/model/xgboost_testing.h"

namespace reachrank::ranking {
namespace {

using ::testing::HasSubstr;

std::string MetadataJson(const std::string& type,
                         const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names)
    list += absl::StrCat(list.empty() ? "" : ", ", "\"", n, "\"");
  return absl::StrCat(R"({"model_version": "test-v1", "model_type": ")", type,
                      R"(", "feature_names": [)", list, R"(],
    "label": {"counter": "stranger_impressions", "threshold": 1000, "horizon_days": 7},
    "training_window": {"start": "2024-01-01T00:00:00Z", "end": "2024-05-31T00:00:00Z"},
    "holdout_metrics": {"auc": 0.74, "log_loss": 0.52}})");
}

std::string MakeDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + name;
  std::filesystem::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

const std::vector<std::string> kFour = {"f0", "f1", "f2", "f3"};

TEST(ModelTest, LoadsTreeModelDirectory) {
  const std::string dir = MakeDir("model_trees");
  testing::TrainSpec spec;
  spec.num_features = 4;
  spec.num_trees = 5;
  spec.max_depth = 3;
  spec.with_feature_names = true;
  auto booster = testing::Booster::Train(spec, dir + "/model.json");
  ASSERT_TRUE(booster.ok()) << booster.status();
  Write(dir + "/metadata.json", MetadataJson("xgboost", kFour));

  absl::StatusOr<std::unique_ptr<Model>> model = Model::Load(dir, kFour);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->version(), "test-v1");
  EXPECT_EQ((*model)->num_features(), 4u);
  EXPECT_EQ((*model)->metadata().label.horizon_days, 7);
  EXPECT_EQ((*model)->metadata().holdout_metrics.at("auc"), 0.74);
  ASSERT_TRUE((*model)->metadata().training_window.has_value());

  const std::vector<float> rows = testing::RandomRows(20, 4, 0.2, 3);
  std::vector<float> ours(20);
  ASSERT_TRUE(
      (*model)->PredictProbability(rows.data(), 20, 4, ours.data()).ok());
  auto want = (*booster)->Predict(rows, 4, testing::PredictKind::kProbability);
  ASSERT_TRUE(want.ok());
  for (size_t i = 0; i < 20; ++i) EXPECT_NEAR(ours[i], (*want)[i], 1e-6);

  // The extractor's list differs: refused, naming the first difference.
  absl::StatusOr<std::unique_ptr<Model>> wrong =
      Model::Load(dir, {"f0", "f1", "fX", "f3"});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("feature 2 is 'f2' but 'fX' is expected"));
  wrong = Model::Load(dir, {"f0", "f1", "f2", "f3", "f4"});
  EXPECT_THAT(wrong.status().message(), HasSubstr("first missing: 'f4'"));
}

TEST(ModelTest, RefusesMetadataThatDisagreesWithTheModel) {
  const std::string dir = MakeDir("model_trees_mismatch");
  testing::TrainSpec spec;
  spec.num_features = 4;
  spec.num_trees = 2;
  spec.with_feature_names = true;
  auto booster = testing::Booster::Train(spec, dir + "/model.json");
  ASSERT_TRUE(booster.ok());
  const std::vector<std::string> renamed = {"f0", "f1", "f3", "f2"};
  Write(dir + "/metadata.json", MetadataJson("xgboost", renamed));
  EXPECT_THAT(Model::Load(dir, renamed).status().message(),
              HasSubstr("model.json: feature 2 is 'f2' but 'f3' is expected"));
  Write(dir + "/metadata.json", MetadataJson("xgboost", {"f0", "f1", "f2"}));
  EXPECT_THAT(Model::LoadAnyFeatures(dir).status().message(),
              HasSubstr("has 4 features; metadata.json lists 3"));
}

TEST(ModelTest, LoadsLogisticPriorDirectory) {
  const std::string dir = MakeDir("model_prior");
  Write(dir + "/model.json", R"({"intercept": -2, "weights": {"f1": 0.5}})");
  Write(dir + "/metadata.json", MetadataJson("logistic", kFour));
  absl::StatusOr<std::unique_ptr<Model>> model = Model::Load(dir, kFour);
  ASSERT_TRUE(model.ok()) << model.status();
  const float row[4] = {1, 2, 3, 4};
  float contribs[5];
  ASSERT_TRUE((*model)->PredictContributions(row, 1, 4, contribs).ok());
  EXPECT_THAT(contribs, ::testing::ElementsAre(0.0f, 1.0f, 0.0f, 0.0f, -2.0f));
}

TEST(ModelTest, RefusesBadMetadata) {
  const std::string dir = MakeDir("model_bad_meta");
  Write(dir + "/model.json", R"({"intercept": 0, "weights": {}})");
  auto refused = [&](const std::string& meta) {
    Write(dir + "/metadata.json", meta);
    return std::string(Model::LoadAnyFeatures(dir).status().message());
  };
  std::string good = MetadataJson("logistic", kFour);
  EXPECT_THAT(refused(MetadataJson("forest", kFour)),
              HasSubstr("model_type: is 'forest'"));
  EXPECT_THAT(refused(MetadataJson("logistic", {})),
              HasSubstr("feature_names: must not be empty"));
  EXPECT_THAT(refused(MetadataJson("logistic", {"a", "a"})),
              HasSubstr("'a' is listed twice"));
  std::string bad = good;
  bad.replace(bad.find("2024-01-01T00:00:00Z"), 20, "yesterday");
  EXPECT_THAT(refused(bad),
              HasSubstr("training_window.start: not an RFC 3339 time"));
  bad = good;
  bad.replace(bad.find("\"horizon_days\": 7"), 17, "\"horizon_days\": 0");
  EXPECT_THAT(refused(bad), HasSubstr("label.horizon_days"));
  EXPECT_EQ(Model::LoadAnyFeatures(dir + "/nowhere").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reachrank::ranking
