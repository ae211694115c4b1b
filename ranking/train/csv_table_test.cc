#include "ranking/train/csv_table.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/train/csv_training.h"

namespace reachrank::ranking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvTableTest, TrimsNamesAndReadsMissingCells) {
  absl::StatusOr<CsvTable> t =
      ParseCsvTable(" a, b ,\"c\"\r\n1,,3\r\n\r\n-2.5, 4e2 ,\"7\"\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->columns, ElementsAre("a", "b", "c"));
  ASSERT_EQ(t->num_rows(), 2u);
  EXPECT_THAT(t->lines, ElementsAre(2, 4));
  EXPECT_EQ(t->at(0, 0), 1.0);
  EXPECT_TRUE(std::isnan(t->at(0, 1)));
  EXPECT_EQ(t->at(1, 0), -2.5);
  EXPECT_EQ(t->at(1, 1), 400.0);
  EXPECT_EQ(t->at(1, 2), 7.0);
  EXPECT_EQ(t->Find("b"), 1u);
  EXPECT_EQ(t->Find(" b"), std::nullopt);
}

TEST(CsvTableTest, AByteOrderMarkIsNotPartOfTheFirstName) {
  auto table = ParseCsvTable("\xEF\xBB\xBFtime,x\n1,2\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->columns, (std::vector<std::string>{"time", "x"}));
  EXPECT_EQ(table->Find("time"), 0u);
}

TEST(CsvTableTest, BadCellNamesLineAndColumn) {
  absl::StatusOr<CsvTable> t = ParseCsvTable("a, b\n1,2\n3, x7\n", "t.csv");
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(),
            "t.csv:3: column 'b' (2): 'x7' is not a number");
  EXPECT_THAT(ParseCsvTable("a\ninf\n", "t.csv").status().message(),
              HasSubstr("t.csv:2: column 'a' (1): 'inf' is not a number"));
}

TEST(CsvTableTest, HeaderCheckRunsBeforeAnyRow) {
  std::vector<std::string> seen;
  const auto refuse = [&seen](const std::vector<std::string>& columns) {
    seen = columns;
    return absl::InvalidArgumentError("label column 'c' is not in the table");
  };
  absl::StatusOr<CsvTable> t = ParseCsvTable("a,b\n1,x\n", "t.csv", refuse);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(),
            "t.csv: label column 'c' is not in the table");
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  const auto accept = [](const std::vector<std::string>&) {
    return absl::OkStatus();
  };
  t = ParseCsvTable("a,b\n1,2\n", "t.csv", accept);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 1u);
}

TEST(CsvTableTest, RejectsBadShape) {
  EXPECT_THAT(ParseCsvTable("a,b\n1,2,3\n", "t.csv").status().message(),
              HasSubstr("t.csv:2: 3 cells; the header has 2 columns"));
  EXPECT_THAT(ParseCsvTable("a, a\n", "t.csv").status().message(),
              HasSubstr("column 'a' appears twice"));
  EXPECT_THAT(ParseCsvTable("a,,b\n", "t.csv").status().message(),
              HasSubstr("column 2 has no name"));
  EXPECT_THAT(ParseCsvTable("\n\n", "t.csv").status().message(),
              HasSubstr("no header row"));
  // Names go into metadata.json: a Latin-1 export is refused, not a crash.
  EXPECT_THAT(ParseCsvTable("z,x\xe9y\n1,2\n", "t.csv").status().message(),
              HasSubstr("t.csv:1: header: column 2's name is not valid UTF-8"));
}

TEST(CsvTableTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadCsvTable("/nonexistent/table.csv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CsvTrainingTest, LabelIsThresholdedAndNotAFeature) {
  const CsvTable t =
      *ParseCsvTable("x, shares, y, id\n1,1400,,9\n2,1399,5,8\n", "t.csv");
  absl::StatusOr<TrainingSet> set =
      TrainingSetFromCsv(t, {"shares", 1400.0, {"id"}, "", {}});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->feature_names, ElementsAre("x", "y"));
  EXPECT_THAT(set->labels, ElementsAre(1.0f, 0.0f));
  ASSERT_EQ(set->rows.size(), 4u);
  EXPECT_EQ(set->rows[0], 1.0f);
  EXPECT_TRUE(std::isnan(set->rows[1]));
  EXPECT_EQ(set->rows[3], 5.0f);
  EXPECT_TRUE(set->times.empty());
}

TEST(CsvTrainingTest, TimeColumnIsUnixSeconds) {
  const CsvTable t = *ParseCsvTable("t,x,y\n100,1,0\n50.5,2,1\n", "t.csv");
  absl::StatusOr<TrainingSet> set = TrainingSetFromCsv(t, {"y", 1, {}, "t", {}});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->feature_names, ElementsAre("x"));
  EXPECT_THAT(set->times, ElementsAre(absl::FromUnixSeconds(100),
                                      absl::FromUnixMillis(50500)));
}

TEST(CsvTrainingTest, NamesMissingColumnsAndCells) {
  const CsvTable t = *ParseCsvTable("x,y\n1,\n", "t.csv");
  EXPECT_THAT(TrainingSetFromCsv(t, {"z", 1, {}, "", {}}).status().message(),
              HasSubstr("label column 'z' is not in the table"));
  EXPECT_THAT(TrainingSetFromCsv(t, {"y", 1, {"q"}, "", {}}).status().message(),
              HasSubstr("dropped column 'q' is not in the table"));
  EXPECT_THAT(TrainingSetFromCsv(t, {"y", 1, {"x"}, "", {}}).status().message(),
              HasSubstr("no feature columns"));
  EXPECT_THAT(TrainingSetFromCsv(t, {"y", 1, {}, "", {}}).status().message(),
              HasSubstr("line 2: the y cell is empty"));
}

TEST(CsvTrainingTest, DerivedRatiosAndProductsFollowTheColumns) {
  const CsvTable t =
      *ParseCsvTable("a,b,y\n6,3,1\n5,0,0\n,2,1\n", "t.csv");
  CsvTrainingSpec spec{"y", 1, {}, "", {}};
  spec.derive = {"a/b", "a*b"};
  absl::StatusOr<TrainingSet> set = TrainingSetFromCsv(t, spec);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->feature_names, ElementsAre("a", "b", "a/b", "a*b"));
  ASSERT_EQ(set->rows.size(), 12u);
  EXPECT_EQ(set->rows[2], 2.0f);
  EXPECT_EQ(set->rows[3], 18.0f);
  EXPECT_TRUE(std::isnan(set->rows[6]));   // 5/0: missing
  EXPECT_EQ(set->rows[7], 0.0f);
  EXPECT_TRUE(std::isnan(set->rows[10]));  // a missing
  EXPECT_TRUE(std::isnan(set->rows[11]));
}

// Models compare features in float: a cell beyond its range is refused by
// name, and a derived value beyond it is missing.
TEST(CsvTrainingTest, ValuesBeyondFloatRange) {
  const CsvTable big = *ParseCsvTable("a,y\n1,1\n-1e39,0\n", "t.csv");
  EXPECT_EQ(TrainingSetFromCsv(big, {"y", 1, {}, "", {}}).status(),
            absl::InvalidArgumentError(
                "line 3: column 'a': -1e+39 is beyond the range of a float "
                "feature (3.4e38)"));
  const CsvTable t = *ParseCsvTable("a,b,y\n1e30,1e10,1\n", "t.csv");
  CsvTrainingSpec spec{"y", 1, {}, "", {}};
  spec.derive = {"a*b", "a/b"};
  absl::StatusOr<TrainingSet> set = TrainingSetFromCsv(t, spec);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->rows.size(), 4u);
  EXPECT_TRUE(std::isnan(set->rows[2]));  // 1e40: missing
  EXPECT_EQ(set->rows[3], 1e20f);
}

TEST(CsvTrainingTest, SoftLabelsAreTargetsOnALogScaleAroundTheThreshold) {
  const CsvTable t = *ParseCsvTable("a,y\n1,100\n2,400\n3,25\n4,0\n", "t.csv");
  CsvTrainingSpec spec{"y", 100, {}, "", {}};
  absl::StatusOr<TrainingSet> hard = TrainingSetFromCsv(t, spec);
  ASSERT_TRUE(hard.ok()) << hard.status();
  EXPECT_TRUE(hard->targets.empty());
  spec.soft_label_scale = std::log(4.0);  // 4x the threshold: 1 / (1 + e^-1)
  absl::StatusOr<TrainingSet> soft = TrainingSetFromCsv(t, spec);
  ASSERT_TRUE(soft.ok()) << soft.status();
  EXPECT_THAT(soft->labels, ElementsAre(1.0f, 1.0f, 0.0f, 0.0f));
  ASSERT_EQ(soft->targets.size(), 4u);
  const double e = 1.0 / (1.0 + std::exp(-1.0));
  EXPECT_NEAR(soft->targets[0], 0.5, 1e-6);  // at the threshold
  EXPECT_NEAR(soft->targets[1], e, 1e-6);
  EXPECT_NEAR(soft->targets[2], 1.0 - e, 1e-6);
  EXPECT_EQ(soft->targets[3], 0.0f);  // an outcome of 0

  spec.threshold = 0;
  EXPECT_THAT(TrainingSetFromCsv(t, spec).status().message(),
              HasSubstr("threshold above 0"));
  spec.threshold = 100;
  spec.soft_label_scale = -1;
  EXPECT_EQ(TrainingSetFromCsv(t, spec).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CsvTrainingTest, BadDerivedFeaturesAreNamed) {
  const CsvTable t = *ParseCsvTable("a,b,y\n6,3,1\n", "t.csv");
  for (const char* expr : {"a", "a/", "/b", "a/b/a", "a+b"}) {
    CsvTrainingSpec spec{"y", 1, {}, "", {}};
    spec.derive = {expr};
    EXPECT_THAT(TrainingSetFromCsv(t, spec).status().message(),
                HasSubstr("expected COLUMN/COLUMN or COLUMN*COLUMN"))
        << expr;
  }
  CsvTrainingSpec spec{"y", 1, {}, "", {}};
  spec.derive = {"a/c"};
  EXPECT_THAT(TrainingSetFromCsv(t, spec).status().message(),
              HasSubstr("'c' is not in the table"));
  spec.derive = {"a*y"};
  EXPECT_THAT(TrainingSetFromCsv(t, spec).status().message(),
              HasSubstr("'y' is the label or time column"));
}

}  // namespace
}  // namespace reachrank::ranking
