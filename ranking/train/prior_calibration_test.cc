#include "ranking/train/prior_calibration.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ranking/model/model.h"
#include "ranking/prior.h"
#include "ranking/train/metrics.h"
#include "ranking/train/trainer.h"

namespace reachrank::ranking {
namespace {

using ::testing::HasSubstr;
using V = std::vector<float>;

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST(FitPlattScalingTest, RecoversTheScaleAndOffsetThatMadeTheLabels) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> margin(-4.0, 4.0), u(0.0, 1.0);
  V margins, labels;
  for (int i = 0; i < 40000; ++i) {
    margins.push_back(static_cast<float>(margin(rng)));
    labels.push_back(u(rng) < Sigmoid(0.5 * margins.back() - 1.0) ? 1 : 0);
  }
  absl::StatusOr<PlattScaling> s = FitPlattScaling(margins, labels);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(s->scale, 0.5, 0.03);
  EXPECT_NEAR(s->offset, -1.0, 0.05);
}

TEST(FitPlattScalingTest, SeparatedClassesFitPlattsSmoothedTargets) {
  // Two of each class, split by the margin: the smoothed targets are 3/4
  // and 1/4, so p(1) = 3/4 and p(-1) = 1/4: scale ln 3, offset 0.
  absl::StatusOr<PlattScaling> s =
      FitPlattScaling(V{-1, -1, 1, 1}, V{0, 0, 1, 1});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(s->scale, std::log(3.0), 1e-8);
  EXPECT_NEAR(s->offset, 0.0, 1e-8);
}

TEST(FitPlattScalingTest, EqualMarginsGiveTheSmoothedBaseRate) {
  // Nothing to scale: every row gets the mean smoothed target,
  // (2/3 + 3 * 1/5) / 4, and the scale stays small.
  absl::StatusOr<PlattScaling> s =
      FitPlattScaling(V{0.5f, 0.5f, 0.5f, 0.5f}, V{1, 0, 0, 0});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(Sigmoid(s->scale * 0.5 + s->offset), (2.0 / 3 + 0.6) / 4, 1e-9);
  EXPECT_LT(std::abs(s->scale), 10.0);
}

TEST(FitPlattScalingTest, AZeroWeightDropsTheRow) {
  const V margins = {-2, -1, 0, 0.5f, 1, 2, 3, -0.5f};
  const V labels = {0, 1, 0, 1, 1, 1, 0, 0};
  absl::StatusOr<PlattScaling> weighted = FitPlattScaling(
      margins, labels, V{1, 1, 1, 1, 1, 1, 0, 0});
  absl::StatusOr<PlattScaling> subset =
      FitPlattScaling(V{-2, -1, 0, 0.5f, 1, 2}, V{0, 1, 0, 1, 1, 1});
  ASSERT_TRUE(weighted.ok() && subset.ok());
  EXPECT_NEAR(weighted->scale, subset->scale, 1e-9);
  EXPECT_NEAR(weighted->offset, subset->offset, 1e-9);
  EXPECT_GT(subset->scale, 0.0);
}

TEST(FitPlattScalingTest, RefusesBadInput) {
  auto message = [](const V& m, const V& l, const V& w) {
    return std::string(FitPlattScaling(m, l, w).status().message());
  };
  EXPECT_THAT(message({0, 1}, {0}, {}), HasSubstr("2 margins, 1 labels"));
  EXPECT_THAT(message({0, NAN}, {0, 1}, {}), HasSubstr("margin 1"));
  EXPECT_THAT(message({0, 1}, {0, 2}, {}), HasSubstr("label 1 is 2"));
  EXPECT_THAT(message({0, 1}, {0, 1}, {1, -1}), HasSubstr("weight 1"));
  EXPECT_THAT(message({0, 1}, {1, 1}, {}), HasSubstr("both classes"));
  EXPECT_THAT(message({0, 1}, {0, 1}, {1, 0}), HasSubstr("both classes"));
}

// Draft rows with every prior feature scattered around its center, one an
// hour, labelled at random with p = sigmoid(0.4 * prior margin - 1.5): the
// prior ranks them right but is overconfident.
TrainingSet OverconfidentPriorRows(int n) {
  const std::vector<std::string>& names = FeatureNames(FeatureSet::kDraft);
  std::unique_ptr<Model> prior = *MakePriorModel(FeatureSet::kDraft);
  std::mt19937_64 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  TrainingSet set;
  set.feature_names = names;
  std::vector<float> row(names.size());
  for (int i = 0; i < n; ++i) {
    for (size_t f = 0; f < names.size(); ++f) row[f] = noise(rng);
    for (const PriorTerm& t : PriorTerms(FeatureSet::kDraft)) {
      const size_t f = std::find(names.begin(), names.end(), t.feature) -
                       names.begin();
      row[f] = static_cast<float>(t.center + 2.0 * noise(rng) /
                                                 std::max(0.1, std::abs(t.weight)));
    }
    float margin = 0;
    EXPECT_TRUE(prior->PredictMargin(row.data(), 1, row.size(), &margin).ok());
    const float y = u(rng) < Sigmoid(0.4 * margin - 1.5) ? 1.0f : 0.0f;
    set.AddRow(row, y, absl::FromUnixSeconds(3600LL * i));
  }
  return set;
}

TEST(CalibratedPriorTest, TrainerWritesALogisticModelThatKeepsThePriorsOrder) {
  const TrainingSet set = OverconfidentPriorRows(20000);
  const std::string dir = ::testing::TempDir() + "/prior_calibration_test";
  std::filesystem::remove_all(dir);
  TrainOptions options;
  options.calibrate_prior = true;
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      set, options,
      {"prior-cal-test", {"stranger_impressions", 1000, 7}, "reach"}, dir);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rounds, 0);
  EXPECT_LE(report->max_reload_difference, 1e-5);

  // The prior itself on the same holdout (the latest 20 %).
  const RowRange holdout(set, 16000, 20000);
  std::unique_ptr<Model> prior = *MakePriorModel(FeatureSet::kDraft);
  std::vector<float> prior_p(holdout.num_rows());
  ASSERT_TRUE(prior
                  ->PredictProbability(holdout.rows(), holdout.num_rows(),
                                       holdout.num_features(), prior_p.data())
                  .ok());
  absl::StatusOr<BinaryMetrics> raw = EvaluateBinary(prior_p, holdout.labels());
  ASSERT_TRUE(raw.ok()) << raw.status();
  // A positive scale keeps the order, so the AUC is the prior's (up to
  // ties that float rounding makes near p = 0 and 1) ...
  EXPECT_NEAR(report->holdout.auc, raw->auc, 1e-4);
  // ... and the probabilities come down to the observed rates.
  EXPECT_GT(raw->expected_calibration_error, 0.15);
  EXPECT_LT(report->holdout.expected_calibration_error, 0.03);
  EXPECT_LT(report->holdout.log_loss, raw->log_loss - 0.1);

  absl::StatusOr<std::unique_ptr<Model>> model =
      Model::Load(dir, FeatureNames(FeatureSet::kDraft));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->metadata().model_type, ModelType::kLogistic);
  EXPECT_EQ((*model)->metadata().model_version, "prior-cal-test");
  std::ifstream in(dir + "/metadata.json");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json meta = nlohmann::json::parse(text.str());
  const nlohmann::json& params = meta["training_parameters"];
  EXPECT_NEAR(params["platt_scale"].get<double>(), 0.4, 0.05);
  EXPECT_NEAR(params["platt_offset"].get<double>(), -1.5, 0.1);
}

TEST(CalibratedPriorTest, RefusesLabelsThatRunAgainstThePrior) {
  TrainingSet set = OverconfidentPriorRows(2000);
  for (float& y : set.labels) y = 1.0f - y;
  TrainOptions options;
  options.calibrate_prior = true;
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      set, options, {"v", {"stranger_impressions", 1000, 7}, "reach"},
      ::testing::TempDir() + "/prior_calibration_reversed");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              HasSubstr("does not rise with reach"));
}

TEST(CalibratedPriorTest, RefusesRowsThatAreNotAPriorFeatureSet) {
  TrainingSet set;
  set.feature_names = {"x0", "x1"};
  for (int i = 0; i < 10; ++i) {
    set.AddRow({1.0f * i, 0.0f}, i % 2, absl::FromUnixSeconds(i));
  }
  TrainOptions options;
  options.calibrate_prior = true;
  absl::StatusOr<TrainReport> report = TrainModelDirectory(
      set, options, {"v", {"stranger_impressions", 1000, 7}, "reach"},
      ::testing::TempDir() + "/prior_calibration_refused");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(),
              HasSubstr("draft and live feature sets"));
}

}  // namespace
}  // namespace reachrank::ranking
