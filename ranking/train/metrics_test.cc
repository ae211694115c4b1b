#include "ranking/train/metrics.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::ranking {
namespace {

using V = std::vector<float>;

double AucOf(const V& scores, const V& labels) {
  absl::StatusOr<double> auc = Auc(scores, labels);
  EXPECT_TRUE(auc.ok()) << auc.status();
  return auc.value_or(-1.0);
}

TEST(AucTest, CountsOrderedPairs) {
  // Positives 0.35 and 0.8 beat 3 of the 4 (positive, negative) pairs.
  EXPECT_DOUBLE_EQ(AucOf({0.1f, 0.4f, 0.35f, 0.8f}, {0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(AucOf({0.1f, 0.2f, 0.3f}, {0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(AucOf({0.9f, 0.2f, 0.3f}, {1, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(AucOf({0.1f, 0.2f, 0.3f}, {1, 0, 0}), 0.0);
}

TEST(AucTest, TiesCountOneHalf) {
  // Positive 0.5 ties both negatives (0.5 + 0.5); positive 0.9 beats both.
  EXPECT_DOUBLE_EQ(AucOf({0.5f, 0.5f, 0.5f, 0.9f}, {0, 1, 0, 1}), 0.75);
  EXPECT_DOUBLE_EQ(AucOf({0.3f, 0.3f, 0.3f, 0.3f}, {0, 1, 1, 0}), 0.5);
  // 2 positives x 3 negatives: 0.7 beats 0.2 and ties 0.7 twice (2 pairs);
  // 0.2 ties 0.2 (0.5) and loses to the two 0.7s.
  EXPECT_DOUBLE_EQ(AucOf({0.7f, 0.2f, 0.2f, 0.7f, 0.7f}, {1, 1, 0, 0, 0}),
                   2.5 / 6.0);
}

TEST(AucTest, RejectsBadInput) {
  EXPECT_EQ(Auc(V{0.1f, 0.2f}, V{1, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Auc(V{0.1f, 0.2f}, V{1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Auc(V{0.1f, 0.2f}, V{1, 2}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Auc(V{std::numeric_limits<float>::quiet_NaN(), 0.2f}, V{1, 0})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

AucEstimate EstimateOf(const V& scores, const V& labels) {
  absl::StatusOr<AucEstimate> e = EstimateAuc(scores, labels);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.value_or(AucEstimate{-1.0, -1.0});
}

// Each row's structural component from its definition, over every pair:
// {positives' components, negatives' components}, each in row order.
std::pair<std::vector<double>, std::vector<double>> ComponentsByPairs(
    const V& scores, const V& labels) {
  std::vector<double> v10, v01;
  for (size_t i = 0; i < scores.size(); ++i) {
    double outranked = 0.0, n = 0.0;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (labels[j] == labels[i]) continue;
      const float pos = labels[i] == 1 ? scores[i] : scores[j];
      const float neg = labels[i] == 1 ? scores[j] : scores[i];
      outranked += pos > neg ? 1.0 : pos == neg ? 0.5 : 0.0;
      n += 1.0;
    }
    (labels[i] == 1 ? v10 : v01).push_back(outranked / n);
  }
  return {v10, v01};
}

double MeanOf(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / v.size();
}

double VarianceOf(const std::vector<double>& v) {
  const double mean = MeanOf(v);
  double s = 0.0;
  for (double x : v) s += (x - mean) * (x - mean);
  return s / (v.size() - 1);
}

// DeLong's estimate straight from its definition, over every pair.
AucEstimate DeLongByPairs(const V& scores, const V& labels) {
  const auto [v10, v01] = ComponentsByPairs(scores, labels);
  return {MeanOf(v10), std::sqrt(VarianceOf(v10) / v10.size() +
                                  VarianceOf(v01) / v01.size())};
}

TEST(EstimateAucTest, StandardErrorOfASmallExample) {
  // Positives 0.9 (beats both negatives) and 0.4 (beats 0.1): components
  // 1 and 0.5; negatives 0.5 (below 0.9 only) and 0.1 (below both): 0.5
  // and 1. Each class's sample variance is 1/8, so se^2 = 1/16 + 1/16.
  AucEstimate e = EstimateOf({0.9f, 0.5f, 0.4f, 0.1f}, {1, 0, 1, 0});
  EXPECT_DOUBLE_EQ(e.auc, 0.75);
  EXPECT_NEAR(e.standard_error, std::sqrt(0.125), 1e-12);
  // One positive: only the negatives' components (0 and 1) vary.
  e = EstimateOf({0.3f, 0.5f, 0.1f}, {1, 0, 0});
  EXPECT_DOUBLE_EQ(e.auc, 0.5);
  EXPECT_NEAR(e.standard_error, 0.5, 1e-12);
}

TEST(EstimateAucTest, EqualsTheDefinitionWithTies) {
  // Scores on a coarse grid, so that many rows tie across the classes.
  std::vector<float> scores, labels;
  uint32_t state = 12345;
  auto next = [&state] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (int i = 0; i < 300; ++i) {
    const bool positive = next() % 100 < 40;
    const int grid = static_cast<int>(next() % 8) + (positive ? 2 : 0);
    scores.push_back(0.1f * grid);
    labels.push_back(positive ? 1.0f : 0.0f);
  }
  const AucEstimate want = DeLongByPairs(scores, labels);
  const AucEstimate got = EstimateOf(scores, labels);
  EXPECT_NEAR(got.auc, want.auc, 1e-12);
  EXPECT_NEAR(got.standard_error, want.standard_error, 1e-12);
  EXPECT_GT(got.auc, 0.6);  // the classes do separate
  EXPECT_GT(got.standard_error, 0.01);
  EXPECT_DOUBLE_EQ(got.auc, AucOf(scores, labels));
}

// Sample variance of x - y.
double VarianceOfDifference(const std::vector<double>& x,
                            const std::vector<double>& y) {
  std::vector<double> d;
  for (size_t i = 0; i < x.size(); ++i) d.push_back(x[i] - y[i]);
  return VarianceOf(d);
}

TEST(CompareAucsTest, EqualsThePairedDefinition) {
  // Model b is model a plus noise, both on a coarse grid (ties).
  V a, b, labels;
  uint32_t state = 99;
  auto next = [&state] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (int i = 0; i < 400; ++i) {
    const bool positive = next() % 100 < 35;
    const int grid = static_cast<int>(next() % 8) + (positive ? 3 : 0);
    a.push_back(0.1f * grid);
    b.push_back(0.1f * (grid + static_cast<int>(next() % 7) - 3));
    labels.push_back(positive ? 1.0f : 0.0f);
  }
  const auto [a_pos, a_neg] = ComponentsByPairs(a, labels);
  const auto [b_pos, b_neg] = ComponentsByPairs(b, labels);
  const double want_se =
      std::sqrt(VarianceOfDifference(a_pos, b_pos) / a_pos.size() +
                VarianceOfDifference(a_neg, b_neg) / a_neg.size());
  absl::StatusOr<AucDifference> d = CompareAucs(a, b, labels);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_NEAR(d->difference, AucOf(a, labels) - AucOf(b, labels), 1e-12);
  EXPECT_GT(d->difference, 0.02);  // the noise costs b
  EXPECT_NEAR(d->standard_error, want_se, 1e-12);
  // Pairing matters: the unpaired errors would add up to more.
  const double unpaired = std::hypot(EstimateOf(a, labels).standard_error,
                                     EstimateOf(b, labels).standard_error);
  EXPECT_LT(d->standard_error, 0.8 * unpaired);
  EXPECT_NEAR(d->Low95(), d->difference - 1.959963984540054 * want_se, 1e-9);
}

TEST(CompareAucsTest, AModelAgainstItselfAndBadInput) {
  const V s = {0.9f, 0.5f, 0.4f, 0.1f}, labels = {1, 0, 1, 0};
  absl::StatusOr<AucDifference> d = CompareAucs(s, s, labels);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->difference, 0.0);
  EXPECT_EQ(d->standard_error, 0.0);
  EXPECT_EQ(CompareAucs(s, V{0.1f}, labels).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CompareAucs(s, s, V{1, 1, 1, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_DOUBLE_EQ((AucDifference{0.99, 0.1}.High95()), 1.0);
  EXPECT_DOUBLE_EQ((AucDifference{-0.99, 0.1}.Low95()), -1.0);
}

// Scores of two models on a coarse grid (ties), model b noisier.
struct TwoModels {
  V a, b, labels;
};

TwoModels GridScores(uint32_t state, int n) {
  auto next = [&state] {
    return (state = state * 1664525u + 1013904223u) >> 8;
  };
  TwoModels m;
  for (int i = 0; i < n; ++i) {
    const bool positive = next() % 100 < 40;
    const int grid = static_cast<int>(next() % 8) + (positive ? 2 : 0);
    m.a.push_back(0.1f * grid);
    m.b.push_back(0.1f * (grid + static_cast<int>(next() % 7) - 3));
    m.labels.push_back(positive ? 1.0f : 0.0f);
  }
  return m;
}

// The rows k times each, copies next to each other, and each copy's
// cluster: the original row's index.
std::vector<size_t> Copied(TwoModels& m, size_t k) {
  TwoModels copies;
  std::vector<size_t> clusters;
  for (size_t i = 0; i < m.labels.size(); ++i) {
    for (size_t c = 0; c < k; ++c) {
      copies.a.push_back(m.a[i]);
      copies.b.push_back(m.b[i]);
      copies.labels.push_back(m.labels[i]);
      clusters.push_back(i);
    }
  }
  m = std::move(copies);
  return clusters;
}

TEST(EstimateAucTest, ClustersOfCopiesGiveTheOriginalRowsError) {
  TwoModels m = GridScores(777, 300);
  const AucEstimate original = EstimateOf(m.a, m.labels);
  absl::StatusOr<AucDifference> original_d = CompareAucs(m.a, m.b, m.labels);
  ASSERT_TRUE(original_d.ok());
  const std::vector<size_t> clusters = Copied(m, 5);
  absl::StatusOr<AucEstimate> clustered = EstimateAuc(m.a, m.labels, clusters);
  ASSERT_TRUE(clustered.ok()) << clustered.status();
  EXPECT_NEAR(clustered->auc, original.auc, 1e-12);
  EXPECT_NEAR(clustered->standard_error, original.standard_error, 1e-12);
  // Taken as 1,500 independent rows, the copies look √5 times surer.
  const AucEstimate naive = EstimateOf(m.a, m.labels);
  EXPECT_NEAR(naive.standard_error * std::sqrt(5.0), original.standard_error,
              0.05 * original.standard_error);
  absl::StatusOr<AucDifference> d = CompareAucs(m.a, m.b, m.labels, clusters);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_NEAR(d->difference, original_d->difference, 1e-12);
  EXPECT_NEAR(d->standard_error, original_d->standard_error, 1e-12);
  EXPECT_GT(d->standard_error, 0.01);
}

TEST(EstimateAucTest, ClustersOfOneRowAreDeLongs) {
  const TwoModels m = GridScores(4242, 200);
  std::vector<size_t> own(m.labels.size());
  for (size_t i = 0; i < own.size(); ++i) own[i] = 1000 - i;
  absl::StatusOr<AucEstimate> clustered = EstimateAuc(m.a, m.labels, own);
  ASSERT_TRUE(clustered.ok());
  EXPECT_NEAR(clustered->standard_error,
              DeLongByPairs(m.a, m.labels).standard_error, 1e-12);
}

TEST(EstimateAucTest, ClusteredErrorOfASmallExample) {
  // Components as in StandardErrorOfASmallExample: positives 0.9 -> 1,
  // 0.4 -> 0.5; negatives 0.5 -> 0.5, 0.1 -> 1; AUC 0.75. Clusters
  // {0.9, 0.1} and {0.4, 0.5}: their deviations (component sum - rows *
  // AUC) are +0.25 for both classes in the first and -0.25 in the second,
  // so S_1 = S_0 = S_10 = 1/8 and
  // se^2 = 1/8 * 2 / 4 + 1/8 * 2 / 4 + 2 * 1/8 * 2 / 4 = 1/4.
  const V scores = {0.9f, 0.1f, 0.4f, 0.5f}, labels = {1, 0, 1, 0};
  absl::StatusOr<AucEstimate> e =
      EstimateAuc(scores, labels, std::vector<size_t>{7, 7, 3, 3});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_DOUBLE_EQ(e->auc, 0.75);
  EXPECT_NEAR(e->standard_error, 0.5, 1e-12);
  EXPECT_THAT(std::string(EstimateAuc(scores, labels,
                                      std::vector<size_t>{1, 2})
                              .status()
                              .message()),
              ::testing::HasSubstr("2 cluster ids for 4 rows"));
}

TEST(EstimateAucTest, IntervalIsClippedToZeroOne) {
  const AucEstimate near_one{0.99, 0.01};
  EXPECT_NEAR(near_one.Low95(), 0.99 - 0.0195996398454, 1e-12);
  EXPECT_DOUBLE_EQ(near_one.High95(), 1.0);
  const AucEstimate near_zero{0.01, 0.01};
  EXPECT_DOUBLE_EQ(near_zero.Low95(), 0.0);
  EXPECT_EQ(EstimateAuc(V{0.1f, 0.2f}, V{0, 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LogLossTest, MeanNegativeLogLikelihood) {
  absl::StatusOr<double> loss = LogLoss(V{0.75f, 0.25f, 0.5f}, V{1, 1, 0});
  ASSERT_TRUE(loss.ok()) << loss.status();
  EXPECT_NEAR(*loss, -(std::log(0.75) + std::log(0.25) + std::log(0.5)) / 3,
              1e-12);
}

TEST(LogLossTest, ClipsCertainMistakes) {
  absl::StatusOr<double> loss = LogLoss(V{0.0f, 1.0f}, V{1, 1});
  ASSERT_TRUE(loss.ok()) << loss.status();
  EXPECT_NEAR(*loss, -std::log(1e-15) / 2, 1e-9);
}

TEST(LogLossTest, RejectsBadInput) {
  EXPECT_EQ(LogLoss(V{}, V{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LogLoss(V{1.5f}, V{1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LogLoss(V{0.5f}, V{0.5f}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CalibrationTest, WeightsBinGapsBySize) {
  // Bin [0.2, 0.3): mean p 0.25, mean y 0.5; bin [0.7, 0.8): 0.75 vs 1.
  // Each holds half the rows: 0.5 * 0.25 + 0.5 * 0.25.
  absl::StatusOr<double> ece =
      ExpectedCalibrationError(V{0.25f, 0.25f, 0.75f, 0.75f}, V{0, 1, 1, 1});
  ASSERT_TRUE(ece.ok()) << ece.status();
  EXPECT_DOUBLE_EQ(*ece, 0.25);
}

TEST(CalibrationTest, OneIsInTheLastBin) {
  // 1.0 and 0.9375 share the bin [0.9, 1]: mean p 0.96875, mean y 0.5.
  absl::StatusOr<double> ece =
      ExpectedCalibrationError(V{1.0f, 0.9375f}, V{0, 1});
  ASSERT_TRUE(ece.ok()) << ece.status();
  EXPECT_DOUBLE_EQ(*ece, 0.46875);
}

TEST(CalibrationTest, CalibratedIsZeroAndBinsMatter) {
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError(V{0.5f, 0.5f}, V{0, 1}), 0.0);
  // One bin: mean p 0.5 vs mean y 1. Ten bins: (0.75 + 0.25) / 2.
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError(V{0.25f, 0.75f}, V{1, 1}, 1), 0.5);
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError(V{0.25f, 0.75f}, V{1, 1}), 0.5);
  EXPECT_EQ(ExpectedCalibrationError(V{0.5f}, V{1}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EvaluateBinaryTest, AllMetricsAndCounts) {
  absl::StatusOr<BinaryMetrics> m =
      EvaluateBinary(V{0.25f, 0.25f, 0.75f, 0.75f}, V{0, 1, 1, 1});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->rows, 4u);
  EXPECT_DOUBLE_EQ(m->positive_rate, 0.75);
  // Positive 0.25 ties the negative (0.5); the 0.75s beat it: 2.5 / 3.
  EXPECT_DOUBLE_EQ(m->auc, 2.5 / 3.0);
  // Positive components 0.5, 1, 1 (sample variance 1/12, over 3 rows); the
  // single negative adds nothing: se = sqrt(1/36).
  EXPECT_NEAR(m->auc_standard_error, 1.0 / 6.0, 1e-12);
  EXPECT_DOUBLE_EQ(m->expected_calibration_error, 0.25);
  EXPECT_NEAR(m->log_loss,
              -(std::log(0.75) + std::log(0.25) + 2 * std::log(0.75)) / 4,
              1e-12);
}

TEST(CalibrationTableTest, BucketsMeansAndRatesLikeEce) {
  // Buckets of 0.5: [0, 0.5) holds 0.25 (y 0) and 0.125 (y 1); [0.5, 1]
  // holds 0.75 (y 1) and 1.0 (y 1, the last bucket is closed).
  absl::StatusOr<std::vector<CalibrationBucket>> table =
      CalibrationTable(V{0.25f, 0.125f, 0.75f, 1.0f}, V{0, 1, 1, 1}, 2);
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->size(), 2u);
  EXPECT_DOUBLE_EQ((*table)[0].low, 0.0);
  EXPECT_DOUBLE_EQ((*table)[0].high, 0.5);
  EXPECT_EQ((*table)[0].rows, 2u);
  EXPECT_DOUBLE_EQ((*table)[0].mean_probability, 0.1875);
  EXPECT_DOUBLE_EQ((*table)[0].positive_rate, 0.5);
  EXPECT_EQ((*table)[1].rows, 2u);
  EXPECT_DOUBLE_EQ((*table)[1].mean_probability, 0.875);
  EXPECT_DOUBLE_EQ((*table)[1].positive_rate, 1.0);
}

TEST(CalibrationTableTest, ListsEmptyBucketsAndRejectsBadInput) {
  absl::StatusOr<std::vector<CalibrationBucket>> table =
      CalibrationTable(V{0.05f}, V{1});
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->size(), 10u);
  EXPECT_EQ((*table)[0].rows, 1u);
  EXPECT_EQ((*table)[9].rows, 0u);
  EXPECT_DOUBLE_EQ((*table)[9].low, 0.9);
  EXPECT_DOUBLE_EQ((*table)[9].positive_rate, 0.0);
  EXPECT_EQ(CalibrationTable(V{0.5f}, V{1}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CalibrationTable(V{1.5f}, V{1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reachrank::ranking
