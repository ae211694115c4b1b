#include "ranking/train/metrics.h"

#include <cmath>
#include <limits>
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
