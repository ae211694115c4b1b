#include "ranking/train/csv_export.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/train/csv_table.h"
#include "ranking/train/csv_training.h"

namespace reachrank::ranking {
namespace {

using ::testing::ElementsAre;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(CsvExportTest, WritesTimeLabelAndFeatures) {
  TrainingSet set;
  set.feature_names = {"a", "b"};
  set.AddRow({0.1f, kNaN}, 1, absl::FromUnixSeconds(1767225600));
  set.AddRow({-3.0f, 1e-7f}, 0, absl::FromUnixSeconds(1767225700));
  EXPECT_EQ(TrainingSetCsv(set),
            "time,label,a,b\n"
            "1767225600,1,0.100000001,\n"
            "1767225700,0,-3,1.00000001e-07\n");
}

TEST(CsvExportTest, ReadsBackExactly) {
  TrainingSet set;
  set.feature_names = {"x", "y"};
  set.AddRow({1.0f / 3.0f, kNaN}, 0, absl::FromUnixSeconds(10));
  set.AddRow({123456.789f, -0.0001f}, 1, absl::FromUnixSeconds(20));
  const std::string path = ::testing::TempDir() + "/csv_export_test.csv";
  ASSERT_TRUE(WriteTrainingSetCsv(set, path).ok());
  absl::StatusOr<CsvTable> table = ReadCsvTable(path);
  ASSERT_TRUE(table.ok()) << table.status();
  absl::StatusOr<TrainingSet> back =
      TrainingSetFromCsv(*table, {"label", 1, {}, "time", {}});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->feature_names, set.feature_names);
  EXPECT_EQ(back->labels, set.labels);
  EXPECT_EQ(back->times, set.times);
  ASSERT_EQ(back->rows.size(), 4u);
  EXPECT_EQ(back->rows[0], set.rows[0]);
  EXPECT_TRUE(std::isnan(back->rows[1]));
  EXPECT_EQ(back->rows[2], set.rows[2]);
  EXPECT_EQ(back->rows[3], set.rows[3]);
}

TEST(CsvExportTest, WithoutTimesThereIsNoTimeColumn) {
  TrainingSet set;
  set.feature_names = {"x"};
  set.AddRow({2.0f}, 1);
  EXPECT_EQ(TrainingSetCsv(set), "label,x\n1,2\n");
}

TEST(CsvExportTest, RefusesReservedNames) {
  TrainingSet set;
  set.feature_names = {"label"};
  set.AddRow({2.0f}, 1);
  EXPECT_EQ(
      WriteTrainingSetCsv(set, ::testing::TempDir() + "/reserved.csv").code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reachrank::ranking
