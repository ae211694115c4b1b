#include "ranking/train/time_split.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::ranking {
namespace {

using ::testing::ElementsAre;

// One feature equal to the row index; label alternates.
TrainingSet Rows(const std::vector<int64_t>& seconds) {
  TrainingSet set;
  set.feature_names = {"x"};
  for (size_t i = 0; i < seconds.size(); ++i) {
    set.AddRow({static_cast<float>(i)}, static_cast<float>(i % 2),
               absl::FromUnixSeconds(seconds[i]));
  }
  return set;
}

TEST(SplitByTimeTest, LatestRowsAreHeldOut) {
  const TrainingSet set = Rows({50, 10, 40, 20, 30});
  absl::StatusOr<TimeSplit> split = SplitByTime(set, 0.4);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_THAT(split->earlier, ElementsAre(1, 3, 4));
  EXPECT_THAT(split->later, ElementsAre(2, 0));
}

TEST(SplitByTimeTest, TiesKeepRowOrderAndStayTogether) {
  const TrainingSet set = Rows({5, 5, 5, 1, 3});
  absl::StatusOr<TimeSplit> split = SplitByTime(set, 0.4);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_THAT(split->earlier, ElementsAre(3, 4));
  EXPECT_THAT(split->later, ElementsAre(0, 1, 2));  // 2 rows asked, 3 tied
  // When the tie reaches the earliest row, nothing is left to fit.
  EXPECT_EQ(SplitByTime(Rows({5, 5, 5}), 0.4).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SplitByTimeTest, WithoutTimesRowOrderIsTime) {
  TrainingSet set;
  set.feature_names = {"x"};
  for (int i = 0; i < 10; ++i) set.AddRow({1.0f * i}, i % 2);
  absl::StatusOr<TimeSplit> split = SplitByTime(set, 0.2);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->earlier.size(), 8u);
  EXPECT_THAT(split->later, ElementsAre(8, 9));
}

TEST(SplitByTimeTest, RejectsFractionsThatEmptyAPart) {
  const TrainingSet set = Rows({1, 2, 3});
  EXPECT_EQ(SplitByTime(set, 0.0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitByTime(set, 1.0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitByTime(set, 0.1).status().code(),  // rounds to 0 rows
            absl::StatusCode::kInvalidArgument);
}

TEST(HoldoutStartTest, TheTimeOfTheFirstHeldOutRow) {
  absl::StatusOr<absl::Time> start = HoldoutStart(Rows({50, 10, 40, 20, 30}), 0.4);
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_EQ(*start, absl::FromUnixSeconds(40));
  TrainingSet no_times;
  no_times.feature_names = {"x"};
  for (int i = 0; i < 4; ++i) no_times.AddRow({1.0f * i}, i % 2);
  EXPECT_EQ(HoldoutStart(no_times, 0.5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Rows of one moment stay on one side, whatever their number.
TEST(SplitAtTimeTest, EveryRowFromTheStartIsHeldOut) {
  const TrainingSet set = Rows({5, 5, 5, 1, 7});
  absl::StatusOr<TimeSplit> split = SplitAtTime(set, absl::FromUnixSeconds(5));
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_THAT(split->earlier, ElementsAre(3));
  EXPECT_THAT(split->later, ElementsAre(0, 1, 2, 4));
  EXPECT_EQ(SplitAtTime(set, absl::FromUnixSeconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);  // nothing earlier
  EXPECT_EQ(SplitAtTime(set, absl::FromUnixSeconds(8)).status().code(),
            absl::StatusCode::kInvalidArgument);  // nothing later
}

TEST(SubsetRowsTest, CopiesRowsLabelsTimesAndTargets) {
  TrainingSet set = Rows({7, 8, 9});
  set.targets = {0.25f, 0.5f, 0.75f};
  const TrainingSet sub = SubsetRows(set, {2, 0});
  EXPECT_THAT(sub.targets, ElementsAre(0.75f, 0.25f));
  EXPECT_THAT(sub.feature_names, ElementsAre("x"));
  EXPECT_THAT(sub.rows, ElementsAre(2.0f, 0.0f));
  EXPECT_THAT(sub.labels, ElementsAre(0.0f, 0.0f));
  EXPECT_THAT(sub.times,
              ElementsAre(absl::FromUnixSeconds(9), absl::FromUnixSeconds(7)));
}

TEST(ValidateTrainingSetTest, NamesTheProblem) {
  TrainingSet set = Rows({1, 2});
  EXPECT_TRUE(ValidateTrainingSet(set).ok());
  set.labels[1] = 0.5f;
  EXPECT_THAT(ValidateTrainingSet(set).message(),
              ::testing::HasSubstr("row 1 has label 0.5"));
  set = Rows({1, 2});
  set.rows.pop_back();
  EXPECT_EQ(ValidateTrainingSet(set).code(),
            absl::StatusCode::kInvalidArgument);
  set = Rows({1, 2});
  set.times.pop_back();
  EXPECT_EQ(ValidateTrainingSet(set).code(),
            absl::StatusCode::kInvalidArgument);
  set = Rows({1, 2});
  set.targets = {0.5f};
  EXPECT_THAT(ValidateTrainingSet(set).message(),
              ::testing::HasSubstr("1 targets for 2 rows"));
  set.targets = {0.5f, 1.5f};
  EXPECT_THAT(ValidateTrainingSet(set).message(),
              ::testing::HasSubstr("row 1 has target 1.5"));
  set.targets = {0.0f, 1.0f};
  EXPECT_TRUE(ValidateTrainingSet(set).ok());
  set = Rows({1, 2});
  set.feature_names.push_back("x");
  set.rows = {0, 0, 0, 0};
  EXPECT_THAT(ValidateTrainingSet(set).message(),
              ::testing::HasSubstr("'x' is listed twice"));
}

}  // namespace
}  // namespace reachrank::ranking
