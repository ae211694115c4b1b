#include "ranking/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/model/model.h"

namespace reachrank::ranking {
namespace {

// 2,000 rows a day apart, stored out of time order: the label follows
// x0 - x1 plus noise; x2 is noise and a tenth of x1 is missing.
TrainingSet Synthetic(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  TrainingSet set;
  set.feature_names = {"x0", "x1", "x2"};
  for (int i = 0; i < 2000; ++i) {
    const float x0 = normal(rng), x1 = normal(rng), x2 = normal(rng);
    const float y = x0 - x1 + 0.5f * normal(rng) > 0 ? 1.0f : 0.0f;
    const float x1_seen =
        i % 10 == 3 ? std::numeric_limits<float>::quiet_NaN() : x1;
    const int day = (i * 7919) % 2000;  // a permutation of 0..1999
    set.AddRow({x0, x1_seen, x2}, y, absl::FromUnixSeconds(86400LL * day));
  }
  return set;
}

ModelDescription Description() {
  return {"trees-test",
          {"stranger_impressions", 1000, 7},
          "stranger_impressions >= 1000 within 7 days"};
}

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/trainer_test_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(TrainerTest, WritesADirectoryModelLoadServes) {
  const std::string dir = FreshDir("writes");
  TrainOptions options;
  options.xgboost.rounds = 60;
  options.xgboost.early_stopping_rounds = 10;
  options.xgboost.nthread = 1;
  absl::StatusOr<TrainReport> report =
      TrainModelDirectory(Synthetic(1), options, Description(), dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->holdout.rows, 400u);
  EXPECT_EQ(report->validation_rows, 320u);
  EXPECT_EQ(report->fit.rows, 1280u);
  EXPECT_GT(report->holdout.auc, 0.85);
  EXPECT_LE(report->max_reload_difference, 1e-5);
  EXPECT_GE(report->rounds, 1);
  EXPECT_LE(report->rounds, 60);
  // The time split: every holdout row is later than every training row.
  ASSERT_TRUE(report->training_window && report->holdout_window);
  EXPECT_EQ(report->training_window->start, absl::FromUnixSeconds(0));
  EXPECT_EQ(report->training_window->end, absl::FromUnixSeconds(86400 * 1599));
  EXPECT_EQ(report->holdout_window->start, absl::FromUnixSeconds(86400 * 1600));

  absl::StatusOr<std::unique_ptr<Model>> model =
      Model::Load(dir, {"x0", "x1", "x2"});
  ASSERT_TRUE(model.ok()) << model.status();
  const ModelMetadata& meta = (*model)->metadata();
  EXPECT_EQ(meta.model_version, "trees-test");
  EXPECT_EQ(meta.model_type, ModelType::kXGBoost);
  EXPECT_EQ(meta.label.counter, "stranger_impressions");
  EXPECT_EQ(meta.label.horizon_days, 7);
  EXPECT_DOUBLE_EQ(meta.holdout_metrics.at("auc"), report->holdout.auc);
  EXPECT_DOUBLE_EQ(meta.holdout_metrics.at("log_loss"),
                   report->holdout.log_loss);
  EXPECT_DOUBLE_EQ(meta.holdout_metrics.at("expected_calibration_error"),
                   report->holdout.expected_calibration_error);
  ASSERT_TRUE(meta.training_window.has_value());
  EXPECT_EQ(meta.training_window->end, report->training_window->end);
}

TEST(TrainerTest, EarlyStoppingKeepsFewerRounds) {
  TrainOptions options;
  options.xgboost.rounds = 400;
  options.xgboost.eta = 0.5;  // overfits quickly
  options.xgboost.max_depth = 6;
  options.xgboost.min_child_weight = 1;
  options.xgboost.early_stopping_rounds = 5;
  options.xgboost.nthread = 1;
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      Synthetic(2), options, Description(), FreshDir("early"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_LT(report->rounds, 100);
  EXPECT_LE(report->max_reload_difference, 1e-5);
}

TEST(TrainerTest, WithoutEarlyStoppingTrainsAllRoundsOnAllEarlierRows) {
  TrainOptions options;
  options.xgboost.rounds = 7;
  options.xgboost.nthread = 1;
  std::vector<std::pair<int, int>> progress;
  options.on_round = [&progress](int round, int rounds) {
    progress.emplace_back(round, rounds);
  };
  ASSERT_EQ(options.xgboost.early_stopping_rounds, 0);
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      Synthetic(3), options, Description(), FreshDir("all_rounds"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rounds, 7);
  ASSERT_EQ(progress.size(), 7u);  // once per round, in order
  EXPECT_EQ(progress.front(), std::make_pair(1, 7));
  EXPECT_EQ(progress.back(), std::make_pair(7, 7));
  EXPECT_EQ(report->validation_rows, 0u);
  EXPECT_EQ(report->fit.rows, 1600u);
}

// Rows whose labels settle after the holdout begins are left out: with a
// 7-day horizon and the holdout from day 1600, days 1594..1599 (six rows)
// are neither fitted nor validated; the metadata counts them.
TEST(TrainerTest, RowsWhoseLabelsSettleInTheHoldoutAreLeftOut) {
  TrainOptions options;
  options.xgboost.rounds = 3;
  options.xgboost.nthread = 1;
  options.label_horizon = absl::Hours(24 * 7);
  const std::string dir = FreshDir("purged");
  absl::StatusOr<TrainReport> report =
      TrainModelDirectory(Synthetic(3), options, Description(), dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->fit.rows, 1594u);
  EXPECT_EQ(report->purged_rows, 6u);
  EXPECT_EQ(report->holdout.rows, 400u);
  ASSERT_TRUE(report->training_window.has_value());
  EXPECT_EQ(report->training_window->end,
            absl::FromUnixSeconds(86400LL * 1593));
  std::ifstream in(dir + "/metadata.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"purged\": 6"), std::string::npos) << text.str();
  // With early stopping the validation slice comes from the kept rows.
  options.xgboost.early_stopping_rounds = 2;
  report = TrainModelDirectory(Synthetic(3), options, Description(),
                               FreshDir("purged_early"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->fit.rows + report->validation_rows, 1594u);
  EXPECT_EQ(report->purged_rows, 6u);
}

// A database label counts the hour in progress at its horizon whole
// (TrainOptions::hourly_labels): with the
// holdout from day 1600 10:50, a post of day 1593 10:40 (horizon over at
// 10:40, its hour at 11:00) is left out too.
TEST(TrainerTest, ALabelWhoseLastHourEndsInTheHoldoutIsLeftOut) {
  TrainingSet set = Synthetic(3);
  for (absl::Time& t : set.times) {
    if (t == absl::FromUnixSeconds(86400LL * 1600)) t += absl::Minutes(650);
    if (t == absl::FromUnixSeconds(86400LL * 1593)) t += absl::Minutes(640);
  }
  TrainOptions options;
  options.xgboost.rounds = 3;
  options.xgboost.nthread = 1;
  options.label_horizon = absl::Hours(24 * 7);
  options.hourly_labels = true;
  absl::StatusOr<TrainReport> report =
      TrainModelDirectory(set, options, Description(), FreshDir("purged_hour"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->purged_rows, 7u);
  EXPECT_EQ(report->fit.rows, 1593u);
  EXPECT_EQ(report->holdout.rows, 400u);
  // A CSV table's outcome settles at time + horizon exactly.
  options.hourly_labels = false;
  report = TrainModelDirectory(set, options, Description(),
                               FreshDir("purged_exact"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->purged_rows, 6u);
}

TEST(TrainerTest, RecencyWeightsHalveEveryHalfLifeBackFromTheLatestRow) {
  EXPECT_TRUE(RecencyWeights(5, 0.0).empty());
  // 5 rows, half-life 0.2 * 5 = 1 row.
  EXPECT_THAT(RecencyWeights(5, 0.2),
              ::testing::ElementsAre(0.0625f, 0.125f, 0.25f, 0.5f, 1.0f));
  // 2^-200 is 0 in float: the oldest row keeps the smallest normal weight.
  const std::vector<float> tiny = RecencyWeights(1001, 0.005);
  EXPECT_EQ(tiny.front(), std::numeric_limits<float>::min());
  EXPECT_EQ(tiny.back(), 1.0f);
}

// 2,000 rows in time order whose label follows x0 for the first 1,400 and
// x1 afterwards: the holdout (latest 400) follows x1.
TrainingSet Drifting() {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  TrainingSet set;
  set.feature_names = {"x0", "x1"};
  for (int i = 0; i < 2000; ++i) {
    const float x0 = normal(rng), x1 = normal(rng);
    const float driver = i < 1400 ? x0 : x1;
    set.AddRow({x0, x1}, driver + 0.3f * normal(rng) > 0 ? 1.0f : 0.0f,
               absl::FromUnixSeconds(3600LL * i));
  }
  return set;
}

TEST(TrainerTest, RecencyWeightingFollowsADriftingLabel) {
  TrainOptions options;
  options.xgboost.rounds = 50;
  options.xgboost.nthread = 1;
  options.xgboost.min_child_weight = 1.0;  // weighted rows, see trainer.h
  absl::StatusOr<TrainReport> flat = TrainModelDirectory(
      Drifting(), options, Description(), FreshDir("flat"));
  options.recency_half_life = 0.05;  // 80 of the 1,600 fitted rows
  absl::StatusOr<TrainReport> recent = TrainModelDirectory(
      Drifting(), options, Description(), FreshDir("recent"));
  ASSERT_TRUE(flat.ok()) << flat.status();
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_GT(recent->holdout.auc, flat->holdout.auc + 0.1);
  EXPECT_GT(recent->holdout.auc, 0.9);
}

TEST(TrainerTest, FitsTargetsWhenGivenAndScoresLabels) {
  // Targets that invert the labels: the trees learn the targets, so the
  // holdout AUC (always on the labels) falls far below 0.5.
  TrainingSet inverted = Synthetic(5);
  for (float y : inverted.labels) inverted.targets.push_back(1.0f - y);
  TrainOptions options;
  options.xgboost.rounds = 40;
  options.xgboost.nthread = 1;
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      inverted, options, Description(), FreshDir("targets"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_LT(report->holdout.auc, 0.15);
}

TEST(TrainerTest, ParallelTreesAndPerSplitColumnsLoadBackExactly) {
  const std::string dir = FreshDir("forest");
  TrainOptions options;
  options.xgboost.rounds = 30;
  options.xgboost.nthread = 1;
  options.xgboost.num_parallel_tree = 3;
  options.xgboost.colsample_bynode = 0.5;
  absl::StatusOr<TrainReport> report =
      TrainModelDirectory(Synthetic(6), options, Description(), dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->holdout.auc, 0.85);
  EXPECT_LE(report->max_reload_difference, 1e-5);
  EXPECT_EQ(report->rounds, 30);
}

// Each row of Synthetic() three times, the copies next to each other with
// the same time: one post seen at three ages, say.
TrainingSet ThreeRowsPerPost() {
  const TrainingSet once = Synthetic(3);
  std::vector<size_t> order(once.num_rows());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return once.times[a] < once.times[b];
  });
  TrainingSet set;
  set.feature_names = once.feature_names;
  for (size_t i : order) {
    const float* row = once.row(i);
    for (int copy = 0; copy < 3; ++copy) {
      set.AddRow(absl::MakeConstSpan(row, once.num_features()), once.labels[i],
                 once.times[i]);
    }
  }
  return set;
}

TEST(TrainerTest, RowsOfOnePostCountOnceInTheHoldoutError) {
  const TrainingSet set = ThreeRowsPerPost();
  TrainOptions options;
  options.xgboost.rounds = 40;
  options.xgboost.nthread = 1;
  absl::StatusOr<TrainReport> rows =
      TrainModelDirectory(set, options, Description(), FreshDir("per_row"));
  options.rows_per_post = 3;
  absl::StatusOr<TrainReport> posts =
      TrainModelDirectory(set, options, Description(), FreshDir("per_post"));
  ASSERT_TRUE(rows.ok() && posts.ok());
  EXPECT_EQ(posts->holdout.rows, 1200u);
  EXPECT_EQ(posts->holdout.auc, rows->holdout.auc);  // the same model
  // 400 posts, not 1,200 independent rows: sqrt(3) times the error.
  EXPECT_NEAR(posts->holdout.auc_standard_error,
              std::sqrt(3.0) * rows->holdout.auc_standard_error,
              0.02 * posts->holdout.auc_standard_error);
}

TEST(TrainerTest, RefusesBadInput) {
  const std::string dir = FreshDir("bad");
  TrainOptions options;
  options.xgboost.eta = 0.0;
  EXPECT_EQ(TrainModelDirectory(Synthetic(4), options, Description(), dir)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  TrainOptions bad_recency;
  bad_recency.recency_half_life = 1.5;
  EXPECT_EQ(TrainModelDirectory(Synthetic(4), bad_recency, Description(), dir)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  for (auto breaks : {+[](XGBoostParams& p) { p.colsample_bynode = 0.0; },
                      +[](XGBoostParams& p) { p.num_parallel_tree = 0; }}) {
    TrainOptions bad;
    breaks(bad.xgboost);
    EXPECT_EQ(TrainModelDirectory(Synthetic(4), bad, Description(), dir)
                  .status()
                  .code(),
              absl::StatusCode::kInvalidArgument);
  }
  ModelDescription no_version = Description();
  no_version.model_version.clear();
  EXPECT_EQ(
      TrainModelDirectory(Synthetic(4), {}, no_version, dir).status().code(),
      absl::StatusCode::kInvalidArgument);
  TrainingSet one_class = Synthetic(4);
  for (float& y : one_class.labels) y = 1.0f;
  EXPECT_EQ(
      TrainModelDirectory(one_class, {}, Description(), dir).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir + "/model.json"));
}

}  // namespace
}  // namespace reachrank::ranking
