#include "ranking/train/prior_calibration.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ranking/model/model.h"
#include "ranking/model/segmented_logistic_model.h"
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
  ASSERT_EQ(params["segments"].size(), 1u) << params;
  const nlohmann::json& one = params["segments"][0];
  // margin = -1 + D, labels at 0.4 * margin - 1.5 = 0.4 * D - 1.9.
  EXPECT_NEAR(one["draft_scale"].get<double>(), 0.4, 0.05);
  EXPECT_NEAR(one["offset"].get<double>(), -1.9, 0.1);
  EXPECT_EQ(one["rows"].get<size_t>(), 16000u);
  EXPECT_FALSE(one["pooled"].get<bool>());
  EXPECT_FALSE(one.contains("up_to_hours"));
}

// `train --calibrate-prior` on `set`, into a directory named `name`.
absl::StatusOr<TrainReport> TrainCalibrated(const TrainingSet& set,
                                            const std::string& name) {
  TrainOptions options;
  options.calibrate_prior = true;
  return TrainModelDirectory(
      set, options, {"v", {"stranger_impressions", 1000, 7}, "reach"},
      ::testing::TempDir() + "/" + name);
}

// Early stopping has no rounds to stop in a calibration: its validation
// slice would be neither fitted nor scored. All earlier rows are fitted.
TEST(CalibratedPriorTest, EarlyStoppingDoesNotSetRowsAside) {
  TrainOptions options;
  options.calibrate_prior = true;
  options.xgboost.early_stopping_rounds = 10;
  absl::StatusOr<TrainReport> report =
      TrainModelDirectory(OverconfidentPriorRows(2000), options,
                          {"v", {"stranger_impressions", 1000, 7}, "reach"},
                          ::testing::TempDir() + "/prior_calibration_early");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->validation_rows, 0u);
  EXPECT_EQ(report->fit.rows, 1600u);
}

TEST(CalibratedPriorTest, RefusesLabelsThatRunAgainstThePrior) {
  TrainingSet set = OverconfidentPriorRows(2000);
  for (float& y : set.labels) y = 1.0f - y;
  absl::StatusOr<TrainReport> report =
      TrainCalibrated(set, "prior_calibration_reversed");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              HasSubstr("does not rise with reach"));
}

// Two columns of `n` normal values and labels drawn with
// p = sigmoid(scale_a * a + scale_b * b + offset).
struct TwoColumns {
  V a, b, labels;
};

TwoColumns DrawTwoColumns(uint64_t seed, int n, double scale_a,
                          double scale_b, double offset) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> x(0.0, 2.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  TwoColumns c;
  for (int i = 0; i < n; ++i) {
    c.a.push_back(static_cast<float>(x(rng)));
    c.b.push_back(static_cast<float>(x(rng)));
    c.labels.push_back(
        u(rng) < Sigmoid(scale_a * c.a.back() + scale_b * c.b.back() + offset));
  }
  return c;
}

TEST(FitPlattTest, RecoversTwoScalesAndTheOffset) {
  const auto [a, b, labels] = DrawTwoColumns(5, 40000, 0.3, 1.2, -0.5);
  absl::StatusOr<PlattFit> fit = FitPlatt({a, b}, labels);
  ASSERT_TRUE(fit.ok()) << fit.status();
  ASSERT_EQ(fit->scales.size(), 2u);
  EXPECT_NEAR(fit->scales[0], 0.3, 0.03);
  EXPECT_NEAR(fit->scales[1], 1.2, 0.05);
  EXPECT_NEAR(fit->offset, -0.5, 0.05);
  EXPECT_THAT(std::string(FitPlatt({}, labels).status().message()),
              HasSubstr("no column"));
}

TEST(FitPlattTest, PositiveFitDropsAColumnThatRunsAgainstTheLabels) {
  auto [a, b, labels] = DrawTwoColumns(9, 20000, 0.8, -0.6, 0.0);
  absl::StatusOr<PlattFit> free_fit = FitPlatt({a, b}, labels);
  ASSERT_TRUE(free_fit.ok());
  EXPECT_LT(free_fit->scales[1], -0.5);
  absl::StatusOr<PlattFit> positive = FitPositivePlatt({a, b}, labels);
  ASSERT_TRUE(positive.ok()) << positive.status();
  EXPECT_EQ(positive->scales[1], 0.0);
  EXPECT_GT(positive->scales[0], 0.5);
  // The same as fitting `a` alone.
  absl::StatusOr<PlattFit> alone = FitPlatt({a}, labels);
  EXPECT_NEAR(positive->scales[0], alone->scales[0], 1e-9);
  EXPECT_NEAR(positive->offset, alone->offset, 1e-9);
  // Both columns against the labels: nothing positive fits.
  for (float& y : labels) y = 1.0f - y;
  for (float& v : b) v = -v;
  EXPECT_EQ(FitPositivePlatt({a, b}, labels).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Live rows (draft features and early signals scattered around the
// prior's centers) at the ages 1, 6 and 24 hours, labelled with one
// scaling of the prior's parts per age; the last age has `last_age_rows`
// rows, the others `rows_per_age`.
TrainingSet LiveRowsScaledPerAge(int rows_per_age, int last_age_rows) {
  const FeatureSet set = FeatureSet::kLive;
  const std::vector<std::string>& names = FeatureNames(set);
  std::mt19937_64 rng(13);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const float ages[] = {1.0f, 6.0f, 24.0f};
  const PriorScaling truth[] = {{0.5, 0.0, -1.0}, {0.2, 2.0, -1.5},
                                {0.1, 4.0, -2.0}};
  TrainingSet rows;
  rows.feature_names = names;
  std::vector<float> row(names.size());
  int64_t hour = 0;
  for (int a = 0; a < 3; ++a) {
    for (int i = 0; i < (a == 2 ? last_age_rows : rows_per_age); ++i) {
      for (size_t f = 0; f < names.size(); ++f) row[f] = noise(rng);
      for (const PriorTerm& t : PriorTerms(set)) {
        const size_t f = std::find(names.begin(), names.end(), t.feature) -
                         names.begin();
        row[f] = static_cast<float>(
            t.center + 1.5 * noise(rng) / std::max(0.1, std::abs(t.weight)));
      }
      row[kEarlyPostAgeHours] = ages[a] - 0.25f;
      const PriorParts parts = PriorPartsOf(set, row.data());
      const float y = u(rng) < Sigmoid(truth[a].Margin(parts)) ? 1.0f : 0.0f;
      rows.AddRow(row, y, absl::FromUnixSeconds(3600 * hour++));
    }
  }
  return rows;
}

// The prior calibrated on all of `set` with ranges up to 1 h, 6 h, above.
CalibratedPrior FitThreeAges(const TrainingSet& set) {
  absl::StatusOr<CalibratedPrior> prior = CalibratedPrior::Fit(
      RowRange(set, 0, set.num_rows()), {}, {1.0, 6.0});
  EXPECT_TRUE(prior.ok()) << prior.status();
  EXPECT_EQ(prior->segments().size(), 3u);
  return *std::move(prior);
}

TEST(CalibratedPriorTest, LiveRowsGetOneScalingPerAge) {
  const TrainingSet set = LiveRowsScaledPerAge(6000, 6000);
  const CalibratedPrior prior = FitThreeAges(set);
  const std::vector<CalibrationSegment>& s = prior.segments();
  EXPECT_EQ(s[0].up_to_hours, 1.0);
  EXPECT_EQ(s[1].up_to_hours, 6.0);
  EXPECT_TRUE(std::isinf(s[2].up_to_hours));
  const double draft[] = {0.5, 0.2, 0.1}, early[] = {0.0, 2.0, 4.0};
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(s[a].rows, 6000u);
    EXPECT_FALSE(s[a].pooled);
    EXPECT_NEAR(s[a].scaling.draft_scale, draft[a], 0.06) << a;
    EXPECT_NEAR(s[a].scaling.early_scale, early[a], 0.3) << a;
  }
  // Written and loaded, the model scores every row as the fit does.
  const std::string path = ::testing::TempDir() + "/calibrated_live.json";
  ASSERT_TRUE(prior.SaveJson(path).ok());
  absl::StatusOr<SegmentedLogisticModel> loaded =
      SegmentedLogisticModel::LoadFile(path, FeatureNames(FeatureSet::kLive));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->num_segments(), 3u);
  absl::StatusOr<std::vector<float>> fitted = prior.PredictFitted();
  ASSERT_TRUE(fitted.ok());
  std::vector<float> reloaded(set.num_rows());
  ASSERT_TRUE(loaded
                  ->PredictProbability(set.rows.data(), set.num_rows(),
                                       set.num_features(), reloaded.data())
                  .ok());
  for (size_t i = 0; i < reloaded.size(); i += 97) {
    EXPECT_NEAR(reloaded[i], (*fitted)[i], 1e-5) << i;
  }
}

TEST(CalibratedPriorTest, AnAgeWithTooFewRowsTakesThePooledScaling) {
  const TrainingSet set = LiveRowsScaledPerAge(3000, 30);
  const RowRange all(set, 0, set.num_rows());
  const CalibratedPrior prior = FitThreeAges(set);
  const std::vector<CalibrationSegment>& s = prior.segments();
  EXPECT_FALSE(s[0].pooled);
  EXPECT_FALSE(s[1].pooled);
  EXPECT_TRUE(s[2].pooled);
  EXPECT_EQ(s[2].rows, 30u);
  absl::StatusOr<CalibratedPrior> one = CalibratedPrior::Fit(all, {});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->segments().size(), 1u);
  EXPECT_EQ(s[2].scaling.draft_scale, one->segments()[0].scaling.draft_scale);
  EXPECT_EQ(s[2].scaling.early_scale, one->segments()[0].scaling.early_scale);
  EXPECT_EQ(CalibratedPrior::Fit(all, {}, {6.0, 1.0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CalibratedPriorTest, RefusesRowsThatAreNotAPriorFeatureSet) {
  TrainingSet set;
  set.feature_names = {"x0", "x1"};
  for (int i = 0; i < 10; ++i) {
    set.AddRow({1.0f * i, 0.0f}, i % 2, absl::FromUnixSeconds(i));
  }
  absl::StatusOr<TrainReport> report =
      TrainCalibrated(set, "prior_calibration_refused");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(),
              HasSubstr("draft and live feature sets"));
}

}  // namespace
}  // namespace reachrank::ranking
