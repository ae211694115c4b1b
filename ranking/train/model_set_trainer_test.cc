#include "ranking/train/model_set_trainer.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/model/model.h"

namespace reachrank::ranking {
namespace {

// Draft rows see one feature; live rows also see an early signal.
TrainingRows SyntheticRows() {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  TrainingRows rows;
  rows.draft.feature_names = {"content"};
  rows.live.feature_names = {"content", "early"};
  for (int i = 0; i < 1000; ++i) {
    const float content = normal(rng), early = normal(rng);
    const float y = content + 2 * early + normal(rng) > 0 ? 1.0f : 0.0f;
    const absl::Time t = absl::FromUnixSeconds(3600LL * i);
    rows.draft.AddRow({content}, y, t);
    rows.live.AddRow({content, early}, y, t);
    rows.post_ids.push_back(absl::StrCat("p", i));
  }
  return rows;
}

TEST(ModelSetTrainerTest, TrainsDraftAndLiveDirectories) {
  const std::string dir = ::testing::TempDir() + "/model_set_trainer_test";
  std::filesystem::remove_all(dir);
  TrainOptions options;
  options.xgboost.rounds = 30;
  options.xgboost.nthread = 1;
  const ModelDescription description{
      "trees-set", ToLabelDefinition(LabelConfig{}), "default label"};
  absl::StatusOr<ModelSetReport> report =
      TrainModelSet(SyntheticRows(), options, description, dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->draft.holdout.rows, 200u);
  EXPECT_GT(report->live.holdout.auc, report->draft.holdout.auc);

  absl::StatusOr<std::unique_ptr<Model>> draft =
      Model::Load(dir + "/draft", {"content"});
  ASSERT_TRUE(draft.ok()) << draft.status();
  absl::StatusOr<std::unique_ptr<Model>> live =
      Model::Load(dir + "/live", {"content", "early"});
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ((*live)->version(), "trees-set");
  EXPECT_EQ((*live)->metadata().label.counter, "stranger_impressions");
  EXPECT_EQ((*live)->metadata().label.threshold, 1000.0);
  EXPECT_EQ((*live)->metadata().label.horizon_days, 7);
}

// A set whose live model fails leaves the previous set whole: the new
// draft model is not published beside the old live one.
TEST(ModelSetTrainerTest, NamesTheFailingModelAndKeepsThePreviousSet) {
  const std::string dir = ::testing::TempDir() + "/model_set_trainer_bad";
  std::filesystem::remove_all(dir);
  TrainOptions options;
  options.xgboost.rounds = 5;
  options.xgboost.nthread = 1;
  ASSERT_TRUE(TrainModelSet(SyntheticRows(), options,
                            {"old", ToLabelDefinition(LabelConfig{}), ""}, dir)
                  .ok());
  TrainingRows rows = SyntheticRows();
  rows.live.labels.pop_back();
  absl::StatusOr<ModelSetReport> report = TrainModelSet(
      rows, options, {"new", ToLabelDefinition(LabelConfig{}), ""}, dir);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), ::testing::StartsWith("live: "));
  absl::StatusOr<std::unique_ptr<Model>> draft =
      Model::Load(dir + "/draft", {"content"});
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ((*draft)->version(), "old");
  // No staging directory is left behind.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_THAT(entry.path().filename().string(),
                ::testing::AnyOf("draft", "live"));
    ++entries;
  }
  EXPECT_EQ(entries, 2);

  // A file in live/ that is not the model's stops the publication before
  // the draft is replaced either.
  std::ofstream(dir + "/live/README") << "notes";
  report = TrainModelSet(SyntheticRows(), options,
                         {"newer", ToLabelDefinition(LabelConfig{}), ""}, dir);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), ::testing::HasSubstr("README"));
  draft = Model::Load(dir + "/draft", {"content"});
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ((*draft)->version(), "old");
}

}  // namespace
}  // namespace reachrank::ranking
