// `reachrank topics eval` through the real binary on the default model and
// SIB-200's Chinese test split: the accuracy line with its interval, and
// --baseline, which compares two models on the same texts.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cli/cli_testing.h"

namespace reachrank::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Lines;
using testing::RunShell;
using testing::ShellQuote;

testing::CommandResult Eval(const std::string& flags) {
  return RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics eval --model ",
      ShellQuote(REACHRANK_TOPICS_MODEL), " --data ",
      ShellQuote(absl::StrCat(REACHRANK_SIB200_DIR, "/zho_Hans/test.tsv")),
      " ", flags));
}

TEST(TopicsEvalTest, PrintsAccuracyWithItsInterval) {
  const testing::CommandResult r = Eval("");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // "accuracy zh     73.53 %  (150/204)  95% CI 67.08-79.11 %"
  bool found = false;
  for (const std::string& line : Lines(r.output)) {
    if (line.rfind("accuracy zh ", 0) != 0) continue;
    const std::vector<std::string> cells =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    ASSERT_EQ(cells.size(), 9u) << line;
    double accuracy = 0, low = 0, high = 0;
    ASSERT_TRUE(absl::SimpleAtod(cells[2], &accuracy)) << line;
    EXPECT_TRUE(absl::EndsWith(cells[4], "/204)")) << line;
    EXPECT_EQ(cells[5], "95%");
    const std::vector<std::string> bounds = absl::StrSplit(cells[7], '-');
    ASSERT_EQ(bounds.size(), 2u) << line;
    ASSERT_TRUE(absl::SimpleAtod(bounds[0], &low) &&
                absl::SimpleAtod(bounds[1], &high))
        << line;
    EXPECT_LT(low, accuracy);
    EXPECT_GT(high, accuracy);
    EXPECT_NEAR(high - low, 12.0, 1.0);  // ±6 points on 204 texts
    found = true;
  }
  EXPECT_TRUE(found) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("minus b")));
}

TEST(TopicsEvalTest, AModelAgainstItselfDiffersNowhere) {
  const testing::CommandResult r =
      Eval(absl::StrCat("--baseline ", ShellQuote(REACHRANK_TOPICS_MODEL)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the same texts, paired:"));
  EXPECT_THAT(r.output, HasSubstr("zh     +0.00 points  95% CI +0.00 to "
                                  "+0.00  (only a right: 0, only b right: "
                                  "0, of 204)"));
  const testing::CommandResult missing = Eval("--baseline /nonexistent");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("/nonexistent"));
}

}  // namespace
}  // namespace reachrank::cli
